//! The problem matchers shipped for GitHub Actions
//! (`.github/spoflint-problem-matcher.json`) and VS Code
//! (`editors/vscode/tasks.json`) read `--format concise` output: each
//! matcher's JavaScript regex, translated faithfully to the `regex` crate,
//! is run over real concise output and must recover file, line, column,
//! severity, message and rule.

use regex::Regex;
use serde_json::Value;
use spoflint::diagnostic::{Diagnostic, FileReport, Severity};
use spoflint::span::Span;
use std::sync::Arc;

/// Translate a JavaScript (ECMAScript, no flags) regex to `regex` syntax.
///
/// ECMAScript `\d`, `\w`, `\s` and `\b` are ASCII-only without the `u` flag
/// (`\s` also takes a few Unicode spaces we never emit), while `regex`'s are
/// Unicode: spell them as ASCII classes. Constructs `regex` lacks
/// (look-around, back-references) make the test fail rather than be
/// approximated.
fn js_to_rust(js: &str) -> String {
    for unsupported in ["(?=", "(?!", "(?<=", "(?<!"] {
        assert!(!js.contains(unsupported), "look-around in {js}");
    }
    let mut out = String::new();
    let mut chars = js.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('d') => out.push_str("[0-9]"),
            Some('D') => out.push_str("[^0-9]"),
            Some('w') => out.push_str("[A-Za-z0-9_]"),
            Some('W') => out.push_str("[^A-Za-z0-9_]"),
            Some('b') => out.push_str(r"(?-u:\b)"),
            Some(n @ '1'..='9') => panic!("back-reference \\{n} in {js}"),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => panic!("trailing backslash in {js}"),
        }
    }
    out
}

/// A matcher: its regex and which group holds what.
struct Matcher {
    re: Regex,
    groups: Value,
}

impl Matcher {
    fn from_pattern(p: &Value) -> Matcher {
        let js = p["regexp"].as_str().expect("regexp");
        Matcher {
            re: Regex::new(&js_to_rust(js)).expect("valid regex"),
            groups: p.clone(),
        }
    }

    /// (file, line, column, severity, message, code) of one output line.
    fn read<'a>(&self, line: &'a str) -> Option<[&'a str; 6]> {
        let caps = self.re.captures(line)?;
        let get = |key: &str| {
            let i = self.groups[key].as_u64().expect(key) as usize;
            caps.get(i).map_or("", |m| m.as_str())
        };
        Some([
            get("file"),
            get("line"),
            get("column"),
            get("severity"),
            get("message"),
            get("code"),
        ])
    }
}

fn load(path: &str) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn github_matcher() -> Matcher {
    let v = load(".github/spoflint-problem-matcher.json");
    let patterns = v["problemMatcher"][0]["pattern"].as_array().unwrap();
    assert_eq!(patterns.len(), 1, "one line per finding");
    Matcher::from_pattern(&patterns[0])
}

fn vscode_matcher() -> Matcher {
    let v = load("editors/vscode/tasks.json");
    Matcher::from_pattern(&v["tasks"][0]["problemMatcher"]["pattern"])
}

/// Real concise output for awkward but legal input: a path with spaces and
/// a colon, a message with colons and brackets, a column after
/// multi-byte characters, both severities.
fn concise_output() -> String {
    let text = "# Café\n\n```mermaid\nflowchart LR\n  Ünïcode --> DB[(Main DB)]\n```\n";
    let db = text.find("DB[").unwrap();
    let mut warning = Diagnostic::new(
        "single-point-of-failure",
        "SPOF001",
        Severity::Warning,
        Span::new(db, db + 2),
        "`Main DB` [primary]: everything depends on it",
    );
    warning.help = Some("add a replica".into());
    let error = Diagnostic::new(
        "parse-error",
        "SPOF000",
        Severity::Error,
        Span::at(text.find("flowchart").unwrap()),
        "expected a node id after \"-->\"",
    );
    let report = FileReport {
        path: "docs/my notes: v2/arch.md".into(),
        source: Arc::from(text),
        diagrams: 1,
        diagnostics: vec![error, warning],
        read_error: None,
        note: None,
    };
    let mut out = Vec::new();
    spoflint::report::concise(&[report], &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn check(m: &Matcher) {
    let out = concise_output();
    let found: Vec<[&str; 6]> = out.lines().map(|l| m.read(l).expect(l)).collect();
    assert_eq!(
        found,
        vec![
            [
                "docs/my notes: v2/arch.md",
                "4",
                "1",
                "error",
                "expected a node id after \"-->\"",
                "parse-error"
            ],
            [
                "docs/my notes: v2/arch.md",
                "5",
                "15",
                "warning",
                "`Main DB` [primary]: everything depends on it",
                "single-point-of-failure"
            ],
        ]
    );
    // The summary line on stderr must never look like a finding.
    assert!(m
        .read("Checked 2 files, 1 diagram: 1 error, 1 warning")
        .is_none());
}

#[test]
fn github_problem_matcher_reads_concise_output() {
    check(&github_matcher());
}

#[test]
fn vscode_problem_matcher_reads_concise_output() {
    check(&vscode_matcher());
}

#[test]
fn both_matchers_use_the_same_regex() {
    assert_eq!(github_matcher().re.as_str(), vscode_matcher().re.as_str());
}

#[test]
fn translation_makes_classes_ascii() {
    assert_eq!(js_to_rust(r"^(\d+):\w"), "^([0-9]+):[A-Za-z0-9_]");
    // `regex`'s \d would accept Arabic-Indic digits; ECMAScript's does not.
    let re = Regex::new(&js_to_rust(r"^\d+$")).unwrap();
    assert!(!re.is_match("٣"));
}

#[test]
fn matchers_read_the_binary_output_on_a_broken_diagram() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_spoflint"))
        .args(["--format", "concise", "fixtures/cli/broken/docs/arch.md"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let m = github_matcher();
    let first = stdout.lines().next().expect("a finding");
    let [file, line, _, severity, _, code] = m.read(first).expect(first);
    assert_eq!(
        (file, line, severity, code),
        (
            "fixtures/cli/broken/docs/arch.md",
            "5",
            "error",
            "parse-error"
        )
    );
}
