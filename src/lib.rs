//! spoflint: finds single points of failure in Mermaid flowcharts kept in
//! Markdown docs. The library does all the work and never prints; the binary
//! only parses arguments and maps the outcome to an exit code.
#![warn(missing_docs)]

pub mod analysis;
pub mod baseline;
pub mod check;
pub mod cli;
mod commands;
pub mod config;
pub mod diagnostic;
pub mod dump;
pub mod error;
pub mod flowchart;
mod inputs;
pub mod markdown;
pub mod model;
mod pipeline;
pub mod progress;
pub mod report;
pub mod rules;
pub mod span;
pub mod suppress;
pub mod vocab;
pub mod walk;

pub use commands::check::output_choice;

use cli::Command;
use error::Error;
use progress::Progress;
use std::io::{self, Read, Write};
use std::path::PathBuf;

/// How a run ended, for the exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing at or above the fail level.
    Clean,
    /// Findings at or above the fail level.
    Findings,
    /// A usage, configuration or I/O problem.
    Trouble,
}

impl Outcome {
    /// The process exit code: 0, 1 or 2.
    pub fn exit_code(self) -> i32 {
        match self {
            Outcome::Clean => 0,
            Outcome::Findings => 1,
            Outcome::Trouble => 2,
        }
    }
}

/// What the binary knows about the process that the library should not
/// look up itself (so tests can set it).
#[derive(Clone, Debug)]
pub struct Environment {
    /// Standard output is a terminal.
    pub stdout_is_terminal: bool,
    /// `NO_COLOR` is set to a non-empty value.
    pub no_color: bool,
    /// The folder relative paths are resolved against.
    pub cwd: PathBuf,
    /// Width for the `full` format.
    pub width: usize,
}

impl Default for Environment {
    fn default() -> Self {
        Environment {
            stdout_is_terminal: false,
            no_color: false,
            cwd: PathBuf::from("."),
            width: 100,
        }
    }
}

/// The streams a run reads and writes.
pub struct Streams<'a> {
    /// Results (the report in the chosen format, `rules`, `dump`).
    pub out: &'a mut dyn Write,
    /// Messages for people: errors and the summary line.
    pub err: &'a mut dyn Write,
    /// Read when a path is `-`.
    pub stdin: &'a mut dyn Read,
    /// Told about each file checked.
    pub progress: &'a mut dyn Progress,
}

/// Write an error and its hint to `err`.
fn report_error(err: &mut dyn Write, e: &Error) -> io::Result<()> {
    writeln!(err, "spoflint: error: {e}")?;
    if let Some(h) = e.help() {
        writeln!(err, "  help: {h}")?;
    }
    Ok(())
}

/// Run the command line `cli`.
pub fn run(cli: &cli::Cli, env: &Environment, io: &mut Streams<'_>) -> io::Result<Outcome> {
    if let Some(name) = &cli.explain {
        return explain(name, io);
    }
    match &cli.command {
        None => commands::check::run(&cli.check, env, io),
        Some(Command::Check(args)) => commands::check::run(args, env, io),
        Some(Command::Rules) => {
            io.out
                .write_all(report::rules_table::plain(rules::RULES).as_bytes())?;
            Ok(Outcome::Clean)
        }
        Some(Command::Rule { name }) => explain(name, io),
        Some(Command::Dump(args)) => commands::dump::run(args, env, io),
    }
}

fn explain(name: &str, io: &mut Streams<'_>) -> io::Result<Outcome> {
    match rules::find(name) {
        Some(r) => {
            io.out.write_all(r.docs.as_bytes())?;
            if !r.docs.ends_with('\n') {
                writeln!(io.out)?;
            }
            Ok(Outcome::Clean)
        }
        None => {
            let e = Error::UnknownRule {
                name: name.to_string(),
                help: config::rule_help(name),
            };
            report_error(io.err, &e)?;
            Ok(Outcome::Trouble)
        }
    }
}
