//! The command line: flags and subcommands, as clap parses them. Owns the
//! names users type; does no work.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Finds single points of failure in the Mermaid architecture diagrams of your docs.
///
/// With no subcommand, checks PATHs (default: the current folder). Exit
/// status: 0 nothing at or above the fail level, 1 findings, 2 a usage,
/// configuration or I/O error.
#[derive(Debug, Parser)]
#[command(
    name = "spoflint",
    version,
    about,
    args_conflicts_with_subcommands = true,
    max_term_width = 100
)]
pub struct Cli {
    /// What to do (default: check).
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Check options (when no subcommand is given).
    #[command(flatten)]
    pub check: CheckArgs,
    /// Print the documentation of a rule (name or code) and exit.
    #[arg(long, value_name = "RULE")]
    pub explain: Option<String>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check files and folders (the default).
    Check(CheckArgs),
    /// List the rules: name, code, default level, summary.
    Rules,
    /// Print the documentation of one rule (name or code).
    Rule {
        /// Rule name or code.
        name: String,
    },
    /// Print what spoflint parsed, as JSON.
    Dump(DumpArgs),
}

/// Options that decide which settings apply (shared by `check` and `dump`).
#[derive(Clone, Debug, Default, Args)]
pub struct ConfigArgs {
    /// Use this configuration file instead of discovering `spoflint.toml`.
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,
    /// Ignore all configuration files.
    #[arg(long)]
    pub isolated: bool,
    /// Analyse every flowchart, not only those that look like architectures.
    #[arg(long)]
    pub all: bool,
    /// Count dotted links (`-.->`) as hard dependencies.
    #[arg(long)]
    pub dotted_hard: bool,
    /// Report single points of failure down to this confidence [default: high].
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub min_confidence: Option<Confidence>,
    /// With `-` as PATH: the name to report and find configuration for.
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<PathBuf>,
}

/// `spoflint check` options.
#[derive(Clone, Debug, Default, Args)]
pub struct CheckArgs {
    /// Files or folders to check (default: `.`); `-` reads standard input.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format [default: `full` when stdout is a terminal, else `concise`].
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Do not print the summary line on standard error.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// When to use colour (`NO_COLOR` is honoured with `auto`).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// Exit 0 even when there are findings (errors still exit 2).
    #[arg(long)]
    pub exit_zero: bool,
    /// Lowest severity that makes the exit status 1 [default: error].
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_level: Option<FailLevel>,
    /// Only run these rules (names or codes, comma-separated, repeatable).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub select: Vec<String>,
    /// Do not run these rules (names or codes, comma-separated, repeatable).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub ignore: Vec<String>,
    /// Do not read `.gitignore` / `.ignore` files when walking folders.
    #[arg(long)]
    pub no_ignore: bool,
    /// Leave out paths matching GLOB when walking folders (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Apply `exclude` (config and `--exclude`) to files named on the
    /// command line too, as pre-commit names them.
    #[arg(long)]
    pub force_exclude: bool,
    /// Report only findings not in this baseline file (see `--create-baseline`).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write the current findings to the `--baseline` file instead of
    /// reporting them, and exit 0.
    #[arg(long, conflicts_with_all = ["output_file", "statistics"])]
    pub create_baseline: bool,
    /// Print the number of findings per rule instead of the findings.
    #[arg(long)]
    pub statistics: bool,
    /// Settings options.
    #[command(flatten)]
    pub config: ConfigArgs,
}

/// `spoflint dump` options.
#[derive(Clone, Debug, Args)]
pub struct DumpArgs {
    /// Files or folders to dump (default: `.`); `-` reads standard input.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Also print the analysis (entries, components, failure points).
    #[arg(long)]
    pub analysis: bool,
    /// Settings options.
    #[command(flatten)]
    pub config: ConfigArgs,
}

/// Output formats (named as ruff names them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Source excerpts with labels and help, for people.
    Full,
    /// One line per finding: `path:line:col: severity: message [rule]`.
    Concise,
    /// One JSON document with every diagnostic and a summary.
    Json,
    /// One JSON object per diagnostic per line.
    JsonLines,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// GitLab Code Quality report.
    Gitlab,
}

/// When to colour output.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set.
    #[default]
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// How much evidence a single-point-of-failure finding needs to be
/// reported (`--min-confidence`, `min-confidence`).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, ValueEnum, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Also findings whose evidence is thin (see `spoflint rule SPOF001`).
    Low,
    /// Only findings whose evidence is firm (the default).
    #[default]
    High,
}

/// The lowest severity that fails the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailLevel {
    /// Only errors fail.
    Error,
    /// Warnings fail too.
    Warning,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }
}
