#!/usr/bin/env python3
"""Rebuild fuzz/seeds/<target>/ from the project's fixtures.

Run from the repository root: `python3 fuzz/make_seeds.py`. Output is
deterministic (names come from the source paths), so re-running it only
changes files when the fixtures changed.
"""
import json
import os
import re
import shutil

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEEDS = os.path.join(ROOT, "fuzz", "seeds")
# Real-corpus Markdown files above this size are left out: libFuzzer runs
# with -max_len=4096 and big seeds only slow the first pass down.
REAL_MAX = 16 * 1024
REAL_COUNT = 60
FENCE = re.compile(r"^(\s*)(```+|~~~+)\s*\{?mermaid\}?[^\n]*\n(.*?)^\1\2\s*$", re.M | re.S)


def name_for(rel):
    return re.sub(r"[^A-Za-z0-9._-]+", "_", rel)


def write(target, name, data):
    d = os.path.join(SEEDS, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def files(under):
    for dirpath, _, names in sorted(os.walk(os.path.join(ROOT, under))):
        for n in sorted(names):
            p = os.path.join(dirpath, n)
            yield os.path.relpath(p, ROOT), p


def main():
    shutil.rmtree(SEEDS, ignore_errors=True)
    # flowchart_parse: diagram text only.
    for rel, p in files("fixtures/parse"):
        raw = open(p, "rb").read()
        if p.endswith((".mmd", ".mermaid")):
            write("flowchart_parse", name_for(rel), raw)
        elif p.endswith(".md"):
            text = raw.decode("utf-8", "replace")
            for i, m in enumerate(FENCE.finditer(text)):
                write("flowchart_parse", f"{name_for(rel)}.{i}", m.group(3))
    with open(os.path.join(ROOT, "fixtures/conformance/edge-cases/cases.jsonl")) as f:
        for line in f:
            if line.strip():
                case = json.loads(line)
                write("flowchart_parse", "case_" + name_for(case["id"]), case["text"])
    for rel, p in files("fixtures/conformance/mermaid-docs"):
        if p.endswith(".md"):
            text = open(p, encoding="utf-8", errors="replace").read()
            for i, m in enumerate(FENCE.finditer(text)):
                write("flowchart_parse", f"{name_for(rel)}.{i}", m.group(3))
    # markdown_blocks and pipeline: whole files.
    md = [(rel, p) for rel, p in files("fixtures/markdown")]
    md += [(rel, p) for rel, p in files("fixtures/parse")]
    real = [(rel, p) for rel, p in files("fixtures/corpus/real")
            if p.endswith((".md", ".mdx", ".markdown")) and os.path.getsize(p) <= REAL_MAX]
    # Prefer files with a mermaid block, then take an even spread.
    real.sort(key=lambda rp: (b"mermaid" not in open(rp[1], "rb").read(), rp[0]))
    md += real[:REAL_COUNT]
    for rel, p in md:
        raw = open(p, "rb").read()
        write("markdown_blocks", name_for(rel), raw)
        write("pipeline", name_for(rel), raw)


if __name__ == "__main__":
    main()
