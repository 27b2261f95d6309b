# tools/idctl: iwg-idctl, identity mappings in Redis from the command line
# (on lib/idstore)
BINS += iwg-idctl
BIN_iwg-idctl = tools/idctl/idctl.c tools/idctl/idctl_cmds.c
