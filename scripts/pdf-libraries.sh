#!/usr/bin/env bash
# WeasyPrint (the PDF project files and committee booklets) draws text with Pango and
# HarfBuzz from the system: install Debian's packages when they are missing. Needs root (or
# say what to install); does nothing when the libraries are already there.
set -euo pipefail

PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)

missing() {
  for library in libpango-1.0.so.0 libpangoft2-1.0.so.0 libharfbuzz-subset.so.0; do
    ldconfig -p 2>/dev/null | grep -q "$library" || return 0
  done
  [ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || return 0
  return 1
}

if ! missing; then
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "PDF export: install ${PACKAGES[*]} (Debian/Ubuntu) or Pango ≥ 1.44 for WeasyPrint." >&2
  exit 0
fi
echo "== installing the PDF libraries (${PACKAGES[*]})"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
