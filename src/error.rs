//! The library's failures that are not diagnostics: unreadable files, bad
//! configuration, bad command-line values. Owns their wording; prints nothing.

use std::path::PathBuf;

/// A problem that stops a run or a file from being checked (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or folder could not be read.
    #[error("{path}: {message}")]
    Io {
        /// The path as the user would recognise it.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// A configuration file is not valid TOML or has an unknown key or bad value.
    #[error("{path}:{line}:{column}: {message}")]
    Config {
        /// The configuration file.
        path: PathBuf,
        /// 1-based line of the offending key or value.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
        /// A hint (did you mean ...).
        help: Option<String>,
    },
    /// `--output-file` names a file the run reads (an input or a
    /// configuration file, directly or through a link): the report is not
    /// written, and the file is left as it was.
    #[error("{path}: refusing to write the {what} over {input}, which this run reads")]
    OutputIsInput {
        /// What would be written: `report` or `baseline`.
        what: &'static str,
        /// The output file as the user named it.
        path: String,
        /// The input or configuration file it is (as named or found).
        input: String,
    },
    /// A baseline file (`--baseline`) that cannot be read or is not one.
    #[error("{path}: {message}")]
    Baseline {
        /// The baseline file as the user named it.
        path: String,
        /// What is wrong.
        message: String,
        /// A hint (how to create one).
        help: Option<String>,
    },
    /// `--create-baseline` with no baseline file named (`--baseline` or
    /// `baseline` in the configuration).
    #[error("--create-baseline needs a baseline file")]
    NoBaselineFile,
    /// A rule name or code that no rule has.
    #[error("unknown rule `{name}`")]
    UnknownRule {
        /// What the user typed.
        name: String,
        /// A hint (did you mean ...).
        help: Option<String>,
    },
}

impl Error {
    /// The hint to show under the message, if any.
    pub fn help(&self) -> Option<&str> {
        match self {
            Error::Config { help, .. }
            | Error::UnknownRule { help, .. }
            | Error::Baseline { help, .. } => help.as_deref(),
            Error::OutputIsInput {
                what: "baseline", ..
            } => Some(
                "keep the baseline outside the files being checked, e.g. `--baseline .spoflint-baseline.json`",
            ),
            Error::NoBaselineFile => Some(
                "name it with `--baseline FILE`, or `baseline = \"FILE\"` in spoflint.toml",
            ),
            Error::OutputIsInput { .. } => Some(
                "write the report outside the files being checked, e.g. `-o spoflint-report.txt`",
            ),
            _ => None,
        }
    }
}

/// An I/O error's message without the `(os error N)` tail.
pub fn io_message(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// The closest of `candidates` to `word`, if it is close enough to be a
/// likely typo (Jaro-Winkler, as cargo and clap suggest).
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = word.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&lower, &c.to_ascii_lowercase()), c))
        .filter(|(score, _)| *score > 0.8)
        // On a tie the earliest candidate wins (registry order), so
        // `spof00` suggests SPOF000 rather than the newest rule.
        .fold(None::<(f64, &str)>, |best, x| match best {
            Some(b) if b.0 >= x.0 => Some(b),
            _ => Some(x),
        })
        .map(|(_, c)| c)
}

/// `Some("did you mean `x`?")` when a candidate is close.
pub fn did_you_mean_help<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    did_you_mean(word, candidates).map(|c| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_a_close_key() {
        assert_eq!(
            did_you_mean("exlude", ["exclude", "select", "ignore"]),
            Some("exclude")
        );
        assert_eq!(did_you_mean("zzz", ["exclude", "select"]), None);
    }
}
