//! The command line: flags and subcommands, as clap parses them. Owns the
//! names users type; does no work.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Finds single points of failure in the Mermaid architecture diagrams of your docs.
#[derive(Debug, Parser)]
#[command(name = "spoflint", version, about)]
pub struct Cli {
    /// What to do (default: check).
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Files or folders to check (default: the current folder).
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Concise)]
    pub format: Format,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check files and folders (the default).
    Check {
        /// Files or folders to check.
        paths: Vec<PathBuf>,
    },
    /// Print what spoflint parsed, as JSON.
    Dump {
        /// Files or folders to dump.
        paths: Vec<PathBuf>,
    },
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One line per finding: `path:line:col: severity: message [rule]`.
    Concise,
    /// JSON document.
    Json,
}
