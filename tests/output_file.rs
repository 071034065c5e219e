//! `--output-file` never replaces a file the run reads, never leaves a
//! truncated or mixed report, and writes a whole report otherwise.
//!
//! Regression tests for an attack on the binary: `-o` naming an input
//! (directly, through a hard link, a symbolic link or a linked folder)
//! emptied the doc before it was read, and `-o spoflint.toml` replaced the
//! configuration.

#[path = "support/bin.rs"]
mod bin;

use bin::{go, Ran};
use std::fs;
use std::path::Path;

const DOC: &str =
    "# Checkout\n\n```mermaid\nflowchart LR\n  U[Users] --> S[Server] --> DB[(Database)]\n```\n";

/// A folder with `docs/checkout.md`.
fn project() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    fs::create_dir(d.path().join("docs")).unwrap();
    fs::write(d.path().join("docs/checkout.md"), DOC).unwrap();
    d
}

/// The run is refused (exit 2, a message naming the input), the doc is
/// unchanged, and no temporary file is left anywhere in the project.
fn assert_refused(d: &Path, ran: &Ran, input: &str) {
    assert_eq!(ran.code, 2, "{}", ran.err);
    assert!(
        ran.err
            .contains(&format!("refusing to write the report over {input}")),
        "{}",
        ran.err
    );
    assert_eq!(fs::read_to_string(d.join("docs/checkout.md")).unwrap(), DOC);
    assert_no_temp_files(d);
}

fn assert_no_temp_files(d: &Path) {
    for e in walkdir::WalkDir::new(d) {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            !name.starts_with(".spoflint-report-"),
            "left behind: {name}"
        );
    }
}

#[test]
fn output_file_naming_an_input_is_refused_and_the_doc_kept() {
    let d = project();
    let ran = go(d.path(), &["docs", "-o", "docs/checkout.md"]);
    assert_refused(d.path(), &ran, "docs/checkout.md");
}

#[cfg(unix)]
#[test]
fn output_file_hard_linked_to_an_input_is_refused() {
    let d = project();
    fs::hard_link(
        d.path().join("docs/checkout.md"),
        d.path().join("report.txt"),
    )
    .unwrap();
    let ran = go(d.path(), &["docs", "-o", "report.txt"]);
    assert_refused(d.path(), &ran, "docs/checkout.md");
}

#[cfg(unix)]
#[test]
fn output_file_symlinked_to_an_input_is_refused() {
    let d = project();
    std::os::unix::fs::symlink("docs/checkout.md", d.path().join("report.txt")).unwrap();
    let ran = go(d.path(), &["docs", "-o", "report.txt"]);
    assert_refused(d.path(), &ran, "docs/checkout.md");
}

#[cfg(unix)]
#[test]
fn output_file_through_a_symlinked_folder_is_refused() {
    let d = project();
    std::os::unix::fs::symlink("docs", d.path().join("linked")).unwrap();
    let ran = go(d.path(), &["docs", "-o", "linked/checkout.md"]);
    assert_refused(d.path(), &ran, "docs/checkout.md");
}

#[test]
fn output_file_naming_the_config_is_refused() {
    let d = project();
    let config = "fail-level = \"warning\"\n";
    fs::write(d.path().join("spoflint.toml"), config).unwrap();
    let ran = go(d.path(), &["docs", "-o", "spoflint.toml"]);
    assert_refused(d.path(), &ran, "spoflint.toml");
    assert_eq!(
        fs::read_to_string(d.path().join("spoflint.toml")).unwrap(),
        config
    );
}

#[test]
fn output_file_naming_the_config_flag_file_is_refused() {
    let d = project();
    let config = "fail-level = \"warning\"\n";
    fs::write(d.path().join("custom.toml"), config).unwrap();
    let ran = go(
        d.path(),
        &["docs", "--config", "custom.toml", "-o", "custom.toml"],
    );
    assert_refused(d.path(), &ran, "custom.toml");
    assert_eq!(
        fs::read_to_string(d.path().join("custom.toml")).unwrap(),
        config
    );
}

#[test]
fn output_file_elsewhere_gets_the_whole_report_and_stdout_nothing() {
    let d = project();
    fs::write(
        d.path().join("report.txt"),
        "an older, longer report\n".repeat(100),
    )
    .unwrap();
    let ran = go(d.path(), &["docs", "-o", "report.txt"]);
    assert_eq!(ran.code, 1, "{}", ran.err);
    assert_eq!(ran.out, "");
    let plain = go(d.path(), &["docs"]);
    assert_eq!(
        fs::read_to_string(d.path().join("report.txt")).unwrap(),
        plain.out
    );
    assert_no_temp_files(d.path());
}

#[cfg(unix)]
#[test]
fn output_file_through_a_link_to_another_file_replaces_that_file() {
    // The link stays a link; the file it points to gets the report.
    let d = project();
    fs::write(d.path().join("old.txt"), "old\n").unwrap();
    std::os::unix::fs::symlink("old.txt", d.path().join("report.txt")).unwrap();
    let ran = go(d.path(), &["docs", "-o", "report.txt"]);
    assert_eq!(ran.code, 1, "{}", ran.err);
    assert!(fs::symlink_metadata(d.path().join("report.txt"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(fs::read_to_string(d.path().join("old.txt"))
        .unwrap()
        .contains("single point of failure"));
}

#[cfg(unix)]
#[test]
fn output_file_keeps_the_permissions_of_the_file_it_replaces() {
    use std::os::unix::fs::PermissionsExt;
    let d = project();
    let report = d.path().join("report.txt");
    fs::write(&report, "old\n").unwrap();
    fs::set_permissions(&report, fs::Permissions::from_mode(0o640)).unwrap();
    go(d.path(), &["docs", "-o", "report.txt"]);
    let mode = fs::metadata(&report).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
}

#[test]
fn concurrent_runs_writing_one_output_file_never_mix() {
    // Each run renames a whole report into place: whichever wins, the
    // file is one complete report, never an interleaving or NUL bytes.
    let d = project();
    for i in 0..40 {
        fs::write(
            d.path().join(format!("docs/more{i:02}.md")),
            DOC.replace("Server", &format!("Server {i}")),
        )
        .unwrap();
    }
    let expected = go(d.path(), &["docs", "--format", "json"]).out;
    std::thread::scope(|s| {
        for _ in 0..8 {
            s.spawn(|| go(d.path(), &["docs", "--format", "json", "-o", "report.json"]));
        }
    });
    assert_eq!(
        fs::read_to_string(d.path().join("report.json")).unwrap(),
        expected
    );
    assert_no_temp_files(d.path());
}
