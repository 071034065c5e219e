//! Runs the built `spoflint` binary, as a user or a script does. Shared by
//! the test files that need a real process (their own folder, exit codes,
//! files written): `#[path = "support/bin.rs"] mod bin;`.
#![allow(dead_code)] // each test file uses some of these

use std::path::Path;
use std::process::Command;

/// What a run of the binary gave.
pub struct Ran {
    pub code: i32,
    pub out: String,
    pub err: String,
}

/// Run the binary in `dir` (paths relative to it, as a user types them).
pub fn go(dir: &Path, args: &[&str]) -> Ran {
    let o = Command::new(env!("CARGO_BIN_EXE_spoflint"))
        .args(args)
        .current_dir(dir)
        .env_remove("CI")
        .output()
        .unwrap();
    Ran {
        code: o.status.code().unwrap(),
        out: String::from_utf8(o.stdout).unwrap(),
        err: String::from_utf8(o.stderr).unwrap(),
    }
}

/// What `spoflint ARGS`, run from the project root, prints on standard
/// output, read as JSON (the run must succeed).
pub fn json(args: &[&str]) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_spoflint"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("run spoflint");
    assert!(out.status.success(), "spoflint {args:?} failed: {out:?}");
    serde_json::from_slice(&out.stdout).expect("JSON output")
}
