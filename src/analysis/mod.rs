//! Turns a parsed diagram into reliability facts: kinds, dependency links,
//! redundancy groups, entries, failure propagation, locations, and whether the
//! diagram is an architecture at all. Owns the meaning of a diagram (SPEC.md);
//! builds no diagnostics (the rules do).

pub mod classify;
pub mod explain;
pub mod graph;
pub mod groups;
pub mod kinds;
pub mod propagate;
pub mod refine;
pub mod regions;
pub mod synthetic;
#[cfg(test)]
pub mod testutil;

pub use explain::explain;
pub use kinds::Kind;

use crate::config::Settings;
use crate::model::Diagram;
use crate::vocab::NodeTexts;
use graph::{Link, LinkKind, Rows, Structure, Why};
use groups::Groups;
use serde::Serialize;
use std::collections::HashSet;

/// At most this many names of entries and components in a blast radius.
pub const BLAST_NAMES: usize = 10;
// A finding counts its lists in bytes (`Spof`).
const _: () = assert!(BLAST_NAMES <= u8::MAX as usize);
/// At most this many classes searched for a blast radius's component list.
const BLAST_SEARCH: usize = 64;

/// What a node is in the analysis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// A consumer the system serves; never reported.
    Entry,
    /// A third-party system; never reported.
    External,
    /// Part of the system.
    Component,
    /// Stands for a subgraph (its id is the subgraph's id).
    Cluster,
    /// No hard links at all: not analysed.
    Unlinked,
}

/// Input the suppression comments give the analysis.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    /// Node ids declared redundant (`%% spoflint: redundant DB -- why`).
    pub redundant: HashSet<String>,
    /// `Some(true)` to analyse, `Some(false)` to skip, `None` to decide.
    pub analyse: Option<bool>,
}

/// One single point of failure. Small and with no list of its own: a big
/// diagram has a finding per node, and its lists sit in one list of the
/// analysis ([`Analysis::components`], [`Analysis::needed_by`]); a list per
/// finding was an allocation per node.
#[derive(Clone, Debug)]
pub struct Spof {
    /// The node.
    pub node: usize,
    /// Its kind.
    pub kind: Kind,
    /// Whether every entry fails with it (an error) or only some (a warning).
    pub every_entry: bool,
    /// Entries that fail, as bits over the analysis's first 64 entries
    /// (bit `i`: `Analysis::entries[i]`; at most [`BLAST_NAMES`] bits set;
    /// see `entries_failing` and [`Analysis::entries_of`]).
    pub entry_bits: u64,
    /// How many entries fail.
    pub entries_failing: usize,
    /// Why its evidence is thin, if it is (then it is reported only with
    /// `--min-confidence low`).
    pub thin: Option<Thin>,
    /// How many more components fail beyond `components`; `None` when the
    /// capped search did not finish (many more).
    pub components_more: Option<usize>,
    /// Where its components, then the edges that need it, start in
    /// `Analysis::spof_lists`.
    lists: u32,
    /// How many components (at most [`BLAST_NAMES`]).
    components_len: u8,
    /// How many edges (at most [`BLAST_NAMES`]).
    needed_by_len: u8,
}

/// Why a finding rests on thin evidence (SPEC §3, "Confidence"): such a
/// finding is reported only with `--min-confidence low`, and `dump
/// --analysis` shows it. Measured on the development fold (FOLDS.md), each
/// of these readings was wrong more often than right.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Thin {
    /// Its kind comes from its shape or its id, not from what its author
    /// called it: a cylinder says "data", not which store, and an id is a
    /// short guess.
    KindNotNamed,
    /// Storage (files, objects, images, volumes) is drawn as one box for
    /// what is, in most deployments, a managed or replicated service or a
    /// pod's own volume.
    Storage,
    /// No user drawn in the diagram fails with it: who stops is a guess
    /// (callers outside the diagram, or only inner boxes).
    NoDrawnUser,
}

impl Thin {
    /// The reason in words.
    pub fn as_str(self) -> &'static str {
        match self {
            Thin::KindNotNamed => "its kind comes from its shape or id, not its name",
            Thin::Storage => "storage is usually managed or replicated",
            Thin::NoDrawnUser => "no user drawn in the diagram fails with it",
        }
    }
}

/// What can fail: an entry node, the callers outside the diagram of a
/// component, a route through a router, or the processing behind a queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case", tag = "type", content = "node")]
pub enum EntryRef {
    /// An entry node.
    Node(usize),
    /// Callers outside the diagram of an infrastructure node with no incoming link.
    CallersOf(usize),
    /// The route through router `.0` to `.1`, one of several different
    /// services behind it (SPEC §1, "Routes and alternatives").
    Route(usize, usize),
    /// The processing of queue `.0` by its consumer `.1` (SPEC §3,
    /// "Functions behind queues and pipelines").
    Function(usize, usize),
}

impl EntryRef {
    /// Whether it stands for consumers (an entry node or outside callers),
    /// as opposed to a route or a function: "every entry fails" counts these.
    pub fn is_consumer(self) -> bool {
        matches!(self, EntryRef::Node(_) | EntryRef::CallersOf(_))
    }
}

/// A single location all components sit in.
#[derive(Clone, Debug, Serialize)]
pub struct SingleRegion {
    /// Index into the diagram's subgraphs.
    pub subgraph: usize,
    /// Whether every entry fails with it.
    pub every_entry: bool,
    /// How many components sit in it.
    pub components: usize,
}

/// Everything the rules need to know about one diagram.
#[derive(Clone, Debug, Default)]
pub struct Analysis {
    /// Whether the diagram was analysed for failure points.
    pub analysed: bool,
    /// Why (or why not).
    pub analysed_why: String,
    /// Kind of each node.
    pub kinds: Vec<kinds::KindOf>,
    /// Role of each node.
    pub roles: Vec<Role>,
    /// For each node: whether it sits only in process subgraphs (not reported).
    pub in_process: Vec<bool>,
    /// For each node: whether it is a part of one product or process drawn
    /// as a subgraph (`Kong Plugins`, `Auth Middleware`, `Keycloak`): it
    /// fails with its container and is not reported on its own.
    pub internal: Vec<bool>,
    /// Subgraph structure.
    pub structure: Structure,
    /// Expanded links.
    pub links: Vec<Link>,
    /// Redundancy groups.
    pub groups: Groups,
    /// Entries, in node order.
    pub entries: Vec<EntryRef>,
    /// Single points of failure, in node order.
    pub spofs: Vec<Spof>,
    /// The lists of every finding, one after the other (see [`Spof`]), as
    /// `u32`: half the memory of `usize` (10.5 MB at 100,000 nodes, grown
    /// by doubling), and a diagram held in memory has far fewer than 2^32
    /// nodes or edges.
    spof_lists: Vec<u32>,
    /// The single location, if the diagram has one.
    pub single_region: Option<SingleRegion>,
}

impl Analysis {
    /// Components (node indices) that fail with `s`, nearest first (at
    /// most [`BLAST_NAMES`]).
    pub fn components(&self, s: &Spof) -> &[u32] {
        let start = s.lists as usize;
        let end = start + usize::from(s.components_len);
        self.spof_lists.get(start..end).unwrap_or(&[])
    }

    /// Edges (indices into the diagram's edges) whose hard links need `s`.
    pub fn needed_by(&self, s: &Spof) -> &[u32] {
        let start = s.lists as usize + usize::from(s.components_len);
        let end = start + usize::from(s.needed_by_len);
        self.spof_lists.get(start..end).unwrap_or(&[])
    }

    /// Entries that fail with `s` (at most [`BLAST_NAMES`], in node order).
    /// Virtual callers appear as `callers of X` in names.
    pub fn entries_of<'s>(&'s self, s: &Spof) -> impl Iterator<Item = EntryRef> + 's {
        let bits = s.entry_bits;
        self.entries
            .iter()
            .take(64)
            .enumerate()
            .filter(move |&(i, _)| bits & (1u64 << i) != 0)
            .map(|(_, &e)| e)
    }
}

/// The diagram as the analysis reads it: a vertex that stands for an empty
/// subgraph (SPEC §1: "an empty subgraph stands for itself as one node")
/// takes the subgraph's title as its label and, if it was never drawn with a
/// shape, the subgraph header as its place. Borrowed when nothing changes.
pub fn normalise(diagram: &Diagram) -> std::borrow::Cow<'_, Diagram> {
    if diagram.subgraphs.iter().all(|s| !s.members.is_empty()) {
        return std::borrow::Cow::Borrowed(diagram);
    }
    // Vertices by id, looked up once per empty subgraph: a scan of the
    // nodes for each was quadratic (8 s for 60,000 empty subgraphs).
    let by_id: crate::vocab::FnvMap<&str, usize> = diagram
        .nodes
        .iter()
        .enumerate()
        .map(|(v, n)| (n.id.as_str(), v))
        .collect();
    let empty: Vec<(usize, usize)> = diagram
        .subgraphs
        .iter()
        .enumerate()
        .filter(|(_, s)| s.members.is_empty())
        .filter_map(|(i, s)| by_id.get(s.id.as_str()).map(|&v| (v, i)))
        .collect();
    if empty.is_empty() {
        return std::borrow::Cow::Borrowed(diagram);
    }
    let mut d = diagram.clone();
    for (v, s) in empty {
        let sg = &diagram.subgraphs[s];
        let node = &mut d.nodes[v];
        if node.label == node.id && !sg.title.is_empty() {
            node.label = sg.title.clone();
        }
        if node.shape.is_none() {
            node.defined_at = sg.span;
        }
    }
    std::borrow::Cow::Owned(d)
}

/// Analyse one diagram with no suppression comments applied.
pub fn analyse(diagram: &Diagram, settings: &Settings) -> Analysis {
    analyse_with(diagram, settings, &Overrides::default())
}

/// Why a soft link reaches its target only by observation, option or
/// asynchronous delivery (SPEC §7), as `graph::edge_meaning` and the queue
/// rule word it.
const OBSERVED_OR_OPTIONAL: [Why; 4] = [
    Why::LabelSaysObservation,
    Why::ToObserver,
    Why::Dotted,
    Why::QueueDelivery,
];

/// Analyse one diagram.
pub fn analyse_with(diagram: &Diagram, settings: &Settings, ov: &Overrides) -> Analysis {
    let vocab = &settings.vocab;
    let n = diagram.nodes.len();
    // Each node's words, tokenized once for every vocabulary test below.
    // Their vocabulary word ids too, looked up once for every phrase set.
    let texts = NodeTexts::in_vocab(&diagram.nodes, vocab);
    let mut kinds: Vec<kinds::KindOf> = diagram
        .nodes
        .iter()
        .enumerate()
        .map(|(v, node)| kinds::kind_of_with(node, &texts.get(v), vocab))
        .collect();
    let (structure, mut links) = graph::build(diagram, settings, &texts);
    kinds::apply_subgraph_titles(diagram, &structure, vocab, &mut kinds);
    let kind: Vec<Kind> = kinds.iter().map(|k| k.kind).collect();
    // Responses drawn back to actors do not make them components (SPEC §3).
    for l in &mut links {
        if l.kind == LinkKind::Hard && kind[l.to()] == Kind::Actor {
            l.kind = LinkKind::Soft;
            l.why = Why::ResponseToActor;
        }
    }
    // A queue delivers to its consumers asynchronously: a consumer that
    // fails leaves messages waiting, it does not fail the queue or the
    // producers behind it. (The consumer still needs the queue; that
    // dependency is drawn the other way, and its failure is the queue's.)
    for l in &mut links {
        if l.kind == LinkKind::Hard && kind[l.from()] == Kind::Queue && kind[l.to()] != Kind::Queue
        {
            l.kind = LinkKind::Soft;
            l.why = Why::QueueDelivery;
        }
    }
    // A database or cache makes no requests: a link drawn from one to a
    // box that is not a store or network under it is data read out of it
    // (CDC, export, a response, a consumer fed), and the store does not
    // stop when that box does. (A store drawn on the disk, store or network
    // it runs on still needs it; storage words also name active services,
    // `Container Registry`, so storage keeps its links.)
    for l in &mut links {
        if l.kind == LinkKind::Hard
            && matches!(kind[l.from()], Kind::Database | Kind::Cache)
            && !is_not_component_shape(diagram, l.from(), vocab)
            && !matches!(
                kind[l.to()],
                Kind::Database | Kind::Cache | Kind::Storage | Kind::Network
            )
        {
            l.kind = LinkKind::Soft;
            l.why = Why::FromStore;
        }
    }
    // Nodes only inside process subgraphs are steps, not dependencies (SPEC §3).
    let process: Vec<bool> = diagram
        .subgraphs
        .iter()
        .map(|sg| classify::is_process_subgraph(sg, vocab))
        .collect();
    let in_a_process = graph::within(diagram, &process);
    let in_process: Vec<bool> = (0..n)
        .map(|v| structure.parent_of(v).is_some_and(|s| in_a_process[s]))
        .collect();
    for l in &mut links {
        if l.kind == LinkKind::Hard && (in_process[l.from()] || in_process[l.to()]) {
            l.kind = LinkKind::Soft;
            l.why = Why::InsideProcess;
        }
    }
    // Parts of one product or process drawn as a subgraph (SPEC §7: not
    // components of their own). Decided once per subgraph.
    let part_container: Vec<bool> = diagram
        .subgraphs
        .iter()
        .map(|sg| classify::is_part_container(sg, vocab))
        .collect();
    let in_a_part = graph::within(diagram, &part_container);
    let internal: Vec<bool> = (0..n)
        .map(|v| {
            structure.cluster_of(v).is_none()
                && (structure.parent_of(v).is_some_and(|s| in_a_part[s])
                    || vocab.is_in_process_code_with(
                        &diagram.nodes[v].label,
                        texts.get(v).label_words(),
                    ))
        })
        .collect();
    // Files, URL paths and HTTP statuses are artefacts, not components.
    let artefact: Vec<bool> = diagram
        .nodes
        .iter()
        .enumerate()
        .map(|(v, node)| vocab.is_artefact_with(&node.label, texts.get(v).label_words()))
        .collect();
    let kind_seen: Vec<Kind> = kind
        .iter()
        .zip(&artefact)
        .map(|(&k, &art)| if art { Kind::Unknown } else { k })
        .collect();
    let named: Vec<bool> = kinds.iter().map(kinds::KindOf::is_named).collect();
    let some_kind: Vec<bool> = (0..n)
        .map(|v| !artefact[v] && kinds::has_some_kind(&diagram.nodes[v], &texts.get(v), vocab))
        .collect();
    let evidence = classify::Evidence {
        kinds: &kind_seen,
        named: &named,
        some_kind: &some_kind,
        artefact: &artefact,
    };
    let (analysed, analysed_why) = classify::decide(diagram, settings, &structure, &evidence, ov);
    let mut a = Analysis {
        analysed,
        analysed_why,
        kinds,
        roles: vec![Role::Unlinked; n],
        in_process,
        internal,
        structure,
        links,
        ..Analysis::default()
    };

    let mut hard_in = vec![0usize; n];
    let mut hard_out = vec![0usize; n];
    for l in &a.links {
        if l.kind == LinkKind::Hard {
            hard_out[l.from()] += 1;
            hard_in[l.to()] += 1;
        }
    }
    for v in 0..n {
        a.roles[v] = if a.structure.cluster_of(v).is_some() {
            Role::Cluster
        } else if hard_in[v] + hard_out[v] == 0 {
            Role::Unlinked
        } else if kind[v] == Kind::Actor
            || (hard_in[v] == 0 && matches!(kind[v], Kind::Unknown | Kind::External))
        {
            Role::Entry
        } else if kind[v] == Kind::External {
            Role::External
        } else {
            Role::Component
        };
    }
    a.groups = groups::compute(
        diagram,
        &texts,
        vocab,
        &a.structure,
        &kind,
        &a.links,
        &ov.redundant,
    );
    if !a.analysed {
        return a;
    }

    // Routes (SPEC §1): a router linking to two or more different groups
    // serves each request through one of them, so it needs each only for
    // that route. Its links to them carry no failure back to it; each gets
    // a route of its own below, which needs its target.
    let cls = &a.groups.class_of;
    let mut routes: Vec<(usize, usize)> = Vec::new();
    {
        let mut out_of: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, l) in a.links.iter().enumerate() {
            if l.kind == LinkKind::Hard
                && matches!(kind[l.from()], Kind::LoadBalancer | Kind::Gateway)
                && a.roles[l.from()] == Role::Component
                && cls[l.from()] != cls[l.to()]
                && a.roles[l.to()] == Role::Component
                && !artefact[l.to()]
                && !is_not_component_shape(diagram, l.to(), vocab)
            {
                out_of[l.from()].push(i);
            }
        }
        for links in out_of.iter().filter(|ls| ls.len() >= 2) {
            let mut targets: Vec<u32> = links.iter().map(|&i| cls[a.links[i].to()]).collect();
            targets.sort_unstable();
            targets.dedup();
            if targets.len() < 2 {
                continue;
            }
            for &i in links {
                let l = &mut a.links[i];
                l.kind = LinkKind::Soft;
                l.why = Why::Route;
                routes.push((l.from(), l.to()));
            }
        }
    }
    // The quotient graph: one vertex per group, the union of its needs.
    let ng = a.groups.members.len();
    let class_links = || {
        a.links
            .iter()
            .filter(|l| l.kind == LinkKind::Hard && cls[l.from()] != cls[l.to()])
            .map(|l| (cls[l.from()] as usize, cls[l.to()] as usize))
    };
    let mut has_pred = vec![false; ng];
    for (_, b) in class_links() {
        has_pred[b] = true;
    }
    // Entries: entry nodes; and when the diagram draws no consumer at all
    // (`API --> Queue`), the callers outside the diagram of each
    // infrastructure group nothing links to (SPEC §3). Where users are drawn,
    // an unfronted infrastructure node is a background worker, not a service
    // with invisible callers: inventing callers there made every pipeline's
    // first stage a finding (measured on the shared corpus).
    let mut entry_classes: Vec<usize> = Vec::new();
    let mut is_entry_class = vec![false; ng];
    for v in 0..n {
        if a.roles[v] == Role::Entry {
            a.entries.push(EntryRef::Node(v));
            entry_classes.push(cls[v] as usize);
            is_entry_class[cls[v] as usize] = true;
        }
    }
    let virtual_mode = a.entries.is_empty();
    // A node whose only incoming links are soft is reachable only through
    // soft links (SPEC §7): an observer's backend, an agent fed telemetry.
    // It serves no outside callers of its own.
    // (Links soft for other reasons say nothing of the target: a scrape
    // *from* Prometheus, a deploy step from CI, a response to a user.)
    let mut soft_in = vec![false; n];
    for l in &a.links {
        if l.kind == LinkKind::Soft && OBSERVED_OR_OPTIONAL.contains(&l.why) {
            soft_in[l.to()] = true;
        }
    }
    // Virtual vertices standing for the outside callers, numbered after the
    // groups: (vertex, the group it calls).
    let mut callers: Vec<(usize, usize)> = Vec::new();
    for g in 0..ng {
        let first = a.groups.members[g][0] as usize;
        if virtual_mode
            && !has_pred[g]
            && !is_entry_class[g]
            && a.groups.members[g]
                .iter()
                .any(|&v| a.roles[v as usize] == Role::Component && kind[v as usize].is_infra())
            && !a.groups.members[g]
                .iter()
                .any(|&v| a.structure.soft_target[v as usize] || soft_in[v as usize])
        {
            let id = ng + callers.len();
            callers.push((id, g));
            entry_classes.push(id);
            a.entries.push(EntryRef::CallersOf(first));
        }
    }
    // Routes and functions: a virtual vertex each, which needs its target
    // (a route: the service behind the router; a function: the consumer
    // behind the queue, SPEC §3). One per pair of groups.
    let mut seen_via: std::collections::HashSet<(u32, u32)> = Default::default();
    // (from, to, what it stands for): routes, then queue deliveries.
    let vias: Vec<(usize, usize, EntryRef)> = routes
        .iter()
        .map(|&(r, t)| (r, t, EntryRef::Route(r, t)))
        .chain(
            a.links
                .iter()
                .filter(|l| l.why == Why::QueueDelivery)
                .map(|l| (l.from(), l.to(), EntryRef::Function(l.from(), l.to()))),
        )
        .collect();
    let mut via_of: Vec<usize> = Vec::new();
    for (from, to, e) in vias {
        if a.roles[to] != Role::Component || !seen_via.insert((cls[from], cls[to])) {
            continue;
        }
        let id = ng + callers.len();
        callers.push((id, cls[to] as usize));
        entry_classes.push(id);
        via_of.push(cls[from] as usize);
        a.entries.push(e);
    }
    // Each row sorted, without repeats; a virtual vertex's number is above
    // every group's, so it comes last in its group's predecessors.
    let nv = ng + callers.len();
    let succ = Rows::sorted_from_pairs(nv, || class_links().chain(callers.iter().copied()));
    let pred = Rows::sorted_from_pairs(nv, || {
        class_links()
            .chain(callers.iter().copied())
            .map(|(x, y)| (y, x))
    });
    // The hard links into each node, in link order: `into[into_start[v]..
    // into_start[v + 1]]` (one array for all nodes, counted then filled).
    let mut into_start = vec![0usize; n + 1];
    for l in &a.links {
        if l.kind == LinkKind::Hard {
            into_start[l.to() + 1] += 1;
        }
    }
    for v in 0..n {
        into_start[v + 1] += into_start[v];
    }
    let mut into = vec![0usize; into_start[n]];
    let mut fill = into_start.clone();
    for (i, l) in a.links.iter().enumerate() {
        if l.kind == LinkKind::Hard {
            into[fill[l.to()]] = i;
            fill[l.to()] += 1;
        }
    }
    let reach = propagate::reach(&succ, &entry_classes);
    // "Every entry fails" counts consumers, not routes or functions.
    let consumer_classes: Vec<usize> = entry_classes
        .iter()
        .zip(&a.entries)
        .filter(|(_, e)| e.is_consumer())
        .map(|(&c, _)| c)
        .collect();
    let consumer_reach = (consumer_classes.len() < entry_classes.len())
        .then(|| propagate::reach(&succ, &consumer_classes));
    let consumers_failing = |g: usize| match &consumer_reach {
        Some(r) => r.count[g],
        None => reach.count[g],
    };
    // The users drawn (actor entries): who stops, when the drawing says;
    // a route or function counts when users reach its router or queue.
    let mut user_classes: Vec<usize> = a
        .entries
        .iter()
        .filter_map(|e| match e {
            EntryRef::Node(v) if kind[*v] == Kind::Actor => Some(cls[*v] as usize),
            _ => None,
        })
        .collect();
    let mut user_reach = propagate::reach(&succ, &user_classes);
    if !via_of.is_empty() {
        let first_via = entry_classes.len() - via_of.len();
        for (i, &from) in via_of.iter().enumerate() {
            if user_reach.count[from] > 0 {
                user_classes.push(entry_classes[first_via + i]);
            }
        }
        user_reach = propagate::reach(&succ, &user_classes);
    }
    let mut searcher = propagate::Searcher::new(succ.len());
    let total = consumer_classes.len();
    let mut entry_vertex = vec![false; succ.len()];
    for &e in &entry_classes {
        entry_vertex[e] = true;
    }

    // A finding's components and links, gathered before they are copied
    // into it at their final size.
    let mut components_buf: Vec<u32> = Vec::with_capacity(BLAST_NAMES);
    let mut needed_by_buf: Vec<u32> = Vec::with_capacity(BLAST_NAMES);
    let reported = |v: usize| {
        let g = cls[v] as usize;
        // A finding names the component's kind and its usual fix, so nodes
        // of unknown kind are not reported (they still fail with what they
        // need); on real docs they are mostly steps of a flow.
        a.roles[v] == Role::Component
            && kind[v].is_infra()
            && !a.in_process[v]
            && !a.internal[v]
            && !a.groups.is_redundant(g)
            && !is_not_component_shape(diagram, v, vocab)
            && !artefact[v]
            && reach.count[g] != 0
    };
    // Counted first, so the list is allocated once at its size (grown by
    // doubling it was up to twice its size, and copied at each step).
    let mut spofs: Vec<Spof> = Vec::with_capacity((0..n).filter(|&v| reported(v)).count());
    let mut spof_lists: Vec<u32> = Vec::new();
    for v in (0..n).filter(|&v| reported(v)) {
        let g = cls[v] as usize;
        let failing = reach.count[g];
        // The first entries that fail, as bits (no list of their own).
        let mut entry_bits = 0u64;
        let mut named = 0;
        for bit in 0..a.entries.len().min(64) {
            if reach.first_mask[g] & (1u64 << bit) != 0 && named < BLAST_NAMES {
                entry_bits |= 1u64 << bit;
                named += 1;
            }
        }
        let (comps, cut) =
            searcher.failing_with(&pred, g, BLAST_SEARCH, |x| entry_vertex[x] || x >= ng);
        let components = &mut components_buf;
        components.clear();
        let mut total_nodes = 0usize;
        for c in comps {
            for &m in &a.groups.members[c] {
                if a.roles[m as usize] == Role::Entry {
                    continue;
                }
                total_nodes += 1;
                if components.len() < BLAST_NAMES {
                    components.push(m);
                }
            }
        }
        let needed_by = &mut needed_by_buf;
        needed_by.clear();
        for &li in &into[into_start[v]..into_start[v + 1]] {
            let l = &a.links[li];
            let edge = index32(l.edge());
            if cls[l.from()] as usize != g
                && !needed_by.contains(&edge)
                && needed_by.len() < BLAST_NAMES
            {
                needed_by.push(edge);
            }
        }
        // Both lists at the end of the analysis's one list.
        let lists = index32(spof_lists.len());
        spof_lists.extend_from_slice(components);
        spof_lists.extend_from_slice(needed_by);
        let thin = if !a.kinds[v].is_named() {
            Some(Thin::KindNotNamed)
        } else if kind[v] == Kind::Storage {
            Some(Thin::Storage)
        } else if user_reach.count[g] == 0 {
            Some(Thin::NoDrawnUser)
        } else {
            None
        };
        spofs.push(Spof {
            node: v,
            kind: kind[v],
            thin,
            every_entry: total > 0 && consumers_failing(g) == total,
            entry_bits,
            entries_failing: failing,
            components_more: (!cut).then(|| total_nodes.saturating_sub(BLAST_NAMES)),
            lists,
            // Both at most `BLAST_NAMES`.
            components_len: u8::try_from(components.len()).unwrap_or(u8::MAX),
            needed_by_len: u8::try_from(needed_by.len()).unwrap_or(u8::MAX),
        });
    }
    a.spofs = spofs;
    a.spof_lists = spof_lists;
    a.single_region = regions::single_region(diagram, vocab, &a, &pred, &consumer_classes, total);
    a
}

/// Whether the node's shape draws control flow or an annotation (never a component).
pub fn is_not_component_shape(diagram: &Diagram, v: usize, vocab: &crate::vocab::Vocab) -> bool {
    diagram.nodes[v]
        .shape
        .as_deref()
        .is_some_and(|s| vocab.file.shapes.not_components.iter().any(|x| x == s))
}

/// A node, edge or list index as `u32` (see `Analysis::spof_lists`, `graph::Link`):
/// saturated, never wrapped, past 2^32 (no diagram held in memory gets
/// there).
fn index32(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// How a node is named in messages: its name (the label's first line
/// with words, as a reader sees it), at most [`NAME_CHARS`] characters.
pub fn display_name(diagram: &Diagram, v: usize) -> String {
    let s = crate::vocab::clean_text(kinds::name_of(&diagram.nodes[v].label));
    let s = s.trim();
    if s.is_empty() {
        return diagram.nodes[v].id.clone();
    }
    match s.char_indices().nth(NAME_CHARS) {
        Some((cut, _)) => format!("{}…", s[..cut].trim_end()),
        None => s.to_string(),
    }
}

/// At most this many characters of a name in messages.
pub const NAME_CHARS: usize = 60;

/// Display names of a diagram's nodes, each computed once when first asked:
/// a finding names up to 20 nodes and neighbouring findings name the same
/// ones, so building messages for many findings would clean the same labels
/// again and again. Names are shared (`Arc<str>`): a finding's blast radius
/// holds them without copying each one.
#[derive(Debug)]
pub struct Names<'a> {
    diagram: &'a Diagram,
    cache: Vec<Option<std::sync::Arc<str>>>,
}

impl<'a> Names<'a> {
    /// An empty cache for `diagram`.
    pub fn new(diagram: &'a Diagram) -> Self {
        Names {
            diagram,
            cache: vec![None; diagram.nodes.len()],
        }
    }

    /// [`display_name`] of node `v`.
    pub fn get(&mut self, v: usize) -> &std::sync::Arc<str> {
        let diagram = self.diagram;
        self.cache[v].get_or_insert_with(|| display_name(diagram, v).into())
    }

    /// Make sure the names of `nodes` are computed, so [`Names::known`] can
    /// lend several at once.
    pub fn prepare(&mut self, nodes: impl IntoIterator<Item = usize>) {
        for v in nodes {
            self.get(v);
        }
    }

    /// The name of a node [`Names::prepare`]d before (its id otherwise).
    pub fn known(&self, v: usize) -> &str {
        self.cache[v]
            .as_deref()
            .unwrap_or(self.diagram.nodes[v].id.as_str())
    }

    /// [`entry_name`] of entry `e`.
    pub fn entry(&mut self, e: EntryRef) -> std::sync::Arc<str> {
        match e {
            EntryRef::Node(v) => self.get(v).clone(),
            EntryRef::CallersOf(v) => format!("callers of {}", self.get(v)).into(),
            EntryRef::Route(r, t) => {
                let r = self.get(r).clone();
                format!("the route through \"{r}\" to \"{}\"", self.get(t)).into()
            }
            EntryRef::Function(q, _) => format!("processing of \"{}\"", self.get(q)).into(),
        }
    }
}

/// How an entry is named in messages.
pub fn entry_name(diagram: &Diagram, e: EntryRef) -> String {
    match e {
        EntryRef::Node(v) => display_name(diagram, v),
        EntryRef::CallersOf(v) => format!("callers of {}", display_name(diagram, v)),
        EntryRef::Route(r, t) => format!(
            "the route through \"{}\" to \"{}\"",
            display_name(diagram, r),
            display_name(diagram, t)
        ),
        EntryRef::Function(q, _) => format!("processing of \"{}\"", display_name(diagram, q)),
    }
}

#[cfg(test)]
mod scale_tests {
    use super::*;

    fn shape(n: usize, unique: bool) -> (usize, usize, usize) {
        let d = synthetic::layered(n, 1_000.min(n / 4), unique);
        let a = analyse(&d, &Settings::default());
        let longest_message = crate::rules::single_point_of_failure::check(&d, &a)
            .iter()
            .map(|f| f.message.len() + f.labels.len())
            .max()
            .unwrap_or(0);
        (a.spofs.len(), a.groups.members.len(), longest_message)
    }

    #[test]
    fn hundred_thousand_nodes_give_a_linear_shaped_result() {
        // Every generated component has its own neighbourhood, so refinement
        // must split every twin candidate and every one is a finding; the
        // output per finding stays bounded (capped blast radius), so the
        // total output grows linearly with the diagram.
        let (f10k, g10k, m10k) = shape(10_000, true);
        let (f100k, g100k, m100k) = shape(100_000, true);
        assert_eq!(f10k, 10_000);
        assert_eq!(f100k, 100_000);
        assert_eq!(g100k, 100_000 + synthetic::ENTRIES);
        assert_eq!(g10k, 10_000 + synthetic::ENTRIES);
        // At most `MESSAGE_NAMES` names of at most `NAME_CHARS` characters.
        assert!(
            m100k <= 500 && m10k <= 500,
            "messages stay short: {m10k} {m100k}"
        );
    }

    #[test]
    fn regional_architecture_has_its_groups_regions_and_soft_links() {
        // Per 10 components: a role pair and a replicated pair (two groups
        // of two), one `ha` node; the other five are single points of
        // failure. Many zones and regions: no single location.
        let n = 20_000;
        let d = synthetic::regional(n, 1_000);
        let a = analyse(&d, &Settings::default());
        let zones = n / synthetic::ZONE;
        assert_eq!(d.subgraphs.len(), zones + zones / 2);
        assert_eq!(
            a.groups.members.len(),
            synthetic::ENTRIES + n - 2 * (n / 10) + zones
        );
        assert_eq!(a.spofs.len(), n / 2);
        assert!(a.single_region.is_none());
        // The metrics links (routes through the generated load balancers
        // are soft too, for another reason).
        let soft = a
            .links
            .iter()
            .filter(|l| l.kind == graph::LinkKind::Soft && l.why != Why::Route)
            .count();
        assert_eq!(soft, n.div_ceil(3));
        // One zone alone is a single location.
        let one = synthetic::regional(synthetic::ZONE, 50);
        let a = analyse(&one, &Settings::default());
        assert_eq!(a.single_region.map(|r| r.subgraph), Some(0));
    }

    #[test]
    fn periodic_stacks_collapse_into_twin_groups_at_scale() {
        // With numbered labels every component of a layer is a twin
        // candidate; the layers are periodic modulo the 10 user groups, so
        // refinement must end with exactly 10 groups per layer (the coarsest
        // stable partition), and nothing is a single point of failure.
        let (f, g, _) = shape(20_000, false);
        assert_eq!(f, 0);
        assert_eq!(g, synthetic::ENTRIES + 10 * 20);
    }
}

#[cfg(test)]
mod depth_tests {
    use super::*;

    #[test]
    fn deep_nesting_stays_linear_in_depth() {
        // 3,000 nested subgraphs around one database: ancestors, leaves and
        // process/location checks walk the chain once per node, not once per
        // level per level.
        let depth = 3_000;
        let mut src = String::from("flowchart LR\n  Users --> App[App Server]\n");
        for i in 0..depth {
            src.push_str(&format!("subgraph s{i} [Layer {i}]\n"));
        }
        src.push_str("App --> DB[(Database)]\n");
        for _ in 0..depth {
            src.push_str("end\n");
        }
        let d = testutil::diagram(&src);
        assert_eq!(d.subgraphs.len(), depth);
        let a = analyse(&d, &Settings::default());
        let ids: Vec<&str> = a
            .spofs
            .iter()
            .map(|s| d.nodes[s.node].id.as_str())
            .collect();
        assert_eq!(ids, ["App", "DB"]);
    }
}
