//! The `concise` format: `path:line:col: severity: message [rule]`, one line
//! per diagnostic, what editors' problem matchers read.

use super::{locate_all, Located};
use crate::diagnostic::FileReport;
use std::io::{self, Write};

/// Write one line per diagnostic. Line breaks inside a message are replaced
/// by spaces so one diagnostic stays one line.
pub fn concise(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    for file in locate_all(reports) {
        concise_file(&file, out)?;
    }
    Ok(())
}

/// One file's lines.
pub(super) fn concise_file(file: &Located, out: &mut dyn Write) -> io::Result<()> {
    for (d, loc) in &file.items {
        writeln!(
            out,
            "{}:{}:{}: {}: {} [{}]",
            file.path,
            loc.line,
            loc.column,
            d.severity.as_str(),
            one_line(&d.message),
            d.rule
        )?;
    }
    Ok(())
}

fn one_line(s: &str) -> String {
    s.split(['\r', '\n'])
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::super::testing::sample;
    use super::*;

    #[test]
    fn one_line_per_diagnostic() {
        let mut out = Vec::new();
        concise(&sample(), &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "docs/arch.md:5:9: warning: `Main DB` is a single point of failure: 1 entry, 2 \
             components depend on it [single-point-of-failure]\n\
             docs/arch.md:6:11: error: a comment must stand on its own line, 50% of the time: \
             really, yes [parse-error]\n"
        );
    }
}
