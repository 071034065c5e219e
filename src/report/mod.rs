//! Renders file reports in the output formats. Owns the output formats;
//! computes line and column from spans here and nowhere else.

use crate::diagnostic::FileReport;
use crate::span::LineIndex;
use std::io::{self, Write};

/// Write `path:line:col: severity: message [rule]` lines.
pub fn concise(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    for r in reports {
        let idx = LineIndex::new(&r.source);
        for d in &r.diagnostics {
            let lc = idx.line_col(&r.source, d.span.start);
            writeln!(
                out,
                "{}:{}:{}: {}: {} [{}]",
                r.path,
                lc.line,
                lc.column,
                d.severity.as_str(),
                d.message,
                d.rule
            )?;
        }
    }
    Ok(())
}
