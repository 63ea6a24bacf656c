#!/usr/bin/env bash
# Requests per second for an authenticated `{ viewer { trust { name } } }` against
# `GET /healthz`, in the same run: wrk, 64 connections, loopback only, bounded time.
# Usage: bench/graphql-load.sh [seconds per run, default 15]
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-15}"
command -v wrk >/dev/null || { apt-get update -q && apt-get install -y -q wrk; }
cargo build --release --locked --bin attest
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
port=18181
(cd "$work" && exec "$OLDPWD/target/release/attest" demo --bind "127.0.0.1:$port" --database "$work/bench.db") >"$work/demo.out" 2>"$work/demo.err" &
server=$!
for _ in $(seq 1 50); do grep -q 'admin token' "$work/demo.out" 2>/dev/null && break; sleep 0.2; done
token=$(awk '/admin token/ {print $3}' "$work/demo.out")
[ -n "$token" ] || { cat "$work/demo.err"; exit 1; }
cat >"$work/viewer.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
wrk.body = '{"query":"{ viewer { trust { name } } }"}'
LUA
curl -sf "http://127.0.0.1:$port/graphql" -H 'Content-Type: application/json' -H "Authorization: Bearer $token" \
  -d '{"query":"{ viewer { trust { name } } }"}' | grep -q 'Demo Learning Trust'
echo "== GET /healthz"
wrk -t2 -c64 -d"${duration}s" "http://127.0.0.1:$port/healthz" | tee "$work/health.txt"
echo "== POST /graphql { viewer { trust { name } } } with a token"
wrk -t2 -c64 -d"${duration}s" -s "$work/viewer.lua" "http://127.0.0.1:$port/graphql" | tee "$work/graphql.txt"
health=$(awk '/Requests\/sec/ {print $2}' "$work/health.txt")
graphql=$(awk '/Requests\/sec/ {print $2}' "$work/graphql.txt")
python3 -c "print(f'healthz {float($health):.0f} req/s, graphql viewer {float($graphql):.0f} req/s, ratio {float($graphql)/float($health):.3f}')"
