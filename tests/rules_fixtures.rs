//! Every rule fixture (`fixtures/rules/<rule>/{pass,fail}_*.md`) through the
//! whole pipeline, `check::check_bytes`: a file's findings, as
//! `(rule, node or subgraph or "-", severity)`, must equal the `%% expect:`
//! lines written in it (see `fixtures/rules/README.md`).

use spoflint::check::check_bytes;
use spoflint::config::Settings;
use std::path::{Path, PathBuf};

fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
    let mut out = Vec::new();
    for rule in std::fs::read_dir(&root).unwrap().flatten() {
        if !rule.path().is_dir() {
            continue;
        }
        for f in std::fs::read_dir(rule.path()).unwrap().flatten() {
            let p = f.path();
            if p.extension().is_some_and(|e| e == "md") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn expected(text: &str) -> Vec<String> {
    let mut v: Vec<String> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("%% expect:"))
        .map(|e| e.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    v.sort();
    v
}

#[test]
fn rule_fixtures_give_exactly_their_expected_findings() {
    let settings = Settings::default();
    let mut failures = Vec::new();
    for path in fixtures() {
        let text = std::fs::read_to_string(&path).unwrap();
        let report = check_bytes(
            &path.display().to_string(),
            text.as_bytes(),
            false,
            &settings,
        );
        let mut got: Vec<String> = report
            .diagnostics
            .iter()
            .map(|d| {
                let id = d.node.as_deref().or(d.subgraph.as_deref()).unwrap_or("-");
                format!("{} {} {}", d.rule, id, d.severity.as_str())
            })
            .collect();
        got.sort();
        let want = expected(&text);
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with("fail_") && want.is_empty() {
            failures.push(format!("{name}: a fail_ fixture must expect something"));
        }
        if name.starts_with("pass_") && !want.is_empty() {
            failures.push(format!("{name}: a pass_ fixture must expect nothing"));
        }
        if got != want {
            failures.push(format!("{name}:\n  want {want:?}\n  got  {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
