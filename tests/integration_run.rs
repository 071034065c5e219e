//! The library's `run`, driven with in-memory streams: what the binary does
//! besides parsing arguments, including what depends on the terminal.

#[path = "support/cli.rs"]
mod cli;

use clap::Parser;
use spoflint::cli::{Cli, Format};
use spoflint::progress::Progress;
use spoflint::{output_choice, Environment, Outcome};

#[derive(Default)]
struct Counting {
    total: Option<usize>,
    done: usize,
    finished: bool,
}

impl Progress for Counting {
    fn start(&mut self, total: usize) {
        self.total = Some(total);
    }
    fn inc(&mut self) {
        self.done += 1;
    }
    fn finish(&mut self) {
        self.finished = true;
    }
}

struct Ran {
    outcome: Outcome,
    out: String,
    err: String,
    progress: Counting,
}

fn go(args: &[&str], stdin: &str) -> Ran {
    let mut progress = Counting::default();
    let cwd = std::env::current_dir().unwrap();
    let r = cli::run_in(&cwd, args, stdin, &mut progress);
    Ran {
        outcome: r.outcome,
        out: r.out,
        err: r.err,
        progress,
    }
}

#[test]
fn clean_folder_is_clean_and_reports_progress() {
    let r = go(&["fixtures/cli/clean"], "");
    assert_eq!(r.outcome, Outcome::Clean);
    assert_eq!(r.out, "");
    // The diagram count depends on the block finder; the file count and the
    // verdict are what this test is about.
    assert!(r.err.starts_with("Checked 3 files, "), "{}", r.err);
    assert!(r.err.ends_with(": 0 errors, 0 warnings\n"), "{}", r.err);
    assert_eq!(r.progress.total, Some(3));
    assert_eq!(r.progress.done, 3);
    assert!(r.progress.finished);
}

#[test]
fn stdin_is_read_with_its_filename() {
    let r = go(
        &[
            "--format",
            "json",
            "-",
            "--stdin-filename",
            "docs/x.md",
            "-q",
        ],
        "# hi\n",
    );
    assert_eq!(r.outcome, Outcome::Clean);
    assert!(r.out.contains("\"files\": 1"), "{}", r.out);
    assert_eq!(r.err, "");
}

#[test]
fn missing_file_wins_over_the_others() {
    let r = go(&["nope.md", "fixtures/cli/clean/README.md"], "");
    assert_eq!(r.outcome, Outcome::Trouble);
    assert!(r.err.starts_with("spoflint: error: nope.md: "), "{}", r.err);
    assert!(r.err.contains("Checked 1 file"), "{}", r.err);
}

fn choice(args: &[&str], terminal: bool, no_color: bool) -> (Format, bool) {
    let cli = Cli::try_parse_from(std::iter::once("spoflint").chain(args.iter().copied())).unwrap();
    let env = Environment {
        stdout_is_terminal: terminal,
        no_color,
        ..Environment::default()
    };
    output_choice(&cli.check, &env)
}

#[test]
fn full_and_colour_on_a_terminal_concise_elsewhere() {
    assert_eq!(choice(&[], true, false), (Format::Full, true));
    assert_eq!(choice(&[], false, false), (Format::Concise, false));
    // An output file is not a terminal.
    assert_eq!(
        choice(&["-o", "r.txt"], true, false),
        (Format::Concise, false)
    );
}

#[test]
fn no_color_and_color_flag() {
    assert_eq!(choice(&[], true, true), (Format::Full, false));
    assert!(choice(&["--color", "always"], false, true).1);
    assert!(!choice(&["--color", "never"], true, false).1);
    assert_eq!(choice(&["--format", "json"], true, false).0, Format::Json);
}
