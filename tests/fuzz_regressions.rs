//! The fuzz corpus on stable Rust: every seed in `fuzz/seeds/<target>/` and
//! every input a fuzzer once failed on, kept in
//! `fixtures/fuzz/regressions/<target>/`, goes through the same checks as the
//! cargo-fuzz target of that name (`fuzz/checks.rs`). This is how CI runs the
//! fuzz corpus without a nightly compiler or cargo-fuzz.

#[allow(dead_code)]
#[path = "../fuzz/checks.rs"]
mod checks;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

fn inputs(folder: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    files.sort();
    files
}

/// Run `check` on every file of the target's seed and regression folders;
/// fail with the names of all the files that broke it, not just the first.
fn replay(target: &str, check: fn(&[u8]), min_seeds: usize) {
    let seeds = inputs(&format!("fuzz/seeds/{target}"));
    assert!(
        seeds.len() >= min_seeds,
        "fuzz/seeds/{target} has {} files; run `python3 fuzz/make_seeds.py`",
        seeds.len()
    );
    let regressions = inputs(&format!("fixtures/fuzz/regressions/{target}"));
    let mut failed = Vec::new();
    for path in seeds.iter().chain(&regressions) {
        let bytes = std::fs::read(path).unwrap();
        if catch_unwind(AssertUnwindSafe(|| check(&bytes))).is_err() {
            failed.push(path.display().to_string());
        }
    }
    assert!(
        failed.is_empty(),
        "{target} broke on:\n{}",
        failed.join("\n")
    );
}

#[test]
fn markdown_blocks_corpus_replays_cleanly() {
    replay("markdown_blocks", checks::markdown_blocks, 100);
}

#[test]
fn flowchart_parse_corpus_replays_cleanly() {
    replay("flowchart_parse", checks::flowchart_parse, 500);
}

#[test]
fn pipeline_corpus_replays_cleanly() {
    replay("pipeline", checks::pipeline, 100);
}
