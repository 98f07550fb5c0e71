#!/usr/bin/env bash
# The JSON API against its own OpenAPI document, with schemathesis (PyPI,
# in the test peers' .venv): no server error, every status code, header and
# body as documented, malformed input refused.
#
#   scripts/api-contract.sh                 short run (CI): 5 examples per operation
#   API_EXAMPLES=200 scripts/api-contract.sh   the long run
#   CONTRACT_BINARY=target/release/kreiskom scripts/api-contract.sh
#   (not KREISKOM_*: that prefix is kreiskom's own configuration)
#
# Left out: schemathesis' check that every schema-valid body is accepted.
# The schema cannot say that a reference must name an existing record, or
# that a name must not be empty; such bodies get 422 with a German message
# per field, by design (see the note on issue 17 for the list).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${CONTRACT_BINARY:-$PWD/target/debug/kreiskom}"
[ -x .venv/bin/schemathesis ] || { echo "schemathesis is missing: scripts/test.sh installs it into .venv" >&2; exit 1; }
WORK="$(mktemp -d -t kreiskom-api.XXXXXX)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
TOKEN="contract-$RANDOM$RANDOM"
KREISKOM_DATABASE_URL="sqlite://$WORK/api.db?mode=rwc" KREISKOM_API_TOKEN="$TOKEN" KREISKOM_LOG=warn \
  "$BIN" serve --demo --no-worker --listen "127.0.0.1:$PORT" >"$WORK/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
up=""
for _ in $(seq 1 300); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/api/v1/openapi.json" 2>/dev/null && { up=1; break; }
  kill -0 "$SERVER" 2>/dev/null || break
  sleep 0.1
done
[ -n "$up" ] || { echo "kreiskom serve did not start:" >&2; cat "$WORK/serve.log" >&2; exit 1; }
# From the work folder: schemathesis keeps a cache of its own in the
# current directory.
ROOT="$PWD"
cd "$WORK"
"$ROOT/.venv/bin/schemathesis" --no-color run "http://127.0.0.1:$PORT/api/v1/openapi.json" \
  --header "Authorization: Bearer $TOKEN" \
  --checks all --exclude-checks positive_data_acceptance \
  --max-examples "${API_EXAMPLES:-5}" --generation-deterministic \
  --workers 2 --request-timeout 10
