//! Holds `single-point-of-failure` to a reliability engineer's reading of
//! real docs, per fold (`fixtures/corpus/FOLDS.md`): the development fold
//! (every repository under `fixtures/corpus/real`, and the `dev` ones under
//! `real2`), which the rules were tuned on, and the test fold (the `test`
//! ones under `real2`), read once by a reader who did not write the rules.
//!
//! Precision: every finding the linter reports by default must have a
//! verdict (`judgments.tsv` for `real/`, `judgments-real2.tsv` for
//! `real2/`); a finding with none fails the test (read the diagram, judge
//! it, add a row). The share judged right must stay at or above the fold's
//! floor. Rows no longer reported are printed (a right one lost is recall).
//!
//! Recall: `recall_gold.tsv` names every single point of failure of a
//! random sample of flowcharts per fold, judged without the linter's
//! output; recall is the share of them the linter reports.
//!
//! `cargo test --test precision -- --nocapture` prints the tables that
//! `docs/precision.md` quotes.

#[path = "support/bin.rs"]
mod bin;

use bin::json as spoflint_json;
use std::collections::{BTreeMap, BTreeSet};

const CORPUS: &str = "fixtures/corpus";
const FOLDS: &str = include_str!("../fixtures/corpus/FOLDS.md");
/// Verdicts on `real/` (paths under `real/`).
const JUDGMENTS_REAL: &str = include_str!("../fixtures/corpus/judgments.tsv");
/// Verdicts on `real2/` (paths under `fixtures/corpus`).
const JUDGMENTS_REAL2: &str = include_str!("../fixtures/corpus/judgments-real2.tsv");
const GOLD: &str = include_str!("../fixtures/corpus/recall_gold.tsv");

/// The least share of findings judged right, per fold. Raise a floor when
/// precision improves; never lower one to let a change land.
const PRECISION_FLOOR: [(Fold, f64); 2] = [(Fold::Dev, 0.80), (Fold::Test, 0.42)];

/// The least share of the sampled single points of failure reported, per
/// fold (coarse: the samples hold a few dozen).
const RECALL_FLOOR: [(Fold, f64); 2] = [(Fold::Dev, 0.10), (Fold::Test, 0.05)];

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Fold {
    Dev,
    Test,
}

impl Fold {
    fn name(self) -> &'static str {
        match self {
            Fold::Dev => "development",
            Fold::Test => "test",
        }
    }

    fn floor(table: &[(Fold, f64); 2], fold: Fold) -> f64 {
        table.iter().find(|(f, _)| *f == fold).map_or(0.0, |x| x.1)
    }
}

/// The `real2` repositories' folds, from FOLDS.md's table.
fn folds() -> BTreeMap<String, Fold> {
    let mut out = BTreeMap::new();
    for line in FOLDS.lines() {
        let cols: Vec<&str> = line.split('|').map(str::trim).collect();
        if cols.len() >= 6 && cols[1].parse::<u32>().is_ok() {
            let fold = match cols[4] {
                "dev" => Fold::Dev,
                "test" => Fold::Test,
                other => panic!("FOLDS.md: fold {other:?}"),
            };
            out.insert(cols[2].to_string(), fold);
        }
    }
    assert!(out.len() >= 20, "FOLDS.md lists {} repositories", out.len());
    out
}

/// The fold of a file under `fixtures/corpus`.
fn fold_of(folds: &BTreeMap<String, Fold>, file: &str) -> Fold {
    let mut parts = file.split('/');
    match (parts.next(), parts.next()) {
        (Some("real"), _) => Fold::Dev,
        (Some("real2"), Some(repo)) => *folds
            .get(repo)
            .unwrap_or_else(|| panic!("{repo} is in no fold of FOLDS.md")),
        _ => panic!("{file} is not under real/ or real2/"),
    }
}

/// (file under `fixtures/corpus`, line, node id): what identifies a finding.
type Key = (String, u64, String);

struct Verdict {
    right: bool,
    label: String,
    why: String,
}

/// The rows of a TSV file (comments and blank lines skipped), with their
/// 1-based line numbers, each with at least `columns` columns.
fn rows<'a>(text: &'a str, file: &str, columns: usize) -> Vec<(usize, Vec<&'a str>)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty())
        .map(|(n, l)| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert!(cols.len() >= columns, "{file}:{}: too few columns", n + 1);
            (n + 1, cols)
        })
        .collect()
}

fn line_no(s: &str, file: &str, n: usize) -> u64 {
    s.parse()
        .unwrap_or_else(|_| panic!("{file}:{n}: line number {s:?}"))
}

fn judgments() -> BTreeMap<Key, Verdict> {
    let mut out = BTreeMap::new();
    for (text, file, prefix) in [
        (JUDGMENTS_REAL, "judgments.tsv", "real/"),
        (JUDGMENTS_REAL2, "judgments-real2.tsv", ""),
    ] {
        for (n, cols) in rows(text, file, 5) {
            let right = match cols[0] {
                "right" => true,
                "wrong" => false,
                other => panic!("{file}:{n}: verdict {other:?}"),
            };
            let key = (
                format!("{prefix}{}", cols[1]),
                line_no(cols[2], file, n),
                cols[3].to_string(),
            );
            let verdict = Verdict {
                right,
                label: cols[4].to_string(),
                why: cols.last().unwrap_or(&"").to_string(),
            };
            assert!(
                out.insert(key, verdict).is_none(),
                "{file}:{n}: duplicate row"
            );
        }
    }
    out
}

fn corpus_paths() -> [String; 2] {
    [format!("{CORPUS}/real"), format!("{CORPUS}/real2")]
}

fn under_corpus(file: &str) -> String {
    file.strip_prefix(&format!("{CORPUS}/"))
        .unwrap_or(file)
        .to_string()
}

/// Every `single-point-of-failure` finding reported by default, with its message.
fn findings() -> BTreeMap<Key, String> {
    let [real, real2] = corpus_paths();
    let report = spoflint_json(&[
        "check",
        "--format",
        "json",
        "--exit-zero",
        "-q",
        &real,
        &real2,
    ]);
    let mut found = BTreeMap::new();
    for d in report["diagnostics"].as_array().expect("diagnostics") {
        if d["rule"] != "single-point-of-failure" {
            continue;
        }
        let key = (
            under_corpus(d["file"].as_str().expect("file")),
            d["line"].as_u64().expect("line"),
            d["node"].as_str().unwrap_or("").to_string(),
        );
        found.insert(key, d["message"].as_str().unwrap_or("").to_string());
    }
    found
}

/// Each file's Mermaid block start lines, sorted.
fn blocks() -> BTreeMap<String, Vec<u64>> {
    let [real, real2] = corpus_paths();
    let mut out: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for b in spoflint_json(&["dump", &real, &real2])
        .as_array()
        .expect("blocks")
    {
        let file = under_corpus(b["file"].as_str().expect("file"));
        out.entry(file)
            .or_default()
            .push(b["line"].as_u64().expect("line"));
    }
    for starts in out.values_mut() {
        starts.sort_unstable();
    }
    out
}

/// The block of `file` that holds line `line`: the last one starting at or before it.
fn block_of(blocks: &BTreeMap<String, Vec<u64>>, file: &str, line: u64) -> Option<u64> {
    let starts = blocks.get(file)?;
    let i = starts.partition_point(|&s| s <= line);
    i.checked_sub(1).map(|i| starts[i])
}

#[test]
#[allow(clippy::print_stdout)] // the tables are the measurement `docs/precision.md` quotes
fn precision_and_recall_per_fold() {
    let folds = folds();
    let judged = judgments();
    let found = findings();

    let unjudged: Vec<String> = found
        .iter()
        .filter(|(k, _)| !judged.contains_key(*k))
        .map(|((f, l, n), msg)| format!("{f}\t{l}\t{n}\t{msg}"))
        .collect();

    // Per fold and repository: (right, wrong) among the findings reported now.
    let mut table: BTreeMap<(Fold, String), (usize, usize)> = BTreeMap::new();
    for key in found.keys() {
        if let Some(v) = judged.get(key) {
            let repo = key.0.split('/').take(2).collect::<Vec<_>>().join("/");
            let row = table.entry((fold_of(&folds, &key.0), repo)).or_default();
            if v.right {
                row.0 += 1;
            } else {
                row.1 += 1;
            }
        }
    }
    println!("| fold | repository | findings | right | wrong | precision |");
    println!("|---|---|---:|---:|---:|---:|");
    let mut per_fold: BTreeMap<Fold, (usize, usize)> = BTreeMap::new();
    for ((fold, repo), (r, w)) in &table {
        println!(
            "| {} | {repo} | {} | {r} | {w} | {:.0} % |",
            fold.name(),
            r + w,
            100.0 * *r as f64 / (*r + *w) as f64
        );
        let t = per_fold.entry(*fold).or_default();
        t.0 += r;
        t.1 += w;
    }

    // Recall against the gold sample.
    let blocks = blocks();
    let reported: BTreeSet<(String, Option<u64>, String)> = found
        .keys()
        .map(|(f, l, n)| (f.clone(), block_of(&blocks, f, *l), n.clone()))
        .collect();
    let mut gold: BTreeMap<Fold, (usize, usize, usize)> = BTreeMap::new();
    let mut missed = Vec::new();
    for (n, cols) in rows(GOLD, "recall_gold.tsv", 5) {
        let fold = fold_of(&folds, cols[0]);
        let entry = gold.entry(fold).or_default();
        let line = line_no(cols[1], "recall_gold.tsv", n);
        let block = block_of(&blocks, cols[0], line);
        assert!(
            block.is_some(),
            "recall_gold.tsv:{n}: no Mermaid block at {}:{line}",
            cols[0]
        );
        if cols[2] == "-" {
            continue;
        }
        entry.0 += 1;
        if reported.contains(&(cols[0].to_string(), block, cols[2].to_string())) {
            entry.1 += 1;
        } else {
            entry.2 += 1;
            missed.push(format!(
                "  {}\t{}:{line}\t{}\t{}",
                fold.name(),
                cols[0],
                cols[2],
                cols[3]
            ));
        }
    }

    println!(
        "\n| fold | findings | right | wrong | precision | sampled SPOFs | reported | recall |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    let mut failures = Vec::new();
    for fold in [Fold::Dev, Fold::Test] {
        let (r, w) = per_fold.get(&fold).copied().unwrap_or_default();
        let precision = r as f64 / (r + w).max(1) as f64;
        let (g, hit, _) = gold.get(&fold).copied().unwrap_or_default();
        let recall = hit as f64 / g.max(1) as f64;
        println!(
            "| {} | {} | {r} | {w} | {:.1} % | {g} | {hit} | {:.1} % |",
            fold.name(),
            r + w,
            100.0 * precision,
            100.0 * recall
        );
        let pf = Fold::floor(&PRECISION_FLOOR, fold);
        if precision < pf {
            failures.push(format!(
                "{} fold: precision {:.1} % is below the floor {:.0} % ({r} right, {w} wrong)",
                fold.name(),
                100.0 * precision,
                100.0 * pf
            ));
        }
        let rf = Fold::floor(&RECALL_FLOOR, fold);
        if g > 0 && recall < rf {
            failures.push(format!(
                "{} fold: recall {:.1} % is below the floor {:.0} % ({hit} of {g})",
                fold.name(),
                100.0 * recall,
                100.0 * rf
            ));
        }
    }
    println!("\nSampled single points of failure not reported:");
    for m in &missed {
        println!("{m}");
    }
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
    for ((f, l, n), v) in gone.iter().filter(|(_, v)| v.right) {
        println!("  right\t{f}:{l}\t{n}\t{}\t{}", v.label, v.why);
    }

    assert!(
        !found.is_empty(),
        "no finding at all on the corpus: is the linter running?"
    );
    assert!(
        unjudged.is_empty(),
        "{} finding(s) have no verdict in fixtures/corpus/judgments*.tsv; judge each and add a row \
         (verdict, file, line, node, label, category, why):\n{}",
        unjudged.len(),
        unjudged.join("\n")
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
