//! `--baseline` / `--create-baseline` on a scratch repository, as a user
//! adopts spoflint: one command writes the baseline, later runs fail only
//! on new findings, moving a diagram keeps it baselined, editing it makes
//! its findings new, and what no longer matches is said to be stale.

#[path = "support/bin.rs"]
mod bin;

use bin::go;
use std::fs;

const ARCH: &str = "```mermaid\nflowchart LR\n  U[Users] --> S[Server] --> DB[(Database)]\n```\n";

const CHECK: &[&str] = &["docs", "--baseline", ".spoflint-baseline.json"];
const CREATE: &[&str] = &[
    "docs",
    "--baseline",
    ".spoflint-baseline.json",
    "--create-baseline",
];

/// A repository with two findings in `docs/a.md`, adopted with a baseline.
fn adopted() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    fs::create_dir(d.path().join("docs")).unwrap();
    fs::write(d.path().join("docs/a.md"), format!("# A\n\n{ARCH}")).unwrap();
    assert_eq!(
        go(d.path(), &["docs"]).code,
        1,
        "the scratch repo has findings"
    );
    let made = go(d.path(), CREATE);
    assert_eq!(made.code, 0, "{}", made.err);
    assert_eq!(made.out, "", "--create-baseline reports nothing");
    assert!(made
        .err
        .contains("wrote 2 baseline entries to .spoflint-baseline.json"));
    d
}

#[test]
fn adopting_in_one_command_then_the_run_is_clean() {
    let d = adopted();
    let text = fs::read_to_string(d.path().join(".spoflint-baseline.json")).unwrap();
    assert!(text.starts_with("{\n  \"version\": 1,"), "{text}");
    assert!(text.contains("\"path\":\"docs/a.md\""), "{text}");
    assert!(
        !text.contains("line"),
        "entries carry no line numbers: {text}"
    );
    let r = go(d.path(), CHECK);
    assert_eq!((r.code, r.out.as_str()), (0, ""), "{}", r.err);
    assert!(!r.err.contains("stale"), "{}", r.err);
}

#[test]
fn a_new_finding_fails_and_is_the_only_one_reported() {
    let d = adopted();
    fs::write(d.path().join("docs/b.md"), ARCH).unwrap();
    let r = go(d.path(), CHECK);
    assert_eq!(r.code, 1);
    assert!(
        r.out.lines().all(|l| l.starts_with("docs/b.md:")),
        "{}",
        r.out
    );
    assert_eq!(r.out.lines().count(), 2, "{}", r.out);
}

#[test]
fn moving_a_diagram_down_keeps_it_baselined() {
    let d = adopted();
    let moved = format!("# A\n\nA new paragraph.\n\nAnd another one.\n\n    \n{ARCH}");
    fs::write(d.path().join("docs/a.md"), moved).unwrap();
    let r = go(d.path(), CHECK);
    assert_eq!((r.code, r.out.as_str()), (0, ""), "{}", r.err);
}

#[test]
fn reindenting_a_diagram_keeps_it_baselined() {
    let d = adopted();
    let reindented = ARCH.replace("  U[Users]", "\tU[Users]  ");
    fs::write(d.path().join("docs/a.md"), format!("# A\n\n{reindented}")).unwrap();
    let r = go(d.path(), CHECK);
    assert_eq!((r.code, r.out.as_str()), (0, ""), "{}", r.err);
}

#[test]
fn editing_a_diagram_makes_its_findings_new_and_the_old_entries_stale() {
    let d = adopted();
    let edited = ARCH.replace("Server]", "App server]");
    fs::write(d.path().join("docs/a.md"), format!("# A\n\n{edited}")).unwrap();
    let r = go(d.path(), CHECK);
    assert_eq!(r.code, 1);
    assert_eq!(r.out.lines().count(), 2, "{}", r.out);
    assert!(
        r.err.contains("spoflint: 2 stale baseline entries"),
        "{}",
        r.err
    );
    assert!(
        r.err.contains("docs/a.md: single-point-of-failure node DB"),
        "{}",
        r.err
    );
    assert!(
        r.err.contains("docs/a.md: single-point-of-failure node S"),
        "{}",
        r.err
    );
}

#[test]
fn files_not_checked_have_no_stale_entries() {
    // Pre-commit passes only the changed files: the others' entries are
    // not stale, only not looked at.
    let d = adopted();
    fs::write(d.path().join("docs/other.md"), "# Other\n").unwrap();
    let r = go(
        d.path(),
        &["docs/other.md", "--baseline", ".spoflint-baseline.json"],
    );
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(!r.err.contains("stale"), "{}", r.err);
}

#[test]
fn a_fixed_finding_is_a_stale_entry_and_does_not_fail() {
    let d = adopted();
    fs::write(d.path().join("docs/a.md"), "# A\n\nNo diagram any more.\n").unwrap();
    let r = go(d.path(), CHECK);
    assert_eq!(r.code, 0);
    assert!(r.err.contains("2 stale baseline entries"), "{}", r.err);
}

#[test]
fn the_baseline_is_found_from_another_folder() {
    // Paths are relative to the baseline's folder, not to where it runs.
    let d = adopted();
    let r = go(
        &d.path().join("docs"),
        &[".", "--baseline", "../.spoflint-baseline.json"],
    );
    assert_eq!((r.code, r.out.as_str()), (0, ""), "{}", r.err);
}

#[test]
fn recreating_the_baseline_is_byte_for_byte_the_same() {
    let d = adopted();
    let first = fs::read(d.path().join(".spoflint-baseline.json")).unwrap();
    assert_eq!(go(d.path(), CREATE).code, 0);
    let second = fs::read(d.path().join(".spoflint-baseline.json")).unwrap();
    assert_eq!(first, second);
}

#[test]
fn without_create_baseline_the_file_is_never_written() {
    let d = adopted();
    let path = d.path().join(".spoflint-baseline.json");
    fs::write(&path, "{\"version\": 1, \"entries\": []}\n").unwrap();
    let r = go(d.path(), CHECK);
    assert_eq!(r.code, 1);
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "{\"version\": 1, \"entries\": []}\n"
    );
}

#[test]
fn create_baseline_refuses_to_write_over_an_input() {
    let d = adopted();
    let before = fs::read_to_string(d.path().join("docs/a.md")).unwrap();
    let r = go(
        d.path(),
        &["docs", "--baseline", "docs/a.md", "--create-baseline"],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.err
            .contains("refusing to write the baseline over docs/a.md"),
        "{}",
        r.err
    );
    assert_eq!(
        fs::read_to_string(d.path().join("docs/a.md")).unwrap(),
        before
    );
    let left: Vec<_> = fs::read_dir(d.path().join("docs")).unwrap().collect();
    assert_eq!(left.len(), 1, "no temporary file is left behind");
}

#[test]
fn parse_errors_are_baselined_by_message() {
    let d = tempfile::tempdir().unwrap();
    fs::create_dir(d.path().join("docs")).unwrap();
    let broken = "```mermaid\nflowchart LR\n  A -->\n```\n";
    fs::write(d.path().join("docs/a.md"), broken).unwrap();
    assert_eq!(go(d.path(), &["docs"]).code, 1);
    assert_eq!(go(d.path(), CREATE).code, 0);
    let text = fs::read_to_string(d.path().join(".spoflint-baseline.json")).unwrap();
    assert!(text.contains("\"rule\":\"parse-error\""), "{text}");
    assert!(text.contains("\"message\":"), "{text}");
    fs::write(d.path().join("docs/a.md"), format!("# Moved\n\n{broken}")).unwrap();
    let r = go(d.path(), CHECK);
    assert_eq!((r.code, r.out.as_str()), (0, ""), "{}", r.err);
}
