//! The flowchart parser: never panics, spans stay inside the text and on char
//! boundaries, and parsing is deterministic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use spoflint::flowchart::parse;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let a = parse(text);
    let ok = |s: spoflint::span::Span| {
        s.start <= s.end && s.end <= text.len() && text.is_char_boundary(s.start) && text.is_char_boundary(s.end)
    };
    for e in &a.errors {
        assert!(ok(e.span), "error span {:?} out of bounds", e.span);
    }
    if let Some(d) = &a.diagram {
        for n in &d.nodes {
            assert!(ok(n.defined_at));
            assert!(n.occurrences.iter().all(|s| ok(*s)));
        }
        assert!(d.edges.iter().all(|e| ok(e.span) && e.from < d.nodes.len() && e.to < d.nodes.len()));
        assert!(d.subgraphs.iter().all(|s| ok(s.span)));
    }
    let b = parse(text);
    assert_eq!(a.errors, b.errors);
    assert_eq!(a.diagram.is_some(), b.diagram.is_some());
});
