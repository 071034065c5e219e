//! The `github` format: GitHub Actions workflow commands, which the runner
//! turns into annotations on the pull request.

use super::{locate_all, Located};
use crate::diagnostic::FileReport;
use std::io::{self, Write};

/// Escape a command's message (data), as the Actions toolkit does.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a command property value: as data, plus `:` and `,`.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message` lines.
pub fn github(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    for file in locate_all(reports) {
        if let Some(why) = &file.skipped {
            github_skipped(&file.path, why, out)?;
        }
        github_file(&file, out)?;
    }
    Ok(())
}

/// One file's workflow commands.
pub(super) fn github_file(file: &Located, out: &mut dyn Write) -> io::Result<()> {
    for (d, loc) in &file.items {
        // The Actions toolkit: `col` and `endColumn` only for an annotation
        // on one line; one that spans lines gives its lines alone.
        let columns = if loc.line == loc.end_line {
            format!(
                ",col={},endLine={},endColumn={}",
                loc.column, loc.end_line, loc.end_column
            )
        } else {
            format!(",endLine={}", loc.end_line)
        };
        writeln!(
            out,
            "::{} file={},line={}{columns},title={}::{}",
            d.severity.as_str(),
            escape_property(&file.path),
            loc.line,
            escape_property(&format!("spoflint {} ({})", d.rule, d.code)),
            escape_data(&d.message),
        )?;
    }
    Ok(())
}

/// The warning for a file that was not checked (`why`: its note).
pub(super) fn github_skipped(path: &str, why: &str, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "::warning file={},title={}::{}",
        escape_property(path),
        escape_property("spoflint skipped this file"),
        escape_data(why),
    )
}

#[cfg(test)]
mod tests {
    use super::super::testing::sample;
    use super::*;

    #[test]
    fn workflow_commands_are_escaped() {
        let mut reports = sample();
        reports[0].path = "docs/a,b:c.md".into();
        reports[0].diagnostics[1].message = "50% bad\r\nsecond line".into();
        let mut out = Vec::new();
        github(&reports, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "::warning file=docs/a%2Cb%3Ac.md,line=5,col=9,endLine=5,endColumn=22,\
             title=spoflint single-point-of-failure (SPOF001)::`Main DB` is a single point of \
             failure: 1 entry, 2 components depend on it"
        );
        assert_eq!(
            lines[1],
            "::error file=docs/a%2Cb%3Ac.md,line=6,col=11,endLine=6,endColumn=13,\
             title=spoflint parse-error (SPOF000)::50%25 bad%0D%0Asecond line"
        );
    }

    #[test]
    fn a_finding_over_two_lines_has_no_columns() {
        // GitHub's toolkit: `col`/`endColumn` are for one-line annotations;
        // before, a finding spanning two lines sent them anyway.
        let mut reports = sample();
        let d = &mut reports[0].diagnostics[0];
        d.span = crate::span::Span::new(d.span.start, d.span.end + 12);
        let mut out = Vec::new();
        github(&reports, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let first = text.lines().next().unwrap();
        assert!(first.contains(",line=5,endLine=6,title="), "{first}");
        assert!(!first.contains("col="), "{first}");
    }
}
