/*
 * idstore_import.h - import and export files of identity mappings: CSV
 * (RFC 4180, a header row naming the columns) and JSON lines (one object
 * per line). Pure C (json-c), no Redis: parse and check a whole file first,
 * then hand the records to ids_import().
 *
 * CSV: the first row names the columns, any order, each a field name of
 * idstore_record.h; key and sip_uri are required, ns unless a default
 * namespace is given. Fields may be quoted ("a ""b"", c"), quoted fields
 * may span lines. Empty lines and lines starting with '#' are skipped.
 * JSON lines: {"ns":"web","key":"alice","sip_uri":"sip:alice@x",...};
 * enabled may be a boolean or 0/1, not_after a number or an RFC 3339
 * string, priority a number or a string, null means empty. Unknown columns
 * or members are errors.
 */
#ifndef IWG_IDSTORE_IMPORT_H
#define IWG_IDSTORE_IMPORT_H

#include <stddef.h>
#include <stdio.h>

#include "idstore/idstore_record.h"

typedef enum ids_format {
	IDS_FMT_AUTO = 0, /* JSON lines when the first non-blank byte is '{' */
	IDS_FMT_CSV,
	IDS_FMT_JSONL,
} ids_format_t;

/* parsed records with their first input line, and the errors found */
typedef struct ids_batch {
	ids_record_t *recs;
	long *lines; /* lines[i]: input line where recs[i] starts */
	size_t n, cap;
	ids_error_t *errs; /* the first maxerrs errors, in input order */
	size_t nerrs;	   /* stored errors (<= maxerrs) */
	size_t errs_total; /* all errors, stored or not */
	size_t maxerrs;
} ids_batch_t;

/* Prepare an empty batch that keeps at most maxerrs errors. 0 or -1 (OOM). */
int ids_batch_init(ids_batch_t *b, size_t maxerrs);

/* Free what the batch holds (not b itself). */
void ids_batch_free(ids_batch_t *b);

/*
 * Parse data[0..len) (need not be NUL-terminated) in format fmt. Records
 * lacking ns get default_ns (NULL: ns is required). Every record is
 * validated, duplicates of (ns,key), of (ns,normalised sip_uri) and of did
 * (in any namespace) in the input are errors naming both lines. Returns 0 when
 * the input is clean, -1 when b->errs_total > 0 (or out of memory: an error
 * with line 0).
 */
int ids_parse_buffer(const char *data, size_t len, ids_format_t fmt,
					 const char *default_ns, ids_batch_t *b);

/*
 * Check recs[0..n) for duplicates of (ns,key), (ns,normalised sip_uri) and
 * did (any namespace; records without one are not compared).
 * lines gives each record's line (NULL: index + 1). Errors are added to
 * errs[*nerrs..maxerrs), counted in *total. Returns the number found, -1
 * when out of memory.
 */
long ids_check_dups(const ids_record_t *recs, const long *lines, size_t n,
					ids_error_t *errs, size_t maxerrs, size_t *nerrs,
					size_t *total);

/* Write the CSV header row (every field, export order). */
void ids_export_csv_header(FILE *f);

/* Write one record as a CSV row, quoting where needed. */
void ids_export_csv(FILE *f, const ids_record_t *r);

/* Write one record as a JSON line. */
void ids_export_jsonl(FILE *f, const ids_record_t *r);

#endif
