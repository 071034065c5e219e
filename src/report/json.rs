//! The `json` and `json-lines` formats: every diagnostic as an object with
//! 1-based positions, and (for `json`) a summary.

use super::{locate_all, Located, Location, Summary};
use crate::diagnostic::{BlastRadius, Diagnostic, FileReport, Help};
use serde::Serialize;
use std::io::{self, Write};

/// One diagnostic as JSON. `end_line`/`end_column` are exclusive.
#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    severity: &'static str,
    rule: &'static str,
    code: &'static str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<std::borrow::Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    node: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    subgraph: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    blast_radius: Option<&'a BlastRadius>,
}

impl<'a> JsonDiagnostic<'a> {
    fn new(file: &'a str, d: &'a Diagnostic, loc: Location) -> Self {
        JsonDiagnostic {
            file,
            line: loc.line,
            column: loc.column,
            end_line: loc.end_line,
            end_column: loc.end_column,
            severity: d.severity.as_str(),
            rule: d.rule,
            code: d.code,
            message: &d.message,
            help: d.help.as_ref().map(Help::text),
            node: d.node.as_deref(),
            subgraph: d.subgraph.as_deref(),
            blast_radius: d.blast_radius.as_ref(),
        }
    }
}

fn all(files: &[Located]) -> Vec<JsonDiagnostic<'_>> {
    files
        .iter()
        .flat_map(|f| {
            let path = f.path.as_str();
            f.items
                .iter()
                .map(move |(d, loc)| JsonDiagnostic::new(path, d, *loc))
        })
        .collect()
}

/// `{"diagnostics": [...], "summary": {...}}`, pretty-printed.
pub fn json(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    json_located(&locate_all(reports), Summary::of(reports), out)
}

/// The JSON document of located files.
pub(super) fn json_located(
    files: &[Located],
    summary: Summary,
    out: &mut dyn Write,
) -> io::Result<()> {
    #[derive(Serialize)]
    struct Skipped<'a> {
        file: &'a str,
        reason: &'a str,
    }
    #[derive(Serialize)]
    struct Totals<'a> {
        #[serde(flatten)]
        counts: Summary,
        /// Files not checked at all, with why (left out when none).
        #[serde(skip_serializing_if = "Vec::is_empty")]
        skipped: Vec<Skipped<'a>>,
    }
    #[derive(Serialize)]
    struct Doc<'a> {
        diagnostics: Vec<JsonDiagnostic<'a>>,
        summary: Totals<'a>,
    }
    let skipped = files
        .iter()
        .filter_map(|f| {
            let why = f.skipped.as_deref()?;
            Some(Skipped {
                file: &f.path,
                reason: why.strip_prefix(crate::diagnostic::SKIPPED).unwrap_or(why),
            })
        })
        .collect();
    let doc = Doc {
        diagnostics: all(files),
        summary: Totals {
            counts: summary,
            skipped,
        },
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

/// One compact diagnostic object per line, no summary.
pub fn json_lines(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    for file in locate_all(reports) {
        json_lines_file(&file, out)?;
    }
    Ok(())
}

/// One file's lines of `json-lines`.
pub(super) fn json_lines_file(file: &Located, out: &mut dyn Write) -> io::Result<()> {
    for d in all(std::slice::from_ref(file)) {
        serde_json::to_writer(&mut *out, &d)?;
        writeln!(out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::testing::sample;
    use super::*;
    use serde_json::{json, Value};

    #[test]
    fn json_document_has_diagnostics_and_summary() {
        let mut out = Vec::new();
        json(&sample(), &mut out).unwrap();
        let v: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(
            v["diagnostics"][0],
            json!({
                "file": "docs/arch.md", "line": 5, "column": 9, "end_line": 5, "end_column": 22,
                "severity": "warning", "rule": "single-point-of-failure", "code": "SPOF001",
                "message": "`Main DB` is a single point of failure: 1 entry, 2 components depend on it",
                "help": "add a replica, e.g. `DB2[(Replica)]`, and link both",
                "node": "DB",
                "blast_radius": {"entries": ["A"], "components": ["A", "B"]}
            })
        );
        // Absent optional fields are left out, not null.
        assert!(v["diagnostics"][1].get("help").is_none());
        assert_eq!(
            v["summary"],
            json!({"files": 2, "diagrams": 1, "errors": 1, "warnings": 1})
        );
    }

    #[test]
    fn json_lines_is_one_object_per_line() {
        let mut out = Vec::new();
        json_lines(&sample(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        for l in lines {
            let v: Value = serde_json::from_str(l).unwrap();
            assert_eq!(v["file"], "docs/arch.md");
        }
    }
}
