//! Builds the [`Diagram`] the way Mermaid's flow database does: vertex
//! creation and redefinition, edges with their automatic ids, `@{ }` node
//! data, classes, and subgraph membership by closing order. Owns those
//! semantics; parses no text (the grammar calls it).
//!
//! Every id the grammar meets (vertex, subgraph, member string) is interned
//! once into a [`Sym`], a `u32` index: after that one hash, vertex records,
//! subgraph membership and duplicate checks are plain vector lookups. Ids
//! borrow the cleaned text where they can, so most cost no allocation until
//! the [`Diagram`] itself needs a `String`.

use super::preprocess::{decode_entities, js_space, js_trim};
use super::shapes::shape_name;
use super::yaml::{self, Value};
use crate::model::{
    auto_edge_id, Diagram, Edge, EdgeId, EdgeType, LabelType, Members, Mention, Node, Stroke,
    Subgraph,
};
use crate::span::Span;
use crate::vocab::FnvSet;
use std::borrow::Cow;

/// Mermaid's hard edge limit (`maxEdges`, not settable from a diagram).
pub(crate) const MAX_EDGES: usize = 500;

/// An interned id: an index into the builder's symbol table.
pub(crate) type Sym = u32;

/// "None" in the `u32` index fields of [`SymInfo`].
const NONE: u32 = u32::MAX;

/// Most slots of the recent-symbol cache (a power of two). A diagram gets
/// fewer when it has fewer lines: filling 1,024 slots was 4,000
/// instructions, about 4 % of parsing a docs page's 20-line diagram.
const RECENT: usize = 1024;

/// A label as the grammar found it (borrowed from the cleaned text when it
/// was one run of it).
#[derive(Clone, Debug)]
pub(crate) struct TextObj<'a> {
    pub text: Cow<'a, str>,
    /// `text`, `string` or `markdown`.
    pub kind: LabelType,
}

/// A link as the grammar found it.
#[derive(Clone, Debug)]
pub(crate) struct LinkInfo<'a> {
    pub kind: EdgeType,
    pub stroke: Stroke,
    pub length: Option<u8>,
    pub text: Option<TextObj<'a>>,
    pub id: Option<String>,
}

/// One entry of a subgraph body, as Mermaid's `document` list holds it.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Member {
    /// A node or subgraph id (or a phantom string).
    Id(Sym),
    /// A `direction` statement.
    Dir(Direction),
}

/// The value of a `direction` statement in a subgraph. A byte, not a
/// `&'static str`, so that a [`Member`] is 8 bytes: a big diagram's
/// subgraphs list every mention of every vertex.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Direction {
    Tb,
    Bt,
    Rl,
    Lr,
    Td,
}

impl Direction {
    /// The name Mermaid stores.
    fn as_str(self) -> &'static str {
        match self {
            Direction::Tb => "TB",
            Direction::Bt => "BT",
            Direction::Rl => "RL",
            Direction::Lr => "LR",
            Direction::Td => "TD",
        }
    }
}

fn sanitize_label_type(t: Option<&str>) -> LabelType {
    match t {
        Some("text") => LabelType::Text,
        Some("string") => LabelType::String,
        _ => LabelType::Markdown,
    }
}

fn strip_quotes(s: &str) -> &str {
    if s.len() >= 2 && s.starts_with('"') && s.ends_with('"') {
        &s[1..s.len() - 1]
    } else {
        s
    }
}

/// A label as Mermaid stores it: trimmed, entity codes as written, one pair
/// of outer quotes removed. One allocation.
fn clean_label(s: &str) -> String {
    strip_quotes(&decode_entities(js_trim(s))).to_string()
}

/// [`clean_label`] into `dst`, reusing its buffer: a vertex labelled again
/// (`db1[(DB)]` on every line that names it) costs no allocation.
fn clean_label_into(dst: &mut String, s: &str) {
    let cleaned = decode_entities(js_trim(s));
    dst.clear();
    dst.push_str(strip_quotes(&cleaned));
}

/// The key of a vertex pair in [`PairMap`]: `from` high, `to` low.
fn pair_key(from: u32, to: u32) -> u64 {
    (u64::from(from) << 32) | u64::from(to)
}

/// Hashes a [`pair_key`] so that edges between vertices made close
/// together land close together in the table: its slot comes from
/// `from + 2·to` (vertices are numbered in order of appearance, and an edge
/// mostly joins recent ones), its tag bits from a full mix of the key. With
/// FNV every edge of a big diagram touched a cold cache line, which was
/// about a quarter of the parse of the 100,000-node bench diagram.
///
/// A dense diagram (many more edges than vertices) would crowd that slot
/// range, so `spread` low bits of the slot are mixed too; the builder
/// raises it as edges outnumber vertices (see [`Builder::count_pair`]).
#[derive(Clone, Copy, Default)]
struct PairHashing {
    spread: u32,
}

/// The hasher of [`PairHashing`].
struct PairHasher {
    spread: u32,
    h: u64,
}

impl std::hash::BuildHasher for PairHashing {
    type Hasher = PairHasher;
    fn build_hasher(&self) -> PairHasher {
        PairHasher {
            spread: self.spread,
            h: 0,
        }
    }
}

/// The largest [`PairHashing::spread`]: the slot then has 22 mixed bits.
const MAX_SPREAD: u32 = 22;

impl std::hash::Hasher for PairHasher {
    fn finish(&self) -> u64 {
        self.h
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used (the key is a `u64`); fold anything else.
        for &b in bytes {
            self.h = self.h.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, key: u64) {
        const TAG: u64 = !((1 << 57) - 1);
        let mixed = key.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let (from, to) = (key >> 32, key & 0xffff_ffff);
        let local = from.wrapping_add(to.wrapping_mul(2)) << self.spread;
        let low = (mixed >> 32) & ((1 << self.spread) - 1);
        self.h = (mixed & TAG) | ((local | low) & !TAG);
    }
}

/// Edge counts by vertex pair ([`pair_key`]).
type PairMap = std::collections::HashMap<u64, u32, PairHashing>;

/// What the builder knows about one interned id.
#[derive(Clone, Copy)]
struct SymInfo {
    /// Index into `d.nodes`, or [`NONE`].
    node: u32,
    /// Index into `d.subgraphs`, or [`NONE`].
    sub: u32,
    /// Already a member of a closed subgraph (the first to close keeps it).
    in_subgraph: bool,
    /// The `add_subgraph` call that last listed it, for de-duplication.
    seen: u32,
    /// Blank after JavaScript's trim (Mermaid skips such ids).
    blank: bool,
    /// Starts with `L_`, so it could be an automatic edge id.
    auto_like: bool,
}

/// The flow database.
#[derive(Default)]
pub(crate) struct Builder<'a> {
    pub d: Diagram,
    /// The symbols by the [`id_hash`] of their text. The table holds only
    /// the 4-byte symbols (their text is in `names`): with the text in the
    /// table too, its buckets were 32 bytes, and inserting the ids of a big
    /// diagram touched eight times the memory.
    syms: hashbrown::HashTable<Sym>,
    /// Symbols by the low bits of their hash, last seen first (see
    /// `intern`); a power of two long, or empty until the first `intern`.
    recent: Vec<Sym>,
    /// The length `recent` gets (see [`RECENT`]).
    recent_len: usize,
    /// The text of each symbol.
    names: Vec<Cow<'a, str>>,
    info: Vec<SymInfo>,
    /// Edge ids Mermaid would find in its edge list: every user id, and the
    /// automatic ones (`L_a_b_n`) once an `L_…` id has been looked up. Only
    /// ids starting with `L_` can be automatic, so the others need not be
    /// hashed on the common path.
    edge_ids: FnvSet<String>,
    auto_ids_indexed: bool,
    /// Edges so far between two vertices (by index), for automatic ids.
    pair_counts: PairMap,
    /// Members of each subgraph (parallel to `d.subgraphs`), as symbols
    /// until [`Builder::finish`].
    sub_members: Vec<Vec<Sym>>,
    sub_count: usize,
    /// Stamp of the current `add_subgraph` call (see [`SymInfo::seen`]).
    stamp: u32,
    /// Classes given to vertices (`A:::c`, `class A c`), in order, put on
    /// the vertices by [`Builder::finish`]: a vertex's classes are a boxed
    /// slice, and growing it one class at a time copied it each time
    /// (100,000 `A:::c…` lines took 8 s).
    node_classes: Vec<(u32, String)>,
    /// Config `flowchart.inheritDir`.
    pub inherit_dir: bool,
    /// The edge limit when not Mermaid's [`MAX_EDGES`] (benchmarks lift it).
    pub max_edges: Option<usize>,
}

impl<'a> Builder<'a> {
    /// A builder sized for `text`: a diagram seldom has more vertices or
    /// edges than lines, and growing vectors and maps of a big diagram
    /// step by step copied them over and over.
    pub fn for_text(text: &str) -> Self {
        let lines = memchr::memchr_iter(b'\n', text.as_bytes()).count() + 1;
        let mut b = Builder {
            recent_len: (2 * lines).next_power_of_two().min(RECENT),
            ..Builder::default()
        };
        b.d.nodes.reserve(lines);
        b.d.edges.reserve(lines);
        // Mostly two mentions a line (`a --> b`).
        b.d.mentions.reserve(2 * lines);
        b.syms.reserve(lines, |_| 0);
        b.names.reserve(lines);
        b.info.reserve(lines);
        b.pair_counts.reserve(lines);
        b
    }

    /// The symbol of `id`, made on first sight.
    pub fn intern(&mut self, id: Cow<'a, str>) -> Sym {
        // Most mentions are of an id met a few lines before: a small
        // direct-mapped cache answers them without touching the big table.
        let h = id_hash(&id);
        if self.recent.is_empty() {
            self.recent = vec![NONE; self.recent_len.max(1)];
        }
        let slot = (h as usize) & (self.recent.len() - 1);
        let r = self.recent[slot];
        if r != NONE && self.names[r as usize] == id {
            return r;
        }
        let names = &self.names;
        let entry = self.syms.entry(
            h,
            |&s| names[s as usize] == id,
            |&s| id_hash(&names[s as usize]),
        );
        let s = match entry {
            hashbrown::hash_table::Entry::Occupied(o) => *o.get(),
            hashbrown::hash_table::Entry::Vacant(v) => {
                let next = self.names.len() as Sym;
                v.insert(next);
                self.info.push(SymInfo {
                    node: NONE,
                    sub: NONE,
                    in_subgraph: false,
                    seen: 0,
                    blank: js_trim(&id).is_empty(),
                    auto_like: id.starts_with("L_"),
                });
                self.names.push(id);
                next
            }
        };
        self.recent[slot] = s;
        s
    }

    /// The symbol of `id`, if it has been seen.
    fn lookup(&self, id: &str) -> Option<Sym> {
        let names = &self.names;
        self.syms
            .find(id_hash(id), |&s| names[s as usize] == id)
            .copied()
    }

    fn name(&self, s: Sym) -> &str {
        &self.names[s as usize]
    }

    fn info(&mut self, s: Sym) -> &mut SymInfo {
        &mut self.info[s as usize]
    }

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

    /// Whether `id` is the id of an edge made so far.
    fn is_edge_id(&mut self, id: &str, auto_like: bool) -> bool {
        self.index_auto_ids(auto_like);
        !self.edge_ids.is_empty() && self.edge_ids.contains(id)
    }

    /// Once an id that could be automatic (`auto_like`) is looked up, add
    /// the automatic ids made so far to `edge_ids`.
    fn index_auto_ids(&mut self, auto_like: bool) {
        if auto_like && !self.auto_ids_indexed {
            self.auto_ids_indexed = true;
            let nodes = &self.d.nodes;
            let auto = self.d.edges.iter().filter_map(|e| match e.id {
                EdgeId::Auto(n) => Some(auto_edge_id(&nodes[e.from()].id, &nodes[e.to()].id, n)),
                EdgeId::User(_) => None,
            });
            self.edge_ids.extend(auto);
        }
    }

    /// Whether the vertex `s` names an edge made so far. The common answer
    /// (no edge ids to look in, and `s` cannot be automatic) is inlined at
    /// every vertex mention.
    #[inline]
    fn sym_is_edge_id(&mut self, s: Sym) -> bool {
        let auto_like = self.info[s as usize].auto_like;
        if self.edge_ids.is_empty() && !auto_like {
            return false;
        }
        self.index_auto_ids(auto_like);
        !self.edge_ids.is_empty() && self.edge_ids.contains(&*self.names[s as usize])
    }

    fn get_or_create(&mut self, s: Sym, span: Span) -> usize {
        self.get_or_create_labelled(s, span, None)
    }

    /// Record a mention of vertex `node`.
    fn mention(&mut self, node: usize, span: Span) {
        self.d.mentions.push(Mention { node, span });
    }

    /// [`Builder::get_or_create`], and a new vertex gets `label` (else its id).
    fn get_or_create_labelled(&mut self, s: Sym, span: Span, label: Option<&TextObj>) -> usize {
        let i = self.info[s as usize].node;
        if i != NONE {
            self.mention(i as usize, span);
            return i as usize;
        }
        let i = self.d.nodes.len();
        let id = self.name(s).to_string();
        let (label, label_type) = match label {
            Some(t) => (clean_label(&t.text), t.kind),
            None => (id.clone(), LabelType::Text),
        };
        self.d.nodes.push(Node {
            label,
            id,
            label_type,
            shape: None,
            classes: Box::default(),
            defined_at: span,
        });
        self.mention(i, span);
        self.info(s).node = i as u32;
        i
    }

    /// `addVertex(id, text, type)`: a mention of a vertex (at `span`), with a
    /// bracket label and shape if it had one (defined at `def`).
    pub fn add_vertex(
        &mut self,
        id: Sym,
        text: Option<TextObj>,
        shape: Option<&'static str>,
        span: Span,
        def: Span,
    ) {
        if self.info[id as usize].blank || self.sym_is_edge_id(id) {
            return;
        }
        let new = self.info[id as usize].node == NONE;
        let i = self.get_or_create_labelled(id, span, text.as_ref());
        let span = def;
        let n = &mut self.d.nodes[i];
        if let Some(t) = text {
            if !new {
                clean_label_into(&mut n.label, &t.text);
                if n.label_type != t.kind {
                    n.label_type = t.kind;
                }
            }
            n.defined_at = span;
        }
        if let Some(s) = shape {
            n.shape = Some(Cow::Borrowed(s));
            n.defined_at = span;
        }
    }

    /// `addVertex(id, ..., shapeData)`: `@{ ... }` on the last node.
    pub fn add_vertex_data(&mut self, id: Sym, data: &str, span: Span) -> Result<(), String> {
        if self.info[id as usize].blank {
            return Ok(());
        }
        let doc = yaml::parse_node_data(data)
            .map_err(|e| format!("invalid node data in @{{ … }}: {e}"))?;
        if self.info[id as usize].sub != NONE {
            return Ok(());
        }
        if self.sym_is_edge_id(id) {
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
            let Some(name) = shape_name(&s) else {
                return Err(format!("unknown shape \"{s}\" in @{{ shape: … }}"));
            };
            n.shape = Some(Cow::Borrowed(name));
            n.defined_at = span;
        }
        let label = get("label");
        if let Some(l) = label.clone().filter(Value::truthy) {
            n.label = l.as_text().unwrap_or_default();
            let lt = get("labelType").and_then(|v| v.as_text());
            n.label_type = sanitize_label_type(lt.as_deref());
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
            let Some(s) = self.lookup(id) else { continue };
            let SymInfo { node, sub, .. } = self.info[s as usize];
            if node != NONE {
                self.node_classes.push((node, class.to_string()));
            }
            if sub != NONE {
                self.d.subgraphs[sub as usize]
                    .classes
                    .push(class.to_string());
            }
        }
    }

    /// `addLink(starts, ends, link)`: every start to every end.
    pub fn add_link(
        &mut self,
        starts: &[(Sym, Span)],
        ends: &[(Sym, Span)],
        link: &LinkInfo,
        span: Span,
    ) -> Result<(), String> {
        let last_start = starts.last().map(|s| s.0);
        let first_end = ends.first().map(|s| s.0);
        // Boxed once here, not per edge: most links have no label, and those
        // need no conversion at all.
        let mut label: Box<str> = link
            .text
            .as_ref()
            .map(|t| clean_label(&t.text).into())
            .unwrap_or_default();
        // The last edge takes the label itself; the others get copies (a
        // link mostly joins one start to one end).
        let mut left = starts.len() * ends.len();
        for &(s, ss) in starts {
            for &(e, es) in ends {
                let id = if Some(s) == last_start && Some(e) == first_end {
                    link.id.as_deref()
                } else {
                    None
                };
                left -= 1;
                let l = if left == 0 {
                    std::mem::take(&mut label)
                } else {
                    label.clone()
                };
                self.add_single_link(s, ss, e, es, link, l, id, span)?;
            }
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)] // mirrors Mermaid's addSingleLink plus spans
    fn add_single_link(
        &mut self,
        start: Sym,
        start_span: Span,
        end: Sym,
        end_span: Span,
        link: &LinkInfo,
        label: Box<str>,
        id: Option<&str>,
        span: Span,
    ) -> Result<(), String> {
        let max_edges = self.max_edges.unwrap_or(MAX_EDGES);
        if self.d.edges.len() >= max_edges {
            return Err(format!(
                "edge limit exceeded: Mermaid allows at most {max_edges} edges per diagram"
            ));
        }
        let from = match self.info[start as usize].node {
            NONE => self.get_or_create(start, start_span),
            i => i as usize,
        };
        let to = match self.info[end as usize].node {
            NONE => self.get_or_create(end, end_span),
            i => i as usize,
        };
        let user_id = match id {
            Some(id) if !self.is_edge_id(id, id.starts_with("L_")) => Some(id),
            _ => None,
        };
        let n = self.count_pair(from as u32, to as u32);
        let id = match user_id {
            Some(id) => {
                self.edge_ids.insert(id.to_string());
                EdgeId::User(id.into())
            }
            None => {
                // Mermaid numbers automatic ids 0, 2, 3, ...: it skips 1.
                let n = if n == 0 { 0 } else { n + 1 };
                if self.auto_ids_indexed {
                    let text = auto_edge_id(self.name(start), self.name(end), n);
                    self.edge_ids.insert(text);
                }
                EdgeId::Auto(n)
            }
        };
        self.d.edges.push(Edge {
            from: from as u32,
            to: to as u32,
            kind: link.kind,
            stroke: link.stroke,
            length: link.length,
            label,
            id,
            span,
        });
        Ok(())
    }

    /// The number of edges made so far from `from` to `to`, counting one
    /// more. Spreads the table further (see [`PairHashing`]) each time
    /// edges outnumber vertices by four to one per spread step.
    fn count_pair(&mut self, from: u32, to: u32) -> u32 {
        let spread = self.pair_counts.hasher().spread;
        let crowded = self.pair_counts.len() > (self.d.nodes.len() + 16) << (spread + 2);
        if crowded && spread < MAX_SPREAD {
            let old = std::mem::take(&mut self.pair_counts);
            let hashing = PairHashing {
                spread: (spread + 4).min(MAX_SPREAD),
            };
            self.pair_counts = PairMap::with_capacity_and_hasher(old.len() * 2, hashing);
            self.pair_counts.extend(old);
        }
        let count = self.pair_counts.entry(pair_key(from, to)).or_insert(0);
        let n = *count;
        *count += 1;
        n
    }

    /// `addSubGraph(id, list, title)` at the subgraph's `end`.
    pub fn add_subgraph(
        &mut self,
        id: TextObj<'a>,
        title: &TextObj,
        same: bool,
        list: Vec<Member>,
        span: Span,
    ) -> Sym {
        let given = Some(js_trim_cow(id.text)).filter(|_| !(same && title.text.contains(js_space)));
        let mut dir = None;
        self.stamp += 1;
        let stamp = self.stamp;
        let mut nodes = Vec::new();
        for m in list {
            match m {
                Member::Dir(d) => dir = Some(d.as_str().to_string()),
                Member::Id(s) => {
                    let info = self.info(s);
                    if info.blank || info.seen == stamp {
                        continue;
                    }
                    info.seen = stamp;
                    nodes.push(s);
                }
            }
        }
        if dir.is_none() && self.inherit_dir {
            dir = Some(self.d.direction.clone());
        }
        let sid = given.unwrap_or_else(|| Cow::Owned(format!("subGraph{}", self.sub_count)));
        let sid = self.intern(sid);
        self.sub_count += 1;
        nodes.retain(|&n| n != sid && !self.info[n as usize].in_subgraph);
        for &n in &nodes {
            self.info(n).in_subgraph = true;
        }
        match self.info[sid as usize].sub {
            NONE => {
                self.info(sid).sub = self.d.subgraphs.len() as u32;
                self.d.subgraphs.push(Subgraph {
                    id: self.name(sid).to_string(),
                    title: decode_entities(js_trim(&title.text)).into_owned(),
                    members: Members::default(),
                    parent: None,
                    dir,
                    classes: Vec::new(),
                    span,
                });
                self.sub_members.push(nodes);
            }
            i => self.sub_members[i as usize].extend(nodes),
        }
        sid
    }

    /// Finish: members as strings, and parents of subgraphs.
    pub fn finish(mut self) -> Diagram {
        // Each vertex's classes in the order given (the sort is stable).
        self.node_classes.sort_by_key(|&(node, _)| node);
        let mut given = std::mem::take(&mut self.node_classes)
            .into_iter()
            .peekable();
        while let Some((node, first)) = given.next() {
            let vertex = &mut self.d.nodes[node as usize];
            let mut classes = std::mem::take(&mut vertex.classes).into_vec();
            classes.push(first);
            while let Some((_, class)) = given.next_if(|&(next, _)| next == node) {
                classes.push(class);
            }
            vertex.classes = classes.into_boxed_slice();
        }
        for (i, members) in self.sub_members.iter().enumerate() {
            for &m in members {
                let j = self.info[m as usize].sub;
                if j != NONE && j as usize != i {
                    self.d.subgraphs[j as usize].parent = Some(i);
                }
            }
            let bytes = members.iter().map(|&m| self.names[m as usize].len()).sum();
            let mut names = Members::with_capacity(members.len(), bytes);
            for &m in members {
                names.push(&self.names[m as usize]);
            }
            self.d.subgraphs[i].members = names;
        }
        self.d
    }

    /// Number of edges so far.
    pub fn edge_count(&self) -> usize {
        self.d.edges.len()
    }
}

/// The hash of an id in [`Builder::intern`]'s table. Not SipHash: ids come
/// from the user's own docs, and hashing every mention with SipHash was the
/// parser's largest single cost. Eight bytes at a time (FNV's byte loop was
/// most of `intern`), each word folded in with a 128-bit multiply whose two
/// halves are kept, so every input bit reaches both the low bits (the
/// bucket) and the high bits (the table's tag). Only lookups depend on it:
/// symbols are numbered in order of first sight.
fn id_hash(id: &str) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let fold = |a: u64| {
        let m = u128::from(a) * u128::from(K);
        (m as u64) ^ ((m >> 64) as u64)
    };
    let b = id.as_bytes();
    let n = b.len();
    let u64_at = |i: usize| {
        let w = b.get(i..i + 8).and_then(|w| <[u8; 8]>::try_from(w).ok());
        u64::from_le_bytes(w.unwrap_or_default())
    };
    let u32_at = |i: usize| {
        let w = b.get(i..i + 4).and_then(|w| <[u8; 4]>::try_from(w).ok());
        u64::from(u32::from_le_bytes(w.unwrap_or_default()))
    };
    let mut h = n as u64;
    // Whole words, then the last eight bytes (overlapping the one before);
    // shorter ids as two overlapping halves, or their first, middle and
    // last bytes (the length is in `h`, so the overlaps stay apart).
    let last = if n >= 8 {
        let mut i = 0;
        while i + 8 < n {
            h = fold(h ^ u64_at(i));
            i += 8;
        }
        u64_at(n - 8)
    } else if n >= 4 {
        u32_at(0) | (u32_at(n - 4) << 32)
    } else if n > 0 {
        u64::from(b[0]) | (u64::from(b[n / 2]) << 8) | (u64::from(b[n - 1]) << 16)
    } else {
        0
    };
    fold(h ^ last)
}

/// [`js_trim`] that keeps a borrowed text borrowed.
pub(crate) fn js_trim_cow(s: Cow<'_, str>) -> Cow<'_, str> {
    match s {
        Cow::Borrowed(t) => Cow::Borrowed(js_trim(t)),
        Cow::Owned(t) => match js_trim(&t) {
            u if u.len() == t.len() => Cow::Owned(t),
            u => Cow::Owned(u.to_string()),
        },
    }
}
