// Import identity mappings from a CSV or JSON-lines file (idadmin, admin):
// the file is read and checked in the browser (lib/import-parse.js); with
// no error there, each record is sent on its own and the outcome is
// reported against its line.
// SPDX-License-Identifier: GPL-2.0-or-later
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, seg } from '../api.js';
import { href } from '../lib/route.js';
import { parseImport } from '../lib/import-parse.js';
import { retrying } from '../lib/retry.js';
import { Field, Notice, PageTitle, Scroll } from '../components/common.js';

// create, or with replace: create, else replace the existing mapping
async function send(record, replace) {
  const { ns, key, ...fields } = record;
  if (replace) {
    try {
      await api.put(`/api/v1/identities/${seg(ns)}/${seg(key)}`, fields);
      return 'replaced';
    } catch (e) {
      if (e.status !== 404) throw e;
    }
  }
  await api.post('/api/v1/identities', record);
  return 'created';
}

function Errors({ errors }) {
  return html`<section aria-labelledby="imp-err-h" class="msg msg-error">
    <h2 id="imp-err-h">${errors.length} error(s) in the file: nothing was sent</h2>
    <ol class="line-errors">${errors.map((e) => html`<li data-line=${e.line}><strong>line ${e.line}:</strong> ${e.message}</li>`)}</ol>
  </section>`;
}

function Results({ results, total }) {
  const failed = results.filter((r) => r.error).length;
  const done = results.length;
  return html`<section aria-labelledby="imp-res-h">
    <h2 id="imp-res-h">Results</h2>
    <p role="status" class="summary" data-done=${done === total ? 'yes' : 'no'}>${done} of ${total} record(s) sent${failed ? `, ${failed} refused` : ''}.</p>
    <${Scroll} label="Outcome per line"><table>
      <caption class="sr-only">Outcome per line</caption>
      <thead><tr><th scope="col">Line</th><th scope="col">Mapping</th><th scope="col">Outcome</th></tr></thead>
      <tbody>${results.map((r) => html`<tr data-line=${r.line} class=${r.error ? 'row-bad' : ''}>
        <th scope="row">${r.line}</th><td>${r.ns}/${r.key}</td>
        <td>${r.error ? html`<span class="text-bad">HTTP ${r.error.status}: ${r.error.message}</span>` : r.outcome}</td></tr>`)}</tbody>
    </table></${Scroll}>
  </section>`;
}

export function IdentityImport() {
  const [textIn, setText] = useState('');
  const [fileName, setFileName] = useState('');
  const [format, setFormat] = useState('auto');
  const [defaultNs, setDefaultNs] = useState('');
  const [replace, setReplace] = useState(false);
  const [parsed, setParsed] = useState(null);
  const [results, setResults] = useState(null);
  const [busy, setBusy] = useState(false);

  const readFile = async (e) => {
    const f = e.currentTarget.files[0];
    if (!f) return;
    setFileName(f.name);
    if (/\.jsonl$|\.ndjson$/i.test(f.name)) setFormat('jsonl');
    else if (/\.csv$/i.test(f.name)) setFormat('csv');
    setText(await f.text());
    setParsed(null);
    setResults(null);
  };

  const run = async (e) => {
    e.preventDefault();
    const p = parseImport(textIn, { format, defaultNs: defaultNs.trim() });
    setParsed(p);
    setResults(null);
    if (p.errors.length || !p.records.length) return;
    setBusy(true);
    const out = [];
    for (const { line, record } of p.records) {
      const r = { line, ns: record.ns, key: record.key };
      try {
        // a large file meets the key's rate limit: wait and send again
        r.outcome = await retrying(() => send(record, replace));
      } catch (err) {
        r.error = err;
      }
      out.push(r);
      setResults([...out]);
    }
    setBusy(false);
  };

  return html`
    <p class="back"><a href=${href('identities')}>← All identities</a></p>
    <${PageTitle}>Import identities</${PageTitle}>
    <p>CSV with a header row naming the columns (<code>ns</code>, <code>key</code>, <code>sip_uri</code>, optional <code>display_name</code>, <code>impi</code>, <code>tenant</code>, <code>agent_id</code>, <code>queue</code>, <code>language</code>, <code>priority</code>, <code>did</code>, <code>ha1</code>, <code>enabled</code>, <code>not_after</code>), or JSON lines (one object per line), as <code>iwg-idctl export</code> writes them. Blank lines and lines starting with # are skipped.</p>
    <form class="form" onSubmit=${run}>
      <div class="field">
        <label for="import-file">File</label>
        <input id="import-file" type="file" accept=".csv,.jsonl,.ndjson,.txt,text/csv" onChange=${readFile} aria-describedby="import-file-hint" />
        <p class="hint" id="import-file-hint">${fileName ? `read ${fileName}; ` : ''}or paste the text below</p>
      </div>
      <div class="field">
        <label for="import-text">Records</label>
        <textarea id="import-text" rows="8" spellcheck="false" value=${textIn} onInput=${(e) => { setText(e.currentTarget.value); setParsed(null); setResults(null); }}></textarea>
      </div>
      <div class="row">
        <div class="field">
          <label for="import-format">Format</label>
          <select id="import-format" value=${format} onChange=${(e) => setFormat(e.currentTarget.value)}>
            <option value="auto">detect (JSON lines when it starts with {)</option>
            <option value="csv">CSV</option>
            <option value="jsonl">JSON lines</option>
          </select>
        </div>
        <${Field} id="import-ns" label="Namespace for records without one" value=${defaultNs} onInput=${setDefaultNs} hint="empty: every record names its ns" />
      </div>
      <${Field} id="import-replace" type="checkbox" label="Replace mappings that exist (otherwise they are reported)" value=${replace} onInput=${setReplace} />
      <p class="actions"><button type="submit" disabled=${busy || !textIn.trim()}>${busy ? 'Importing…' : 'Check and import'}</button></p>
    </form>
    ${parsed && parsed.errors.length ? html`<${Errors} errors=${parsed.errors} />` : ''}
    ${parsed && !parsed.errors.length && !parsed.records.length ? html`<${Notice}>The file holds no record.</${Notice}>` : ''}
    ${results && parsed && html`<${Results} results=${results} total=${parsed.records.length} />`}`;
}
