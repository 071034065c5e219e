//! The properties the fuzz targets hold the code to, shared with
//! `tests/fuzz_regressions.rs` (which replays the seed corpus and every
//! regression input through them on stable Rust, as an ordinary test).
//! Each function panics on a broken property; a panic is the finding.

use spoflint::check::check_bytes;
use spoflint::cli::Format;
use spoflint::config::Settings;
use spoflint::flowchart::parse;
use spoflint::markdown::{find_blocks, BlockOptions};
use spoflint::report;
use spoflint::span::Span;

fn in_bounds(text: &str, s: Span) -> bool {
    s.start <= s.end
        && s.end <= text.len()
        && text.is_char_boundary(s.start)
        && text.is_char_boundary(s.end)
}

/// Markdown block discovery: never panics; every block byte maps back to
/// the same byte of the file, on a char boundary.
pub fn markdown_blocks(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for standalone in [false, true] {
        for block in find_blocks(text, standalone, &BlockOptions::default()) {
            for (i, &byte) in block.text.as_bytes().iter().enumerate() {
                let f = block.map.to_file(i);
                assert_eq!(
                    text.as_bytes().get(f),
                    Some(&byte),
                    "block byte {i} maps to {f}"
                );
                if block.text.is_char_boundary(i) {
                    assert!(text.is_char_boundary(f));
                }
            }
            assert!(in_bounds(text, block.open), "open span {:?}", block.open);
            for (_, s) in &block.leading_comments {
                assert!(in_bounds(text, *s), "comment span {s:?}");
            }
        }
    }
}

/// The flowchart parser: never panics, spans stay inside the text and on
/// char boundaries, edges point at nodes, and parsing is deterministic.
pub fn flowchart_parse(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let a = parse(text);
    for e in &a.errors {
        assert!(
            in_bounds(text, e.span),
            "error span {:?} out of bounds",
            e.span
        );
    }
    if let Some(d) = &a.diagram {
        for n in &d.nodes {
            assert!(in_bounds(text, n.defined_at));
        }
        assert!(d.mentions.iter().all(|m| in_bounds(text, m.span)));
        for e in &d.edges {
            assert!(in_bounds(text, e.span), "edge span {:?}", e.span);
            assert!(e.from() < d.nodes.len() && e.to() < d.nodes.len());
        }
        assert!(d.subgraphs.iter().all(|s| in_bounds(text, s.span)));
    }
    let b = parse(text);
    assert_eq!(a.errors, b.errors);
    assert_eq!(a.diagram.is_some(), b.diagram.is_some());
}

const FORMATS: [Format; 7] = [
    Format::Full,
    Format::Concise,
    Format::Json,
    Format::JsonLines,
    Format::Sarif,
    Format::Github,
    Format::Gitlab,
];

/// Bytes to rendered report: never panics, every diagnostic lies inside
/// the file on char boundaries, the same input gives the same output, and
/// every output format renders it.
pub fn pipeline(data: &[u8]) {
    let settings = Settings::default();
    let a = check_bytes("fuzz.md", data, false, &settings);
    for d in &a.diagnostics {
        assert!(in_bounds(&a.source, d.span), "diagnostic span {:?}", d.span);
        for l in &d.labels {
            assert!(in_bounds(&a.source, l.span), "label span {:?}", l.span);
        }
    }
    let b = check_bytes("fuzz.md", data, false, &settings);
    assert_eq!(a.diagnostics, b.diagnostics);
    let mmd = check_bytes("fuzz.mmd", data, true, &settings);
    assert!(mmd
        .diagnostics
        .iter()
        .all(|d| in_bounds(&mmd.source, d.span)));
    let reports = [a, mmd];
    for format in FORMATS {
        let mut out = Vec::new();
        report::write(format, &reports, &report::Style::default(), &mut out)
            .expect("writing to a Vec cannot fail");
    }
}
