//! Runs `spoflint::run` as the binary does (arguments parsed by clap), with
//! in-memory streams. Shared by the test files that drive the whole command
//! (`#[path = "support/cli.rs"] mod cli;`).

use clap::Parser;
use spoflint::cli::Cli;
use spoflint::progress::Progress;
use spoflint::{run, Environment, Outcome, Streams};
use std::path::Path;

/// What a run gave.
pub struct Ran {
    pub outcome: Outcome,
    pub out: String,
    pub err: String,
}

/// Run `spoflint ARGS` with `cwd` as its folder, `stdin` as standard input.
pub fn run_in(cwd: &Path, args: &[&str], stdin: &str, progress: &mut dyn Progress) -> Ran {
    let cli = Cli::try_parse_from(std::iter::once("spoflint").chain(args.iter().copied())).unwrap();
    let env = Environment {
        cwd: cwd.to_path_buf(),
        ..Environment::default()
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut input = stdin.as_bytes();
    let outcome = run(
        &cli,
        &env,
        &mut Streams {
            out: &mut out,
            err: &mut err,
            stdin: &mut input,
            progress,
        },
    )
    .unwrap();
    Ran {
        outcome,
        out: String::from_utf8(out).unwrap(),
        err: String::from_utf8(err).unwrap(),
    }
}
