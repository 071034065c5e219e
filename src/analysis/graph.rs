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
    /// For each subgraph: every plain node inside it, nested ones included
    /// (`leaves[s]`, in nesting order: its own members, then each inner
    /// subgraph's).
    pub leaves: Leaves,
    /// For each node: whether it is an observer or optional (links to it are soft).
    pub soft_target: Vec<bool>,
    /// Set when linking subgraphs would expand past the diagram's budget
    /// (see [`ExpansionCut`]): the links are then left empty.
    cut: Option<ExpansionCut>,
}

/// Linking subgraphs expands past the budget, so the diagram's links were
/// not built (SPEC §1 expands `SG1 --> SG2` to every exit of SG1 times
/// every entry of SG2: 499 such links between groups of 1,000 made half a
/// billion links, past 4 GB).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExpansionCut {
    /// Index into [`Diagram::edges`] of the edge at which the budget ran out.
    pub edge: usize,
    /// The budget, in links and steps (see [`expansion_budget`]).
    pub budget: u64,
}

/// Work allowed for expanding links to subgraphs in a diagram of `nodes`
/// nodes and `edges` edges: links made beyond one per edge, nesting levels
/// climbed and members scanned. Linear in the diagram, so time and memory
/// stay linear in the input; far above any drawn diagram (a link between two
/// groups of 100 is 10,000).
pub fn expansion_budget(nodes: usize, edges: usize) -> u64 {
    1_000_000 + 4 * (nodes as u64 + edges as u64)
}

/// Every plain node inside each subgraph, as ranges of one array: nested
/// subgraphs are ranges inside their parent's, so the lists take memory
/// linear in the diagram however deep the nesting (a list per subgraph
/// was quadratic: 10,000 levels took 1.2 GB).
#[derive(Clone, Debug, Default)]
pub struct Leaves {
    /// Nodes in depth-first order of the subgraph tree.
    items: Vec<usize>,
    /// For each subgraph: its range of `items`.
    range: Vec<(u32, u32)>,
}

impl std::ops::Index<usize> for Leaves {
    type Output = [usize];

    #[inline]
    fn index(&self, s: usize) -> &[usize] {
        let (a, b) = self.range[s];
        &self.items[a as usize..b as usize]
    }
}

/// No subgraph, in [`Structure`]'s per-node lists.
const NO_SUBGRAPH: u32 = u32::MAX;

/// A per-node subgraph entry read back.
#[inline]
fn subgraph(s: u32) -> Option<usize> {
    (s != NO_SUBGRAPH).then_some(s as usize)
}

impl Structure {
    /// Where linking subgraphs ran past the budget, if it did (the diagram's
    /// links are then empty).
    pub fn expansion_cut(&self) -> Option<ExpansionCut> {
        self.cut
    }

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
///
/// Linear in the diagram, and bounded: a subgraph's entries and exits are
/// worked out only when a link names it, from one mark per node (the
/// deepest subgraph an internal link reaching or leaving it lies in), and
/// every step of expansion is counted against [`expansion_budget`]. Past
/// the budget the links are left empty and [`Structure::expansion_cut`]
/// says where it ran out.
pub fn build(diagram: &Diagram, settings: &Settings, texts: &NodeTexts) -> (Structure, Vec<Link>) {
    let n = diagram.nodes.len();
    let ns = diagram.subgraphs.len();
    let by_id = first_index(diagram.nodes.iter().map(|node| node.id.as_str()));
    let sg_by_id = first_index(diagram.subgraphs.iter().map(|s| s.id.as_str()));

    let mut st = Structure {
        cluster_of: vec![NO_SUBGRAPH; n],
        parent_of: vec![NO_SUBGRAPH; n],
        leaves: Leaves::default(),
        soft_target: (0..texts.len())
            .map(|v| {
                let own = crate::analysis::kinds::has_own_label(&diagram.nodes[v]);
                settings.vocab.is_soft_target_with(&texts.get(v), own)
            })
            .collect(),
        cut: None,
    };
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
    let tree = Tree::new(diagram);
    st.leaves = tree.leaves(&st.parent_of);
    for (i, node) in diagram.nodes.iter().enumerate() {
        if let Some(&s) = sg_by_id.get(node.id.as_str()) {
            if !st.leaves[s].is_empty() {
                st.cluster_of[i] = index32(s);
            }
        }
    }

    let meanings: Vec<(LinkKind, Why)> = (0..diagram.edges.len())
        .map(|e| edge_meaning(diagram, e, settings, &st.soft_target))
        .collect();
    let mut budget = expansion_budget(n, diagram.edges.len());
    let mut ends = Ends::new(ns);
    let mut marks = Marks::new(n);
    // The subgraph an edge end sits in: a node's own, or the one around a
    // subgraph (a link from a subgraph is inside the subgraphs around it,
    // not inside itself).
    let end_in = |v: usize| match st.cluster_of(v) {
        Some(s) => subgraph(tree.parent[s]),
        None => st.parent_of(v),
    };
    // Internal links: those whose ends sit in one subgraph, with the
    // deepest subgraph holding both. Without subgraphs there are none (the
    // common case, kept cheap).
    let mut internal: Vec<(u32, u32)> = Vec::new();
    let edges_in_subgraphs = if ns == 0 { &[][..] } else { &diagram.edges[..] };
    for (e, edge) in edges_in_subgraphs.iter().enumerate() {
        if !matches!(meanings[e].0, LinkKind::Hard | LinkKind::Soft) {
            continue;
        }
        let (Some(a), Some(b)) = (end_in(edge.from()), end_in(edge.to())) else {
            continue;
        };
        let (common, steps) = tree.lowest_common(a, b);
        if !spend(&mut budget, steps) {
            st.cut = Some(ExpansionCut::at(e, diagram));
            return (st, Vec::new());
        }
        if let Some(c) = common {
            internal.push((tree.depth[c], index32(e)));
        }
    }
    // Deepest first: a link inside a subgraph may name an inner subgraph,
    // whose entries and exits depend only on the links deeper than this one.
    internal.sort_unstable_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
    for &(depth, e) in &internal {
        let e = e as usize;
        let edge = &diagram.edges[e];
        let (from, to) = (edge.from(), edge.to());
        let scanned = ends.prepare(&st, &tree, &marks, from, to);
        let (froms, tos) = (ends.get(&st, &from, false), ends.get(&st, &to, true));
        if !spend(&mut budget, scanned + (froms.len() + tos.len()) as u64) {
            st.cut = Some(ExpansionCut::at(e, diagram));
            return (st, Vec::new());
        }
        // A node is reached (left) by a link of the pair list when some
        // other node is at the far end: every pair but itself with itself.
        let mark = depth + 1;
        let both = edge.kind.is_double();
        let other_than = |list: &[usize], v: usize| list.len() > 1 || list.first() != Some(&v);
        for &b in tos {
            if other_than(froms, b) {
                raise(&mut marks.into[b], mark);
                if both {
                    raise(&mut marks.out_of[b], mark);
                }
            }
        }
        for &a in froms {
            if other_than(tos, a) {
                raise(&mut marks.out_of[a], mark);
                if both {
                    raise(&mut marks.into[a], mark);
                }
            }
        }
    }

    // Expanded links, the whole count paid for before any is made.
    let mut links = Vec::with_capacity(diagram.edges.len());
    for (e, edge) in diagram.edges.iter().enumerate() {
        let (kind, why) = meanings[e];
        let (from, to) = (edge.from(), edge.to());
        let scanned = ends.prepare(&st, &tree, &marks, from, to);
        let (froms, tos) = (ends.get(&st, &from, false), ends.get(&st, &to, true));
        let double = edge.kind.is_double() && kind != LinkKind::Ignored;
        let made = (froms.len() as u64) * (tos.len() as u64) * if double { 2 } else { 1 };
        if !spend(&mut budget, scanned + made.saturating_sub(1)) {
            st.cut = Some(ExpansionCut::at(e, diagram));
            return (st, Vec::new());
        }
        for &a in froms {
            for &b in tos {
                if a == b && kind != LinkKind::Ignored {
                    continue;
                }
                links.push(Link::new(a, b, e, kind, why));
                if double {
                    links.push(Link::new(b, a, e, kind, why));
                }
            }
        }
    }
    (st, links)
}

impl ExpansionCut {
    fn at(edge: usize, diagram: &Diagram) -> Self {
        ExpansionCut {
            edge,
            budget: expansion_budget(diagram.nodes.len(), diagram.edges.len()),
        }
    }
}

/// Take `cost` from the budget; false when it does not hold that much.
fn spend(budget: &mut u64, cost: u64) -> bool {
    match budget.checked_sub(cost) {
        Some(left) => {
            *budget = left;
            true
        }
        None => false,
    }
}

/// Keep the deepest mark.
fn raise(slot: &mut u32, mark: u32) {
    *slot = (*slot).max(mark);
}

/// The subgraphs as a forest: each one's parent and depth. A parent chain
/// that loops (a subgraph id reused so that two contain each other) is cut
/// where the loop is found, so every walk up ends.
struct Tree {
    parent: Vec<u32>,
    depth: Vec<u32>,
    /// Inner subgraphs of each, in index order.
    children: Rows,
}

impl Tree {
    fn new(diagram: &Diagram) -> Self {
        let ns = diagram.subgraphs.len();
        let mut parent: Vec<u32> = diagram
            .subgraphs
            .iter()
            .enumerate()
            .map(|(s, sg)| match sg.parent {
                Some(p) if p != s && p < ns => index32(p),
                _ => NO_SUBGRAPH,
            })
            .collect();
        let mut depth = vec![0u32; ns];
        // 0: not seen, 1: on the walk in hand, 2: depth known.
        let mut state = vec![0u8; ns];
        let mut path: Vec<usize> = Vec::new();
        for first in 0..ns {
            path.clear();
            let mut cur = Some(first);
            while let Some(s) = cur {
                if state[s] != 0 {
                    break;
                }
                state[s] = 1;
                path.push(s);
                cur = subgraph(parent[s]);
            }
            if cur.is_some_and(|s| state[s] == 1) {
                if let Some(&last) = path.last() {
                    parent[last] = NO_SUBGRAPH;
                }
            }
            for &s in path.iter().rev() {
                depth[s] = subgraph(parent[s]).map_or(0, |p| depth[p] + 1);
                state[s] = 2;
            }
        }
        let children = Rows::from_pairs(ns, || {
            parent
                .iter()
                .enumerate()
                .filter_map(|(s, &p)| subgraph(p).map(|p| (p, s)))
        });
        Tree {
            parent,
            depth,
            children,
        }
    }

    /// The plain nodes of each subgraph (`parent_of`: each node's own
    /// subgraph), laid out depth first so each subgraph is one range.
    fn leaves(&self, parent_of: &[u32]) -> Leaves {
        let ns = self.parent.len();
        let own = Rows::from_pairs(ns, || {
            parent_of
                .iter()
                .enumerate()
                .filter_map(|(v, &p)| subgraph(p).map(|p| (p, v)))
        });
        let mut items: Vec<usize> = Vec::with_capacity(own.iter().map(<[u32]>::len).sum());
        let mut range = vec![(0u32, 0u32); ns];
        // An explicit stack: nesting 100,000 deep must not overflow.
        let mut stack: Vec<(usize, usize)> = Vec::new();
        for root in (0..ns).filter(|&s| self.parent[s] == NO_SUBGRAPH) {
            let enter = |s: usize, items: &mut Vec<usize>, range: &mut [(u32, u32)]| {
                range[s].0 = index32(items.len());
                items.extend(own[s].iter().map(|&v| v as usize));
            };
            enter(root, &mut items, &mut range);
            stack.push((root, 0));
            while let Some(top) = stack.last_mut() {
                let (s, i) = *top;
                if let Some(&c) = self.children[s].get(i) {
                    top.1 += 1;
                    enter(c as usize, &mut items, &mut range);
                    stack.push((c as usize, 0));
                } else {
                    range[s].1 = index32(items.len());
                    stack.pop();
                }
            }
        }
        Leaves { items, range }
    }

    /// The deepest subgraph holding both `a` and `b`, if any, and how many
    /// steps up it took to find it.
    fn lowest_common(&self, mut a: usize, mut b: usize) -> (Option<usize>, u64) {
        let mut steps = 0u64;
        while self.depth[a] > self.depth[b] {
            a = self.parent[a] as usize;
            steps += 1;
        }
        while self.depth[b] > self.depth[a] {
            b = self.parent[b] as usize;
            steps += 1;
        }
        loop {
            if a == b {
                return (Some(a), steps);
            }
            match (subgraph(self.parent[a]), subgraph(self.parent[b])) {
                (Some(p), Some(q)) => (a, b) = (p, q),
                _ => return (None, steps),
            }
            steps += 2;
        }
    }
}

/// What the internal links say of each node, read for entries and exits.
struct Marks {
    /// For each node: 1 + the depth of the deepest subgraph an internal
    /// link reaching it lies in (0: none). The node is an entry of the
    /// subgraphs around it deeper than that.
    into: Vec<u32>,
    /// The same for links leaving the node (exits).
    out_of: Vec<u32>,
}

impl Marks {
    fn new(n: usize) -> Self {
        Marks {
            into: vec![0; n],
            out_of: vec![0; n],
        }
    }
}

/// The entries and exits of the subgraphs links name, worked out when
/// first needed.
struct Ends {
    entries: Vec<Option<Vec<usize>>>,
    exits: Vec<Option<Vec<usize>>>,
}

impl Ends {
    fn new(ns: usize) -> Self {
        Ends {
            entries: vec![None; ns],
            exits: vec![None; ns],
        }
    }

    /// Work out the exits `from` stands for and the entries `to` stands
    /// for, if not yet known; returns how many members were scanned.
    fn prepare(
        &mut self,
        st: &Structure,
        tree: &Tree,
        marks: &Marks,
        from: usize,
        to: usize,
    ) -> u64 {
        let mut scanned = 0;
        for (v, as_target) in [(from, false), (to, true)] {
            let Some(s) = st.cluster_of(v) else { continue };
            let (slot, marks) = if as_target {
                (&mut self.entries[s], &marks.into)
            } else {
                (&mut self.exits[s], &marks.out_of)
            };
            if slot.is_some() {
                continue;
            }
            let leaves = &st.leaves[s];
            scanned += leaves.len() as u64;
            let depth = tree.depth[s];
            let mut list: Vec<usize> = leaves
                .iter()
                .copied()
                .filter(|&v| marks[v] <= depth)
                .collect();
            // A subgraph drawn as a cycle has no entry: it is entered anywhere.
            if list.is_empty() {
                list = leaves.to_vec();
            }
            *slot = Some(list);
        }
        scanned
    }

    /// The plain nodes an edge end stands for (`n` itself unless it is a
    /// cluster, whose list [`Ends::prepare`] made).
    fn get<'a>(&'a self, st: &Structure, n: &'a usize, as_target: bool) -> &'a [usize] {
        let list = match st.cluster_of(*n) {
            Some(s) if as_target => self.entries[s].as_deref(),
            Some(s) => self.exits[s].as_deref(),
            None => None,
        };
        list.unwrap_or(std::slice::from_ref(n))
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
