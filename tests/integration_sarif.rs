//! `--format sarif` output validates against the OASIS SARIF 2.1.0 JSON
//! schema vendored in `fixtures/sarif/` (see its SOURCE.md for where it
//! comes from and its licence).

use serde_json::Value;
use spoflint::diagnostic::{BlastRadius, Diagnostic, FileReport, Label, Severity};
use spoflint::span::Span;
use std::sync::Arc;

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string("fixtures/sarif/sarif-schema-2.1.0.json").unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::draft4::new(&schema).expect("the schema compiles")
}

fn assert_valid(doc: &Value) {
    let v = validator();
    let errors: Vec<String> = v
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF is invalid:\n{}",
        errors.join("\n")
    );
}

fn reports() -> Vec<FileReport> {
    let text = "```mermaid\nflowchart LR\n  A --> DB[(Main DB)]\n  A --> B %% x\n```\n";
    let db = text.find("DB[").unwrap();
    let mut spof = Diagnostic::new(
        "single-point-of-failure",
        "SPOF001",
        Severity::Warning,
        Span::new(db, db + 13),
        "`Main DB` is a single point of failure",
    )
    .with_help("add a replica");
    spof.labels = Box::new([Label::new(Span::new(db - 6, db - 5), "needed by A")]);
    spof.blast_radius = Some(BlastRadius::new(["A".into()], ["B".into()]));
    let parse = Diagnostic::new(
        "parse-error",
        "SPOF000",
        Severity::Error,
        Span::at(text.find("%%").unwrap()),
        "comments must stand on their own line",
    );
    vec![FileReport {
        path: "./docs/my arch.md".into(),
        source: Arc::from(text),
        diagrams: 1,
        diagnostics: vec![parse, spof],
        read_error: None,
        note: None,
    }]
}

#[test]
fn sarif_with_results_is_valid() {
    let style = spoflint::report::Style {
        docs_url: Some("https://example.invalid/spoflint#"),
        ..Default::default()
    };
    let mut out = Vec::new();
    spoflint::report::sarif(&reports(), &style, &mut out).unwrap();
    let doc: Value = serde_json::from_slice(&out).unwrap();
    assert_valid(&doc);
    assert_eq!(doc["runs"][0]["results"].as_array().unwrap().len(), 2);
}

#[test]
fn sarif_of_the_binary_is_valid() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_spoflint"))
        .args(["--format", "sarif", "fixtures/cli/clean"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid(&doc);
}

#[test]
fn the_schema_rejects_a_broken_log() {
    // Guard against a validator that accepts everything.
    let bad = serde_json::json!({"version": "2.1.0", "runs": [{"results": []}]});
    assert!(!validator().is_valid(&bad));
}

// A binary file was skipped with a note on stderr only: code scanning never
// saw it. It is a notification of the run, and the log stays valid.
#[test]
fn a_skipped_file_is_a_valid_tool_execution_notification() {
    let mut skipped = reports();
    skipped.push(spoflint::check::check_bytes(
        "docs/image.md",
        b"\x89PNG\0",
        false,
        &spoflint::config::Settings::default(),
    ));
    let mut out = Vec::new();
    spoflint::report::sarif(&skipped, &Default::default(), &mut out).unwrap();
    let doc: Value = serde_json::from_slice(&out).unwrap();
    assert_valid(&doc);
    let notes = &doc["runs"][0]["invocations"][0]["toolExecutionNotifications"];
    assert_eq!(notes.as_array().map(Vec::len), Some(1), "{doc}");
    assert_eq!(
        notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "docs/image.md"
    );
    assert_eq!(
        notes[0]["message"]["text"],
        "spoflint did not check this file: looks binary (NUL byte at offset 4)"
    );
}
