//! The pipeline for one file: bytes → Markdown blocks → flowcharts →
//! diagnostics. Owns the order of the stages and the span rebasing between
//! them; prints nothing.

use crate::config::Settings;
use crate::diagnostic::FileReport;
use crate::flowchart::{self, DiagramKind};
use crate::markdown;
use crate::rules;
use std::sync::Arc;

/// How many leading bytes are looked at for a NUL byte (as git and ripgrep do).
const BINARY_SNIFF: usize = 8 * 1024;

/// Decode `bytes` as UTF-8 without moving any byte: each byte of an invalid
/// sequence becomes U+001A (SUBSTITUTE, one byte), so every span still points
/// at the same byte of the file. Returns the text and the offset of the first
/// invalid byte, if any.
pub fn decode_in_place(bytes: &[u8]) -> (String, Option<usize>) {
    let mut out = String::with_capacity(bytes.len());
    let mut first_bad = None;
    let mut rest = bytes;
    let mut consumed = 0;
    loop {
        match std::str::from_utf8(rest) {
            Ok(valid) => {
                out.push_str(valid);
                return (out, first_bad);
            }
            Err(e) => {
                let good = e.valid_up_to();
                // Safe: the prefix was just validated.
                out.push_str(std::str::from_utf8(&rest[..good]).unwrap_or_default());
                let bad = e.error_len().unwrap_or(rest.len() - good);
                first_bad.get_or_insert(consumed + good);
                out.extend(std::iter::repeat('\u{1A}').take(bad));
                rest = &rest[good + bad..];
                consumed += good + bad;
            }
        }
    }
}

/// Check one file's bytes. `path` is how the user named it; `standalone` is
/// true for `.mmd` / `.mermaid` files.
///
/// A file with a NUL byte in its first 8 KiB is binary: it is skipped with a
/// note. Invalid UTF-8 is noted with the offset of the first bad byte, and the
/// file is still checked, each invalid byte read as U+001A so positions stay
/// exact.
pub fn check_bytes(path: &str, bytes: &[u8], standalone: bool, settings: &Settings) -> FileReport {
    let mut report = FileReport {
        path: path.to_string(),
        source: Arc::from(""),
        diagrams: 0,
        diagnostics: Vec::new(),
        read_error: None,
        note: None,
    };
    if let Some(at) = bytes[..bytes.len().min(BINARY_SNIFF)]
        .iter()
        .position(|&b| b == 0)
    {
        report.note = Some(format!("skipped: looks binary (NUL byte at offset {at})"));
        return report;
    }
    let (text, bad) = decode_in_place(bytes);
    if let Some(at) = bad {
        report.note = Some(format!(
            "not valid UTF-8 (first invalid byte at offset {at}); invalid bytes were read as U+001A"
        ));
    }
    report.source = Arc::from(text.as_str());
    for block in markdown::find_blocks(&text, standalone, &settings.blocks) {
        let parsed = flowchart::parse(&block.text);
        if parsed.kind != DiagramKind::Flowchart {
            continue;
        }
        report.diagrams += 1;
        for err in &parsed.errors {
            let mut err = err.clone();
            err.span = block.map.span(err.span);
            report
                .diagnostics
                .push(rules::parse_error::diagnostic(&err));
        }
        if let Some(mut diagram) = parsed.diagram {
            diagram.map_spans(|s| block.map.span(s));
            report.diagnostics.extend(rules::check_block(
                &diagram,
                settings,
                &block.leading_comments,
            ));
        }
    }
    crate::suppress::apply_path_ignores(&mut report.diagnostics, path, &settings.per_path_ignores);
    report
        .diagnostics
        .sort_by(|a, b| (a.span.start, a.rule).cmp(&(b.span.start, b.rule)));
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_keeps_every_byte_offset() {
        let bytes = b"ab\xff\xfecd\xe6\x97\xa5\xe6";
        let (text, bad) = decode_in_place(bytes);
        assert_eq!(text.len(), bytes.len());
        assert_eq!(bad, Some(2));
        assert_eq!(&text[4..6], "cd");
        assert_eq!(&text[6..9], "日");
        assert!(text.ends_with('\u{1A}'));
    }

    #[test]
    fn binary_file_is_skipped_with_a_note() {
        let r = check_bytes(
            "x.md",
            b"# a\0b\n```mermaid\nflowchart LR\nA-->B\n```\n",
            false,
            &Settings::default(),
        );
        assert_eq!(r.diagrams, 0);
        assert!(r.note.as_deref().unwrap().contains("offset 3"));
        assert!(r.read_error.is_none());
    }

    #[test]
    fn invalid_utf8_is_noted_and_the_file_still_checked() {
        let r = check_bytes("x.md", b"caf\xe9\n", false, &Settings::default());
        assert!(r.note.as_deref().unwrap().contains("offset 3"));
        assert_eq!(r.source.len(), 5);
    }
}
