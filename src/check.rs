//! The pipeline for one file: bytes → Markdown blocks → flowcharts →
//! diagnostics. Owns the order of the stages, the span rebasing between
//! them and the byte-level prefilter that keeps files without any Mermaid
//! marker away from the Markdown scanner; prints nothing.

use crate::config::Settings;
use crate::diagnostic::FileReport;
use crate::flowchart::{self, DiagramKind};
use crate::markdown;
use crate::rules;
use crate::span::Span;
use std::borrow::Cow;
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
/// exact. A Markdown file without any Mermaid marker ([`markdown::may_hold_marker`])
/// is only checked for UTF-8, never scanned.
///
/// The report keeps the file's text only when it has diagnostics to show
/// (`source` is empty otherwise), so a run holds the text of the files in
/// flight and of those with findings, not of the whole tree.
pub fn check_bytes(path: &str, bytes: &[u8], standalone: bool, settings: &Settings) -> FileReport {
    let mut report = FileReport {
        path: path.to_string(),
        source: Arc::from(""),
        diagrams: 0,
        diagnostics: Vec::new(),
        read_error: None,
        note: None,
    };
    if let Some(at) = memchr::memchr(0, &bytes[..bytes.len().min(BINARY_SNIFF)]) {
        report.note = Some(format!(
            "{}looks binary (NUL byte at offset {at})",
            crate::diagnostic::SKIPPED
        ));
        return report;
    }
    if !standalone {
        if let markdown::Prefiltered::NoMarker { ascii } =
            markdown::prefilter(bytes, &settings.blocks)
        {
            // ASCII is UTF-8: only other bytes need the check.
            if !ascii {
                if let Err(e) = std::str::from_utf8(bytes) {
                    report.note = Some(utf8_note(e.valid_up_to()));
                }
            }
            return report;
        }
    }
    // Valid UTF-8 (nearly every file) is borrowed, not copied.
    let text: Cow<'_, str> = match std::str::from_utf8(bytes) {
        Ok(t) => Cow::Borrowed(t),
        Err(_) => {
            let (text, bad) = decode_in_place(bytes);
            report.note = bad.map(utf8_note);
            Cow::Owned(text)
        }
    };
    for block in markdown::find_blocks(&text, standalone, &settings.blocks) {
        let parsed = flowchart::parse_with(&block.text, &settings.parse);
        if parsed.kind != DiagramKind::Flowchart {
            continue;
        }
        report.diagrams += 1;
        let first_of_block = report.diagnostics.len();
        for err in &parsed.errors {
            let mut err = err.clone();
            err.span = block.map.span(err.span);
            report
                .diagnostics
                .push(rules::parse_error::diagnostic(&err));
        }
        if let Some(mut diagram) = parsed.diagram {
            match block.map.shift() {
                Some(0) => {}
                Some(k) => diagram.map_spans(|s| Span::new(s.start + k, s.end + k)),
                None => diagram.map_spans(|s| block.map.span(s)),
            }
            let found = rules::check_block(&diagram, settings, &block.leading_comments);
            // The first block's list is taken as it is: a big diagram's
            // findings are not copied into fresh memory.
            if report.diagnostics.is_empty() {
                report.diagnostics = found;
            } else {
                report.diagnostics.extend(found);
            }
        }
        // Hashed only when the block has something to say (most have not).
        if report.diagnostics.len() > first_of_block {
            let hash = crate::baseline::diagram_hash(&block.text);
            for d in &mut report.diagnostics[first_of_block..] {
                d.diagram_hash = hash;
            }
        }
    }
    crate::suppress::apply_path_ignores(&mut report.diagnostics, path, &settings.per_path_ignores);
    crate::diagnostic::sort_by_position(&mut report.diagnostics);
    if !report.diagnostics.is_empty() {
        report.source = Arc::from(&*text);
    }
    report
}

/// The note for a file whose first invalid UTF-8 byte is at offset `at`
/// (shared by the check and `dump`, which decode the same way).
pub fn utf8_note(at: usize) -> String {
    format!(
        "not valid UTF-8 (first invalid byte at offset {at}); invalid bytes were read as U+001A"
    )
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
        let bytes = b"caf\xe9\n```mermaid\nflowchart LR\nA-->\n```\n";
        let r = check_bytes("x.md", bytes, false, &Settings::default());
        assert!(r.note.as_deref().unwrap().contains("offset 3"));
        assert_eq!(r.diagrams, 1);
        assert_eq!(r.diagnostics.len(), 1);
        assert_eq!(r.source.len(), bytes.len());
    }

    #[test]
    fn source_is_kept_only_for_files_with_diagnostics() {
        let clean = b"```mermaid\nflowchart LR\nA-->B\n```\n";
        let r = check_bytes("x.md", clean, false, &Settings::default());
        assert_eq!((r.diagrams, r.diagnostics.len()), (1, 0));
        assert!(r.source.is_empty());
    }

    #[test]
    fn configured_info_string_without_the_word_mermaid_is_still_found() {
        let mut settings = Settings::default();
        settings.blocks.info_strings = vec!["mmd".into()];
        let r = check_bytes(
            "x.md",
            b"```mmd\nflowchart LR\nA-->\n```\n",
            false,
            &settings,
        );
        assert_eq!(r.diagrams, 1);
        assert_eq!(r.diagnostics.len(), 1);
    }

    #[test]
    fn standalone_files_skip_the_prefilter() {
        let r = check_bytes("x.mmd", b"flowchart LR\nA-->\n", true, &Settings::default());
        assert_eq!(r.diagrams, 1);
        assert_eq!(r.diagnostics.len(), 1);
    }
}
