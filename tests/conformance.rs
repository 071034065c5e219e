//! Differential test against Mermaid 12.3.0: every block of the vendored
//! corpora (Mermaid's docs and the edge-case probes) is parsed and compared
//! with what Mermaid built (`expected-raw.jsonl`, produced by the oracle).
//! Remaining differences must be listed in
//! `fixtures/conformance/known-differences.toml`; a listed one that no longer
//! differs fails too, so the list stays honest.

use serde_json::Value;
use spoflint::flowchart::parse;

mod common;
use common::{difference, ours, theirs};
use spoflint::span::LineIndex;
use std::collections::BTreeMap;
use std::path::Path;

fn fixtures() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/conformance"))
}

fn known() -> BTreeMap<String, String> {
    let text =
        std::fs::read_to_string(fixtures().join("known-differences.toml")).unwrap_or_default();
    let v: toml::Value = toml::from_str(&text).expect("known-differences.toml parses");
    let mut out = BTreeMap::new();
    if let Some(list) = v.get("difference").and_then(|d| d.as_array()) {
        for d in list {
            let id = d.get("id").and_then(|x| x.as_str()).unwrap_or_default();
            let reason = d.get("reason").and_then(|x| x.as_str()).unwrap_or_default();
            assert!(
                !reason.trim().is_empty(),
                "known difference {id} needs a reason"
            );
            out.insert(id.to_string(), reason.to_string());
        }
    }
    out
}

#[test]
fn conformance_with_mermaid() {
    let known = known();
    let mut unlisted = Vec::new();
    let mut listed_seen = Vec::new();
    let mut summary = Vec::new();
    let mut compared_vertices = 0;
    for corpus in ["mermaid-docs", "edge-cases", "real", "fuzz"] {
        let path = fixtures().join(corpus).join("expected-raw.jsonl");
        let text = std::fs::read_to_string(&path).expect("vendored expectations");
        let (mut n, mut matched) = (0, 0);
        let (mut rejected_with_line, mut line_agree) = (0, 0);
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let rec: Value = serde_json::from_str(line).expect("jsonl");
            let id = match rec.get("id").and_then(|x| x.as_str()) {
                Some(id) => format!("{corpus}:{id}"),
                None => format!(
                    "{corpus}:{}#{}",
                    rec["file"].as_str().unwrap_or("?"),
                    rec["block_index"]
                ),
            };
            let block = rec["text"].as_str().unwrap_or_default();
            let oracle = &rec["oracle"];
            let parsed = parse(block);
            n += 1;
            compared_vertices += oracle["vertices"].as_array().map_or(0, Vec::len);
            let mut diff = difference(&ours(&parsed), &theirs(oracle));
            if diff.is_none() && oracle["ok"] == Value::Bool(false) {
                if let Some(want) = oracle["sourceLine"].as_u64() {
                    rejected_with_line += 1;
                    let got = parsed
                        .errors
                        .first()
                        .map(|e| LineIndex::new(block).line_col(block, e.span.start).line as u64);
                    if got == Some(want) {
                        line_agree += 1;
                    } else {
                        diff = Some(format!(
                            "error line: ours {got:?} vs Mermaid {want} ({})",
                            oracle["error"]
                                .as_str()
                                .unwrap_or("")
                                .lines()
                                .next()
                                .unwrap_or("")
                        ));
                    }
                }
            }
            match (diff, known.contains_key(&id)) {
                (None, false) => matched += 1,
                (None, true) => {
                    matched += 1;
                    listed_seen.push(format!(
                        "{id}: listed as a known difference but now matches"
                    ));
                }
                (Some(d), false) => unlisted.push(format!("{id}: {d}")),
                (Some(_), true) => {}
            }
        }
        summary.push(format!(
            "{corpus}: {n} blocks, {matched} match; rejected blocks with a Mermaid line: {rejected_with_line}, same first-error line: {line_agree}"
        ));
    }
    #[allow(clippy::print_stderr)] // the summary is the point of this test
    {
        for s in &summary {
            eprintln!("{s}");
        }
        for u in &unlisted {
            eprintln!("UNLISTED {u}");
        }
        for l in &listed_seen {
            eprintln!("STALE {l}");
        }
    }
    // Guard against a vacuous comparison (e.g. an empty corpus file).
    assert!(
        compared_vertices > 900,
        "only {compared_vertices} vertices compared"
    );
    assert!(
        unlisted.is_empty() && listed_seen.is_empty(),
        "{} unlisted differences, {} stale known differences (see stderr)",
        unlisted.len(),
        listed_seen.len()
    );
}

/// Development aid: compare any oracle output (`--jsonl --nest --raw-labels`
/// records with `text` and `oracle`) named by `SPOFLINT_DIFF_JSONL`.
/// Run with `cargo test --test conformance -- --ignored --nocapture`.
#[test]
#[ignore]
fn differential_jsonl_from_env() {
    let Ok(path) = std::env::var("SPOFLINT_DIFF_JSONL") else {
        return;
    };
    let text = std::fs::read_to_string(path).expect("readable jsonl");
    let (mut n, mut bad) = (0, 0);
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let rec: Value = serde_json::from_str(line).expect("jsonl");
        let block = rec["text"].as_str().unwrap_or_default();
        let oracle = &rec["oracle"];
        let parsed = parse(block);
        n += 1;
        let mut diff = difference(&ours(&parsed), &theirs(oracle));
        if diff.is_none() {
            if let (Some(want), Some(e)) = (oracle["sourceLine"].as_u64(), parsed.errors.first()) {
                let got = LineIndex::new(block).line_col(block, e.span.start).line as u64;
                if got != want {
                    diff = Some(format!("error line: ours {got} vs Mermaid {want}"));
                }
            }
        }
        if let Some(d) = diff {
            bad += 1;
            #[allow(clippy::print_stderr)] // a development report
            {
                eprintln!("DIFF {}: {d}\n  text: {block:?}", rec["id"]);
            }
        }
    }
    #[allow(clippy::print_stderr)] // a development report
    {
        eprintln!("{n} blocks, {bad} differ");
    }
}
