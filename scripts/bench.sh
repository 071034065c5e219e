#!/usr/bin/env bash
# Benchmarks spoflint against its reference points on generated docs trees.
# Usage: scripts/bench.sh [FILES...]   (default: 1000 10000 50000)
# Installs what it needs (ripgrep, hyperfine, GNU time from Debian; the Node
# validator @probelabs/maid from npm) into the machine / bench-out/.
# Results: bench-out/results.md (a table to paste into BENCHMARKS.md).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${BENCH_OUT:-bench-out}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 50000)
runs=${RUNS:-5}
mkdir -p "$out"

need_apt=()
command -v rg >/dev/null || need_apt+=(ripgrep)
command -v hyperfine >/dev/null || need_apt+=(hyperfine)
[ -x /usr/bin/time ] || need_apt+=(time)
if [ ${#need_apt[@]} -gt 0 ]; then
  apt-get update -qq && apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
maid="$out/maid/node_modules/.bin/maid"
if [ ! -x "$maid" ] && command -v npm >/dev/null; then
  npm install --silent --prefix "$out/maid" @probelabs/maid@0.0.29 >/dev/null 2>&1 || true
fi

cargo build --release --quiet --bin spoflint --example gen-tree
bin=target/release/spoflint
gen=target/release/examples/gen-tree

results="$out/results.md"
{
  echo "| tree | files | MB | rg -l mermaid | spoflint | ratio (target ≤ 2) | maid | maid / spoflint (target ≥ 20) | spoflint peak RSS |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
} > "$results"

for n in "${sizes[@]}"; do
  tree="$out/tree-$n"
  [ -d "$tree" ] || "$gen" "$tree" "$n" 2>/dev/null
  mb=$(du -sm "$tree" | cut -f1)
  cmds=("rg -l mermaid $tree" "$bin -q --exit-zero --format concise $tree")
  if [ -x "$maid" ] && [ "$n" -le "${MAID_MAX:-10000}" ]; then cmds+=("node $maid $tree"); fi
  hyperfine -N --warmup 1 --runs "$runs" -i --export-json "$out/tree-$n.json" "${cmds[@]}" >/dev/null 2>&1
  rss=$( { /usr/bin/time -f '%M' "$bin" -q --exit-zero --format concise "$tree" >/dev/null; } 2>&1 | tail -1)
  python3 - "$out/tree-$n.json" "$n" "$mb" "$rss" >> "$results" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))["results"]
t = [r["median"] for r in data]
rg, sp = t[0], t[1]
maid = t[2] if len(t) > 2 else None
row = [f"docs-{sys.argv[2]}", sys.argv[2], sys.argv[3], f"{rg*1000:.0f} ms", f"{sp*1000:.0f} ms", f"{sp/rg:.2f}×",
       f"{maid*1000:.0f} ms" if maid else "–", f"{maid/sp:.1f}×" if maid else "–", f"{int(sys.argv[4])//1024} MiB"]
print("| " + " | ".join(row) + " |")
PY
done

# Start-up: one small file.
small="$out/one.md"
printf '# One\n\n```mermaid\nflowchart LR\n  Users --> App --> DB[(DB)]\n```\n' > "$small"
hyperfine -N --warmup 3 --runs 50 -i --export-json "$out/startup.json" "$bin -q --exit-zero $small" >/dev/null 2>&1
python3 -c "import json;r=json.load(open('$out/startup.json'))['results'][0];print(f'\nStart-up, one small file: median {r[\"median\"]*1000:.1f} ms (target < 10 ms)')" >> "$results"

# Big diagrams: parse + analysis, in-process (cargo bench target).
cargo bench --quiet --bench pipeline 2>/dev/null | tee -a "$results"
cat "$results"
