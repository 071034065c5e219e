//! The `full` format: each diagnostic with its source excerpt, labels and
//! help, drawn by miette's graphical handler.

use super::Style;
use crate::diagnostic::{Diagnostic, FileReport, Severity};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};
use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

/// A diagnostic and its file, in the shape miette draws.
struct Shown<'a> {
    d: &'a Diagnostic,
    source: NamedSource<Arc<str>>,
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.d.message)
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.d.message)
    }
}

impl std::error::Error for Shown<'_> {}

impl miette::Diagnostic for Shown<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(format!("{}({})", self.d.rule, self.d.code)))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.d
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let primary = LabeledSpan::new_primary_with_span(None, self.d.span);
        let secondary = self
            .d
            .labels
            .iter()
            .map(|l| LabeledSpan::new_with_span(Some(l.message.clone()), l.span));
        Some(Box::new(std::iter::once(primary).chain(secondary)))
    }
}

/// Draw every diagnostic, a blank line between them.
pub fn full(reports: &[FileReport], style: &Style, out: &mut dyn Write) -> io::Result<()> {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false);
    for r in reports {
        let source = NamedSource::new(&r.path, r.source.clone()).with_language("markdown");
        for d in &r.diagnostics {
            let shown = Shown {
                d,
                source: source.clone(),
            };
            let mut text = String::new();
            handler
                .render_report(&mut text, &shown)
                .map_err(io::Error::other)?;
            writeln!(out, "{text}")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::testing::sample;
    use super::*;

    #[test]
    fn shows_excerpt_labels_and_help_without_colour() {
        let mut out = Vec::new();
        full(&sample(), &Style::default(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        insta::assert_snapshot!(text);
        assert!(!text.contains('\u{1b}'), "no ANSI escapes without colour");
    }

    #[test]
    fn colour_when_asked() {
        let mut out = Vec::new();
        let style = Style {
            color: true,
            ..Style::default()
        };
        full(&sample(), &style, &mut out).unwrap();
        assert!(String::from_utf8(out).unwrap().contains('\u{1b}'));
    }
}
