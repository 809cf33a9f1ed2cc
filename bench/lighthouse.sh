#!/usr/bin/env bash
# Lighthouse (performance, accessibility, best practices, SEO) on the reader pages of a running
# site, phone and desktop, with Debian's Chromium. Prints each page's four scores and any audit
# that cost a point. Usage: bench/lighthouse.sh [--tiny] [base URL] (default
# http://127.0.0.1:8000, as `make run` serves it; --tiny: the article page on a phone only, the
# test suite's smoke run). Needs Node.js; npx fetches Lighthouse once into npm's cache. Exits
# non-zero when Lighthouse fails or cannot score a page.
set -euo pipefail
tiny=""
if [ "${1:-}" = --tiny ]; then tiny=1; shift; fi
base="${1:-http://127.0.0.1:8000}"
export CHROME_PATH="${CHROME_PATH:-$(command -v chromium)}"
story="$(curl -fsS "$base/" | grep -oE 'href="/[0-9]{4}/[0-9]{2}/[0-9]{2}/[^"]+"' | head -1 | cut -d'"' -f2)"
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
paths=(/ "${story:-/}" /section/news/ /support/ /support/remind/ /privacy/)
presets=(mobile desktop)
if [ -n "$tiny" ]; then paths=("${story:-/}"); presets=(mobile); fi
for path in "${paths[@]}"; do
  for preset in "${presets[@]}"; do
    flags=()
    [ "$preset" = desktop ] && flags=(--preset=desktop)
    npx --yes lighthouse@12.8.2 "$base$path" "${flags[@]}" --quiet --output=json --output-path="$out" \
      --chrome-flags="--headless=new --no-sandbox" >/dev/null 2>&1
    python3 - "$path" "$preset" "$out" <<'PY'
import json, sys
path, preset, out = sys.argv[1:]
report = json.load(open(out))
scores = {k: round(v["score"] * 100) for k, v in report["categories"].items()}
print(f"{path} ({preset}): " + ", ".join(f"{k} {v}" for k, v in scores.items()))
for name, category in report["categories"].items():
    for ref in category["auditRefs"]:
        audit = report["audits"][ref["id"]]
        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
            print(f"    {name}: {ref['id']} {audit.get('displayValue', '')}")
PY
  done
done
