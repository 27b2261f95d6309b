#!/usr/bin/env bash
# Prints the Debian suites apt is configured with on this machine, one
# "URI SUITE COMPONENT" per line (archives whose URI names debian only):
# scripts/kamailio-src.sh makes its deb-src list of them,
# scripts/base-image.sh the base image's sources.
set -euo pipefail
apt-get indextargets --format '$(REPO_URI) $(RELEASE) $(COMPONENT)' \
	"Identifier: Packages" | sort -u | grep -E '://[^ ]*debian'
