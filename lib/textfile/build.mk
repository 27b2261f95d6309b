# lib/textfile: read a whole configuration file into memory (pure C, no
# dependency), for the rule-file parsers of the modules
LIB_SRCS += lib/textfile/textfile.c

UNITS += textfile
UNIT_textfile = tests/unit/test_textfile.c
