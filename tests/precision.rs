//! Holds `single-point-of-failure` to a reliability engineer's reading of
//! the real corpus (`fixtures/corpus/real`): every finding the linter
//! reports there must have a verdict in `fixtures/corpus/judgments.tsv`,
//! and the share judged right must stay at or above `PRECISION_FLOOR`.
//!
//! A finding with no verdict fails the test: read the diagram, judge the
//! finding, add a row. Rows that are no longer reported are printed (a
//! right one lost is a recall change worth a sentence in the commit).
//! `cargo test --test precision -- --nocapture` prints the per-repository
//! table that `docs/precision.md` quotes.
//!
//! Recall is estimated from a judged sample of the components the rule does
//! not report (`fixtures/corpus/recall_sample.tsv`): the share judged missed
//! in each stratum, times the stratum's current size, estimates the misses.
//! A sampled node the dump no longer has fails the test (redraw the sample).

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

const CORPUS: &str = "fixtures/corpus/real";
const JUDGMENTS: &str = include_str!("../fixtures/corpus/judgments.tsv");
const RECALL_SAMPLE: &str = include_str!("../fixtures/corpus/recall_sample.tsv");

/// The least share of findings judged right that the corpus may show.
/// Raise it when precision improves; never lower it to let a change land.
const PRECISION_FLOOR: f64 = 0.90;

/// The least estimated recall (right findings over right findings plus
/// estimated misses). The estimate rests on a few misses in a small sample,
/// so the floor is coarse: it catches a change that loses many right
/// findings or moves many components out of analysed diagrams.
const RECALL_FLOOR: f64 = 0.75;

/// (file under the corpus, line, node id): what identifies a finding.
type Key = (String, u64, String);

struct Verdict {
    right: bool,
    label: String,
    why: String,
}

/// The rows of a judged TSV file (comments and blank lines skipped) with
/// their 1-based line numbers; each row has at least `columns` (named in
/// `expected` for the message) and its finding's key in columns 2 to 4.
fn tsv_rows<'a>(
    text: &'a str,
    file: &str,
    columns: usize,
    expected: &str,
) -> Vec<(usize, Key, Vec<&'a str>)> {
    let mut rows = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        assert!(
            cols.len() >= columns,
            "{file}:{}: expected {expected}",
            n + 1
        );
        let line_no = cols[2]
            .parse()
            .unwrap_or_else(|_| panic!("{file}:{}: line number {:?}", n + 1, cols[2]));
        let key = (cols[1].to_string(), line_no, cols[3].to_string());
        rows.push((n + 1, key, cols));
    }
    rows
}

fn judgments() -> BTreeMap<Key, Verdict> {
    let mut out = BTreeMap::new();
    let rows = tsv_rows(
        JUDGMENTS,
        "judgments.tsv",
        5,
        "verdict, file, line, node, label",
    );
    for (n, key, cols) in rows {
        let right = match cols[0] {
            "right" => true,
            "wrong" => false,
            other => panic!("judgments.tsv:{n}: verdict {other:?}"),
        };
        let verdict = Verdict {
            right,
            label: cols[4].to_string(),
            why: cols.get(5).unwrap_or(&"").to_string(),
        };
        assert!(
            out.insert(key, verdict).is_none(),
            "judgments.tsv:{n}: duplicate row"
        );
    }
    out
}

/// What `spoflint ARGS` prints on standard output, read as JSON.
fn spoflint_json(args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_spoflint"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("run spoflint");
    assert!(out.status.success(), "spoflint {args:?} failed: {out:?}");
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

/// Every `single-point-of-failure` finding on the corpus, with its message.
fn findings() -> BTreeMap<Key, String> {
    let report = spoflint_json(&["check", "--format", "json", "--exit-zero", "-q", CORPUS]);
    let prefix = format!("{CORPUS}/");
    let mut found = BTreeMap::new();
    for d in report["diagnostics"].as_array().expect("diagnostics") {
        if d["rule"] != "single-point-of-failure" {
            continue;
        }
        let file = d["file"].as_str().expect("file");
        let key = (
            file.strip_prefix(&prefix).unwrap_or(file).to_string(),
            d["line"].as_u64().expect("line"),
            d["node"].as_str().unwrap_or("").to_string(),
        );
        found.insert(key, d["message"].as_str().unwrap_or("").to_string());
    }
    found
}

fn repo(file: &str) -> &str {
    file.split('/').next().unwrap_or(file)
}

#[test]
#[allow(clippy::print_stdout)] // the table is the measurement `docs/precision.md` quotes
fn every_finding_on_the_real_corpus_is_judged_and_most_are_right() {
    let judged = judgments();
    let found = findings();

    let unjudged: Vec<String> = found
        .iter()
        .filter(|(k, _)| !judged.contains_key(*k))
        .map(|((f, l, n), msg)| format!("{f}\t{l}\t{n}\t{msg}"))
        .collect();

    // Per repository: (right, wrong) among the findings reported now.
    let mut table: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for key in found.keys() {
        if let Some(v) = judged.get(key) {
            let row = table.entry(repo(&key.0)).or_default();
            if v.right {
                row.0 += 1;
            } else {
                row.1 += 1;
            }
        }
    }
    let right: usize = table.values().map(|r| r.0).sum();
    let wrong: usize = table.values().map(|r| r.1).sum();

    println!("| repository | findings | judged right | judged wrong | precision |");
    println!("|---|---:|---:|---:|---:|");
    for (name, (r, w)) in &table {
        println!(
            "| {name} | {} | {r} | {w} | {:.0} % |",
            r + w,
            100.0 * *r as f64 / (*r + *w) as f64
        );
    }
    let precision = right as f64 / (right + wrong).max(1) as f64;
    println!(
        "| **total** | **{}** | **{right}** | **{wrong}** | **{:.1} %** |",
        right + wrong,
        100.0 * precision
    );

    let gone: Vec<(&Key, &Verdict)> = judged
        .iter()
        .filter(|(k, _)| !found.contains_key(*k))
        .collect();
    let lost_right = gone.iter().filter(|(_, v)| v.right).count();
    println!(
        "\nJudged but no longer reported: {} ({} judged right: recall lost, {} judged wrong: fixed)",
        gone.len(),
        lost_right,
        gone.len() - lost_right
    );
    for ((f, l, n), v) in &gone {
        let verdict = if v.right { "right" } else { "wrong" };
        println!("  {verdict}\t{f}:{l}\t{n}\t{}\t{}", v.label, v.why);
    }
    let seen: BTreeSet<&str> = found.keys().map(|k| repo(&k.0)).collect();
    assert!(
        !seen.is_empty(),
        "no finding at all on the corpus: is the linter running?"
    );

    assert!(
        unjudged.is_empty(),
        "{} finding(s) on the corpus have no verdict in fixtures/corpus/judgments.tsv; \
         judge each and add a row (verdict, file, line, node, label, why):\n{}",
        unjudged.len(),
        unjudged.join("\n")
    );
    assert!(
        precision >= PRECISION_FLOOR,
        "precision {:.1} % is below the floor {:.0} % ({right} right, {wrong} wrong)",
        100.0 * precision,
        100.0 * PRECISION_FLOOR
    );
}

/// Node kinds a finding can name: the candidates for a miss.
const REPORTABLE_KINDS: [&str; 9] = [
    "database",
    "load balancer",
    "queue",
    "gateway",
    "secrets",
    "cache",
    "network",
    "storage",
    "server",
];

/// The sample's strata, each estimated on its own.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Stratum {
    /// A reportable kind in a diagram the rule analyses.
    Analysed,
    /// A reportable kind in a diagram the rule decided is not an architecture.
    NotAnalysed,
    /// Unknown kind in an analysed diagram: never reported, by design.
    UnknownKind,
}

impl Stratum {
    fn name(self) -> &'static str {
        match self {
            Stratum::Analysed => "reportable kind, analysed diagram",
            Stratum::NotAnalysed => "reportable kind, diagram not analysed",
            Stratum::UnknownKind => "unknown kind, analysed diagram (out of scope)",
        }
    }
}

/// A node of `spoflint dump --analysis`, as far as recall needs it.
struct DumpNode {
    label: String,
    /// The stratum it is a candidate of, if it is an unreported component.
    stratum: Option<Stratum>,
    reported: bool,
}

fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every node of every analysed-or-not flowchart of the corpus, keyed by
/// (file, the diagram's first line, node id).
fn dump_nodes() -> BTreeMap<Key, DumpNode> {
    let blocks = spoflint_json(&["dump", "--analysis", CORPUS]);
    let prefix = format!("{CORPUS}/");
    let mut nodes = BTreeMap::new();
    for block in blocks.as_array().expect("list of blocks") {
        let Some(analysis) = block.get("analysis") else {
            continue;
        };
        let analysed = analysis["analysed"].as_bool().expect("analysed");
        let reported: BTreeSet<&str> = analysis["single_points_of_failure"]
            .as_array()
            .expect("single_points_of_failure")
            .iter()
            .filter_map(|s| s["node"].as_str())
            .collect();
        let file = block["file"].as_str().expect("file");
        let file = file.strip_prefix(&prefix).unwrap_or(file);
        let line = block["line"].as_u64().expect("line");
        for n in analysis["nodes"].as_array().expect("nodes") {
            let id = n["id"].as_str().expect("node id");
            let kind = n["kind"].as_str().unwrap_or("");
            let is_reported = reported.contains(id);
            let stratum = if n["role"] != "component" || is_reported {
                None
            } else if REPORTABLE_KINDS.contains(&kind) {
                Some(if analysed {
                    Stratum::Analysed
                } else {
                    Stratum::NotAnalysed
                })
            } else if kind == "component" && analysed {
                Some(Stratum::UnknownKind)
            } else {
                None
            };
            let node = DumpNode {
                label: squeeze(n["label"].as_str().unwrap_or("")),
                stratum,
                reported: is_reported,
            };
            nodes.insert((file.to_string(), line, id.to_string()), node);
        }
    }
    nodes
}

struct SampleRow {
    key: Key,
    missed: bool,
    label: String,
    stratum: Stratum,
}

fn recall_sample() -> Vec<SampleRow> {
    let rows = tsv_rows(
        RECALL_SAMPLE,
        "recall_sample.tsv",
        7,
        "verdict, file, line, node, label, kind, analysed",
    );
    let mut out = Vec::new();
    for (n, key, cols) in rows {
        let missed = match cols[0] {
            "missed" => true,
            "fine" => false,
            other => panic!("recall_sample.tsv:{n}: verdict {other:?}"),
        };
        let stratum = match (cols[5], cols[6]) {
            ("component", "yes") => Stratum::UnknownKind,
            (kind, "yes") if REPORTABLE_KINDS.contains(&kind) => Stratum::Analysed,
            (kind, "no") if REPORTABLE_KINDS.contains(&kind) => Stratum::NotAnalysed,
            other => panic!("recall_sample.tsv:{n}: kind, analysed {other:?}"),
        };
        out.push(SampleRow {
            key,
            missed,
            label: cols[4].to_string(),
            stratum,
        });
    }
    out
}

/// Wilson score interval (95 %) for a share of `k` in `n`.
fn wilson(k: usize, n: usize) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let (k, n, z) = (k as f64, n as f64, 1.96_f64);
    let p = k / n;
    let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let half = z / (1.0 + z * z / n) * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

#[test]
#[allow(clippy::print_stdout)] // the table is the measurement `docs/precision.md` quotes
fn recall_estimated_from_a_judged_sample_of_unreported_components() {
    let nodes = dump_nodes();
    let sample = recall_sample();
    let judged = judgments();
    let right = findings()
        .keys()
        .filter(|k| judged.get(*k).is_some_and(|v| v.right))
        .count();

    let mut stale = Vec::new();
    // Per stratum: (sampled and still a candidate, of those judged missed).
    let mut tally: BTreeMap<Stratum, (usize, usize)> = BTreeMap::new();
    for row in &sample {
        let (f, l, id) = &row.key;
        let Some(node) = nodes.get(&row.key).filter(|n| n.label == row.label) else {
            stale.push(format!("{f}\t{l}\t{id}\t{}", row.label));
            continue;
        };
        if node.stratum == Some(row.stratum) {
            let t = tally.entry(row.stratum).or_default();
            t.0 += 1;
            t.1 += usize::from(row.missed);
        } else {
            let now = if node.reported {
                "now reported"
            } else {
                "left its stratum"
            };
            let verdict = if row.missed { "missed" } else { "fine" };
            println!("  {now}: {verdict}\t{f}:{l}\t{id}\t{}", row.label);
        }
    }
    let mut population: BTreeMap<Stratum, usize> = BTreeMap::new();
    for stratum in nodes.values().filter_map(|n| n.stratum) {
        *population.entry(stratum).or_default() += 1;
    }

    println!("| stratum | candidates | sampled | missed | fine | estimated misses (95 % range) |");
    println!("|---|---:|---:|---:|---:|---:|");
    let (mut est, mut low, mut high) = (0.0, 0.0, 0.0);
    for stratum in [
        Stratum::Analysed,
        Stratum::NotAnalysed,
        Stratum::UnknownKind,
    ] {
        let (n, m) = tally.get(&stratum).copied().unwrap_or_default();
        let size = population.get(&stratum).copied().unwrap_or_default() as f64;
        let share = m as f64 / n.max(1) as f64;
        let (lo, hi) = wilson(m, n);
        println!(
            "| {} | {size} | {n} | {m} | {} | {:.0} ({:.0}–{:.0}) |",
            stratum.name(),
            n - m,
            share * size,
            lo * size,
            hi * size
        );
        if stratum != Stratum::UnknownKind {
            est += share * size;
            low += lo * size;
            high += hi * size;
        }
    }
    let recall = |misses: f64| right as f64 / (right as f64 + misses).max(1.0);
    println!(
        "\nRight findings: {right}; estimated misses of a reportable kind: {est:.0} ({low:.0}–{high:.0}); \
         estimated recall {:.0} % ({:.0}–{:.0} %)",
        100.0 * recall(est),
        100.0 * recall(high),
        100.0 * recall(low)
    );

    assert!(
        stale.is_empty(),
        "{} sampled node(s) of fixtures/corpus/recall_sample.tsv are not in the dump \
         (or have another label): redraw the sample (docs/precision.md, Recall):\n{}",
        stale.len(),
        stale.join("\n")
    );
    assert!(
        recall(est) >= RECALL_FLOOR,
        "estimated recall {:.1} % is below the floor {:.0} %",
        100.0 * recall(est),
        100.0 * RECALL_FLOOR
    );
}
