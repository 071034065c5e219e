//! Lowers a diagram's edges into dependency links between nodes (SPEC §1):
//! which way a link needs, hard or soft, replication evidence, and links to
//! subgraph ids expanded to entry/exit members. Owns subgraph structure
//! (containment, leaves); judges nothing.

use super::index32;
use crate::config::Settings;
use crate::model::{Diagram, Stroke};
use crate::vocab::tokens;
use crate::vocab::{FnvMap, NodeTexts};
use serde::Serialize;

/// What a diagram edge means.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LinkKind {
    /// A dependency that counts: failure runs along it.
    Hard,
    /// Async, optional, observation: not a dependency.
    Soft,
    /// Replication between the ends: redundancy evidence.
    Redundancy,
    /// Invisible or a self-loop: ignored.
    Ignored,
}

/// One dependency (or evidence) between two plain nodes.
///
/// Sixteen bytes: a big diagram has more links than nodes, and the analysis
/// reads the whole list a score of times (counts, quotient graph, groups).
/// With `usize` ends and the reason as a `&str` a link was 48 bytes, 8 MB
/// at 100,000 nodes: past the caches, so every pass missed on every line.
#[derive(Clone, Debug, Serialize)]
pub struct Link {
    /// The node that needs.
    from: u32,
    /// The node needed.
    to: u32,
    /// Index into [`Diagram::edges`] of the edge it comes from.
    edge: u32,
    /// What it means.
    pub kind: LinkKind,
    /// Why it has that meaning.
    pub why: Why,
}

impl Link {
    /// A link from node `from` to node `to`, drawn by edge `edge`.
    pub fn new(from: usize, to: usize, edge: usize, kind: LinkKind, why: Why) -> Self {
        Link {
            from: index32(from),
            to: index32(to),
            edge: index32(edge),
            kind,
            why,
        }
    }

    /// The node that needs.
    #[inline]
    pub fn from(&self) -> usize {
        self.from as usize
    }

    /// The node needed.
    #[inline]
    pub fn to(&self) -> usize {
        self.to as usize
    }

    /// Index into [`Diagram::edges`] of the edge it comes from.
    #[inline]
    pub fn edge(&self) -> usize {
        self.edge as usize
    }
}

/// Why a link has its meaning: one of a fixed set of reasons (a byte in
/// each [`Link`]), read as its words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    /// `invisible link`
    Invisible,
    /// `self-loop`
    SelfLoop,
    /// `label says replication`
    LabelSaysReplication,
    /// `label says observation`
    LabelSaysObservation,
    /// `link to an observer or optional node`
    ToObserver,
    /// `link from an observer or optional node`
    FromObserver,
    /// `dotted, and dotted links are hard by config`
    DottedHardByConfig,
    /// `dotted, but the label says dependence`
    DottedLabelSaysDependence,
    /// `dotted link`
    Dotted,
    /// `link`
    Link,
    /// `response to an actor`
    ResponseToActor,
    /// `delivery from a queue to its consumer`
    QueueDelivery,
    /// `inside a process subgraph`
    InsideProcess,
    /// `label says data flow, control or fallback, not a need`
    LabelSaysNotANeed,
    /// `from a store: data read out of it`
    FromStore,
    /// `a route: needed only by requests routed to it`
    Route,
}

impl Why {
    /// The reason in words.
    pub fn as_str(self) -> &'static str {
        match self {
            Why::Invisible => "invisible link",
            Why::SelfLoop => "self-loop",
            Why::LabelSaysReplication => "label says replication",
            Why::LabelSaysObservation => "label says observation",
            Why::ToObserver => "link to an observer or optional node",
            Why::FromObserver => "link from an observer or optional node",
            Why::DottedHardByConfig => "dotted, and dotted links are hard by config",
            Why::DottedLabelSaysDependence => "dotted, but the label says dependence",
            Why::Dotted => "dotted link",
            Why::Link => "link",
            Why::ResponseToActor => "response to an actor",
            Why::QueueDelivery => "delivery from a queue to its consumer",
            Why::InsideProcess => "inside a process subgraph",
            Why::LabelSaysNotANeed => "label says data flow, control or fallback, not a need",
            Why::FromStore => "from a store: data read out of it",
            Why::Route => "a route: needed only by requests routed to it",
        }
    }
}

impl std::fmt::Display for Why {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Why {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Subgraph containment, flattened.
#[derive(Clone, Debug, Default)]
pub struct Structure {
    /// For each node: the non-empty subgraph it stands for, or [`NO_SUBGRAPH`]
    /// (see [`Structure::cluster_of`]).
    cluster_of: Vec<u32>,
    /// For each node: the innermost subgraph it is a member of, or
    /// [`NO_SUBGRAPH`] (see [`Structure::parent_of`]).
    ///
    /// These two are read for every end of every edge, all over a big
    /// diagram: as a `u32` with a sentinel a node's entry is 4 bytes, not
    /// the 16 of an `Option<usize>`.
    parent_of: Vec<u32>,
    /// For each subgraph: every plain node inside it, nested ones included.
    pub leaves: Vec<Vec<usize>>,
    /// For each subgraph: members no other member links to.
    pub entries: Vec<Vec<usize>>,
    /// For each subgraph: members that link to no other member.
    pub exits: Vec<Vec<usize>>,
    /// For each node: whether it is an observer or optional (links to it are soft).
    pub soft_target: Vec<bool>,
}

/// No subgraph, in [`Structure`]'s per-node lists.
const NO_SUBGRAPH: u32 = u32::MAX;

/// A per-node subgraph entry read back.
#[inline]
fn subgraph(s: u32) -> Option<usize> {
    (s != NO_SUBGRAPH).then_some(s as usize)
}

impl Structure {
    /// The non-empty subgraph node `n` stands for (its id is that
    /// subgraph's id), if any. Such a node is the cluster, not a component.
    #[inline]
    pub fn cluster_of(&self, n: usize) -> Option<usize> {
        subgraph(self.cluster_of[n])
    }

    /// The innermost subgraph node `n` is a member of, if any.
    #[inline]
    pub fn parent_of(&self, n: usize) -> Option<usize> {
        subgraph(self.parent_of[n])
    }

    /// The subgraphs around node `n`, innermost first.
    pub fn ancestors(&self, diagram: &Diagram, n: usize) -> Vec<usize> {
        chain(diagram, self.parent_of(n)).collect()
    }

    /// The subgraphs around an edge end: those around a node, or strictly
    /// around a subgraph (a link from a subgraph is inside the subgraphs
    /// around it, not inside itself).
    fn chain_of_end<'a>(&self, diagram: &'a Diagram, n: usize) -> impl Iterator<Item = usize> + 'a {
        let first = match self.cluster_of(n) {
            Some(s) => diagram.subgraphs[s].parent,
            None => self.parent_of(n),
        };
        chain(diagram, first)
    }
}

/// For each subgraph: whether it or a subgraph around it is `marked`. Each
/// subgraph is looked at once: a parent closes after its children, so it
/// comes later in the list and is settled first when walking backwards (an
/// odd order falls back to walking the chain).
pub fn within(diagram: &Diagram, marked: &[bool]) -> Vec<bool> {
    let ns = diagram.subgraphs.len();
    let mut out = vec![false; ns];
    for s in (0..ns).rev() {
        out[s] = match diagram.subgraphs[s].parent {
            _ if marked[s] => true,
            Some(p) if p > s && p < ns => out[p],
            first => chain(diagram, first).any(|a| marked[a]),
        };
    }
    out
}

/// Subgraph `first` and its ancestors, innermost first. Linear in the depth
/// (deeply nested diagrams stay cheap); a malformed parent chain that loops
/// is cut after as many steps as there are subgraphs.
pub fn chain(diagram: &Diagram, first: Option<usize>) -> impl Iterator<Item = usize> + '_ {
    let mut cur = first;
    let mut steps = 0;
    std::iter::from_fn(move || {
        let s = cur?;
        if steps >= diagram.subgraphs.len() {
            return None;
        }
        steps += 1;
        cur = diagram.subgraphs[s].parent;
        Some(s)
    })
}

/// The meaning of one edge's stroke and label, before expansion
/// (`soft_target`: per node, whether links to it are soft).
pub fn edge_meaning(
    diagram: &Diagram,
    e: usize,
    settings: &Settings,
    soft_target: &[bool],
) -> (LinkKind, Why) {
    let edge = &diagram.edges[e];
    let vocab = &settings.vocab;
    if edge.stroke == Stroke::Invisible {
        return (LinkKind::Ignored, Why::Invisible);
    }
    if edge.from == edge.to {
        return (LinkKind::Ignored, Why::SelfLoop);
    }
    let words = tokens(&edge.label);
    if vocab.link_redundancy.matches(&words) {
        return (LinkKind::Redundancy, Why::LabelSaysReplication);
    }
    if vocab.link_soft.matches(&words) {
        return (LinkKind::Soft, Why::LabelSaysObservation);
    }
    // Export, ETL, scaling, provisioning, a fallback: the source does not
    // stop when the target does (SPEC §1), whatever the stroke.
    if vocab.link_not_needs.matches(&words) {
        return (LinkKind::Soft, Why::LabelSaysNotANeed);
    }
    if soft_target[edge.to()] {
        return (LinkKind::Soft, Why::ToObserver);
    }
    // An observer's own links are scraping and querying: observation too.
    if soft_target[edge.from()] {
        return (LinkKind::Soft, Why::FromObserver);
    }
    if edge.stroke == Stroke::Dotted {
        if settings.dotted_links_hard {
            return (LinkKind::Hard, Why::DottedHardByConfig);
        }
        if vocab.link_hard.matches(&words) {
            return (LinkKind::Hard, Why::DottedLabelSaysDependence);
        }
        return (LinkKind::Soft, Why::Dotted);
    }
    // Arrows, open links (declaration order) and Mermaid's INVALID type all
    // read from `from` to `to`; double-headed links are doubled in `build`.
    (LinkKind::Hard, Why::Link)
}

/// Build the subgraph structure and the expanded links of a diagram, given
/// each node's words.
pub fn build(diagram: &Diagram, settings: &Settings, texts: &NodeTexts) -> (Structure, Vec<Link>) {
    let n = diagram.nodes.len();
    let ns = diagram.subgraphs.len();
    let by_id = first_index(diagram.nodes.iter().map(|node| node.id.as_str()));
    let sg_by_id = first_index(diagram.subgraphs.iter().map(|s| s.id.as_str()));

    // Leaves, inner subgraphs first (the model lists them in closing order).
    let mut st = Structure {
        cluster_of: vec![NO_SUBGRAPH; n],
        parent_of: vec![NO_SUBGRAPH; n],
        leaves: vec![Vec::new(); ns],
        entries: vec![Vec::new(); ns],
        exits: vec![Vec::new(); ns],
        soft_target: (0..texts.len())
            .map(|v| {
                let own = crate::analysis::kinds::has_own_label(&diagram.nodes[v]);
                settings.vocab.is_soft_target_with(&texts.get(v), own)
            })
            .collect(),
    };
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); ns];
    for (i, s) in diagram.subgraphs.iter().enumerate() {
        if let Some(p) = s.parent {
            if p != i && p < ns {
                children[p].push(i);
            }
        }
    }
    for (i, s) in diagram.subgraphs.iter().enumerate() {
        for m in &s.members {
            if sg_by_id.contains_key(m) {
                continue;
            }
            if let Some(&v) = by_id.get(m) {
                if st.parent_of[v] == NO_SUBGRAPH {
                    st.parent_of[v] = index32(i);
                }
            }
        }
    }
    for (v, &p) in st.parent_of.iter().enumerate() {
        if let Some(p) = subgraph(p) {
            st.leaves[p].push(v);
        }
    }
    let mut visiting = vec![false; ns];
    for i in 0..ns {
        collect_leaves(i, &children, &mut st.leaves, &mut visiting);
    }
    for (i, node) in diagram.nodes.iter().enumerate() {
        if let Some(&s) = sg_by_id.get(node.id.as_str()) {
            if !st.leaves[s].is_empty() {
                st.cluster_of[i] = index32(s);
            }
        }
    }

    // Meaning of each edge; internal edges of each subgraph.
    let meanings: Vec<(LinkKind, Why)> = (0..diagram.edges.len())
        .map(|e| edge_meaning(diagram, e, settings, &st.soft_target))
        .collect();
    // Internal edges of each subgraph: those whose ends both sit inside it
    // (the subgraphs around one end marked, then the other end's looked up:
    // no set per edge, linear in the depth).
    let mut internal: Vec<Vec<usize>> = vec![Vec::new(); ns];
    // Without subgraphs there is nothing to expand (the common case, kept cheap).
    let edges_in_subgraphs = if ns == 0 { &[][..] } else { &diagram.edges[..] };
    let mut around_from: Vec<usize> = vec![usize::MAX; ns];
    for (e, edge) in edges_in_subgraphs.iter().enumerate() {
        if !matches!(meanings[e].0, LinkKind::Hard | LinkKind::Soft) {
            continue;
        }
        for s in st.chain_of_end(diagram, edge.from()) {
            around_from[s] = e;
        }
        for s in st.chain_of_end(diagram, edge.to()) {
            if around_from[s] == e {
                internal[s].push(e);
            }
        }
    }
    // Which leaves some internal link reaches / leaves, marked with the
    // subgraph's index so one array per direction serves every subgraph.
    let mut has_in: Vec<usize> = vec![usize::MAX; n];
    let mut has_out: Vec<usize> = vec![usize::MAX; n];
    for (s, internal_edges) in internal.iter().enumerate() {
        for &e in internal_edges {
            let (from, to) = (diagram.edges[e].from(), diagram.edges[e].to());
            let froms = expand(&st, &from, false);
            let tos = expand(&st, &to, true);
            let both = diagram.edges[e].kind.is_double();
            for &a in froms {
                for &b in tos {
                    if a != b {
                        has_out[a] = s;
                        has_in[b] = s;
                        if both {
                            has_out[b] = s;
                            has_in[a] = s;
                        }
                    }
                }
            }
        }
        let leaves = &st.leaves[s];
        let mut entries: Vec<usize> = leaves.iter().copied().filter(|&v| has_in[v] != s).collect();
        let mut exits: Vec<usize> = leaves
            .iter()
            .copied()
            .filter(|&v| has_out[v] != s)
            .collect();
        // A subgraph drawn as a cycle has no entry: it is entered anywhere.
        if entries.is_empty() {
            entries = leaves.clone();
        }
        if exits.is_empty() {
            exits = leaves.clone();
        }
        st.entries[s] = entries;
        st.exits[s] = exits;
    }

    // Expanded links.
    let mut links = Vec::with_capacity(diagram.edges.len());
    for (e, edge) in diagram.edges.iter().enumerate() {
        let (kind, why) = meanings[e];
        let (from, to) = (edge.from(), edge.to());
        let froms = expand(&st, &from, false);
        let tos = expand(&st, &to, true);
        for &a in froms {
            for &b in tos {
                if a == b && kind != LinkKind::Ignored {
                    continue;
                }
                links.push(Link::new(a, b, e, kind, why));
                if edge.kind.is_double() && kind != LinkKind::Ignored {
                    links.push(Link::new(b, a, e, kind, why));
                }
            }
        }
    }
    (st, links)
}

fn collect_leaves(
    s: usize,
    children: &[Vec<usize>],
    leaves: &mut [Vec<usize>],
    visiting: &mut [bool],
) {
    // Children close before parents, so their leaves are complete when the
    // parent is reached in closing order; recursion only guards odd orders.
    if visiting[s] {
        return;
    }
    visiting[s] = true;
    let mut add = Vec::new();
    for &c in &children[s] {
        if !visiting[c] {
            collect_leaves(c, children, leaves, visiting);
        }
        add.extend(leaves[c].iter().copied());
    }
    leaves[s].extend(add);
    leaves[s].sort_unstable();
    leaves[s].dedup();
}

/// The plain nodes an edge end stands for (`n` itself unless it is a cluster).
fn expand<'a>(st: &'a Structure, n: &'a usize, as_target: bool) -> &'a [usize] {
    match st.cluster_of(*n) {
        Some(s) if as_target => &st.entries[s],
        Some(s) => &st.exits[s],
        None => std::slice::from_ref(n),
    }
}

/// Index of the first occurrence of each id.
fn first_index<'a>(ids: impl ExactSizeIterator<Item = &'a str>) -> FnvMap<&'a str, usize> {
    // Sized once: growing it rehashed every id several times on big diagrams.
    let mut map = FnvMap::with_capacity_and_hasher(ids.len(), Default::default());
    for (i, id) in ids.enumerate() {
        map.entry(id).or_insert(i);
    }
    map
}

/// Lists of indices, one list per row, in two flat arrays (compressed sparse
/// rows): row `v` is `items[start[v]..start[v + 1]]`. A big diagram has a
/// list per node (its needs, its needers, its group's members); one small
/// `Vec` each was hundreds of thousands of allocations on fresh memory per
/// 100,000 nodes, and reading them missed the cache. Index it like a slice
/// of lists: `rows[v]` is row `v`.
///
/// Items and row starts are `u32` (see [`index32`]): half the memory of
/// `usize`, and the partition refinement and the failure search read rows
/// of a big diagram all over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rows {
    start: Vec<u32>,
    items: Vec<u32>,
}

impl Default for Rows {
    fn default() -> Self {
        Rows {
            start: vec![0],
            items: Vec::new(),
        }
    }
}

impl Rows {
    /// `n` rows from `(row, item)` pairs, each row in the pairs' order.
    /// `pairs` is called twice (once to count, once to fill) and must give
    /// the same pairs both times.
    pub fn from_pairs<I>(n: usize, pairs: impl Fn() -> I) -> Self
    where
        I: Iterator<Item = (usize, usize)>,
    {
        let mut start = vec![0u32; n + 1];
        for (r, _) in pairs() {
            start[r + 1] += 1;
        }
        for r in 0..n {
            start[r + 1] += start[r];
        }
        let mut items = vec![0u32; start[n] as usize];
        let mut fill = start[..n].to_vec();
        for (r, x) in pairs() {
            items[fill[r] as usize] = index32(x);
            fill[r] += 1;
        }
        Rows { start, items }
    }

    /// [`Rows::from_pairs`] with each row sorted and its duplicates removed.
    pub fn sorted_from_pairs<I>(n: usize, pairs: impl Fn() -> I) -> Self
    where
        I: Iterator<Item = (usize, usize)>,
    {
        let mut rows = Rows::from_pairs(n, pairs);
        // Compact in place: row `r` moves down to `write`.
        let mut write = 0;
        let mut old_start = 0;
        for r in 0..n {
            let old_end = rows.start[r + 1] as usize;
            let row = &mut rows.items[old_start..old_end];
            row.sort_unstable();
            rows.start[r] = index32(write);
            let mut last = None;
            for i in old_start..old_end {
                let x = rows.items[i];
                if last != Some(x) {
                    rows.items[write] = x;
                    write += 1;
                    last = Some(x);
                }
            }
            old_start = old_end;
        }
        rows.start[n] = index32(write);
        rows.items.truncate(write);
        rows
    }

    /// Rows copied from one list per row (tests and small callers).
    pub fn from_lists(lists: &[Vec<usize>]) -> Self {
        Rows::from_pairs(lists.len(), || {
            lists
                .iter()
                .enumerate()
                .flat_map(|(r, l)| l.iter().map(move |&x| (r, x)))
        })
    }

    /// How many rows.
    #[inline]
    pub fn len(&self) -> usize {
        self.start.len() - 1
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every row, in order.
    pub fn iter(&self) -> impl Iterator<Item = &[u32]> + '_ {
        (0..self.len()).map(move |r| &self[r])
    }
}

impl std::ops::Index<usize> for Rows {
    type Output = [u32];

    #[inline]
    fn index(&self, r: usize) -> &[u32] {
        &self.items[self.start[r] as usize..self.start[r + 1] as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::Rows;

    #[test]
    fn rows_keep_pair_order_or_sort_and_dedup() {
        let pairs = [(2, 5), (0, 3), (2, 1), (0, 3), (2, 5)];
        let plain = Rows::from_pairs(4, || pairs.iter().copied());
        assert_eq!(plain.len(), 4);
        assert_eq!(&plain[0], &[3, 3]);
        assert!(plain[1].is_empty() && plain[3].is_empty());
        assert_eq!(&plain[2], &[5, 1, 5]);
        let sorted = Rows::sorted_from_pairs(4, || pairs.iter().copied());
        let lists: Vec<Vec<usize>> = sorted
            .iter()
            .map(|row| row.iter().map(|&x| x as usize).collect())
            .collect();
        assert_eq!(lists, [vec![3], vec![], vec![1, 5], vec![]]);
        assert_eq!(sorted, Rows::from_lists(&lists));
        assert!(Rows::default().is_empty());
    }
}
