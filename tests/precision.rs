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

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

const CORPUS: &str = "fixtures/corpus/real";
const JUDGMENTS: &str = include_str!("../fixtures/corpus/judgments.tsv");

/// The least share of findings judged right that the corpus may show.
/// Raise it when precision improves; never lower it to let a change land.
const PRECISION_FLOOR: f64 = 0.90;

/// (file under the corpus, line, node id): what identifies a finding.
type Key = (String, u64, String);

struct Verdict {
    right: bool,
    label: String,
    why: String,
}

fn judgments() -> BTreeMap<Key, Verdict> {
    let mut out = BTreeMap::new();
    for (n, line) in JUDGMENTS.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        assert!(
            cols.len() >= 5,
            "judgments.tsv:{}: expected verdict, file, line, node, label",
            n + 1
        );
        let right = match cols[0] {
            "right" => true,
            "wrong" => false,
            other => panic!("judgments.tsv:{}: verdict {other:?}", n + 1),
        };
        let key = (
            cols[1].to_string(),
            cols[2].parse().expect("line number"),
            cols[3].to_string(),
        );
        let verdict = Verdict {
            right,
            label: cols[4].to_string(),
            why: cols.get(5).unwrap_or(&"").to_string(),
        };
        assert!(
            out.insert(key, verdict).is_none(),
            "judgments.tsv:{}: duplicate row",
            n + 1
        );
    }
    out
}

/// Every `single-point-of-failure` finding on the corpus, with its message.
fn findings() -> BTreeMap<Key, String> {
    let out = Command::new(env!("CARGO_BIN_EXE_spoflint"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["check", "--format", "json", "--exit-zero", "-q", CORPUS])
        .output()
        .expect("run spoflint");
    assert!(out.status.success(), "spoflint failed: {out:?}");
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
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
