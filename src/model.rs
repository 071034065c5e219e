//! The parsed flowchart as Mermaid's database would hold it: vertices,
//! edges and subgraphs in Mermaid's order, each with the spans of its
//! occurrences. Owns the data model and its petgraph view; parses nothing and
//! judges nothing.

use crate::span::Span;
use petgraph::graph::{DiGraph, NodeIndex};
use serde::Serialize;
use std::borrow::Cow;

/// One parsed flowchart.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Diagram {
    /// The header keyword: `flowchart`, `graph`, `flowchart-elk` or `swimlane-beta`.
    pub header: String,
    /// Direction as Mermaid reports it: `TB` (also for `TD`, `v` and none), `BT`, `LR`, `RL`, `BR`.
    pub direction: String,
    /// `title:` from the block's front matter, if any.
    pub title: Option<String>,
    /// Vertices in order of first mention (Mermaid's order).
    pub nodes: Vec<Node>,
    /// Edges in creation order (the `linkStyle` index order).
    pub edges: Vec<Edge>,
    /// Subgraphs in closing order (inner before outer), as Mermaid lists them.
    pub subgraphs: Vec<Subgraph>,
    /// Whole-line `%%` comments (not directives), with their text after `%%`
    /// trimmed; suppressions and opt-in/opt-out markers live here.
    pub comments: Vec<Comment>,
    /// Span of the header keyword.
    pub header_span: Span,
}

/// A vertex.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Node {
    /// The id as written.
    pub id: String,
    /// The label Mermaid shows: the id when never labelled, else the last
    /// label given, trimmed, one pair of outer quotes removed, entity codes as
    /// written, HTML kept as written (not sanitised).
    pub label: String,
    /// `text`, `string` or `markdown`, as Mermaid's `labelType` (one of
    /// three words: no allocation per node).
    pub label_type: &'static str,
    /// Mermaid's shape name: `None` for a bare id; the internal bracket name
    /// (`square`, `round`, `cylinder`, ...) for bracket forms; the `@{ shape }`
    /// name as written for node data. The parser only stores names from
    /// its fixed lists (borrowed, so no allocation per node); owned names
    /// are for diagrams built by hand.
    pub shape: Option<Cow<'static, str>>,
    /// Classes from `:::`, `class` and `clickable` from `click`, in order.
    pub classes: Vec<String>,
    /// Every mention of the node in the source, in order.
    pub occurrences: Vec<Span>,
    /// The mention that gave the node its final label or shape (the last
    /// bracketed or `@{}` mention), else the first mention. Findings point here.
    pub defined_at: Span,
}

/// Mermaid's edge `type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeType {
    /// `-->`
    ArrowPoint,
    /// `---`
    ArrowOpen,
    /// `--o`
    ArrowCircle,
    /// `--x`
    ArrowCross,
    /// `<-->`
    DoubleArrowPoint,
    /// `o--o`
    DoubleArrowCircle,
    /// `x--x`
    DoubleArrowCross,
    /// Mismatched start marker with an inline label (`x-- t -->`); Mermaid
    /// accepts it and stores `INVALID`.
    #[serde(rename = "INVALID")]
    Invalid,
}

impl EdgeType {
    /// The name the oracle prints.
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeType::ArrowPoint => "arrow_point",
            EdgeType::ArrowOpen => "arrow_open",
            EdgeType::ArrowCircle => "arrow_circle",
            EdgeType::ArrowCross => "arrow_cross",
            EdgeType::DoubleArrowPoint => "double_arrow_point",
            EdgeType::DoubleArrowCircle => "double_arrow_circle",
            EdgeType::DoubleArrowCross => "double_arrow_cross",
            EdgeType::Invalid => "INVALID",
        }
    }

    /// Whether the link has heads at both ends.
    pub fn is_double(self) -> bool {
        matches!(
            self,
            EdgeType::DoubleArrowPoint | EdgeType::DoubleArrowCircle | EdgeType::DoubleArrowCross
        )
    }
}

/// Mermaid's edge `stroke`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stroke {
    /// `--`
    Normal,
    /// `==`
    Thick,
    /// `-.`
    Dotted,
    /// `~~~`
    Invisible,
    /// With [`EdgeType::Invalid`].
    #[serde(rename = "INVALID")]
    Invalid,
}

impl Stroke {
    /// The name the oracle prints.
    pub fn as_str(self) -> &'static str {
        match self {
            Stroke::Normal => "normal",
            Stroke::Thick => "thick",
            Stroke::Dotted => "dotted",
            Stroke::Invisible => "invisible",
            Stroke::Invalid => "INVALID",
        }
    }
}

/// An edge between two vertices (either end may be a subgraph id).
#[derive(Clone, Debug, Serialize)]
pub struct Edge {
    /// Index into [`Diagram::nodes`] of the start.
    pub from: usize,
    /// Index into [`Diagram::nodes`] of the end.
    pub to: usize,
    /// Link type.
    pub kind: EdgeType,
    /// Stroke.
    pub stroke: Stroke,
    /// Extra rank length 1–10; `None` for [`EdgeType::Invalid`].
    pub length: Option<u8>,
    /// Label text (`""` when none), as Mermaid stores it.
    pub label: String,
    /// The user's edge id (`e1@-->`) or Mermaid's automatic `L_a_b_n`;
    /// [`Diagram::edge_id`] gives its text.
    pub id: EdgeId,
    /// Span of the arrow token (with its label, if inline or piped).
    pub span: Span,
}

/// An edge's id as Mermaid sets it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum EdgeId {
    /// Written by the user (`e1@-->`).
    User(String),
    /// Mermaid's automatic `L_{from}_{to}_{n}`. Only `n` is kept: the rest
    /// is the end vertices' ids, so a stored text was one allocation per
    /// edge that little ever reads ([`Diagram::edge_id`] spells it out).
    Auto(u32),
}

impl Edge {
    /// Whether the user wrote the edge's id.
    pub fn has_user_id(&self) -> bool {
        matches!(self.id, EdgeId::User(_))
    }
}

/// Mermaid's automatic edge id `L_{from}_{to}_{n}`.
pub fn auto_edge_id(from: &str, to: &str, n: u32) -> String {
    use std::fmt::Write as _;
    let mut id = String::with_capacity(from.len() + to.len() + 6);
    id.push_str("L_");
    id.push_str(from);
    id.push('_');
    id.push_str(to);
    id.push('_');
    let _ = write!(id, "{n}");
    id
}

/// A subgraph.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Subgraph {
    /// The id (given, or `subGraphN`).
    pub id: String,
    /// The title.
    pub title: String,
    /// Member ids (vertices and inner subgraph ids), in Mermaid's order.
    pub members: Vec<String>,
    /// Index into [`Diagram::subgraphs`] of the enclosing subgraph.
    pub parent: Option<usize>,
    /// `direction` inside it, if any.
    pub dir: Option<String>,
    /// Classes from `class`.
    pub classes: Vec<String>,
    /// Span of the `subgraph ...` header line (keyword to end of title).
    pub span: Span,
}

/// A whole-line `%%` comment inside the diagram.
#[derive(Clone, Debug, Serialize)]
pub struct Comment {
    /// Text after `%%`, trimmed.
    pub text: String,
    /// Span of the whole comment (from `%%` to the end of the line).
    pub span: Span,
}

impl Diagram {
    /// Index of the vertex with this id.
    pub fn node_index(&self, id: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.id == id)
    }

    /// The text of `edge`'s id: the user's, or Mermaid's automatic one.
    pub fn edge_id<'d>(&'d self, edge: &'d Edge) -> Cow<'d, str> {
        match &edge.id {
            EdgeId::User(id) => Cow::Borrowed(id),
            &EdgeId::Auto(n) => {
                let id = |v: usize| self.nodes.get(v).map_or("", |node| node.id.as_str());
                Cow::Owned(auto_edge_id(id(edge.from), id(edge.to), n))
            }
        }
    }

    /// Index of the subgraph with this id.
    pub fn subgraph_index(&self, id: &str) -> Option<usize> {
        self.subgraphs.iter().position(|s| s.id == id)
    }

    /// Apply `f` to every span in the diagram (used once, to move spans from
    /// block coordinates to file coordinates).
    pub fn map_spans(&mut self, mut f: impl FnMut(Span) -> Span) {
        self.header_span = f(self.header_span);
        for n in &mut self.nodes {
            for s in &mut n.occurrences {
                *s = f(*s);
            }
            n.defined_at = f(n.defined_at);
        }
        for e in &mut self.edges {
            e.span = f(e.span);
        }
        for s in &mut self.subgraphs {
            s.span = f(s.span);
        }
        for c in &mut self.comments {
            c.span = f(c.span);
        }
    }

    /// A petgraph view: one graph node per vertex (weight = index into
    /// `nodes`), one graph edge per edge (weight = index into `edges`).
    pub fn graph(&self) -> DiGraph<usize, usize> {
        let mut g = DiGraph::with_capacity(self.nodes.len(), self.edges.len());
        let idx: Vec<NodeIndex> = (0..self.nodes.len()).map(|i| g.add_node(i)).collect();
        for (i, e) in self.edges.iter().enumerate() {
            g.add_edge(idx[e.from], idx[e.to], i);
        }
        g
    }
}
