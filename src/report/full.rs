//! The `full` format: each diagnostic with its source excerpt, labels and
//! help, drawn by miette's graphical handler.

use super::Style;
use crate::diagnostic::{Diagnostic, FileReport, Severity};
use crate::span::{LineIndex, Span};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    NamedSource, SourceCode, SourceSpan, SpanContents,
};
use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

/// Labels starting further right than this many characters into their line
/// are not drawn: miette pads up to a label with `{:width$}`, which panics
/// past `u16::MAX` columns, and an excerpt of such a line helps nobody.
const MAX_EXCERPT_COLUMN: usize = 4096;

/// A file's text as miette reads it, one window of lines at a time. miette
/// finds a span's lines by scanning from the start of the source, which made
/// drawing n findings of a big file O(n × file size); here the line index
/// jumps to the lines around the span and miette scans only those.
struct Windowed {
    text: Arc<str>,
    index: Arc<LineIndex>,
}

impl SourceCode for Windowed {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let (start, end) = (span.offset(), span.offset() + span.len());
        if end > self.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let line_of = |at: usize| self.index.line_col(&self.text, at).line - 1;
        // One line more than miette reads on each side, so it starts and
        // stops as it would in the whole text (it treats a span at offset
        // 0 of its input specially).
        let first = line_of(start).saturating_sub(before + 1);
        let last = line_of(end) + after + 2;
        let from = self.index.line_start(first + 1).unwrap_or(0);
        let to = self.index.line_start(last + 1).unwrap_or(self.text.len());
        let window = &self.text.as_bytes()[from..to];
        let inner = window.read_span(&(start - from, span.len()).into(), before, after)?;
        Ok(Box::new(MietteSpanContents::new(
            inner.data(),
            (inner.span().offset() + from, inner.span().len()).into(),
            inner.line() + first,
            inner.column(),
            inner.line_count() + first,
        )))
    }
}

/// A diagnostic and its file, in the shape miette draws.
struct Shown<'a> {
    d: &'a Diagnostic,
    source: NamedSource<Windowed>,
    /// `path:line:col` when the excerpt is left out (line too long).
    too_wide: Option<String>,
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.d.message)
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.d.message)?;
        if let Some(at) = &self.too_wide {
            write!(f, "\n  at {at} (the line is too long to show)")?;
        }
        Ok(())
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
        self.too_wide.is_none().then_some(&self.source as _)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.too_wide.is_some() {
            return None;
        }
        let primary = LabeledSpan::new_primary_with_span(None, self.d.span);
        let secondary = self
            .d
            .labels
            .iter()
            .map(|l| LabeledSpan::new_with_span(Some(l.message().into_owned()), l.span));
        Some(Box::new(std::iter::once(primary).chain(secondary)))
    }
}

/// Draw every diagnostic, a blank line between them.
pub fn full(reports: &[FileReport], style: &Style, out: &mut dyn Write) -> io::Result<()> {
    for r in reports {
        full_file(r, style, out)?;
    }
    Ok(())
}

/// Draw one file's diagnostics.
pub(super) fn full_file(r: &FileReport, style: &Style, out: &mut dyn Write) -> io::Result<()> {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false);
    let index = Arc::new(LineIndex::new(&r.source));
    let column = |s: Span| index.line_col(&r.source, s.start).column;
    for d in &r.diagnostics {
        let widest = d.labels.iter().map(|l| column(l.span)).max();
        let too_wide = (column(d.span).max(widest.unwrap_or(0)) > MAX_EXCERPT_COLUMN).then(|| {
            let at = index.line_col(&r.source, d.span.start);
            format!("{}:{}:{}", r.path, at.line, at.column)
        });
        let windowed = Windowed {
            text: r.source.clone(),
            index: index.clone(),
        };
        let shown = Shown {
            d,
            source: NamedSource::new(&r.path, windowed).with_language("markdown"),
            too_wide,
        };
        let mut text = String::new();
        handler
            .render_report(&mut text, &shown)
            .map_err(io::Error::other)?;
        writeln!(out, "{text}")?;
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

    // miette panicked ("Formatting argument out of range") padding to a
    // label more than 65535 columns into a 10 MB line.
    #[test]
    fn a_finding_far_into_a_long_line_is_shown_without_an_excerpt() {
        let line = format!("{}]", "a;".repeat(40_000));
        let source: Arc<str> = Arc::from(format!("x\n{line}\n").as_str());
        let at = source.find(']').unwrap();
        let d = Diagnostic::new(
            "parse-error",
            "SPOF000",
            Severity::Error,
            Span::new(at, at + 1),
            "unexpected \"]\"".to_string(),
        );
        let report = FileReport {
            path: "long.md".into(),
            source,
            diagrams: 1,
            diagnostics: vec![d],
            read_error: None,
            note: None,
        };
        let mut out = Vec::new();
        full(&[report], &Style::default(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("at long.md:2:80001 (the line is too long to show)"),
            "{text}"
        );
        assert!(text.len() < 1000, "no excerpt: {text}");
    }

    // Drawing n findings scanned the whole file n times; the window must
    // read exactly what miette reads from the whole text.
    #[test]
    fn windowed_source_reads_what_the_whole_text_reads() {
        let texts = [
            "",
            "a",
            "ab\ncd\n",
            "one\ntwo\r\nthree\rfour\n\nsix",
            "\u{feff}x\n日本\n\n\t🚀\r\n\r\nend\n\n",
        ];
        for text in texts {
            let source: Arc<str> = Arc::from(text);
            let windowed = Windowed {
                text: source.clone(),
                index: Arc::new(LineIndex::new(text)),
            };
            let bounds: Vec<usize> = (0..=text.len())
                .filter(|&i| text.is_char_boundary(i))
                .collect();
            for (i, &start) in bounds.iter().enumerate() {
                for &end in &bounds[i..] {
                    let span: SourceSpan = (start, end - start).into();
                    for (before, after) in [(0, 0), (1, 1), (2, 0), (0, 3), (3, 3)] {
                        let whole = text.read_span(&span, before, after).unwrap();
                        let win = windowed.read_span(&span, before, after).unwrap();
                        let at = format!("{text:?} {start}..{end} ±{before},{after}");
                        assert_eq!(win.data(), whole.data(), "{at}");
                        assert_eq!(win.span(), whole.span(), "{at}");
                        assert_eq!(win.line(), whole.line(), "{at}");
                        assert_eq!(win.column(), whole.column(), "{at}");
                        assert_eq!(win.line_count(), whole.line_count(), "{at}");
                    }
                }
            }
        }
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
