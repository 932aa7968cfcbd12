#!/usr/bin/env bash
# Puts LINE's Messaging API OpenAPI spec where the `openapi` test crate reads it, and prints
# that directory. The spec is not copied into this repository: it is taken from
# ../shared/line-openapi/ beside the checkout when present (as CI lays it out), else fetched
# from LINE's repository at a pinned commit. Either way its SHA-256 must match, so the
# cross-check always runs against the same, known document. Any failure is fatal.
set -euo pipefail
cd "$(dirname "$0")/../.."

# https://github.com/line/line-openapi at this commit ("Remove null from
# `AudienceGroupFailedType` emum (#124)", 2026-07-01).
COMMIT=6e4c2a2a1b7b059ea3920456d4f88d03fd8ef0bb
SHA256=0227978ce1b3133e20da034fc33a9241000619ae4fea2fda7b61983abf79577a
FILE=messaging-api.yml

beside=../shared/line-openapi
if [ -f "$beside/$FILE" ]; then
  dir=$(cd "$beside" && pwd)
else
  dir=$PWD/target/line-openapi
  mkdir -p "$dir"
  if [ ! -f "$dir/$FILE" ]; then
    url="https://raw.githubusercontent.com/line/line-openapi/$COMMIT/$FILE"
    curl --fail --silent --show-error --location --max-time 60 -o "$dir/$FILE.part" "$url" ||
      { echo "cannot fetch LINE's OpenAPI spec from $url" >&2; exit 1; }
    mv "$dir/$FILE.part" "$dir/$FILE"
  fi
fi
if ! echo "$SHA256  $dir/$FILE" | sha256sum --check --status; then
  echo "$dir/$FILE is not LINE's spec at $COMMIT (SHA-256 differs)" >&2
  exit 1
fi
echo "$dir"
