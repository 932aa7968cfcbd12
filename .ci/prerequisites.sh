#!/usr/bin/env bash
# The Debian packages of .ci/debian-packages (the one list README.md shows and .ci/run uses).
#   bash .ci/prerequisites.sh list      prints them on one line
#   bash .ci/prerequisites.sh install   installs the missing ones (apt-get, root, no stdin)
# A package counts as present when its command is found (or dpkg knows it installed), so a
# tool installed another way (e.g. Node.js from elsewhere) is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

entries() { sed -e 's/#.*//' -e '/^[[:space:]]*$/d' .ci/debian-packages; }

present() {
  local package=$1 command=$2
  if [ "$command" != - ] && command -v "$command" >/dev/null 2>&1; then return 0; fi
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q '^install ok installed$'
}

case ${1:-} in
  list)
    entries | awk '{print $1}' | paste -sd ' ' -
    ;;
  install)
    missing=()
    while read -r package command; do
      present "$package" "$command" || missing+=("$package")
    done < <(entries)
    if [ ${#missing[@]} -eq 0 ]; then
      echo "all prerequisites present"
      exit 0
    fi
    echo "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    ;;
  *)
    echo "usage: bash .ci/prerequisites.sh list|install" >&2
    exit 2
    ;;
esac
