#!/usr/bin/env bash
# The whole test suite: Rust unit and integration tests (on a real SQLite file
# and a real PostgreSQL server the tests start themselves), then the browser
# tests in headless Chromium. Installs what is missing; under CI=true a
# missing service fails the run instead of being skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
for tool in wrk nginx curl openssl hugo; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
[ -x /usr/bin/time ] || missing+=(time)
# pdftotext and pdfinfo check the print office's PDFs.
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
# WeasyPrint, which bench/print measures kreiskom against, draws with Pango.
ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || missing+=(libpangoft2-1.0-0)
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing ${missing[*]} with apt-get"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi
command -v chromium >/dev/null 2>&1 || { echo "chromium is required for the browser tests" >&2; exit 1; }
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || { echo "PostgreSQL is required for the store tests" >&2; exit 1; }
command -v pdftotext >/dev/null 2>&1 || { echo "poppler-utils (pdftotext, pdfinfo) are required for the print tests" >&2; exit 1; }

command -v python3 >/dev/null 2>&1 && python3 -c "import venv, ensurepip" 2>/dev/null || {
  echo "==> installing python3-venv with apt-get"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3 python3-venv >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3 python3-venv >/dev/null
  fi
}

echo "==> Python test peers (aiosmtpd, feedparser, icalendar, schemathesis, moto, weasyprint from PyPI)"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -r scripts/test-peers.txt

echo "==> node modules (from package-lock.json)"
npm ci --no-audit --no-fund --loglevel=error

echo "==> Rust tests (SQLite and PostgreSQL)"
# One build in the dev profile serves the tests and the binary the browser
# tests start.
cargo test --workspace --locked

echo "==> API contract (schemathesis against /api/v1/openapi.json, short run)"
CONTRACT_BINARY="$PWD/target/debug/kreiskom" scripts/api-contract.sh

echo "==> benchmarks, short form (they must not rot; figures are not checked)"
# The helper programs were built with the tests; this only makes sure.
cargo build --locked -q --examples -p kreiskom -p kreiskom-testkit
BENCH_BINARY="$PWD/target/debug/kreiskom" bench/pages --short
BENCH_BINARY="$PWD/target/debug/kreiskom" BENCH_EXAMPLES="$PWD/target/debug/examples" bench/mail --short
BENCH_BINARY="$PWD/target/debug/kreiskom" BENCH_EXAMPLES="$PWD/target/debug/examples" bench/export --short
BENCH_BINARY="$PWD/target/debug/kreiskom" bench/print --short
# The search benchmark on 5,000 documents, in the test build (--workspace
# keeps the dependencies' features, so nothing is built twice).
cargo test --workspace --locked -q --bench search
cargo test --workspace --locked -q --bench network
BENCH_BINARY="$PWD/target/debug/kreiskom" BENCH_EXAMPLES="$PWD/target/debug/examples" bench/twinnings --short
BENCH_BINARY="$PWD/target/debug/kreiskom" bench/network-map --short
BENCH_BINARY="$PWD/target/debug/kreiskom" bench/picker --short

echo "==> browser tests (headless Chromium)"
E2E_KREISKOM_BINARY="$PWD/target/debug/kreiskom" node --test e2e/*.test.mjs
