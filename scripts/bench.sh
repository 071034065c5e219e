#!/usr/bin/env bash
# Benchmarks spoflint against its reference points (see BENCHMARKS.md):
#   (a) generated docs trees: `rg -l mermaid` (the floor: read every byte,
#       stop at the first hit), spoflint, and the Node validator
#       @probelabs/maid (up to MAID_MAX files, 10,000 by default: beyond that
#       it takes minutes per run);
#   (b) big diagrams in-process: `cargo bench --bench pipeline`;
#   (c) the vendored real corpus fixtures/corpus/real/;
#   plus start-up on one small file and peak RSS.
#
# Usage: scripts/bench.sh [FILES...]   (default: 1000 10000 50000)
# Environment: RUNS (hyperfine runs, default 10), MAID_RUNS (default 3),
#   MAID_MAX (default 10000), BENCH_OUT (default bench-out), SKIP_PIPELINE=1.
# Needs ripgrep, hyperfine, GNU time, python3 (installed from Debian if
# missing); node + npm for maid (installed into bench-out/, skipped if npm is
# missing). Results: bench-out/results.md, ready to paste into BENCHMARKS.md.
#
# The machine may be shared: every figure is a median of several runs, each
# row compares commands measured in the same run, and CPU time (user + sys,
# which waiting for a busy core does not inflate) is given beside wall time.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${BENCH_OUT:-bench-out}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 50000)
runs=${RUNS:-10}
maid_runs=${MAID_RUNS:-3}
maid_max=${MAID_MAX:-10000}
mkdir -p "$out"

need_apt=()
command -v rg >/dev/null || need_apt+=(ripgrep)
command -v hyperfine >/dev/null || need_apt+=(hyperfine)
[ -x /usr/bin/time ] || need_apt+=(time)
command -v python3 >/dev/null || need_apt+=(python3)
if [ ${#need_apt[@]} -gt 0 ]; then
  apt-get update -qq && apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
maid="$out/maid/node_modules/.bin/maid"
if [ ! -x "$maid" ] && command -v npm >/dev/null; then
  npm install --silent --prefix "$out/maid" @probelabs/maid@0.0.29 >/dev/null 2>&1 || true
fi
have_maid=0
if [ -x "$maid" ] && command -v node >/dev/null; then have_maid=1; fi

cargo build --release --quiet --bin spoflint --example gen-tree
bin=target/release/spoflint
gen=target/release/examples/gen-tree
sp_args=(-q --exit-zero --format concise)

# Peak RSS in KiB of one run of a command (GNU time's %M).
rss() { /usr/bin/time -f '%M' -o "$out/rss.txt" "$@" >/dev/null 2>&1 || true; tail -1 "$out/rss.txt"; }

# Append one table row from hyperfine JSON files: NAME FILES MB RSS_SP RSS_RG JSON [MAID_JSON]
row() {
  python3 - "$@" <<'PY'
import json, sys
name, files, mb, rss_sp, rss_rg, main = sys.argv[1:7]
res = json.load(open(main))["results"]
rg, sp = res[0], res[1]
maid = json.load(open(sys.argv[7]))["results"][0] if len(sys.argv) > 7 else None
cpu = lambda r: r["user"] + r["system"]
ms = lambda s: f"{s*1000:.0f} ms" if s >= 0.1 else f"{s*1000:.1f} ms"
wall_ratio = sp["median"] / rg["median"]
cpu_ratio = cpu(sp) / cpu(rg)
verdict = "MET" if wall_ratio <= 2 else "NOT MET"
cells = [name, files, mb,
         f"{ms(rg['median'])} ({ms(cpu(rg))} CPU)",
         f"{ms(sp['median'])} ({ms(cpu(sp))} CPU)",
         f"{wall_ratio:.2f}× wall, {cpu_ratio:.2f}× CPU — {verdict}"]
if maid:
    r = maid["median"] / sp["median"]
    cells += [f"{ms(maid['median'])} ({ms(cpu(maid))} CPU)",
              f"{r:.0f}× wall, {cpu(maid)/cpu(sp):.0f}× CPU — {'MET' if r >= 20 else 'NOT MET'}"]
else:
    cells += ["not run", "–"]
cells += [f"{int(rss_sp)/1024:.1f} MiB (rg {int(rss_rg)/1024:.1f} MiB)"]
print("| " + " | ".join(cells) + " |")
PY
}

results="$out/results.md"
{
  echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores ($(uname -sr)), load average $(cut -d' ' -f1-3 /proc/loadavg) at the start."
  echo "spoflint $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo '+changes'), $(rg --version | head -1), hyperfine $(hyperfine --version | cut -d' ' -f2), maid $([ $have_maid = 1 ] && echo 0.0.29 || echo 'not installed')."
  echo "Medians of $runs runs ($maid_runs for maid); CPU = mean user + sys."
  echo
  echo "| tree | files | MB | rg -l mermaid | spoflint | spoflint / rg (target ≤ 2× wall) | maid | maid / spoflint (target ≥ 20×) | spoflint peak RSS |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
} > "$results"

bench_tree() { # NAME DIR FILES
  local name=$1 tree=$2 n=$3 mb
  mb=$(du -sm "$tree" | cut -f1)
  hyperfine -N --warmup 1 --runs "$runs" -i --export-json "$out/$name.json" \
    "rg -l mermaid $tree" "$bin ${sp_args[*]} $tree" >/dev/null 2>&1
  local extra=()
  if [ $have_maid = 1 ] && [ "$n" -le "$maid_max" ]; then
    hyperfine -N --warmup 0 --runs "$maid_runs" -i --export-json "$out/$name-maid.json" \
      "node $maid $tree" >/dev/null 2>&1
    extra=("$out/$name-maid.json")
  fi
  row "$name" "$n" "$mb" "$(rss "$bin" "${sp_args[@]}" "$tree")" "$(rss rg -l mermaid "$tree")" \
    "$out/$name.json" "${extra[@]}" >> "$results"
  tail -1 "$results"
}

for n in "${sizes[@]}"; do
  tree="$out/tree-$n"
  [ -d "$tree" ] || "$gen" "$tree" "$n" 2>/dev/null
  bench_tree "docs-$n" "$tree" "$n"
done
# (c) the real corpus: 315 files from 9 projects, about a third with Mermaid.
real=fixtures/corpus/real
bench_tree "real-corpus" "$real" "$(find "$real" -type f \( -name '*.md' -o -name '*.mdx' -o -name '*.markdown' -o -name '*.mmd' -o -name '*.mermaid' \) | wc -l)"
if [ $have_maid = 0 ]; then echo "maid: not installed (no node/npm), not run." >> "$results"; fi
if [ $have_maid = 1 ]; then
  echo "maid is not run on trees over $maid_max files (minutes per run)." >> "$results"
fi

# Peak memory must be bounded by the files in flight, not by the tree's
# size. Each tree is measured as it is and without its ~2.5 MB files (a copy
# made of hard links): what is left of the growth is what the number of
# files alone costs.
{
  echo
  echo "| tree | files | spoflint peak RSS (median of 5) | without its files over 1 MB |"
  echo "| --- | ---: | ---: | ---: |"
} >> "$results"
rss5() { for _ in 1 2 3 4 5; do rss "$@"; done | sort -n | sed -n 3p; }
mem_rows=()
for n in "${sizes[@]}"; do
  tree="$out/tree-$n"
  small="$out/small-$n"
  if [ ! -d "$small" ]; then
    cp -al "$tree" "$small"
    find "$small" -type f -size +1M -delete
  fi
  whole=$(rss5 "$bin" "${sp_args[@]}" "$tree")
  part=$(rss5 "$bin" "${sp_args[@]}" "$small")
  mem_rows+=("$n $part")
  awk -v n="$n" -v w="$whole" -v p="$part" \
    'BEGIN { printf "| docs-%s | %s | %.1f MiB | %.1f MiB |\n", n, n, w / 1024, p / 1024 }' >> "$results"
done
python3 - "${mem_rows[@]}" >> "$results" <<'PY'
import sys
rows = [tuple(map(int, r.split())) for r in sys.argv[1:]]
if len(rows) > 1:
    (n0, k0), (n1, k1) = rows[0], rows[-1]
    per = (k1 - k0) / ((n1 - n0) / 1000)
    ok = k1 - k0 <= 1024
    print(f"\nPeak RSS without the big files, {n0:,} → {n1:,} files: "
          f"{(k1 - k0) / 1024:+.1f} MiB ({per:+.1f} KiB per 1,000 files) "
          f"— target: bounded by the files in flight, not the tree (within 1 MiB): "
          f"{'MET' if ok else 'NOT MET'}")
PY
tail -1 "$results"

# Start-up: one small file, as a pre-commit hook or an editor runs it.
small="$out/one.md"
printf '# One\n\n```mermaid\nflowchart LR\n  Users --> App --> DB[(DB)]\n```\n' > "$small"
hyperfine -N --warmup 5 --runs 100 -i --export-json "$out/startup.json" \
  "$bin -q --exit-zero $small" "rg -l mermaid $small" >/dev/null 2>&1
python3 - "$out/startup.json" >> "$results" <<'PY'
import json, sys
sp, rg = json.load(open(sys.argv[1]))["results"]
m = sp["median"] * 1000
print(f"\nStart-up, one small file: spoflint median {m:.1f} ms wall "
      f"({(sp['user']+sp['system'])*1000:.1f} ms CPU), rg {rg['median']*1000:.1f} ms "
      f"— target < 10 ms: {'MET' if m < 10 else 'NOT MET'}")
PY
tail -1 "$results"

# (b) Big diagrams: parse + analysis, in-process.
if [ -z "${SKIP_PIPELINE:-}" ]; then
  echo >> "$results"
  cargo bench --quiet --bench pipeline 2>/dev/null | tee -a "$results"
fi
echo
cat "$results"
