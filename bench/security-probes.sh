#!/usr/bin/env bash
# The outside review's probes against a real `attest serve` (issue 15): for each, the
# server's CPU time and peak memory, the answer, and how fast /healthz answers after.
#
#   cargo build --release --bin attest
#   bash bench/security-probes.sh [path/to/attest]
#
# The server runs with its address space capped (ulimit -v, 4 GiB by default:
# PROBE_MEMORY_KB) so a probe that would eat the machine's memory kills only the server.
set -uo pipefail
cd "$(dirname "$0")/.."
attest="${1:-target/release/attest}"
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
export ATTEST_DATABASE_URL="sqlite://$work/probe.db?mode=rwc"
export ATTEST_LOG=error ATTEST_JOB_WORKERS=0 ATTEST_MAIL_DISPATCH_SECONDS=0
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"

"$attest" trust create --name "Probe Trust" --slug probe >/dev/null
token=$("$attest" token issue --trust probe --role trust_admin 2>/dev/null)

start_server() {
  ( ulimit -v "${PROBE_MEMORY_KB:-4194304}"; exec "$attest" serve --bind "127.0.0.1:$port" ) &
  server=$!
  for _ in $(seq 1 100); do curl -sf "$base/healthz" >/dev/null && return; sleep 0.1; done
  echo "the server did not start"; exit 1
}

cpu_ms() { awk '{ print ($14 + $15) * 10 }' "/proc/$server/stat" 2>/dev/null || echo 0; }
peak_mb() { awk '/VmHWM/ { print int($2 / 1024) }' "/proc/$server/status" 2>/dev/null || echo 0; }

probe() { # name, body file, [token]
  local name=$1 body=$2 auth=()
  [ -n "${3:-}" ] && auth=(-H "Authorization: Bearer $3")
  kill -0 "$server" 2>/dev/null || start_server
  local before; before=$(cpu_ms)
  local answer
  answer=$(curl -s -m 10 -o "$work/answer" -w '%{http_code} %{time_total}' "${auth[@]}" \
    -H 'Content-Type: application/json' --data-binary "@$body" "$base/graphql")
  local after; after=$(cpu_ms)
  local code
  if [ "${answer% *}" = "000" ] && kill -0 "$server" 2>/dev/null; then
    # No answer in 10 s: note what it cost so far, and start afresh for the next probe.
    printf '%-38s no answer within 10 s: %6s ms CPU so far, %5s MB peak; server stopped\n' \
      "$name" "$((after - before))" "$(peak_mb)"
    kill -9 "$server"; wait "$server" 2>/dev/null
    return
  fi
  if kill -0 "$server" 2>/dev/null; then
    code=$(python3 -c 'import json,sys
try:
    d=json.load(open(sys.argv[1])); e=d.get("errors") or []
    print(e[0]["extensions"]["code"] if e else "data")
except Exception: print("-")' "$work/answer")
    local health
    health=$(curl -s -m 5 -o /dev/null -w '%{time_total}' "$base/healthz" || echo "none")
    printf '%-38s %-4s %-15s %6s ms wall %5s ms CPU %5s MB   healthz %ss\n' "$name" \
      "${answer% *}" "$code" "$(awk -v t="${answer#* }" 'BEGIN { printf "%.1f", t * 1000 }')" \
      "$((after - before))" "$(peak_mb)" "$health"
  else
    printf '%-38s %-4s server died or gave no answer within 10 s (%s s)\n' "$name" \
      "${answer% *}" "${answer#* }"
    wait "$server" 2>/dev/null
  fi
}

python3 - "$work" <<'EOF'
import json, sys
work = sys.argv[1]
def write(name, query):
    json.dump({"query": query}, open(f"{work}/{name}.json", "w"))
frag = "query { ...F0 }\n" + "".join(
    f"fragment F{i} on Query {{ ...F{i+1} ...F{i+1} }}\n" for i in range(31)) + \
    "fragment F31 on Query { __typename }\n"
write("fragments", frag)
write("aliases", "{ " + " ".join(f"a{i}: __typename" for i in range(1000)) + " }")
write("directives", "{ __typename " + "@include(if: true) " * 10000 + "}")
write("nesting", "{ a " * 100000 + "}" * 100000)
write("string", '{ policy(id: "' + "9" * 1000000 + '") { id } }')
write("summaries", "{ " + " ".join(
    f's{i}: complianceSummary(asOf: "2026-01-01T00:00:00Z") {{ overall {{ total }} }}'
    for i in range(60)) + " }")
EOF

start_server
echo "(server CPU from /proc in 10 ms ticks; peak RSS is the process's high-water mark)"
for caller in anonymous admin; do
  tok=""; [ "$caller" = admin ] && tok=$token
  probe "$caller: fragment bomb (31 levels)" "$work/fragments.json" "$tok"
  probe "$caller: 1,000 aliases" "$work/aliases.json" "$tok"
  probe "$caller: 10,000 directives" "$work/directives.json" "$tok"
  probe "$caller: 100,000-deep nesting" "$work/nesting.json" "$tok"
  probe "$caller: 1 MB string literal" "$work/string.json" "$tok"
done
probe "admin: 60 x complianceSummary(asOf)" "$work/summaries.json" "$token"
