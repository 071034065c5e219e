//! The parsed flowchart as Mermaid's database would hold it: vertices,
//! edges and subgraphs in Mermaid's order, with the spans of every vertex
//! mention. Owns the data model and its petgraph view; parses nothing and
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
    /// Every mention of a vertex in the source, in the order the parser met
    /// them; [`Diagram::occurrences`] gives one vertex's. One list for the
    /// diagram, not one per vertex: that was an allocation per vertex (and
    /// a reallocation for the busy ones) that no rule reads.
    pub mentions: Vec<Mention>,
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
    /// Mermaid's `labelType`.
    pub label_type: LabelType,
    /// Mermaid's shape name: `None` for a bare id; the internal bracket name
    /// (`square`, `round`, `cylinder`, ...) for bracket forms; the `@{ shape }`
    /// name as written for node data. The parser only stores names from
    /// its fixed lists (borrowed, so no allocation per node); owned names
    /// are for diagrams built by hand.
    pub shape: Option<Cow<'static, str>>,
    /// Classes from `:::`, `class` and `clickable` from `click`, in order
    /// ([`Node::add_class`] appends one). A boxed slice, not a `Vec`: most
    /// nodes have none, and the analysis reads every node of a big diagram.
    pub classes: Box<[String]>,
    /// The mention that gave the node its final label or shape (the last
    /// bracketed or `@{}` mention), else the first mention. Findings point here.
    pub defined_at: Span,
}

/// Mermaid's `labelType` of a vertex: one byte, not the word, since a big
/// diagram's analysis reads every node. Serialises as the word.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LabelType {
    /// `text`: a bare id or unquoted label.
    #[default]
    Text,
    /// `string`: a quoted label.
    String,
    /// `markdown`: a backquoted markdown string.
    Markdown,
}

impl LabelType {
    /// The word Mermaid prints.
    pub fn as_str(self) -> &'static str {
        match self {
            LabelType::Text => "text",
            LabelType::String => "string",
            LabelType::Markdown => "markdown",
        }
    }
}

impl Node {
    /// Append a class (rare: the list is rebuilt).
    pub fn add_class(&mut self, class: impl Into<String>) {
        let mut classes = std::mem::take(&mut self.classes).into_vec();
        classes.push(class.into());
        self.classes = classes.into_boxed_slice();
    }
}

/// One mention of a vertex in the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Mention {
    /// Index into [`Diagram::nodes`].
    pub node: usize,
    /// Where the vertex is named.
    pub span: Span,
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
///
/// Kept to one cache line (64 bytes: `u32` ends, boxed texts): the
/// analysis of a big diagram reads every edge over several passes, and at
/// 88 bytes each one took two lines.
#[derive(Clone, Debug, Serialize)]
pub struct Edge {
    /// Index into [`Diagram::nodes`] of the start ([`Edge::from`] as a `usize`).
    pub from: u32,
    /// Index into [`Diagram::nodes`] of the end ([`Edge::to`] as a `usize`).
    pub to: u32,
    /// Link type.
    pub kind: EdgeType,
    /// Stroke.
    pub stroke: Stroke,
    /// Extra rank length 1–10; `None` for [`EdgeType::Invalid`].
    pub length: Option<u8>,
    /// Label text (`""` when none), as Mermaid stores it.
    pub label: Box<str>,
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
    User(Box<str>),
    /// Mermaid's automatic `L_{from}_{to}_{n}`. Only `n` is kept: the rest
    /// is the end vertices' ids, so a stored text was one allocation per
    /// edge that little ever reads ([`Diagram::edge_id`] spells it out).
    Auto(u32),
}

impl Edge {
    /// Index into [`Diagram::nodes`] of the start.
    pub fn from(&self) -> usize {
        self.from as usize
    }

    /// Index into [`Diagram::nodes`] of the end.
    pub fn to(&self) -> usize {
        self.to as usize
    }

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
    pub members: Members,
    /// Index into [`Diagram::subgraphs`] of the enclosing subgraph.
    pub parent: Option<usize>,
    /// `direction` inside it, if any.
    pub dir: Option<String>,
    /// Classes from `class`.
    pub classes: Vec<String>,
    /// Span of the `subgraph ...` header line (keyword to end of title).
    pub span: Span,
}

/// The member ids of a subgraph, in order: their texts one after the other
/// in one buffer, with the end of each. Not a `String` per member: a big
/// diagram's subgraphs list every vertex, and those were one allocation
/// each. Reads as a list of `&str` (iteration, `get`, comparison with a
/// list, serialisation as a JSON array).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Members {
    text: String,
    ends: Vec<usize>,
}

impl Members {
    /// Room for `ids` members of `bytes` bytes in all.
    pub fn with_capacity(ids: usize, bytes: usize) -> Self {
        Members {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(ids),
        }
    }

    /// Append a member.
    pub fn push(&mut self, id: &str) {
        self.text.push_str(id);
        self.ends.push(self.text.len());
    }

    /// Number of members.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The `i`-th member.
    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.text.get(start..end)
    }

    /// The members in order.
    pub fn iter(&self) -> MembersIter<'_> {
        MembersIter {
            members: self,
            front: 0,
            back: self.len(),
        }
    }

    /// Whether `id` is a member.
    pub fn contains(&self, id: &str) -> bool {
        self.iter().any(|m| m == id)
    }
}

/// The iterator of [`Members::iter`].
#[derive(Clone, Debug)]
pub struct MembersIter<'a> {
    members: &'a Members,
    front: usize,
    back: usize,
}

impl<'a> Iterator for MembersIter<'a> {
    type Item = &'a str;
    fn next(&mut self) -> Option<&'a str> {
        if self.front >= self.back {
            return None;
        }
        self.front += 1;
        self.members.get(self.front - 1)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.back.saturating_sub(self.front);
        (n, Some(n))
    }
}

impl DoubleEndedIterator for MembersIter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.front >= self.back {
            return None;
        }
        self.back -= 1;
        self.members.get(self.back)
    }
}

impl ExactSizeIterator for MembersIter<'_> {}

impl<'a> IntoIterator for &'a Members {
    type Item = &'a str;
    type IntoIter = MembersIter<'a>;
    fn into_iter(self) -> MembersIter<'a> {
        self.iter()
    }
}

impl<S: AsRef<str>> FromIterator<S> for Members {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Self {
        let mut m = Members::default();
        for id in iter {
            m.push(id.as_ref());
        }
        m
    }
}

impl std::fmt::Debug for Members {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for Members {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<S: AsRef<str>> PartialEq<[S]> for Members {
    fn eq(&self, other: &[S]) -> bool {
        self.len() == other.len() && self.iter().zip(other).all(|(a, b)| a == b.as_ref())
    }
}

impl<S: AsRef<str>, const N: usize> PartialEq<[S; N]> for Members {
    fn eq(&self, other: &[S; N]) -> bool {
        *self == other[..]
    }
}

impl<S: AsRef<str>> PartialEq<Vec<S>> for Members {
    fn eq(&self, other: &Vec<S>) -> bool {
        *self == other[..]
    }
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

    /// Every mention of the vertex `node` in the source, in order. Reads
    /// the whole of [`Diagram::mentions`]: for checks and tools, not for a
    /// loop over the vertices of a big diagram.
    pub fn occurrences(&self, node: usize) -> impl Iterator<Item = Span> + '_ {
        self.mentions
            .iter()
            .filter(move |m| m.node == node)
            .map(|m| m.span)
    }

    /// The text of `edge`'s id: the user's, or Mermaid's automatic one.
    pub fn edge_id<'d>(&'d self, edge: &'d Edge) -> Cow<'d, str> {
        match &edge.id {
            EdgeId::User(id) => Cow::Borrowed(id),
            &EdgeId::Auto(n) => {
                let id = |v: usize| self.nodes.get(v).map_or("", |node| node.id.as_str());
                Cow::Owned(auto_edge_id(id(edge.from()), id(edge.to()), n))
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
            n.defined_at = f(n.defined_at);
        }
        for m in &mut self.mentions {
            m.span = f(m.span);
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
            g.add_edge(idx[e.from()], idx[e.to()], i);
        }
        g
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_read_as_a_list_of_ids() {
        let m: Members = ["a", "", "sub1"].into_iter().collect();
        assert_eq!(m.len(), 3);
        assert_eq!(m.get(1), Some(""));
        assert_eq!(m.get(3), None);
        assert_eq!(m.iter().rev().collect::<Vec<_>>(), ["sub1", "", "a"]);
        assert!(m.contains("sub1") && !m.contains("sub"));
        assert_eq!(m, ["a", "", "sub1"]);
        assert_eq!(m, vec!["a".to_string(), String::new(), "sub1".to_string()]);
        assert_ne!(m, ["a", "sub1"]);
        assert_eq!(format!("{m:?}"), r#"["a", "", "sub1"]"#);
        assert_eq!(
            serde_json::to_string(&m).ok().as_deref(),
            Some(r#"["a","","sub1"]"#)
        );
        assert!(Members::default().is_empty());
    }

    #[test]
    fn a_vertex_occurrences_are_its_mentions_in_order() {
        let text = "flowchart LR\nA --> B\nB --> A[Alpha]\n";
        let d = crate::flowchart::parse(text).diagram.expect("parses");
        let at = |v: usize| -> Vec<(usize, &str)> {
            d.occurrences(v)
                .map(|s| (s.start, &text[s.start..s.end]))
                .collect()
        };
        assert_eq!(at(0), [(13, "A"), (27, "A")]);
        assert_eq!(at(1), [(19, "B"), (21, "B")]);
        assert_eq!(d.mentions.len(), 4);
        assert_eq!(d.occurrences(2).count(), 0);
    }

    #[test]
    fn automatic_edge_ids_spell_out_both_ends_and_the_number() {
        let mut d = Diagram::default();
        for id in ["A", "B"] {
            d.nodes.push(Node {
                id: id.into(),
                ..Node::default()
            });
        }
        let edge = |id| Edge {
            from: 0,
            to: 1,
            kind: EdgeType::ArrowPoint,
            stroke: Stroke::Normal,
            length: Some(1),
            label: Box::default(),
            id,
            span: Span::default(),
        };
        assert_eq!(d.edge_id(&edge(EdgeId::Auto(12))), "L_A_B_12");
        let user = edge(EdgeId::User("e1".into()));
        assert_eq!(d.edge_id(&user), "e1");
        assert!(user.has_user_id() && !edge(EdgeId::Auto(0)).has_user_id());
    }

    #[test]
    fn label_types_serialise_as_mermaid_words() {
        for t in [LabelType::Text, LabelType::String, LabelType::Markdown] {
            let json = serde_json::to_string(&t).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", t.as_str()));
        }
        let mut n = Node::default();
        n.add_class("a");
        n.add_class(String::from("b"));
        assert_eq!(&*n.classes, ["a", "b"]);
    }

    #[test]
    fn an_edge_fits_one_cache_line() {
        assert!(std::mem::size_of::<Edge>() <= 64);
    }
}
