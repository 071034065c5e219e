//! The pre-commit hook (`.pre-commit-hooks.yaml`) in a scratch git
//! repository: a file spoflint rejects fails the commit, the fixed file
//! passes, and files the hook does not select are not passed to it.
//!
//! These tests need `pre-commit` on PATH, so they are `#[ignore]`d;
//! `.ci/run` installs pre-commit from PyPI and runs them with
//! `cargo test --test integration_pre_commit -- --ignored --skip manual`.
//!
//! The hook's definition is taken from the manifest itself, run as a
//! `repo: local` hook with `language: system` and this build's binary as
//! `entry`, so the test needs no `cargo install` (a release build); the
//! `manual_` test runs the real `language: rust` hook from this repository.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const MANIFEST: &str = include_str!("../.pre-commit-hooks.yaml");

fn run(dir: &Path, program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("PRE_COMMIT_HOME", dir.join(".pre-commit-home"))
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"))
}

fn ok(dir: &Path, program: &str, args: &[&str]) {
    let out = run(dir, program, args);
    assert!(
        out.status.success(),
        "{program} {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The manifest's hook as a `repo: local` hook running `entry`.
fn local_config(entry: &Path) -> String {
    let mut hook = String::new();
    for line in MANIFEST.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let line = line.replacen("- id:", "  id:", 1);
        let line = if line.trim_start().starts_with("language:") {
            "  language: system".to_string()
        } else if let Some(command) = line.trim_start().strip_prefix("entry:") {
            // This build's binary, with the hook's own arguments.
            let rest = command.trim().strip_prefix("spoflint").unwrap();
            format!("  entry: \"'{}'{rest}\"", entry.display())
        } else {
            line
        };
        hook.push_str("      ");
        hook.push_str(&line);
        hook.push('\n');
    }
    format!("repos:\n  - repo: local\n    hooks:\n      -{}", &hook[7..])
}

/// A scratch repository with the hook installed.
fn scratch(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    ok(p, "git", &["init", "-q"]);
    std::fs::write(p.join(".pre-commit-config.yaml"), config).unwrap();
    std::fs::write(p.join(".gitignore"), ".pre-commit-home/\n").unwrap();
    ok(p, "git", &["add", "."]);
    ok(p, "git", &["commit", "-q", "--no-verify", "-m", "config"]);
    ok(p, "pre-commit", &["install"]);
    dir
}

fn commit(dir: &Path, files: &[(&str, &[u8])]) -> Output {
    for (name, bytes) in files {
        let path: PathBuf = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        ok(dir, "git", &["add", name]);
    }
    run(dir, "git", &["commit", "-q", "-m", "change"])
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn manifest_hook_is_valid() {
    assert!(MANIFEST.contains("- id: spoflint"));
    assert!(MANIFEST.contains("language: rust"));
    // In `entry`, so a user's `args` cannot drop it.
    assert!(MANIFEST.contains("entry: spoflint --force-exclude\n"));
}

#[test]
#[ignore = "needs pre-commit on PATH (.ci/run installs it)"]
fn broken_diagram_fails_the_commit_and_fixed_diagram_passes() {
    let dir = scratch(&local_config(Path::new(env!("CARGO_BIN_EXE_spoflint"))));
    let p = dir.path();
    let broken = "```mermaid\nflowchart LR\n    A --> B %% trailing comment\n```\n";
    let bad = commit(p, &[("docs/arch.md", broken.as_bytes())]);
    assert!(!bad.status.success(), "commit should fail:\n{}", text(&bad));
    assert!(text(&bad).contains("[parse-error]"), "{}", text(&bad));
    let fixed = "```mermaid\nflowchart LR\n    %% comment\n    A --> B\n```\n";
    let good = commit(p, &[("docs/arch.md", fixed.as_bytes())]);
    assert!(
        good.status.success(),
        "commit should pass:\n{}",
        text(&good)
    );
}

#[test]
#[ignore = "needs pre-commit on PATH (.ci/run installs it)"]
fn config_exclude_holds_for_the_files_pre_commit_names() {
    let dir = scratch(&local_config(Path::new(env!("CARGO_BIN_EXE_spoflint"))));
    let p = dir.path();
    let config = commit(p, &[("spoflint.toml", b"exclude = [\"drafts\"]\n")]);
    assert!(config.status.success(), "{}", text(&config));
    let spof =
        "```mermaid\nflowchart LR\n    Users --> LB[Load balancer] --> DB[(Orders DB)]\n```\n";
    let drafted = commit(p, &[("drafts/arch.md", spof.as_bytes())]);
    assert!(
        drafted.status.success(),
        "an excluded file does not fail the commit:\n{}",
        text(&drafted)
    );
    let published = commit(p, &[("docs/arch.md", spof.as_bytes())]);
    assert!(
        !published.status.success(),
        "commit should fail:\n{}",
        text(&published)
    );
    assert!(
        text(&published).contains("[single-point-of-failure]"),
        "{}",
        text(&published)
    );
}

#[test]
#[ignore = "manual: builds spoflint with `cargo install` (release) through pre-commit"]
fn manual_language_rust_hook_from_this_repository() {
    let repo = env!("CARGO_MANIFEST_DIR");
    let head = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(repo)
        .output()
        .unwrap();
    let rev = String::from_utf8(head.stdout).unwrap();
    let config = format!(
        "repos:\n  - repo: '{repo}'\n    rev: {}\n    hooks:\n      - id: spoflint\n",
        rev.trim()
    );
    let dir = scratch(&config);
    let p = dir.path();
    let bad = commit(p, &[("docs/arch.md", b"# caf\xe9\n")]);
    assert!(!bad.status.success(), "commit should fail:\n{}", text(&bad));
    let good = commit(p, &[("docs/arch.md", "# café\n".as_bytes())]);
    assert!(
        good.status.success(),
        "commit should pass:\n{}",
        text(&good)
    );
}
