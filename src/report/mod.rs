//! Renders file reports in the output formats, one file per format. Owns
//! the output formats; computes line and column from spans here and nowhere
//! else.

mod concise;
mod full;
mod github;
mod gitlab;
mod json;
pub mod rules_table;
mod sarif;

pub use concise::concise;
pub use full::full;
pub use github::github;
pub use gitlab::gitlab;
pub use json::{json, json_lines};
pub use sarif::sarif;

use crate::cli::Format;
use crate::diagnostic::{Diagnostic, FileReport, Severity};
use crate::span::LineIndex;
use serde::Serialize;
use std::io::{self, Write};

/// Counts for the summary line and the JSON `summary`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Files checked.
    pub files: usize,
    /// Mermaid flowcharts found.
    pub diagrams: usize,
    /// Diagnostics at error level.
    pub errors: usize,
    /// Diagnostics at warning level.
    pub warnings: usize,
}

impl Summary {
    /// Count the diagnostics of `reports`.
    pub fn of(reports: &[FileReport]) -> Summary {
        let mut s = Summary::default();
        for r in reports {
            s.add(r);
        }
        s
    }

    /// Add the counts of `other`.
    pub fn absorb(&mut self, other: Summary) {
        self.files += other.files;
        self.diagrams += other.diagrams;
        self.errors += other.errors;
        self.warnings += other.warnings;
    }

    /// Count one more file.
    pub fn add(&mut self, report: &FileReport) {
        self.files += 1;
        self.diagrams += report.diagrams;
        for d in &report.diagnostics {
            match d.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
            }
        }
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        fn plural(n: usize, one: &str) -> String {
            if n == 1 {
                format!("{n} {one}")
            } else {
                format!("{n} {one}s")
            }
        }
        write!(
            f,
            "Checked {}, {}: {}, {}",
            plural(self.files, "file"),
            plural(self.diagrams, "diagram"),
            plural(self.errors, "error"),
            plural(self.warnings, "warning"),
        )
    }
}

/// How the human formats look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Style {
    /// Use ANSI colours.
    pub color: bool,
    /// Wrap width for `full`.
    pub width: usize,
    /// Base of the rule documentation links in SARIF (`helpUri`), if known.
    pub docs_url: Option<&'static str>,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            color: false,
            width: 100,
            docs_url: None,
        }
    }
}

/// Write `reports` in `format`: each file's [`Piece`] in turn, then the
/// end of the document. The same path as a streaming run takes.
pub fn write(
    format: Format,
    reports: &[FileReport],
    style: &Style,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut sink = Sink::new(format, *style);
    for r in reports {
        sink.push(piece(format, style, r)?, out)?;
    }
    sink.finish(Summary::of(reports), out)
}

/// One file's share of the output, made on the thread that checked the
/// file, so that its text can be dropped there and a run holds only the
/// files in flight.
#[derive(Debug)]
pub enum Piece {
    /// Bytes written as they are: the formats with one part per file
    /// (`full`, `concise`, `json-lines`, `github`).
    Bytes(Vec<u8>),
    /// Diagnostics with their positions resolved, held for a format that
    /// writes one document at the end (`json`, `sarif`, `gitlab`).
    Held(Located),
}

/// Render `report`'s part of the output in `format` (its diagnostics
/// already sorted, see [`sort`]).
pub fn piece(format: Format, style: &Style, report: &FileReport) -> io::Result<Piece> {
    if report.diagnostics.is_empty() {
        // A skipped file is said in the machine formats CI reads; the
        // human ones have the note on standard error.
        return Ok(match (format, report.skipped()) {
            (Format::Json | Format::Sarif | Format::Gitlab, _) => Piece::Held(Located {
                path: report.path.clone(),
                items: Vec::new(),
                skipped: report.skipped().map(str::to_string),
            }),
            (Format::Github, Some(why)) => {
                let mut out = Vec::new();
                github::github_skipped(&report.path, why, &mut out)?;
                Piece::Bytes(out)
            }
            _ => Piece::Bytes(Vec::new()),
        });
    }
    let mut out = Vec::new();
    match format {
        Format::Full => full::full_file(report, style, &mut out)?,
        Format::Concise => concise::concise_file(&locate(report), &mut out)?,
        Format::JsonLines => json::json_lines_file(&locate(report), &mut out)?,
        Format::Github => github::github_file(&locate(report), &mut out)?,
        Format::Json | Format::Sarif | Format::Gitlab => return Ok(Piece::Held(locate(report))),
    }
    Ok(Piece::Bytes(out))
}

/// Writes the pieces of a run in output order, holding only what the
/// one-document formats need at the end (diagnostics and positions, no
/// file text).
#[derive(Debug)]
pub struct Sink {
    format: Format,
    style: Style,
    held: Vec<Located>,
}

impl Sink {
    /// A sink for `format`.
    pub fn new(format: Format, style: Style) -> Self {
        Sink {
            format,
            style,
            held: Vec::new(),
        }
    }

    /// The next file's piece, in output order.
    pub fn push(&mut self, piece: Piece, out: &mut dyn Write) -> io::Result<()> {
        match piece {
            Piece::Bytes(b) => out.write_all(&b),
            Piece::Held(l) => {
                if !l.items.is_empty() || l.skipped.is_some() {
                    self.held.push(l);
                }
                Ok(())
            }
        }
    }

    /// End the output: the whole document for the one-document formats.
    pub fn finish(self, summary: Summary, out: &mut dyn Write) -> io::Result<()> {
        match self.format {
            Format::Json => json::json_located(&self.held, summary, out),
            Format::Sarif => sarif::sarif_located(&self.held, &self.style, out),
            Format::Gitlab => gitlab::gitlab_located(&self.held, out),
            Format::Full | Format::Concise | Format::JsonLines | Format::Github => Ok(()),
        }
    }
}

/// Where a diagnostic is, in 1-based lines and columns (columns count
/// characters). The end is exclusive: the position just after the span, as
/// SARIF's `endColumn` and LSP ranges have it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Location {
    /// Start line.
    pub line: usize,
    /// Start column.
    pub column: usize,
    /// End line.
    pub end_line: usize,
    /// End column (exclusive).
    pub end_column: usize,
}

/// A file's diagnostics with their locations computed: all the formats
/// but `full` need of a file, without its text.
#[derive(Clone, Debug)]
pub struct Located {
    /// The path as shown.
    pub path: String,
    /// Each diagnostic and where it is.
    pub items: Vec<(Diagnostic, Location)>,
    /// Why the file was not checked, if it was not ([`FileReport::skipped`]).
    pub skipped: Option<String>,
}

/// Locate every diagnostic of `report`.
pub(crate) fn locate(report: &FileReport) -> Located {
    // Lines past the last finding are never asked for.
    let last = report
        .diagnostics
        .iter()
        .map(|d| d.span.end)
        .max()
        .unwrap_or(0);
    let idx = LineIndex::up_to(&report.source, last);
    let items = report
        .diagnostics
        .iter()
        .map(|d| {
            let s = idx.line_col(&report.source, d.span.start);
            let e = idx.line_col(&report.source, d.span.end);
            let loc = Location {
                line: s.line,
                column: s.column,
                end_line: e.line,
                end_column: e.column,
            };
            (d.clone(), loc)
        })
        .collect();
    Located {
        path: report.path.clone(),
        items,
        skipped: report.skipped().map(str::to_string),
    }
}

/// Locate every diagnostic of every report.
pub(crate) fn locate_all(reports: &[FileReport]) -> Vec<Located> {
    reports.iter().map(locate).collect()
}

/// Sort reports by path and their diagnostics by (offset, rule), so every
/// format's output is deterministic.
pub fn sort(reports: &mut [FileReport]) {
    reports.sort_by(|a, b| a.path.cmp(&b.path));
    for r in reports {
        sort_diagnostics(r);
    }
}

/// Sort one report's diagnostics by (offset, rule, end, message).
pub fn sort_diagnostics(report: &mut FileReport) {
    crate::diagnostic::sort_by_position(&mut report.diagnostics);
}

#[cfg(test)]
pub(crate) mod testing {
    //! Reports built by hand, for the format tests (the parser and rules are
    //! not needed to exercise the formats).
    use crate::diagnostic::{BlastRadius, Diagnostic, FileReport, Label, Severity};
    use crate::span::Span;
    use std::sync::Arc;

    /// Two files: one with an error and a warning (one with a blast radius
    /// and characters that need escaping), one clean.
    pub fn sample() -> Vec<FileReport> {
        let text =
            "# Docs\n\n```mermaid\nflowchart LR\n  A --> DB[(Main DB)]\n  A --> B %% x\n```\n";
        let db = text.find("DB[").unwrap();
        let pct = text.find("%%").unwrap();
        let mut spof = Diagnostic::new(
            "single-point-of-failure",
            "SPOF001",
            Severity::Warning,
            Span::new(db, db + "DB[(Main DB)]".len()),
            "`Main DB` is a single point of failure: 1 entry, 2 components depend on it",
        )
        .with_help("add a replica, e.g. `DB2[(Replica)]`, and link both");
        spof.labels = Box::new([Label::new(Span::new(db - 6, db - 5), "needed by A")]);
        spof.node = Some("DB".into());
        spof.blast_radius = Some(BlastRadius::new(["A".into()], ["A".into(), "B".into()]));
        let parse = Diagnostic::new(
            "parse-error",
            "SPOF000",
            Severity::Error,
            Span::new(pct, pct + 2),
            "a comment must stand on its own line, 50% of the time: really, yes",
        );
        vec![
            FileReport {
                path: "docs/arch.md".into(),
                source: Arc::from(text),
                diagrams: 1,
                diagnostics: vec![spof, parse],
                read_error: None,
                note: None,
            },
            FileReport {
                path: "docs/clean.md".into(),
                source: Arc::from("# nothing\n"),
                diagrams: 0,
                diagnostics: vec![],
                read_error: None,
                note: None,
            },
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_line_counts_and_pluralises() {
        let s = Summary::of(&testing::sample());
        assert_eq!(
            s.to_string(),
            "Checked 2 files, 1 diagram: 1 error, 1 warning"
        );
    }

    #[test]
    fn locations_are_one_based_with_exclusive_end() {
        let reports = testing::sample();
        let located = locate_all(&reports);
        let (_, loc) = &located[0].items[0];
        assert_eq!(
            *loc,
            Location {
                line: 5,
                column: 9,
                end_line: 5,
                end_column: 22
            }
        );
    }
}

/// Base of the rule documentation links in SARIF's `helpUri` (rule name
/// appended), taken from the package's `repository` in `Cargo.toml`; none
/// while the package names no repository.
pub const DOCS_URL: Option<&str> = match option_env!("CARGO_PKG_REPOSITORY") {
    Some(r) if !r.is_empty() => Some(concat!(env!("CARGO_PKG_REPOSITORY"), "#")),
    _ => None,
};
