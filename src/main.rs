//! The `spoflint` binary: parse arguments, call the library, exit.

use clap::Parser;
use spoflint::progress::{self, Bar, Progress, Silent, Suspending};
use std::io::{IsTerminal, Write as _};

// mimalloc: a big diagram is many small allocations (ids, labels, map
// entries); glibc's malloc spends half the parse time consolidating them
// (benches/pipeline.rs: 100,000 nodes 1.7 s → 0.8 s of CPU).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // clap exits 2 on a usage error, as the documented exit codes want.
    let cli = spoflint::cli::Cli::parse();
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let env = spoflint::Environment {
        stdout_is_terminal: stdout.is_terminal(),
        no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        cwd: std::env::current_dir().unwrap_or_else(|_| ".".into()),
        width: std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(100),
    };
    let quiet = match &cli.command {
        Some(spoflint::cli::Command::Check(a)) => a.quiet,
        _ => cli.check.quiet,
    };
    let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
    let mut bar = progress::wanted(stderr.is_terminal(), ci, quiet).then(Bar::new);
    let mut silent = Silent;
    // With a bar, each line for the terminal is written with the bar
    // cleared first, so the two never share a line. Output to a file or a
    // pipe is not on the screen: written as it comes, buffered.
    let (mut out, mut err) = match &bar {
        Some(bar) => (
            if env.stdout_is_terminal {
                bar.suspending(stdout.lock())
            } else {
                Suspending::plain(stdout.lock())
            },
            bar.suspending(stderr.lock()),
        ),
        None => (
            Suspending::plain(stdout.lock()),
            Suspending::plain(stderr.lock()),
        ),
    };
    let progress: &mut dyn Progress = match &mut bar {
        Some(bar) => bar,
        None => &mut silent,
    };
    let mut stdin = std::io::stdin().lock();
    let mut streams = spoflint::Streams {
        out: &mut out,
        err: &mut err,
        stdin: &mut stdin,
        progress,
    };
    let code = match spoflint::run(&cli, &env, &mut streams) {
        Ok(outcome) => outcome.exit_code(),
        // A closed pipe (`spoflint docs | head`) stops the run before every
        // file is checked, so it cannot say "clean": exit 2, never 0, or a
        // CI step under `set -o pipefail` would pass a run with findings
        // (docs/reliability.md, "Exit status when the output is closed").
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            let _ = writeln!(
                err,
                "spoflint: error: the output was closed before the report was written (broken pipe); the run stopped"
            );
            2
        }
        Err(_) => 2,
    };
    // `exit` runs no destructor: the end of a line kept back is written here.
    let _ = out.flush();
    let _ = err.flush();
    std::process::exit(code);
}
