#!/usr/bin/env bash
# Counts the instructions spoflint executes on the pipeline bench's generated
# flowchart at 1,000 / 10,000 / 100,000 nodes (callgrind, so the count is
# exact and a busy machine does not change it), and prints the work per node
# and its growth per size step: the algorithmic half of "linear growth",
# apart from the caches (see BENCHMARKS.md, "Linearity").
#
# Usage: scripts/instructions.sh [NODES...]   (default: 1000 10000 100000)
# Needs valgrind (installed from Debian if missing) and python3.
# 100,000 nodes take about a minute under callgrind.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 100000)
out=${BENCH_OUT:-bench-out}
mkdir -p "$out"

need_apt=()
command -v valgrind >/dev/null || need_apt+=(valgrind)
command -v python3 >/dev/null || need_apt+=(python3)
if [ ${#need_apt[@]} -gt 0 ]; then
  apt-get update -qq && apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
cargo build --release --quiet --example check_once
bin=target/release/examples/check_once

for n in "${sizes[@]}"; do
  valgrind --tool=callgrind --toggle-collect='spoflint::check::check_bytes' \
    --callgrind-out-file="$out/callgrind.check.$n" "$bin" "$n" >"$out/check_once.$n.txt" 2>/dev/null
  callgrind_annotate --inclusive=yes "$out/callgrind.check.$n" >"$out/callgrind.check.$n.txt" 2>/dev/null
done

python3 - "$out" "${sizes[@]}" <<'PY'
import re, sys
out, sizes = sys.argv[1], [int(s) for s in sys.argv[2:]]

def inclusive(text, name):
    """The largest inclusive count of a function whose name ends with `name`."""
    best = 0
    for line in text.splitlines():
        m = re.match(r"\s*([\d,]+) .*?:(\S+)(?: \[.*\])?$", line)
        if m and m.group(2) == name:
            best = max(best, int(m.group(1).replace(",", "")))
    return best

rows = []
for n in sizes:
    text = open(f"{out}/callgrind.check.{n}.txt").read()
    summary = open(f"{out}/check_once.{n}.txt").read()
    nodes = int(re.search(r"nodes=(\d+)", summary).group(1))  # the generator rounds to whole stacks
    rows.append((nodes, summary,
                 inclusive(text, "spoflint::check::check_bytes"),
                 inclusive(text, "spoflint::flowchart::parse_with"),
                 inclusive(text, "spoflint::rules::check_block")))

print("Instructions (callgrind, exact), one check_bytes of the bench flowchart:")
print("| nodes | whole check | per node | parse | per node | analysis + rules | per node | growth of the whole vs previous size |")
print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
worst, prev = 0.0, None
for n, _, total, parse, rules in rows:
    growth = "–"
    if prev:
        step = (total / prev[1]) / (n / prev[0])
        worst = max(worst, step)
        growth = f"{total / prev[1]:.2f}× for {n / prev[0]:.0f}× nodes"
    m = lambda x: f"{x / 1e6:.1f} M"
    print(f"| {n} | {m(total)} | {total / n:.0f} | {m(parse)} | {parse / n:.0f} | {m(rules)} | {rules / n:.0f} | {growth} |")
    prev = (n, total)
print()
verdict = "MET" if 0 < worst < 1.1 else ("not measured" if worst == 0 else "NOT MET")
print(f"Work per node, worst growth per size step / node ratio = {worst:.2f} (1.00 is linear; within 10 %) — {verdict}")
PY
