//! spoflint: finds single points of failure in Mermaid flowcharts kept in
//! Markdown docs. The library does all the work and never prints; the binary
//! only parses arguments and maps the outcome to an exit code.
#![warn(missing_docs)]

pub mod analysis;
pub mod check;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod dump;
pub mod flowchart;
pub mod markdown;
pub mod model;
pub mod report;
pub mod rules;
pub mod span;
pub mod suppress;
pub mod vocab;
pub mod walk;

use std::io::Write;

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

/// Run the command line `cli`, writing results to `out` and messages for
/// humans to `err`.
pub fn run(cli: &cli::Cli, out: &mut dyn Write, err: &mut dyn Write) -> std::io::Result<Outcome> {
    let settings = config::Settings::default();
    let paths = match &cli.command {
        Some(cli::Command::Check { paths }) | Some(cli::Command::Dump { paths }) => paths.clone(),
        None => cli.paths.clone(),
    };
    let paths = if paths.is_empty() {
        vec![std::path::PathBuf::from(".")]
    } else {
        paths
    };
    let (targets, walk_errors) = walk::collect(&paths, &walk::WalkOptions::default());
    let mut trouble = !walk_errors.is_empty();
    for e in &walk_errors {
        writeln!(err, "spoflint: {}: {}", e.path.display(), e.message)?;
    }
    let mut reports = Vec::new();
    for t in &targets {
        let shown = t.path.display().to_string();
        match std::fs::read(&t.path) {
            Ok(bytes) => reports.push(check::check_bytes(
                &shown,
                &bytes,
                markdown::is_mermaid_file(&t.path),
                &settings,
            )),
            Err(e) => {
                trouble = true;
                writeln!(err, "spoflint: {shown}: {e}")?;
            }
        }
    }
    report::concise(&reports, out)?;
    let findings = reports
        .iter()
        .flat_map(|r| &r.diagnostics)
        .any(|d| d.severity == diagnostic::Severity::Error);
    Ok(if trouble {
        Outcome::Trouble
    } else if findings {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}
