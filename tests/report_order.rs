//! The order of the report, through `spoflint::run` as the binary runs it.
//!
//! One folder walked on its own is reported as the walk goes (the walk
//! reaches files in the report's order, `pipeline::Order::Pushed`); several
//! paths are reported once the walk is over, sorted. Both must give the
//! same report: files in the order of their paths' bytes as shown.

#[path = "support/cli.rs"]
mod cli;

use cli::Ran;
use spoflint::progress::Silent;
use spoflint::Outcome;
use std::fs;
use std::path::Path;

/// A diagram with three findings (a lone load balancer, server, database).
const LONE: &str = "```mermaid\nflowchart LR\n    Users --> LB[Load Balancer] --> API[API Server] --> DB[(Orders DB)]\n```\n";

/// Run with `paths` (relative to `root`) after `args`.
fn go(root: &Path, args: &[&str], paths: &[&str]) -> Ran {
    let paths: Vec<String> = paths
        .iter()
        .map(|p| root.join(p).display().to_string())
        .collect();
    let all: Vec<&str> = args
        .iter()
        .copied()
        .chain(paths.iter().map(String::as_str))
        .collect();
    cli::run_in(root, &all, "", &mut Silent)
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

/// The files named in a concise report, in the order they first appear,
/// relative to `root`.
fn files(root: &Path, report: &str) -> Vec<String> {
    let root = format!("{}/", root.display());
    let mut out: Vec<String> = Vec::new();
    for line in report.lines() {
        let line = line.strip_prefix(&root).unwrap_or(line);
        let path = line.split(':').next().unwrap().to_string();
        if out.last() != Some(&path) {
            out.push(path);
        }
    }
    out
}

#[test]
fn a_walked_folder_is_reported_in_path_order_as_several_paths_are() {
    let d = tempfile::tempdir().unwrap();
    // `-` and `.` sort before `/`, digits after: the folder `b` is reported
    // after `b.md` and before `b0.md`, as its files' paths say.
    for name in [
        "b.md", "b-c.md", "b.md.md", "B.md", "b/a.md", "b/c/d.md", "b/c.md", "b0.md", "é.md",
        "z.md",
    ] {
        write(d.path(), &format!("docs/{name}"), LONE);
    }
    let alone = go(d.path(), &["--format", "concise"], &["docs"]);
    let listed = files(d.path(), &alone.out);
    let mut sorted = listed.clone();
    sorted.sort();
    assert_eq!(listed, sorted);
    assert_eq!(listed.len(), 10, "{}", alone.out);
    // Named again with one of its files (each file checked once), the
    // report is sorted after the walk: the same report.
    let twice = go(d.path(), &["--format", "concise"], &["docs", "docs/b.md"]);
    assert_eq!(alone.out, twice.out);
    assert_eq!(alone.err, twice.err);
}

#[cfg(unix)]
#[test]
fn names_that_are_not_utf8_are_ordered_as_they_are_shown() {
    use std::os::unix::ffi::OsStrExt;
    let d = tempfile::tempdir().unwrap();
    let docs = d.path().join("docs");
    fs::create_dir_all(&docs).unwrap();
    // Shown as `\u{fffd}.md` (EF BF BD), which sorts before `\u{fffe}.md`
    // (EF BF BE), though its raw byte 0xFF sorts after 0xEF.
    fs::write(docs.join(std::ffi::OsStr::from_bytes(b"\xff.md")), LONE).unwrap();
    fs::write(docs.join("\u{fffe}.md"), LONE).unwrap();
    fs::write(docs.join("a.md"), LONE).unwrap();
    let alone = go(d.path(), &["--format", "concise"], &["docs"]);
    assert_eq!(
        files(d.path(), &alone.out),
        ["docs/a.md", "docs/\u{fffd}.md", "docs/\u{fffe}.md"]
    );
    let twice = go(d.path(), &["--format", "concise"], &["docs", "docs/a.md"]);
    assert_eq!(alone.out, twice.out);
}

#[test]
fn a_big_folder_gives_the_same_report_walked_alone_or_with_other_paths() {
    // More files than the pipeline holds at once (`Order::Pushed` hands
    // results out while the walk goes on), in nested folders whose names
    // sort around `/`, with notes (a file that is not UTF-8) among them.
    let d = tempfile::tempdir().unwrap();
    for i in 0..3000 {
        let folder = ["a", "a-b", "a.b", "a0"][i % 4];
        let text = match i % 10 {
            0 => LONE.to_string(),
            1 => "# not utf-8 \u{0}".to_string(),
            2 => "plain prose\n".repeat(50),
            _ => format!("# Page {i}\n\nNo diagram.\n"),
        };
        write(d.path(), &format!("docs/{folder}/{}/p{i}.md", i % 7), &text);
    }
    fs::write(d.path().join("docs/a/bad.md"), b"text \xff\xfe\n").unwrap();
    let alone = go(d.path(), &["--format", "concise"], &["docs"]);
    assert_eq!(files(d.path(), &alone.out).len(), 300);
    let twice = go(
        d.path(),
        &["--format", "concise"],
        &["docs", "docs/a/0/p0.md"],
    );
    assert_eq!(alone.outcome, twice.outcome);
    assert_eq!(alone.out, twice.out);
    assert_eq!(alone.err, twice.err);
    let mut listed = files(d.path(), &alone.out);
    let copy = listed.clone();
    listed.sort();
    assert_eq!(listed, copy);
}

#[test]
fn a_broken_configuration_deep_in_the_tree_ends_the_report_there() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "docs/a/one.md", LONE);
    write(
        d.path(),
        "docs/b/spoflint.toml",
        "[rules]\nSPOF001 = \"eror\"\n",
    );
    write(d.path(), "docs/b/two.md", LONE);
    write(d.path(), "docs/c/three.md", LONE);
    for args in [&["docs"][..], &["docs", "docs/a/one.md"][..]] {
        let ran = go(d.path(), &["--format", "json"], args);
        assert_eq!(ran.outcome, Outcome::Trouble, "{args:?}");
        // A whole JSON document, with the files before the broken file.
        let json: serde_json::Value = serde_json::from_str(&ran.out).unwrap();
        let paths: Vec<&str> = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["file"].as_str().unwrap())
            .collect();
        let one = d.path().join("docs/a/one.md").display().to_string();
        assert_eq!(paths, [one.as_str(); 3], "{args:?}");
        assert!(
            ran.err
                .contains("b/spoflint.toml:2:11: unknown variant `eror`"),
            "{}",
            ran.err
        );
    }
}

#[test]
fn several_paths_named_in_order_are_reported_as_in_any_other_order() {
    // Folders and files named in the report's order (a pre-commit hook's
    // sorted list, `docs guides`) are reported as the walk goes; named in
    // another order, once it is over. The report is the same.
    let d = tempfile::tempdir().unwrap();
    for i in 0..1500 {
        let folder = ["a-b", "a.b", "a0"][i % 3];
        let text = if i % 10 == 0 {
            LONE.to_string()
        } else {
            format!("# Page {i}\n\nNo diagram.\n")
        };
        write(d.path(), &format!("{folder}/{}/p{i}.md", i % 5), &text);
    }
    write(d.path(), "b.md", LONE);
    let in_order = go(
        d.path(),
        &["--format", "concise"],
        &["a-b", "a.b", "a0", "b.md"],
    );
    let other = go(
        d.path(),
        &["--format", "concise"],
        &["b.md", "a0", "a-b", "a.b"],
    );
    assert_eq!(files(d.path(), &in_order.out).len(), 151);
    assert_eq!(in_order.out, other.out);
    assert_eq!(in_order.err, other.err);
    assert_eq!(in_order.outcome, other.outcome);
}
