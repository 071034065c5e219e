//! Hostile files and folders through `spoflint::run`, as the binary runs
//! it: each problem is reported on its own, the exit code says so (2 for a
//! file that could not be read), and every other file is still checked.
//!
//! Tests run as root in CI, where permission bits lock nothing out, so the
//! unreadable cases use things root cannot read either: a dangling link, a
//! link loop, a Unix socket, a file that vanishes or turns into a folder
//! between the walk and the read.

#[path = "support/cli.rs"]
mod cli;

use cli::Ran;
use spoflint::progress::{Progress, Silent};
use spoflint::Outcome;
use std::fs;
use std::path::Path;

fn go_with(cwd: &Path, args: &[&str], progress: &mut dyn Progress) -> Ran {
    cli::run_in(cwd, args, "", progress)
}

/// Run in `dir` with paths relative to it (so output paths are short).
fn go(dir: &Path, args: &[&str]) -> Ran {
    go_with(dir, args, &mut Silent)
}

const BROKEN: &str = "```mermaid\nflowchart LR\n  A --> B ]\n```\n";

/// A temporary folder with `ok.md` (a clean diagram) and `bad.md` (one
/// parse error at 3:11), the files every test expects to still be checked.
fn folder() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    fs::write(
        d.path().join("ok.md"),
        "```mermaid\nflowchart LR\n  A --> B\n```\n",
    )
    .unwrap();
    fs::write(d.path().join("bad.md"), BROKEN).unwrap();
    d
}

fn p(d: &tempfile::TempDir, name: &str) -> String {
    d.path().join(name).display().to_string()
}

/// The concise line for `bad.md`'s error, which must survive every case.
fn bad_line(d: &tempfile::TempDir) -> String {
    format!(
        "{}:3:11: error: unexpected character \"]\"; expected a line break or \";\" after the statement [parse-error]",
        p(d, "bad.md")
    )
}

#[test]
fn tabs_and_wide_characters_count_one_column_each() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let r = go(
        root,
        &["--format", "concise", "fixtures/hostile/wide_chars.md"],
    );
    // `\tA[日本語] --> B[🚀 launch]\t]`: the `]` is the 25th character.
    assert_eq!(
        r.out,
        "fixtures/hostile/wide_chars.md:5:25: error: unexpected character \"]\"; \
         expected a line break or \";\" after the statement [parse-error]\n"
    );
    assert_eq!(r.outcome, Outcome::Findings);
}

#[test]
fn invalid_utf8_names_the_file_and_offset_and_the_rest_is_checked() {
    let d = folder();
    let mut bytes = b"# Caf\xe9\n\n".to_vec();
    bytes.extend_from_slice(BROKEN.as_bytes());
    fs::write(d.path().join("latin1.md"), &bytes).unwrap();
    let r = go(d.path(), &["--format", "concise", &p(&d, "")]);
    assert!(
        r.err.contains(&format!(
            "spoflint: {}: not valid UTF-8 (first invalid byte at offset 5); invalid bytes were read as U+001A",
            p(&d, "latin1.md")
        )),
        "{}",
        r.err
    );
    // The rest of the file is checked, and so are the other files.
    assert!(
        r.out
            .contains(&format!("{}:5:11: error: unexpected", p(&d, "latin1.md"))),
        "{}",
        r.out
    );
    assert!(r.out.contains(&bad_line(&d)), "{}", r.out);
    assert_eq!(r.outcome, Outcome::Findings);
}

#[test]
fn a_binary_file_with_a_markdown_name_is_skipped_with_a_note() {
    let d = folder();
    fs::write(d.path().join("image.md"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    let r = go(d.path(), &["--format", "concise", &p(&d, "")]);
    assert!(
        r.err.contains(&format!(
            "spoflint: {}: skipped: looks binary (NUL byte at offset 8)",
            p(&d, "image.md")
        )),
        "{}",
        r.err
    );
    assert!(r.out.contains(&bad_line(&d)));
    // Skipping a binary file is not trouble: exit 1 for bad.md, not 2.
    assert_eq!(r.outcome, Outcome::Findings);
}

#[cfg(unix)]
#[test]
fn a_dangling_link_named_on_the_command_line_is_exit_2_and_the_rest_checked() {
    let d = folder();
    std::os::unix::fs::symlink(d.path().join("gone.md"), d.path().join("link.md")).unwrap();
    let r = go(
        d.path(),
        &["--format", "concise", &p(&d, "link.md"), &p(&d, "bad.md")],
    );
    assert!(
        r.err.contains(&format!(
            "spoflint: error: {}: No such file or directory",
            p(&d, "link.md")
        )),
        "{}",
        r.err
    );
    assert!(r.out.contains(&bad_line(&d)));
    assert_eq!(r.outcome, Outcome::Trouble);
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_reported_or_skipped_never_walked_round() {
    let d = folder();
    // A file link to itself, named on the command line: an error.
    std::os::unix::fs::symlink(d.path().join("self.md"), d.path().join("self.md")).unwrap();
    // A folder link to its parent, found by the walk: not followed.
    fs::create_dir(d.path().join("sub")).unwrap();
    std::os::unix::fs::symlink(d.path(), d.path().join("sub/up")).unwrap();
    let r = go(
        d.path(),
        &["--format", "concise", &p(&d, "self.md"), &p(&d, "")],
    );
    assert!(
        r.err.contains(&format!(
            "spoflint: error: {}: Too many levels of symbolic links",
            p(&d, "self.md")
        )),
        "{}",
        r.err
    );
    assert!(r.out.contains(&bad_line(&d)));
    assert_eq!(r.out.lines().count(), 1, "{}", r.out);
    assert_eq!(r.outcome, Outcome::Trouble);
}

#[cfg(unix)]
#[test]
fn an_unreadable_folder_is_exit_2_and_the_rest_checked() {
    use std::os::unix::fs::PermissionsExt;
    let d = folder();
    let locked = d.path().join("locked");
    fs::create_dir(&locked).unwrap();
    fs::write(locked.join("x.md"), BROKEN).unwrap();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    let root = fs::read_dir(&locked).is_ok();
    let r = (!root).then(|| go(d.path(), &["--format", "concise", &p(&d, "")]));
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
    let Some(r) = r else {
        // Running as root: permission bits lock nothing out. The cases
        // below (socket, vanishing files) cover unreadable input for root.
        return;
    };
    assert!(r.err.contains("locked"), "{}", r.err);
    assert!(r.out.contains(&bad_line(&d)));
    assert_eq!(r.outcome, Outcome::Trouble);
}

#[cfg(unix)]
#[test]
fn a_socket_with_a_markdown_name_is_exit_2_and_the_rest_checked() {
    let d = folder();
    let sock = d.path().join("sock.md");
    let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
    // Named: opening it fails, even for root.
    let r = go(
        d.path(),
        &["--format", "concise", &p(&d, "sock.md"), &p(&d, "bad.md")],
    );
    assert!(
        r.err
            .contains(&format!("spoflint: error: {}: ", p(&d, "sock.md"))),
        "{}",
        r.err
    );
    assert!(r.out.contains(&bad_line(&d)));
    assert_eq!(r.outcome, Outcome::Trouble);
    // Walked: only regular files are read, so it is left alone.
    let r = go(d.path(), &["--format", "concise", &p(&d, "")]);
    assert_eq!(r.err.lines().count(), 1, "only the summary: {}", r.err);
    assert_eq!(r.outcome, Outcome::Findings);
}

#[cfg(unix)]
#[test]
fn a_fifo_in_a_walked_folder_does_not_hang_the_run() {
    let d = folder();
    let fifo = d.path().join("pipe.md");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        return; // no mkfifo on this system
    }
    // Reading a FIFO with no writer would block forever; the walk only
    // keeps regular files.
    let r = go(d.path(), &["--format", "concise", &p(&d, "")]);
    assert_eq!(r.out, format!("{}\n", bad_line(&d)));
    assert_eq!(r.outcome, Outcome::Findings);
}

/// A progress reporter that changes the file system when the run starts
/// checking: after the walk has listed the files, before any is read. This
/// is the deterministic form of a file vanishing mid-run.
struct Meddle<F: FnMut()>(Option<F>);

impl<F: FnMut()> Progress for Meddle<F> {
    fn start(&mut self, _total: usize) {
        if let Some(mut f) = self.0.take() {
            f();
        }
    }
    fn inc(&mut self) {}
    fn finish(&mut self) {}
}

#[test]
fn a_file_that_vanishes_between_walk_and_read_is_exit_2_and_the_rest_checked() {
    let d = folder();
    let gone = d.path().join("gone.md");
    fs::write(&gone, BROKEN).unwrap();
    let mut meddle = Meddle(Some(|| fs::remove_file(&gone).unwrap()));
    let r = go_with(d.path(), &["--format", "concise", &p(&d, "")], &mut meddle);
    assert!(
        r.err.contains(&format!(
            "spoflint: error: {}: No such file or directory",
            p(&d, "gone.md")
        )),
        "{}",
        r.err
    );
    assert_eq!(r.out, format!("{}\n", bad_line(&d)));
    assert_eq!(r.outcome, Outcome::Trouble);
}

#[test]
fn a_file_replaced_by_a_folder_between_walk_and_read_is_exit_2() {
    let d = folder();
    let turned = d.path().join("turned.md");
    fs::write(&turned, BROKEN).unwrap();
    let mut meddle = Meddle(Some(|| {
        fs::remove_file(&turned).unwrap();
        fs::create_dir(&turned).unwrap();
    }));
    let r = go_with(d.path(), &["--format", "concise", &p(&d, "")], &mut meddle);
    assert!(
        r.err
            .contains(&format!("spoflint: error: {}: ", p(&d, "turned.md"))),
        "{}",
        r.err
    );
    assert_eq!(r.out, format!("{}\n", bad_line(&d)));
    assert_eq!(r.outcome, Outcome::Trouble);
}

/// 100 MB of Markdown: prose, diagrams, a few broken. Bounded time and
/// memory; too slow for a debug build, so run by hand in release:
/// `cargo test --release --test hostile_files -- --ignored`.
#[test]
#[ignore = "100 MB: run in release by hand"]
fn a_hundred_megabyte_file() {
    let d = folder();
    let chunk = format!(
        "# Section\n\nSome prose about the system, {}.\n\n\
         ```mermaid\nflowchart LR\n  lb[Load balancer] --> a[App] & b[App]\n  a --> db[(DB)]\n  b --> db\n```\n\n",
        "x".repeat(200)
    );
    let mut text = String::with_capacity(100 << 20);
    let mut blocks = 0;
    while text.len() < 100 << 20 {
        text.push_str(&chunk);
        blocks += 1;
        if blocks % 10_000 == 0 {
            text.push_str(BROKEN);
        }
    }
    fs::write(d.path().join("huge.md"), &text).unwrap();
    let t = std::time::Instant::now();
    let r = go(d.path(), &["--format", "concise", &p(&d, "huge.md")]);
    let took = t.elapsed();
    assert_eq!(r.out.lines().count(), blocks / 10_000, "{}", r.err);
    assert_eq!(r.outcome, Outcome::Findings);
    assert!(
        r.err
            .contains(&format!("{} diagrams", blocks + blocks / 10_000)),
        "{} {took:?}",
        r.err
    );
}

// Opening a FIFO blocks until a writer comes: a file swapped for one after
// the walk hung the run (40 s and counting).
#[cfg(unix)]
#[test]
fn a_file_that_becomes_a_fifo_between_walk_and_read_is_exit_2_not_a_hang() {
    let d = folder();
    let turned = d.path().join("turned.md");
    fs::write(&turned, BROKEN).unwrap();
    let mut made = true;
    let mut meddle = Meddle(Some(|| {
        fs::remove_file(&turned).unwrap();
        made = std::process::Command::new("mkfifo")
            .arg(&turned)
            .status()
            .is_ok_and(|s| s.success());
    }));
    let r = go_with(d.path(), &["--format", "concise", &p(&d, "")], &mut meddle);
    if !made {
        return; // no mkfifo on this system
    }
    assert!(
        r.err.contains(&format!(
            "spoflint: error: {}: not a regular file",
            p(&d, "turned.md")
        )),
        "{}",
        r.err
    );
    assert_eq!(r.out, format!("{}\n", bad_line(&d)));
    assert_eq!(r.outcome, Outcome::Trouble);
}

// `spoflint /dev/zero` read without end until the allocator aborted with a
// backtrace; a link named `.md` to it did the same.
#[cfg(unix)]
#[test]
fn an_endless_device_named_on_the_command_line_is_too_large_and_the_rest_checked() {
    if !Path::new("/dev/zero").exists() {
        return;
    }
    let d = folder();
    std::os::unix::fs::symlink("/dev/zero", d.path().join("zero.md")).unwrap();
    let r = go(
        d.path(),
        &["--format", "concise", &p(&d, "zero.md"), &p(&d, "bad.md")],
    );
    assert!(
        r.err.contains(&format!(
            "spoflint: error: {}: file too large: over {} bytes",
            p(&d, "zero.md"),
            128 << 20
        )),
        "{}",
        r.err
    );
    assert_eq!(r.out, format!("{}\n", bad_line(&d)));
    assert_eq!(r.outcome, Outcome::Trouble);
}

// A file over the bound was read whole (and a 1 GB one took 3 GB): it is
// refused from its size, unread. A sparse file costs no disk.
#[test]
fn a_file_over_the_size_bound_is_too_large_unread_and_the_rest_checked() {
    let d = folder();
    let big = fs::File::create(d.path().join("big.md")).unwrap();
    big.set_len((128 << 20) + 1).unwrap();
    let r = go(d.path(), &["--format", "concise", &p(&d, "")]);
    assert!(
        r.err.contains(&format!(
            "spoflint: error: {}: file too large",
            p(&d, "big.md")
        )),
        "{}",
        r.err
    );
    assert_eq!(r.out, format!("{}\n", bad_line(&d)));
    assert_eq!(r.outcome, Outcome::Trouble);
}

// A NUL byte in the first 8 KiB skipped the file with a note on standard
// error only: json, sarif and github said nothing, so CI never saw it.
#[test]
fn a_skipped_binary_file_is_in_the_machine_formats() {
    let d = folder();
    fs::write(d.path().join("image.md"), b"\x89PNG\r\n\x1a\n\0\0").unwrap();
    let image = p(&d, "image.md");
    let r = go(d.path(), &["--format", "json", &p(&d, "")]);
    let doc: serde_json::Value = serde_json::from_str(&r.out).unwrap();
    assert_eq!(
        doc["summary"]["skipped"],
        serde_json::json!([{"file": image, "reason": "looks binary (NUL byte at offset 8)"}])
    );
    assert_eq!(r.outcome, Outcome::Findings);
    let r = go(d.path(), &["--format", "github", &p(&d, "")]);
    assert!(
        r.out.lines().any(|l| l.starts_with("::warning file=")
            && l.ends_with("::skipped: looks binary (NUL byte at offset 8)")),
        "{}",
        r.out
    );
    let r = go(d.path(), &["--format", "sarif", &p(&d, "")]);
    let doc: serde_json::Value = serde_json::from_str(&r.out).unwrap();
    let notes = &doc["runs"][0]["invocations"][0]["toolExecutionNotifications"];
    assert_eq!(notes.as_array().map(Vec::len), Some(1), "{}", r.out);
}

// A symbolic link named `.md` inside a walked folder was left out with no
// note at all: now a skipped file, said on stderr and in the JSON summary.
#[cfg(unix)]
#[test]
fn a_symlinked_markdown_file_in_a_walked_folder_is_skipped_with_a_note() {
    let d = folder();
    std::os::unix::fs::symlink(d.path().join("bad.md"), d.path().join("linked.md")).unwrap();
    let r = go(d.path(), &["--format", "json", &p(&d, "")]);
    assert!(
        r.err.contains(&format!(
            "spoflint: {}: skipped: a symbolic link found by walking a folder",
            p(&d, "linked.md")
        )),
        "{}",
        r.err
    );
    let doc: serde_json::Value = serde_json::from_str(&r.out).unwrap();
    assert_eq!(doc["summary"]["skipped"][0]["file"], p(&d, "linked.md"));
    // The file it points to is checked once, under its own name.
    assert_eq!(doc["diagnostics"].as_array().map(Vec::len), Some(1));
    assert_eq!(r.outcome, Outcome::Findings);
}

// `spoflint docs /nope | head -1` exited 0 under a broken pipe, findings and
// missing file notwithstanding, so `set -o pipefail` passed a failing run.
#[cfg(unix)]
#[test]
fn a_broken_pipe_exits_2_never_0() {
    use std::process::{Command, Stdio};
    let d = folder();
    // Well over a pipe's 64 KiB buffer, so a write fails after the close.
    fs::write(d.path().join("many.md"), BROKEN.repeat(3_000)).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_spoflint"))
        .args(["--format", "concise", "--isolated"])
        .arg(d.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("broken pipe"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

// A `spoflint.toml` above the repository's root was used without a word,
// and its `select = []` silenced every rule: exit 0, nothing said.
#[test]
fn a_config_above_the_repository_that_selects_no_rule_is_said() {
    let outer = tempfile::tempdir().unwrap();
    fs::write(outer.path().join("spoflint.toml"), "select = []\n").unwrap();
    let repo = outer.path().join("repo");
    fs::create_dir_all(repo.join(".git")).unwrap();
    fs::create_dir_all(repo.join("docs")).unwrap();
    fs::write(repo.join("docs/bad.md"), BROKEN).unwrap();
    let docs = repo.join("docs").display().to_string();
    let r = go(&repo, &["--format", "concise", &docs]);
    assert!(
        r.err.contains(&format!(
            "spoflint: note: using {}, which lies outside the repository at {}",
            outer.path().join("spoflint.toml").display(),
            repo.display()
        )),
        "{}",
        r.err
    );
    assert!(
        r.err
            .contains("spoflint: warning: no rule is on for any file checked"),
        "{}",
        r.err
    );
    assert_eq!(r.out, "");
    assert!(r.err.contains("Checked 1 file, 1 diagram"), "{}", r.err);
    // A config inside the repository is not remarked on.
    fs::write(repo.join("spoflint.toml"), "").unwrap();
    let r = go(&repo, &["--format", "concise", &docs]);
    assert!(!r.err.contains("note: using"), "{}", r.err);
    assert!(!r.err.contains("no rule is on"), "{}", r.err);
    assert_eq!(r.outcome, Outcome::Findings, "{} {}", r.out, r.err);
}
