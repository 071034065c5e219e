//! Our own fixtures: `fixtures/parse/ok/*.mmd` must be accepted and built
//! exactly as Mermaid builds them, `fixtures/parse/err/*.mmd` rejected with
//! the first error on Mermaid's line. Mermaid's results are in
//! `fixtures/parse/expected-raw.jsonl` (see `fixtures/parse/README.md`); our
//! error messages are pinned by an insta snapshot.

use serde_json::Value;
use spoflint::flowchart::parse;
use spoflint::span::LineIndex;
use std::collections::BTreeMap;
use std::path::Path;

mod common;
use common::{difference, ours, theirs};

fn base() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/parse"))
}

fn expected() -> BTreeMap<String, Value> {
    let text = std::fs::read_to_string(base().join("expected-raw.jsonl")).expect("expectations");
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("jsonl");
            (v["file"].as_str().unwrap_or_default().to_string(), v)
        })
        .collect()
}

fn fixtures(dir: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(base().join(dir))
        .expect("fixture folder")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "mmd"))
        .map(|p| {
            let name = format!(
                "{dir}/{}",
                p.file_name().unwrap_or_default().to_string_lossy()
            );
            (name, std::fs::read_to_string(&p).expect("fixture text"))
        })
        .collect();
    out.sort();
    out
}

#[test]
fn ok_fixtures_match_mermaid() {
    let exp = expected();
    let fx = fixtures("ok");
    assert!(fx.len() >= 20);
    for (name, text) in fx {
        let o = exp
            .get(&name)
            .unwrap_or_else(|| panic!("no expectation for {name}"));
        assert_eq!(
            o["ok"],
            Value::Bool(true),
            "{name}: Mermaid must accept ok fixtures"
        );
        let p = parse(&text);
        assert!(p.errors.is_empty(), "{name}: {:?}", p.errors);
        if let Some(d) = difference(&ours(&p), &theirs(o)) {
            panic!("{name}: {d}");
        }
    }
}

#[test]
fn err_fixtures_fail_where_mermaid_fails() {
    let exp = expected();
    let mut report = String::new();
    for (name, text) in fixtures("err") {
        let o = exp
            .get(&name)
            .unwrap_or_else(|| panic!("no expectation for {name}"));
        assert_eq!(
            o["ok"],
            Value::Bool(false),
            "{name}: Mermaid must reject err fixtures"
        );
        let p = parse(&text);
        assert!(
            p.diagram.is_none(),
            "{name}: we accept what Mermaid rejects"
        );
        let idx = LineIndex::new(&text);
        let first = p.errors.first();
        if o["errorKind"] != "unknown-diagram" {
            assert!(first.is_some(), "{name}: no error reported");
        }
        if let (Some(want), Some(e)) = (o["sourceLine"].as_u64(), first) {
            let got = idx.line_col(&text, e.span.start).line as u64;
            assert_eq!(got, want, "{name}: first error line");
        }
        for e in &p.errors {
            let lc = idx.line_col(&text, e.span.start);
            report.push_str(&format!(
                "{name}:{}:{}: {}\n",
                lc.line, lc.column, e.message
            ));
        }
    }
    insta::assert_snapshot!("err_fixture_messages", report);
}
