//! Builds the [`Diagram`] the way Mermaid's flow database does: vertex
//! creation and redefinition, edges with their automatic ids, `@{ }` node
//! data, classes, and subgraph membership by closing order. Owns those
//! semantics; parses no text (the grammar calls it).

use super::preprocess::{decode_entities, js_space, js_trim};
use super::shapes::is_valid_shape;
use super::yaml::{self, Value};
use crate::model::{Diagram, Edge, EdgeType, Node, Stroke, Subgraph};
use crate::span::Span;
use crate::vocab::{FnvMap, FnvSet};
use std::collections::HashSet;

/// Mermaid's hard edge limit (`maxEdges`, not settable from a diagram).
pub(crate) const MAX_EDGES: usize = 500;

/// A label as the grammar found it.
#[derive(Clone, Debug)]
pub(crate) struct TextObj {
    pub text: String,
    /// `text`, `string` or `markdown`.
    pub kind: &'static str,
}

/// A link as the grammar found it.
#[derive(Clone, Debug)]
pub(crate) struct LinkInfo {
    pub kind: EdgeType,
    pub stroke: Stroke,
    pub length: Option<u8>,
    pub text: Option<TextObj>,
    pub id: Option<String>,
}

/// One entry of a subgraph body, as Mermaid's `document` list holds it.
#[derive(Clone, Debug)]
pub(crate) enum Member {
    /// A node or subgraph id (or a phantom string).
    Id(String),
    /// A `direction` statement.
    Dir(String),
}

fn sanitize_label_type(t: Option<&str>) -> &'static str {
    match t {
        Some("text") => "text",
        Some("string") => "string",
        _ => "markdown",
    }
}

fn strip_quotes(s: &str) -> String {
    if s.len() >= 2 && s.starts_with('"') && s.ends_with('"') {
        s[1..s.len() - 1].to_string()
    } else {
        s.to_string()
    }
}

/// The flow database.
#[derive(Default)]
pub(crate) struct Builder {
    pub d: Diagram,
    // FNV, not SipHash: ids come from the user's own docs, and hashing
    // every mention with SipHash was the parser's largest single cost.
    node_index: FnvMap<String, usize>,
    edge_ids: FnvSet<String>,
    /// Edges so far between two vertices (by index), for automatic ids.
    pair_counts: FnvMap<(usize, usize), usize>,
    sub_lookup: FnvMap<String, usize>,
    in_subgraph: FnvSet<String>,
    sub_count: usize,
    /// Config `flowchart.inheritDir`.
    pub inherit_dir: bool,
    /// The edge limit when not Mermaid's [`MAX_EDGES`] (benchmarks lift it).
    pub max_edges: Option<usize>,
}

impl Builder {
    /// Set the diagram direction from the header token.
    pub fn set_direction(&mut self, dir: &str) {
        let d = js_trim(dir);
        let mut out = d.to_string();
        if d.contains('<') {
            out = "RL".into();
        }
        if d.contains('^') {
            out = "BT".into();
        }
        if d.contains('>') {
            out = "LR".into();
        }
        if d.contains('v') {
            out = "TB".into();
        }
        if out == "TD" {
            out = "TB".into();
        }
        self.d.direction = out;
    }

    fn get_or_create(&mut self, id: &str, span: Span) -> usize {
        if let Some(&i) = self.node_index.get(id) {
            self.d.nodes[i].occurrences.push(span);
            return i;
        }
        let i = self.d.nodes.len();
        self.d.nodes.push(Node {
            id: id.to_string(),
            label: id.to_string(),
            label_type: "text".into(),
            shape: None,
            classes: Vec::new(),
            occurrences: vec![span],
            defined_at: span,
        });
        self.node_index.insert(id.to_string(), i);
        i
    }

    /// `addVertex(id, text, type)`: a mention of a vertex (at `span`), with a
    /// bracket label and shape if it had one (defined at `def`).
    pub fn add_vertex(
        &mut self,
        id: &str,
        text: Option<TextObj>,
        shape: Option<&str>,
        span: Span,
        def: Span,
    ) {
        if js_trim(id).is_empty() || self.edge_ids.contains(id) {
            return;
        }
        let i = self.get_or_create(id, span);
        let span = def;
        let n = &mut self.d.nodes[i];
        if let Some(t) = text {
            n.label = strip_quotes(&decode_entities(js_trim(&t.text)));
            n.label_type = t.kind.to_string();
            n.defined_at = span;
        }
        if let Some(s) = shape {
            n.shape = Some(s.to_string());
            n.defined_at = span;
        }
    }

    /// `addVertex(id, ..., shapeData)`: `@{ ... }` on the last node.
    pub fn add_vertex_data(&mut self, id: &str, data: &str, span: Span) -> Result<(), String> {
        if js_trim(id).is_empty() {
            return Ok(());
        }
        let doc = yaml::parse_node_data(data)
            .map_err(|e| format!("invalid node data in @{{ … }}: {e}"))?;
        if self.sub_lookup.contains_key(id) {
            return Ok(());
        }
        if self.edge_ids.contains(id) {
            return Ok(());
        }
        let i = self.get_or_create(id, span);
        let get = |k: &str| doc.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
        let n = &mut self.d.nodes[i];
        if let Some(shape) = get("shape").filter(Value::truthy) {
            let Value::Str(s) = shape else {
                return Err("the shape in @{ shape: … } must be a name".into());
            };
            if s != s.to_lowercase() || s.contains('_') {
                return Err(format!(
                    "unknown shape \"{s}\" in @{{ shape: … }}; shape names are lowercase"
                ));
            }
            if !is_valid_shape(&s) {
                return Err(format!("unknown shape \"{s}\" in @{{ shape: … }}"));
            }
            n.shape = Some(s);
            n.defined_at = span;
        }
        let label = get("label");
        if let Some(l) = label.clone().filter(Value::truthy) {
            n.label = l.as_text().unwrap_or_default();
            let lt = get("labelType").and_then(|v| v.as_text());
            n.label_type = sanitize_label_type(lt.as_deref()).to_string();
            n.defined_at = span;
        }
        let has_asset =
            get("icon").is_some_and(|v| v.truthy()) || get("img").is_some_and(|v| v.truthy());
        if has_asset
            && matches!(
                label,
                Some(Value::Num(_) | Value::Bool(_) | Value::Nested(_))
            )
        {
            // Mermaid calls `label.trim()` here, which throws for non-strings.
            return Err("the label in @{ … } must be a string when icon or img is given".into());
        }
        let label_blank = label
            .and_then(|l| l.as_text())
            .map_or(true, |l| js_trim(&l).is_empty());
        for key in ["icon", "img"] {
            if get(key).is_some_and(|v| v.truthy()) && label_blank && n.label == n.id {
                n.label = String::new();
            }
        }
        Ok(())
    }

    /// `setClass(ids, class)`.
    pub fn set_class(&mut self, ids: &str, class: &str) {
        for id in ids.split(',') {
            if let Some(&i) = self.node_index.get(id) {
                self.d.nodes[i].classes.push(class.to_string());
            }
            if let Some(&s) = self.sub_lookup.get(id) {
                self.d.subgraphs[s].classes.push(class.to_string());
            }
        }
    }

    /// `addLink(starts, ends, link)`: every start to every end.
    pub fn add_link(
        &mut self,
        starts: &[(String, Span)],
        ends: &[(String, Span)],
        link: &LinkInfo,
        span: Span,
    ) -> Result<(), String> {
        let last_start = starts.last().map(|s| s.0.as_str());
        let first_end = ends.first().map(|s| s.0.as_str());
        for (s, ss) in starts {
            for (e, es) in ends {
                let id = if Some(s.as_str()) == last_start && Some(e.as_str()) == first_end {
                    link.id.as_deref()
                } else {
                    None
                };
                self.add_single_link(s, *ss, e, *es, link, id, span)?;
            }
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)] // mirrors Mermaid's addSingleLink plus spans
    fn add_single_link(
        &mut self,
        start: &str,
        start_span: Span,
        end: &str,
        end_span: Span,
        link: &LinkInfo,
        id: Option<&str>,
        span: Span,
    ) -> Result<(), String> {
        let label = link
            .text
            .as_ref()
            .map(|t| strip_quotes(&decode_entities(js_trim(&t.text))))
            .unwrap_or_default();
        let max_edges = self.max_edges.unwrap_or(MAX_EDGES);
        if self.d.edges.len() >= max_edges {
            return Err(format!(
                "edge limit exceeded: Mermaid allows at most {max_edges} edges per diagram"
            ));
        }
        let from = match self.node_index.get(start) {
            Some(&i) => i,
            None => self.get_or_create(start, start_span),
        };
        let to = match self.node_index.get(end) {
            Some(&i) => i,
            None => self.get_or_create(end, end_span),
        };
        let count = self.pair_counts.entry((from, to)).or_insert(0);
        let (id, user_id) = match id {
            Some(id) if !self.edge_ids.contains(id) => (id.to_string(), true),
            _ => {
                // Mermaid numbers automatic ids 0, 2, 3, ...: it skips 1.
                let n = if *count == 0 { 0 } else { *count + 1 };
                (format!("L_{start}_{end}_{n}"), false)
            }
        };
        *count += 1;
        self.edge_ids.insert(id.clone());
        self.d.edges.push(Edge {
            from,
            to,
            kind: link.kind,
            stroke: link.stroke,
            length: link.length,
            label,
            id,
            user_id,
            span,
        });
        Ok(())
    }

    /// `addSubGraph(id, list, title)` at the subgraph's `end`.
    pub fn add_subgraph(
        &mut self,
        id: &TextObj,
        title: &TextObj,
        same: bool,
        list: Vec<Member>,
        span: Span,
    ) -> String {
        let mut sid = Some(js_trim(&id.text).to_string());
        if same && title.text.contains(js_space) {
            sid = None;
        }
        let mut dir = None;
        let mut seen = HashSet::new();
        let mut nodes = Vec::new();
        for m in list {
            match m {
                Member::Dir(d) => dir = Some(d),
                Member::Id(s) => {
                    if js_trim(&s).is_empty() {
                        continue;
                    }
                    if seen.insert(s.clone()) {
                        nodes.push(s);
                    }
                }
            }
        }
        if dir.is_none() && self.inherit_dir {
            dir = Some(self.d.direction.clone());
        }
        let sid = sid.unwrap_or_else(|| format!("subGraph{}", self.sub_count));
        self.sub_count += 1;
        let nodes: Vec<String> = nodes
            .into_iter()
            .filter(|n| !self.in_subgraph.contains(n))
            .filter(|n| *n != sid)
            .collect();
        self.in_subgraph.extend(nodes.iter().cloned());
        match self.sub_lookup.get(&sid) {
            Some(&i) => self.d.subgraphs[i].members.extend(nodes),
            None => {
                self.sub_lookup.insert(sid.clone(), self.d.subgraphs.len());
                self.d.subgraphs.push(Subgraph {
                    id: sid.clone(),
                    title: decode_entities(js_trim(&title.text)),
                    members: nodes,
                    parent: None,
                    dir,
                    classes: Vec::new(),
                    span,
                });
            }
        }
        sid
    }

    /// Finish: parents of subgraphs.
    pub fn finish(mut self) -> Diagram {
        let mut parents = Vec::new();
        for (i, s) in self.d.subgraphs.iter().enumerate() {
            for m in &s.members {
                if let Some(&j) = self.sub_lookup.get(m) {
                    if j != i {
                        parents.push((j, i));
                    }
                }
            }
        }
        for (j, i) in parents {
            self.d.subgraphs[j].parent = Some(i);
        }
        self.d
    }

    /// Number of edges so far.
    pub fn edge_count(&self) -> usize {
        self.d.edges.len()
    }
}
