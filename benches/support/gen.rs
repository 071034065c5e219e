//! Deterministic generators for benchmark inputs: docs trees and large
//! architecture flowcharts. No randomness from the OS: the same arguments give
//! the same bytes on every machine, so runs can be compared.

#![allow(dead_code)] // each bench uses a part of it

use std::fmt::Write as _;
use std::path::Path;

/// xorshift64*: tiny, fast and deterministic.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    /// True with probability `pct` percent.
    pub fn chance(&mut self, pct: u64) -> bool {
        self.below(100) < pct
    }
}

const WORDS: &[&str] = &[
    "the",
    "service",
    "request",
    "cluster",
    "deploy",
    "latency",
    "budget",
    "config",
    "retry",
    "timeout",
    "region",
    "replica",
    "cache",
    "storage",
    "token",
    "queue",
    "worker",
    "handler",
    "schema",
    "migration",
    "rollout",
    "metric",
    "alert",
    "on-call",
    "runbook",
    "incident",
    "and",
    "of",
    "to",
    "with",
    "for",
    "is",
    "when",
    "then",
    "a",
    "an",
    "in",
    "on",
    "every",
];

fn sentence(rng: &mut Rng, out: &mut String) {
    let n = 6 + rng.below(14);
    for i in 0..n {
        let w = WORDS[rng.below(WORDS.len() as u64) as usize];
        if i == 0 {
            let mut c = w.chars();
            if let Some(f) = c.next() {
                out.extend(f.to_uppercase());
                out.push_str(c.as_str());
            }
        } else {
            out.push(' ');
            out.push_str(w);
        }
    }
    out.push_str(". ");
}

fn paragraph(rng: &mut Rng, out: &mut String) {
    for _ in 0..(2 + rng.below(6)) {
        sentence(rng, out);
    }
    out.push_str("\n\n");
}

fn code_fence(rng: &mut Rng, out: &mut String) {
    let lang = ["rust", "bash", "json", "yaml", "", "python"][rng.below(6) as usize];
    let _ = writeln!(out, "```{lang}");
    for i in 0..(3 + rng.below(20)) {
        let _ = writeln!(
            out,
            "let value_{i} = compute({i}, \"graph LR\"); // graph LR --> B"
        );
    }
    out.push_str("```\n\n");
}

/// A small architecture flowchart of about `n` nodes (some with a single
/// point of failure, some redundant), as Markdown fence content.
pub fn small_architecture(rng: &mut Rng, n: usize, out: &mut String) {
    out.push_str("```mermaid\nflowchart LR\n    Users((Users)) --> LB[Load Balancer]\n");
    let services = (n.saturating_sub(3) / 2).max(1);
    for s in 0..services {
        let _ = writeln!(out, "    LB --> S{s}[Service {s}]");
        if rng.chance(50) {
            let _ = writeln!(out, "    S{s} --> DB[(Orders DB)]");
        } else {
            let _ = writeln!(out, "    S{s} --> C{s}[Redis cache {s}]");
            let _ = writeln!(out, "    S{s} -.->|metrics| M[Prometheus]");
        }
    }
    out.push_str("```\n\n");
}

/// One Markdown file of a docs tree: mostly prose and code; `mermaid_pct`
/// percent of files carry a flowchart; some carry a sequence diagram.
pub fn markdown_file(rng: &mut Rng, large: bool, mermaid_pct: u64) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Page {}\n", rng.next() % 100_000);
    let sections = if large { 4000 } else { 3 + rng.below(12) };
    let has_mermaid = rng.chance(mermaid_pct);
    let mermaid_at = rng.below(sections);
    for s in 0..sections {
        let _ = writeln!(out, "## Section {s}\n");
        paragraph(rng, &mut out);
        if rng.chance(35) {
            code_fence(rng, &mut out);
        }
        if has_mermaid && s == mermaid_at {
            if rng.chance(80) {
                let n = 5 + rng.below(25) as usize;
                small_architecture(rng, n, &mut out);
            } else {
                out.push_str("```mermaid\nsequenceDiagram\n    A->>B: hello\n```\n\n");
            }
        }
    }
    out
}

/// Write a docs tree of `files` Markdown files under `root`, 100 per folder,
/// with one large (about 1 MB) file in every 1,000.
pub fn docs_tree(root: &Path, files: usize, seed: u64) -> std::io::Result<u64> {
    let mut rng = Rng::new(seed);
    let mut bytes = 0u64;
    for i in 0..files {
        let dir = root.join(format!("section-{:03}", i / 100));
        if i % 100 == 0 {
            std::fs::create_dir_all(&dir)?;
        }
        let text = markdown_file(&mut rng, i % 1000 == 999, 15);
        bytes += text.len() as u64;
        std::fs::write(dir.join(format!("page-{i:05}.md")), text)?;
    }
    Ok(bytes)
}

/// [`big_flowchart`] parsed with Mermaid's edge limit lifted, for the
/// benches and profilers that time the analysis alone. Exits with a message
/// if the generator ever writes something that does not parse.
#[allow(clippy::print_stderr)] // a bench's only way to say why it stopped
pub fn big_flowchart_parsed(nodes: usize) -> spoflint::model::Diagram {
    let options = spoflint::flowchart::ParseOptions {
        max_edges: usize::MAX,
    };
    match spoflint::flowchart::parse_with(&big_flowchart(nodes), &options).diagram {
        Some(d) => d,
        None => {
            eprintln!("the generated {nodes}-node diagram does not parse");
            std::process::exit(1);
        }
    }
}

/// A flowchart of about `nodes` nodes and three links per node: stacks of
/// load balancer → replicated services → database, grouped into regions,
/// with soft monitoring links. Returns the diagram text (no fence).
pub fn big_flowchart(nodes: usize) -> String {
    let mut out = String::with_capacity(nodes * 40);
    out.push_str("flowchart LR\n    Users((Users))\n");
    // One stack = 1 LB + 3 services + 1 DB + 1 cache = 6 nodes.
    let stacks = (nodes / 6).max(1);
    let per_region = 100;
    for s in 0..stacks {
        if s % per_region == 0 {
            if s > 0 {
                out.push_str("    end\n");
            }
            let _ = writeln!(
                out,
                "    subgraph region{} [us-east-{}]",
                s / per_region,
                s / per_region
            );
        }
        let _ = writeln!(out, "    Users --> lb{s}[Load Balancer {s}]");
        for k in 0..3 {
            let _ = writeln!(out, "    lb{s} --> app{s}_{k}[App {s} {k}]");
            let _ = writeln!(out, "    app{s}_{k} --> db{s}[(Orders DB {s})]");
        }
        let _ = writeln!(out, "    app{s}_0 --> cache{s}[Redis {s}]");
        let _ = writeln!(out, "    cache{s} -.->|metrics| db{s}");
        if s > 0 {
            let _ = writeln!(out, "    app{s}_1 --> lb{}", s - 1);
        }
    }
    out.push_str("    end\n");
    out
}

/// A chain `n0 --> n1 --> ...` of `nodes` nodes, one link per line.
pub fn chain(nodes: usize) -> String {
    let mut out = String::with_capacity(nodes * 16);
    out.push_str("flowchart TD\n");
    for i in 1..nodes {
        let _ = writeln!(out, "    n{} --> n{i}", i - 1);
    }
    out
}
