//! Parses the text of one Mermaid block into a [`Diagram`], as Mermaid's own
//! flowchart parser would, or into the syntax errors Mermaid would raise.
//! Owns Mermaid's preprocessing, lexing and grammar; spans it returns are byte
//! offsets into the block text it was given (the caller rebases them).

mod builder;
mod lexer;
mod parser;
mod preprocess;
mod shapes;
mod unicode;
mod yaml;

use crate::model::Diagram;
use crate::span::Span;
use serde::Serialize;

pub use shapes_api::is_valid_shape_name;

/// Public access to the `@{ shape: }` name list.
mod shapes_api {
    /// Whether Mermaid 12.3.0 accepts `name` in `@{ shape: name }`.
    pub fn is_valid_shape_name(name: &str) -> bool {
        super::shapes::is_valid_shape(name)
    }
}

/// What kind of Mermaid diagram a block holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DiagramKind {
    /// `flowchart`, `graph`, `flowchart-elk` or `swimlane-beta`.
    Flowchart,
    /// Another Mermaid diagram type (`sequenceDiagram`, ...), by its keyword.
    Other(String),
    /// No diagram type Mermaid knows.
    Unknown,
}

/// A syntax error, where Mermaid would fail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SyntaxError {
    /// Where: the first offending token, in block coordinates.
    pub span: Span,
    /// What was expected, phrased for a user (`expected a node id after "-->"`).
    pub message: String,
}

/// The result of parsing one block.
#[derive(Clone, Debug)]
pub struct Parsed {
    /// The diagram type.
    pub kind: DiagramKind,
    /// The diagram, when it is a flowchart Mermaid accepts.
    pub diagram: Option<Diagram>,
    /// Syntax errors (empty when Mermaid accepts the block). The first is the
    /// one Mermaid reports.
    pub errors: Vec<SyntaxError>,
}

/// Keywords of Mermaid's other diagram types (checked as prefixes, longest
/// first where one is a prefix of another).
const OTHER_DIAGRAMS: &[&str] = &[
    "sequenceDiagram",
    "classDiagram-v2",
    "classDiagram",
    "stateDiagram-v2",
    "stateDiagram",
    "erDiagram",
    "gantt",
    "pie",
    "journey",
    "gitGraph",
    "requirementDiagram",
    "mindmap",
    "timeline",
    "quadrantChart",
    "sankey-beta",
    "sankey",
    "xychart-beta",
    "xychart",
    "block-beta",
    "block",
    "packet-beta",
    "packet",
    "architecture-beta",
    "architecture",
    "C4Context",
    "C4Container",
    "C4Component",
    "C4Dynamic",
    "C4Deployment",
    "info",
    "zenuml",
    "kanban",
    "radar-beta",
    "treemap-beta",
    "treemap",
    "agentflow-beta",
];

/// Which diagram the cleaned text starts with. Like Mermaid's detector, a
/// leading `---` block is skipped even when it was not front matter.
fn detect(text: &str) -> DiagramKind {
    if let Some(rest) = text.strip_prefix("---") {
        if let Some(k) = rest.find("\n---") {
            let after = &rest[k + 4..];
            let after = after.split_once('\n').map_or("", |x| x.1);
            return detect(after.trim_start());
        }
    }
    if text.starts_with("graph") || text.starts_with("flowchart") {
        return DiagramKind::Flowchart;
    }
    if let Some(rest) = text.strip_prefix("swimlane-beta") {
        if !rest
            .bytes()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
        {
            return DiagramKind::Flowchart;
        }
    }
    for k in OTHER_DIAGRAMS {
        if text.starts_with(k) {
            return DiagramKind::Other((*k).to_string());
        }
    }
    DiagramKind::Unknown
}

/// Where an "unexpected end" error goes: just after the last character, or,
/// when Mermaid had read `breaks` line breaks after it, at the start of the
/// line it then reports.
fn end_position(text: &str, after: usize, breaks: usize) -> usize {
    let mut pos = after.min(text.len());
    let b = text.as_bytes();
    for _ in 0..breaks {
        let mut i = pos;
        while i < b.len() && b[i] != b'\n' && b[i] != b'\r' {
            i += 1;
        }
        if i >= b.len() {
            return text.len();
        }
        pos = if b[i] == b'\r' && b.get(i + 1) == Some(&b'\n') {
            i + 2
        } else {
            i + 1
        };
    }
    pos
}

/// How [`parse_with`] parses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseOptions {
    /// The most edges a diagram may have: Mermaid's `maxEdges`, 500, which a
    /// diagram cannot change. Benchmarks lift it to parse diagrams of 100,000
    /// nodes.
    pub max_edges: usize,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            max_edges: builder::MAX_EDGES,
        }
    }
}

/// Parse the text of one Mermaid block.
pub fn parse(text: &str) -> Parsed {
    parse_with(text, &ParseOptions::default())
}

/// Parse the text of one Mermaid block with `opts`.
pub fn parse_with(text: &str, opts: &ParseOptions) -> Parsed {
    let mut parsed = parse_block(text, opts);
    // One place keeps every error span on character boundaries: an error
    // one byte wide at a two-byte NBSP split the character.
    for e in &mut parsed.errors {
        e.span = on_char_boundaries(text, e.span);
    }
    parsed
}

/// `span` widened to the characters of `text` it touches.
fn on_char_boundaries(text: &str, span: Span) -> Span {
    let mut start = span.start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = span.end.clamp(start, text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    Span::new(start, end)
}

fn parse_block(text: &str, opts: &ParseOptions) -> Parsed {
    let pre = preprocess::preprocess(text);
    let cleaned = &pre.text;
    if let Some((span, message)) = pre.error {
        return Parsed {
            kind: detect(cleaned.text.trim_start()),
            diagram: None,
            errors: vec![SyntaxError { span, message }],
        };
    }
    let kind = detect(&cleaned.text);
    if kind != DiagramKind::Flowchart {
        let errors = if kind == DiagramKind::Unknown {
            let first = cleaned.text.find(|c: char| !c.is_whitespace()).unwrap_or(0);
            let end = cleaned.text[first..]
                .find(char::is_whitespace)
                .map(|e| first + e)
                .unwrap_or(cleaned.text.len());
            vec![SyntaxError {
                span: cleaned.span(first, end),
                message: "no Mermaid diagram type found; a flowchart starts with \"flowchart\" or \"graph\"".into(),
            }]
        } else {
            Vec::new()
        };
        return Parsed {
            kind,
            diagram: None,
            errors,
        };
    }
    let p =
        parser::Parser::new(&cleaned.text, cleaned, pre.inherit_dir).with_max_edges(opts.max_edges);
    let (diagram, fail, _, _) = p.parse();
    match (diagram, fail) {
        (Some(mut d), None) => {
            d.title = pre.title;
            d.comments = pre.comments;
            Parsed {
                kind,
                diagram: Some(d),
                errors: Vec::new(),
            }
        }
        (_, fail) => {
            let errors = fail
                .map(|f| SyntaxError {
                    span: match f.end_after {
                        Some((after, broke)) => Span::at(end_position(text, after, broke)),
                        None => cleaned.span(f.start, f.end),
                    },
                    message: f.message,
                })
                .into_iter()
                .collect();
            Parsed {
                kind,
                diagram: None,
                errors,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // `flowchart \u{a0}-2-> B`: the error was bytes 10..11, inside the
    // two-byte NBSP (found by the flowchart_parse fuzz target).
    #[test]
    fn an_error_at_a_wide_space_covers_the_whole_character() {
        let text = "flowchart \u{a0}-2-> B";
        let errors = parse(text).errors;
        assert_eq!(errors.len(), 1);
        assert_eq!((errors[0].span.start, errors[0].span.end), (10, 12));
        assert_eq!(on_char_boundaries("aé", Span::new(2, 2)), Span::new(1, 3));
        assert_eq!(on_char_boundaries("é", Span::new(0, 9)), Span::new(0, 2));
    }

    #[test]
    fn diagram_kinds() {
        assert_eq!(parse("graph TD\nA").kind, DiagramKind::Flowchart);
        assert_eq!(parse("flowchart-elk LR\nA").kind, DiagramKind::Flowchart);
        assert_eq!(parse("swimlane-beta LR\nA").kind, DiagramKind::Flowchart);
        assert_eq!(
            parse("sequenceDiagram\nA->>B: hi").kind,
            DiagramKind::Other("sequenceDiagram".into())
        );
        let p = parse("Flowchart LR\nA");
        assert_eq!(p.kind, DiagramKind::Unknown);
        assert!(p.diagram.is_none());
    }

    #[test]
    fn comments_title_and_spans_are_in_block_coordinates() {
        let text = "---\ntitle: Shop\n---\n\u{feff}flowchart LR\r\n  %% spoflint-disable x\r\n  A --> B\r\n";
        let p = parse(text);
        let d = p.diagram.expect("parses");
        assert_eq!(d.title.as_deref(), Some("Shop"));
        assert_eq!(d.comments.len(), 1);
        assert_eq!(d.comments[0].text, "spoflint-disable x");
        let c = d.comments[0].span;
        assert_eq!(&text[c.start..c.end], "%% spoflint-disable x");
        let a = d.mentions[0].span;
        assert_eq!(&text[a.start..a.end], "A");
        let h = d.header_span;
        assert_eq!(&text[h.start..h.end], "flowchart");
        assert_eq!(
            &text[d.edges[0].span.start..d.edges[0].span.end].trim(),
            &"-->"
        );
    }

    #[test]
    fn edge_and_subgraph_spans_cover_their_text() {
        let text =
            "flowchart LR\n  subgraph s1 [Title]\n    A -- calls --> B\n    B -->|x| C\n  end\n";
        let d = parse(text).diagram.expect("parses");
        let e = d.edges[0].span;
        assert_eq!(&text[e.start..e.end], "-- calls -->");
        let e = d.edges[1].span;
        assert_eq!(&text[e.start..e.end], "-->|x|");
        let s = d.subgraphs[0].span;
        assert_eq!(&text[s.start..s.end], "subgraph s1 [Title]");
    }

    #[test]
    fn quoted_front_matter_title_may_span_lines() {
        let text =
            "---\ntitle: \"Order flow: checkout and\n  payment\"\n---\nflowchart LR\n  A --> B\n";
        let d = parse(text).diagram.expect("parses");
        assert_eq!(d.title.as_deref(), Some("Order flow: checkout and payment"));
    }

    #[test]
    fn vertex_named_like_an_automatic_edge_id_is_ignored() {
        // Mermaid's addVertex skips ids of existing edges; automatic ids are
        // only indexed once such an id turns up, so this pins that path.
        let d = parse("flowchart LR\n  A --> B\n  L_A_B_0[Edge]\n  C\n")
            .diagram
            .expect("parses");
        let ids: Vec<&str> = d.nodes.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, ["A", "B", "C"]);
        assert_eq!(d.edge_id(&d.edges[0]), "L_A_B_0");
    }

    #[test]
    fn user_edge_id_taken_by_an_automatic_one_falls_back() {
        let d = parse("flowchart LR\n  A --> B\n  A L_A_B_0@--> B\n  A e1@--> C\n  e1\n")
            .diagram
            .expect("parses");
        let ids: Vec<(String, bool)> = d
            .edges
            .iter()
            .map(|e| (d.edge_id(e).into_owned(), e.has_user_id()))
            .collect();
        let ids: Vec<(&str, bool)> = ids.iter().map(|(id, u)| (id.as_str(), *u)).collect();
        assert_eq!(ids, [("L_A_B_0", false), ("L_A_B_2", false), ("e1", true)]);
        // `e1` names an edge, so it is no vertex.
        assert!(d.nodes.iter().all(|n| n.id != "e1"));
    }

    #[test]
    fn error_points_at_the_offending_token() {
        let text = "flowchart LR\n  A --> B\n  end --> C\n";
        let p = parse(text);
        let e = &p.errors[0];
        assert_eq!(&text[e.span.start..e.span.end].trim(), &"end");
    }
}
