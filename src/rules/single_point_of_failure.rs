//! The `single-point-of-failure` rule: a component that is alone in its
//! redundancy group and takes entries down with it.

use crate::analysis::{Analysis, EntryRef, Kind, Names, Spof, BLAST_NAMES};
use crate::cli::Confidence;
use crate::diagnostic::{BlastRadius, Diagnostic, Help, Label, Message, NameList, Parts, Severity};
use crate::model::Diagram;
use crate::rules::RuleMeta;
use std::borrow::Cow;
use std::fmt::Write as _;
use std::sync::Arc;

#[doc = include_str!("single_point_of_failure.md")]
pub static META: RuleMeta = RuleMeta {
    name: "single-point-of-failure",
    code: "SPOF001",
    default_severity: Severity::Error,
    summary: "a component whose failure alone takes users down",
    docs: include_str!("single_point_of_failure.md"),
};

/// How people usually remove a single point of failure of this kind, and
/// how to say it is redundant already: fixed words around the node's id.
pub fn help(kind: Kind, id: Arc<str>) -> Help {
    /// A fix, then the words before the id, as one static text; then the
    /// words after it.
    macro_rules! fix {
        ($fix:literal) => {
            &[
                concat!(
                    $fix,
                    "; if it is redundant already, draw it so or say `%% spoflint: redundant "
                ),
                " -- why`",
            ]
        };
    }
    let fix = match kind {
        Kind::Database => fix!("add a replica or standby database with automatic failover"),
        Kind::Cache => fix!("run the cache replicated with failover (a primary with replicas and a sentinel, or a cluster)"),
        Kind::Queue => fix!("use a clustered queue: several brokers with replicated queues or partitions"),
        Kind::LoadBalancer => fix!("add a second load balancer: an active/passive pair with a floating IP, or DNS failover across both"),
        Kind::Gateway => fix!("run the gateway as several instances behind a load balancer, or use a managed, replicated one with DNS failover"),
        Kind::Network => fix!("add a redundant path: a second device or link in an active/passive pair"),
        Kind::Secrets => fix!("replicate the secrets / credentials store (an HA cluster or a managed, replicated service)"),
        Kind::Storage => fix!("use replicated storage (replicated volumes or managed object storage)"),
        Kind::Server | Kind::Unknown | Kind::Actor | Kind::External => {
            fix!("run another instance behind a load balancer")
        }
    };
    Help::around(fix, id)
}

/// One finding per single point of failure. One whose evidence is thin
/// ([`Spof::thin`]) is marked [`Diagnostic::low_confidence`] and says so in
/// its message; [`keep`] decides whether it is reported.
pub fn check(diagram: &Diagram, a: &Analysis) -> Vec<Diagnostic> {
    let mut names = Names::new(diagram);
    let table = Table::of(a, &mut names, diagram.nodes.len());
    let mut scratch = Scratch::default();
    a.spofs
        .iter()
        .map(|s| {
            let mut d = diagnostic(diagram, a, s, &mut names, &table, &mut scratch);
            d.low_confidence = s.thin.is_some();
            d
        })
        .collect()
}

/// Whether a finding is reported at confidence `min` (the one place this is
/// decided): a low-confidence one only with `--min-confidence low`.
pub fn keep(d: &Diagnostic, min: Confidence) -> bool {
    !d.low_confidence || min == Confidence::Low
}

/// Every name the diagram's findings list, once, shared by all of them:
/// a finding's list is then indices into it (see [`NameList`]).
struct Table {
    names: Arc<Vec<Arc<str>>>,
    /// Where each node's name sits in `names`, if listed.
    node: Vec<u32>,
    /// Where "callers of" each node sits in `names`, if listed.
    callers: Vec<u32>,
    /// Where each route and function sits in `names`.
    other: std::collections::HashMap<EntryRef, u32>,
}

/// Not in the table.
const UNLISTED: u32 = u32::MAX;

impl Table {
    /// The names the findings of `a` list, in the order first listed.
    fn of(a: &Analysis, names: &mut Names<'_>, nodes: usize) -> Self {
        let mut listed: Vec<Arc<str>> = Vec::new();
        let mut node = vec![UNLISTED; nodes];
        let mut callers = vec![UNLISTED; nodes];
        let mut other = std::collections::HashMap::new();
        let mut add = |slot: &mut u32, name: &mut dyn FnMut() -> Arc<str>| {
            if *slot == UNLISTED {
                if let Ok(at) = u32::try_from(listed.len()) {
                    *slot = at;
                    listed.push(name());
                }
            }
        };
        for s in &a.spofs {
            for e in a.entries_of(s) {
                match e {
                    EntryRef::Node(v) => add(&mut node[v], &mut || names.get(v).clone()),
                    EntryRef::CallersOf(v) => add(&mut callers[v], &mut || names.entry(e)),
                    EntryRef::Route(..) | EntryRef::Function(..) => {
                        add(other.entry(e).or_insert(UNLISTED), &mut || names.entry(e))
                    }
                }
            }
            for &v in a.components(s) {
                let v = v as usize;
                add(&mut node[v], &mut || names.get(v).clone());
            }
        }
        Table {
            names: Arc::new(listed),
            node,
            callers,
            other,
        }
    }

    /// Where entry `e` sits in the table.
    fn entry(&self, e: EntryRef) -> u32 {
        match e {
            EntryRef::Node(v) => self.node[v],
            EntryRef::CallersOf(v) => self.callers[v],
            EntryRef::Route(..) | EntryRef::Function(..) => {
                self.other.get(&e).copied().unwrap_or(UNLISTED)
            }
        }
    }
}

/// Buffers kept from one finding to the next (emptied): a big diagram has
/// a finding per node.
#[derive(Debug, Default)]
struct Scratch {
    /// The blast radius being gathered: entries, then components.
    radius: Vec<u32>,
    /// Nodes named as entries.
    named_nodes: Vec<usize>,
}

fn diagnostic(
    diagram: &Diagram,
    a: &Analysis,
    s: &Spof,
    names: &mut Names<'_>,
    table: &Table,
    scratch: &mut Scratch,
) -> Diagnostic {
    let node = &diagram.nodes[s.node];
    // One list, entries then components, shared by the blast radius and
    // the message.
    let radius = &mut scratch.radius;
    radius.clear();
    radius.extend(a.entries_of(s).map(|e| table.entry(e)));
    let entries = radius.len();
    radius.extend(a.components(s).iter().map(|&v| table.node[v as usize]));
    let shared = NameList::picked(table.names.clone(), radius);
    let (facts, count) = facts_of(a, s, &mut scratch.named_nodes);
    let message = Message::lazy(Parts {
        name: names.get(s.node).clone(),
        names: shared.clone(),
        facts,
        count,
        write: write_message,
    });
    let severity = if s.every_entry {
        Severity::Error
    } else {
        Severity::Warning
    };
    // The id once, shared by the finding's node and its help.
    let id: Arc<str> = node.id.as_str().into();
    let mut d = Diagnostic::new(META.name, META.code, severity, node.defined_at, message)
        .with_help(help(s.kind, id.clone()));
    d.node = Some(id);
    d.labels = a
        .needed_by(s)
        .iter()
        .map(|&e| {
            // The shared name and fixed words: no text of its own to build.
            let edge = &diagram.edges[e as usize];
            let from = names.get(edge.from()).clone();
            Label::named(edge.span, &["", " needs it here"], from)
        })
        .collect();
    d.blast_radius = Some(BlastRadius::shared(shared, entries));
    d
}

// The facts keep a bit per listed entry and per listed component.
const _: () = assert!(BLAST_NAMES <= 16);

/// What [`write_message`] needs beyond the names, packed in a message's
/// facts (bits): 0-7 how many of the names are entries; 8 every entry
/// fails; 9 many more (the capped search did not finish); 10-14 the kind;
/// 15 its evidence is thin; 16-31 entries that are callers of another node; 32-47 entries that are
/// the node's own callers; 48-63 components left out (named as entries).
/// The message's count is the entries failing when nothing is named, else
/// how many were never listed.
struct Facts(u64);

impl Facts {
    fn entries(&self) -> usize {
        (self.0 & 0xff) as usize
    }
    fn every_entry(&self) -> bool {
        self.0 & (1 << 8) != 0
    }
    fn many_more(&self) -> bool {
        self.0 & (1 << 9) != 0
    }
    /// Kept as its place in [`Kind::ALL_KNOWN`]; past it, `Unknown`.
    fn kind(&self) -> Kind {
        Kind::ALL_KNOWN
            .get(((self.0 >> 10) & 0x1f) as usize)
            .copied()
            .unwrap_or(Kind::Unknown)
    }
    fn callers_of_other(&self, i: usize) -> bool {
        self.0 & (1 << (16 + i)) != 0
    }
    fn own_callers(&self, i: usize) -> bool {
        self.0 & (1 << (32 + i)) != 0
    }
    fn left_out(&self, j: usize) -> bool {
        self.0 & (1 << (48 + j)) != 0
    }
    fn thin(&self) -> bool {
        self.0 & (1 << 15) != 0
    }
}

/// The facts and count of finding `s`'s message (see [`Facts`]).
fn facts_of(a: &Analysis, s: &Spof, named_nodes: &mut Vec<usize>) -> (u64, usize) {
    let mut facts = 0u64;
    named_nodes.clear();
    let mut entries = 0usize;
    for (i, e) in a.entries_of(s).enumerate() {
        entries += 1;
        match e {
            EntryRef::CallersOf(v) if v == s.node => facts |= 1 << (32 + i),
            EntryRef::CallersOf(v) => {
                facts |= 1 << (16 + i);
                named_nodes.push(v);
            }
            EntryRef::Node(v) => named_nodes.push(v),
            EntryRef::Route(..) | EntryRef::Function(..) => {}
        }
    }
    for (j, &v) in a.components(s).iter().enumerate() {
        if named_nodes.contains(&(v as usize)) {
            facts |= 1 << (48 + j);
        }
    }
    facts |= entries as u64;
    if s.every_entry {
        facts |= 1 << 8;
    }
    if s.components_more.is_none() {
        facts |= 1 << 9;
    }
    let kind = Kind::ALL_KNOWN
        .iter()
        .position(|&k| k == s.kind)
        .unwrap_or(Kind::ALL_KNOWN.len());
    facts |= (kind as u64) << 10;
    if s.thin.is_some() {
        facts |= 1 << 15;
    }
    let comps = a.components(s).len();
    let count = if entries == 0 && comps == 0 {
        s.entries_failing
    } else {
        let known_total = s.entries_failing + comps + s.components_more.unwrap_or(0);
        known_total.saturating_sub(entries + comps)
    };
    (facts, count)
}

/// The message of a finding, from the parts [`diagnostic`] keeps: its
/// node, kind, then what fails with it: entries first, then components
/// nearest first, each named once, at most [`BLAST_NAMES`] names and "and N
/// more". Callers outside the diagram are named through the node they
/// call: "its callers outside the diagram" for the finding's own node,
/// "App (and its callers)" for another.
fn write_message(p: &Parts, who: &mut String) {
    let f = Facts(p.facts);
    who.push('"');
    who.push_str(&p.name);
    who.push_str("\" (");
    who.push_str(f.kind().as_str());
    who.push_str(") is a single point of failure");
    if !f.every_entry() {
        who.push_str(" for some entries");
    }
    who.push_str("; what fails with it: ");
    let (entries, components) = p.names.split_at(f.entries());
    let mut names: Vec<Cow<'_, str>> = Vec::with_capacity(p.names.len());
    for (i, n) in entries.iter().enumerate() {
        let name: Cow<'_, str> = if f.own_callers(i) {
            "its callers outside the diagram".into()
        } else if f.callers_of_other(i) {
            // The blast radius names it "callers of App".
            let node = n.strip_prefix("callers of ").unwrap_or(n);
            format!("\"{node}\" (and its callers)").into()
        } else if n.starts_with("the route through ") || n.starts_with("processing of ") {
            // Worded with its own quotes (`Names::entry`).
            (**n).into()
        } else {
            format!("\"{n}\"").into()
        };
        if !names.contains(&name) {
            names.push(name);
        }
    }
    for (j, n) in components.iter().enumerate() {
        if f.left_out(j) {
            continue;
        }
        let quoted = format!("\"{n}\"");
        if !names.iter().any(|x| **x == *quoted) {
            names.push(quoted.into());
        }
    }
    let shown = names.len().min(MESSAGE_NAMES);
    // Names merged above are not "more": count only what was never listed.
    let rest = p.count + (names.len() - shown);
    if names.is_empty() {
        let _ = write!(who, "{} entries", p.count);
    }
    for (i, name) in names[..shown].iter().enumerate() {
        if i > 0 {
            who.push_str(", ");
        }
        who.push_str(name);
    }
    if f.many_more() {
        who.push_str(" and many more");
    } else if rest > 0 && !names.is_empty() {
        let _ = write!(who, " and {rest} more");
    }
    if f.thin() {
        who.push_str(" (low confidence: `spoflint dump --analysis` says why)");
    }
}

/// At most this many names in a message (the blast radius lists up to
/// [`BLAST_NAMES`]): a message is read in one glance.
const MESSAGE_NAMES: usize = 5;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testutil::{diagram, spofs, spofs_with};
    use crate::cli::Confidence;
    use crate::config::Settings;

    /// Every finding, whatever its confidence (see `spofs`).
    fn run(src: &str) -> Vec<Diagnostic> {
        let settings = Settings {
            min_confidence: Confidence::Low,
            ..Settings::default()
        };
        crate::rules::check_diagram(&diagram(src), &settings)
    }

    /// The findings reported by default.
    fn by_default(src: &str) -> Vec<String> {
        crate::rules::check_diagram(&diagram(src), &Settings::default())
            .iter()
            .filter_map(|d| d.node.as_deref().map(str::to_string))
            .collect()
    }

    #[test]
    fn an_id_that_names_a_managed_service_does_not_hide_a_labelled_box() {
        // Before, `S3` on a box labelled "Load balancer 3" was taken for
        // Amazon S3 (redundant inside) and its finding dropped without a word.
        let src = "flowchart LR\n  Users --> S3[Load balancer 3] --> App[App Servers x3] --> DB[(Orders DB HA)]\n";
        assert_eq!(spofs(src), ["S3:error"]);
        // With no label of its own, the id names the box.
        let bare = "flowchart LR\n  Users --> App[App Server] --> S3\n  App --> DB[(Orders DB)]\n";
        assert_eq!(spofs(bare), ["App:error", "DB:error"]);
    }

    #[test]
    fn thin_evidence_is_reported_only_at_low_confidence() {
        // No user drawn: who stops is a guess.
        let no_users = "flowchart LR\n  API[API Server] --> Q[Queue]\n  API --> C[(Order Cache)]\n";
        assert_eq!(by_default(no_users), Vec::<String>::new());
        assert_eq!(spofs(no_users), ["API:error", "Q:error", "C:error"]);
        // A kind from the shape alone: a cylinder says "data", not which store.
        let shape =
            "flowchart LR\n  Users --> S[Web Server] --> O[(Orders)]\n  S --> DB[(Database)]\n";
        assert_eq!(by_default(shape), ["S", "DB"]);
        assert_eq!(spofs(shape), ["S:error", "O:error", "DB:error"]);
        // Storage is usually managed or replicated.
        let storage =
            "flowchart LR\n  Users --> S[Web Server] --> F[File Storage]\n  S --> DB[(Database)]\n";
        assert_eq!(by_default(storage), ["S", "DB"]);
        // Shown at low confidence, the message says so.
        let low = run(storage);
        assert!(
            low[1]
                .message
                .ends_with("(low confidence: `spoflint dump --analysis` says why)"),
            "{}",
            low[1].message
        );
    }

    // ---- The article's three diagrams (SPEC, first table) ----

    #[test]
    fn article_one_server_one_database() {
        let src = "flowchart LR\n    Users --> Server\n    Server --> Database\n";
        assert_eq!(spofs(src), ["Server:error", "Database:error"]);
    }

    #[test]
    fn article_bigger_box_is_still_one_box() {
        let src = "flowchart LR\n    Users --> BigServer[Very Powerful Server]\n    BigServer --> Database\n";
        assert_eq!(spofs(src), ["BigServer:error", "Database:error"]);
    }

    #[test]
    fn article_load_balanced_servers_back_each_other_up() {
        let src = "flowchart LR\n    Users --> LB[Load Balancer]\n    LB --> S1[Server 1]\n    LB --> S2[Server 2]\n    S1 --> DB[(Database)]\n    S2 --> DB\n";
        assert_eq!(spofs(src), ["LB:error", "DB:error"]);
    }

    #[test]
    fn finding_names_kind_blast_radius_links_and_fix() {
        let src = "flowchart LR\n    Users --> Server\n    Server --> DB[(Database)]\n";
        let d = run(src);
        let db = d.iter().find(|f| f.node.as_deref() == Some("DB")).unwrap();
        assert_eq!(
            db.message,
            "\"Database\" (database) is a single point of failure; what fails with it: \"Users\", \"Server\""
        );
        assert_eq!(&src[db.span.start..db.span.end], "DB[(Database)]");
        assert_eq!(db.labels.len(), 1);
        assert_eq!(&src[db.labels[0].span.start..db.labels[0].span.end], "-->");
        assert!(db.labels[0].message().contains("Server"));
        assert!(db.help.as_ref().unwrap().text().contains("standby"));
        let br = db.blast_radius.as_ref().unwrap();
        assert_eq!(br.entries(), ["Users".into()]);
        assert_eq!(br.components(), ["Server".into()]);
        assert_eq!(db.code, "SPOF001");
    }

    #[test]
    fn help_is_kind_specific() {
        assert!(help(Kind::LoadBalancer, "LB".into())
            .text()
            .contains("floating IP"));
        assert!(help(Kind::LoadBalancer, "LB".into())
            .text()
            .contains("DNS failover"));
        assert!(help(Kind::Queue, "Q".into())
            .text()
            .contains("clustered queue"));
        assert!(help(Kind::Secrets, "V".into()).text().contains("replicate"));
        assert!(help(Kind::Server, "S".into())
            .text()
            .contains("another instance behind a load balancer"));
        assert!(help(Kind::Database, "D".into()).text().contains("standby"));
    }

    // ---- SPEC §1: links ----

    #[test]
    fn open_links_need_in_declaration_order() {
        let src = "flowchart LR\n  Users --- App[App Server] --- DB[(Database)]\n";
        assert_eq!(spofs(src), ["App:error", "DB:error"]);
    }

    #[test]
    fn circle_and_cross_heads_are_arrows_too() {
        let src =
            "flowchart LR\n  Users --o App[App Server] --x DB[(Database)]\n  App ==> C[Cache]\n";
        assert_eq!(spofs(src), ["App:error", "DB:error", "C:error"]);
    }

    #[test]
    fn invalid_edge_type_reads_left_to_right() {
        // Mermaid stores `x-- t -->` as INVALID; it still draws u before v.
        let mut d = diagram("flowchart LR\n  Users --> App[App Server] --> DB[(Database)]\n");
        d.edges[1].kind = crate::model::EdgeType::Invalid;
        d.edges[1].stroke = crate::model::Stroke::Invalid;
        let f = crate::rules::check_diagram(&d, &Settings::default());
        let ids: Vec<&str> = f.iter().filter_map(|x| x.node.as_deref()).collect();
        assert_eq!(ids, ["App", "DB"]);
    }

    #[test]
    fn both_ended_links_need_both_ways() {
        // With `<-->` the server needs the database: every entry fails with it.
        let both = "flowchart LR\n  Users --> LB[Load Balancer]:::ha --> S[Server]:::ha\n  S <--> DB[(Database)]\n";
        assert_eq!(spofs(both), ["DB:error"]);
        // Drawn the other way round nothing the users need needs the database.
        let reversed = "flowchart LR\n  Users --> LB[Load Balancer]:::ha --> S[Server]:::ha\n  DB[(Database)] --> S\n";
        assert_eq!(spofs(reversed), Vec::<String>::new());
    }

    #[test]
    fn dotted_links_are_soft_unless_configured_or_labelled() {
        let src = "flowchart LR\n  Users --> App[App Server]\n  App -.-> DB[(Database)]\n";
        assert_eq!(spofs(src), ["App:error"]);
        let hard = Settings {
            dotted_links_hard: true,
            ..Settings::default()
        };
        assert_eq!(spofs_with(src, &hard), ["App:error", "DB:error"]);
        let labelled =
            "flowchart LR\n  Users --> App[App Server]\n  App -. reads .-> DB[(Database)]\n";
        assert_eq!(spofs(labelled), ["App:error", "DB:error"]);
    }

    #[test]
    fn observation_labels_make_solid_links_soft() {
        let src = "flowchart LR\n  Users --> App[App Server]\n  App -- metrics --> M[(Metrics DB)]\n  App -->|traces| T[(Trace Store DB)]\n";
        assert_eq!(spofs(src), ["App:error"]);
    }

    #[test]
    fn invisible_links_are_ignored() {
        let src = "flowchart LR\n  Users --> App[App Server]\n  App ~~~ DB[(Database)]\n";
        assert_eq!(spofs(src), ["App:error"]);
    }

    #[test]
    fn replication_links_are_redundancy_not_dependency() {
        let src = "flowchart LR\n  Users --> App[App Server]:::ha\n  App --> DB1[(Orders DB)]\n  DB1 -. replication .-> DB2[(Orders DB copy)]\n";
        assert_eq!(spofs(src), Vec::<String>::new());
        // Without the replication label, the copy is just a dependency of nothing.
        let plain = "flowchart LR\n  Users --> App[App Server]:::ha\n  App --> DB1[(Orders DB)]\n  DB1 -.-> DB2[(Ledger DB)]\n";
        assert_eq!(spofs(plain), ["DB1:error"]);
    }

    #[test]
    fn chains_and_groups_expand_to_every_pair() {
        let src = "flowchart LR\n  Users --> LB[Load Balancer] --> S1[Server 1] & S2[Server 2] --> DB[(Database)]\n";
        assert_eq!(spofs(src), ["LB:error", "DB:error"]);
    }

    #[test]
    fn links_to_subgraphs_reach_entry_and_exit_members() {
        let src = "flowchart LR\n  Users --> Web\n  subgraph Web [Web tier]\n    W[Web Server] --> C[Cache]\n  end\n  Web --> DB[(Database)]\n";
        // Users need W (the entry member); C (the exit member) needs DB.
        let d = run(src);
        let ids: Vec<&str> = d.iter().filter_map(|f| f.node.as_deref()).collect();
        assert_eq!(ids, ["W", "C", "DB"]);
        let db = d.iter().find(|f| f.node.as_deref() == Some("DB")).unwrap();
        assert_eq!(
            db.blast_radius.as_ref().unwrap().components(),
            ["Cache".into(), "Web Server".into()]
        );
    }

    #[test]
    fn nested_subgraphs_expand_recursively() {
        let src = "flowchart LR\n  Users --> Outer\n  subgraph Outer [Platform]\n    subgraph Inner [Services]\n      A[App Server] --> B[(Database)]\n    end\n  end\n";
        assert_eq!(spofs(src), ["A:error", "B:error"]);
    }

    #[test]
    fn empty_subgraph_stands_for_itself() {
        let src = "flowchart LR\n  Users --> App[App Server]\n  App --> Pay\n  subgraph Pay [Payments Database]\n  end\n";
        assert_eq!(spofs(src), ["App:error", "Pay:error"]);
    }

    // ---- SPEC §2: redundancy evidence ----

    #[test]
    fn redundant_classes_are_explicit_evidence() {
        let src = "flowchart LR\n  Users --> LB[Load Balancer]:::ha --> App[App Server]:::redundant\n  App --> DB[(Database)]\n  class DB replicated\n";
        assert_eq!(spofs(src), Vec::<String>::new());
    }

    #[test]
    fn replica_roles_join_without_links() {
        let src = "flowchart LR\n  Users --> App[App Server]:::ha\n  App --> R1[Redis Master]\n  R2[Redis Replica]\n  App --> P[(PostgreSQL Primary)]\n  S[(PostgreSQL Standby)]\n";
        assert_eq!(spofs(src), Vec::<String>::new());
        // Different kinds do not join.
        let other = "flowchart LR\n  Users --> App[App Server]:::ha\n  App --> R1[Redis Master]\n  R2[Redis Replica Server]\n";
        assert_eq!(spofs(other), ["R1:error"]);
    }

    #[test]
    fn multiplicity_in_labels_is_redundancy() {
        for label in [
            "Web Servers x3",
            "Web Server ×3",
            "Web (3 replicas)",
            "Redis Cluster",
            "App Server Pool",
            "Postgres HA",
            "RDS Multi-AZ",
            "Workers active-active",
            "Web Auto Scaling Group",
            "Mongo replica set",
            "Web (4 instances)",
        ] {
            let src = format!("flowchart LR\n  Users --> N[{label}]\n  N --> Q[Queue]:::ha\n");
            assert_eq!(spofs(&src), Vec::<String>::new(), "{label}");
        }
    }

    #[test]
    fn stacked_shapes_are_redundancy() {
        for shape in [
            "procs",
            "st-rect",
            "processes",
            "stacked-rectangle",
            "docs",
            "documents",
            "st-doc",
            "stacked-document",
        ] {
            let src = format!("flowchart LR\n  Users --> W@{{ shape: {shape}, label: \"Workers\" }}\n  W --> Q[Queue]:::ha\n");
            assert_eq!(spofs(&src), Vec::<String>::new(), "{shape}");
        }
    }

    #[test]
    fn managed_services_and_clusters_by_design_unless_single() {
        let src = "flowchart LR\n  Users --> App[App Server]:::ha\n  App --> S3[Amazon S3]\n  App --> K[Kafka]\n  App --> E[etcd]\n  App --> ALB[Application Load Balancer]\n";
        assert_eq!(spofs(src), Vec::<String>::new());
        let single = "flowchart LR\n  Users --> App[App Server]:::ha\n  App --> K[Kafka single broker]\n  App --> Z[ZooKeeper standalone]\n";
        assert_eq!(spofs(single), ["K:error", "Z:error"]);
    }

    #[test]
    fn pool_subgraphs_group_same_kind_and_stem_whatever_the_neighbours() {
        let src = "flowchart LR\n  Users --> LB[Load Balancer]:::ha\n  subgraph wk [Worker Pool]\n    W1[Worker 1]\n    W2[Worker 2]\n  end\n  LB --> W1\n  W1 --> Q[Queue]:::ha\n  LB --> W2\n  W2 --> C[Cache]:::ha\n";
        assert_eq!(spofs(src), Vec::<String>::new());
        // Without the pool title, different neighbourhoods keep them apart.
        let plain = src.replace("[Worker Pool]", "[Workers]");
        // (A route each: the load balancer sends each request to one.)
        assert_eq!(spofs(&plain), ["W1:warning", "W2:warning"]);
    }

    #[test]
    fn cluster_subgraph_members_of_different_roles_are_not_a_group() {
        let src = "flowchart LR\n  Users --> LB[Load Balancer]:::ha\n  subgraph k8s [Kubernetes cluster]\n    API[API Pod]\n    WK[Worker Pod]\n  end\n  LB --> API --> WK\n";
        assert_eq!(spofs(src), ["API:error", "WK:error"]);
    }

    #[test]
    fn twins_collapse_replicated_stacks() {
        let src = "flowchart LR\n  Users --> LB[Load Balancer]\n  LB --> S1[Server 1] --> DB1[(Database 1)]\n  LB --> S2[Server 2] --> DB2[(Database 2)]\n";
        assert_eq!(spofs(src), ["LB:error"]);
    }

    #[test]
    fn twins_need_matching_neighbourhoods() {
        let src = "flowchart LR\n  Users --> S1[Server 1] --> DB[(Database)]:::ha\n  Users --> S2[Server 2] --> C[Cache]:::ha\n";
        assert_eq!(spofs(src), ["S1:error", "S2:error"]);
    }

    #[test]
    fn single_letters_are_markers_only_for_machines() {
        let machines =
            "flowchart LR\n  Users --> LB[Load Balancer]:::ha --> A[Server A] & B[Server B]\n";
        assert_eq!(spofs(machines), Vec::<String>::new());
        let services =
            "flowchart LR\n  Users --> LB[Load Balancer]:::ha --> A[Service A] & B[Service B]\n";
        assert_eq!(spofs(services), ["A:warning", "B:warning"]);
    }

    #[test]
    fn replica_markers_make_twins() {
        let src = "flowchart LR\n  Users --> LB[Load Balancer]:::ha --> P[App Server primary] & Q[App Server backup]\n";
        assert_eq!(spofs(src), Vec::<String>::new());
        let blue_green = "flowchart LR\n  Users --> LB[Load Balancer]:::ha --> B[App Server blue] & G[App Server green]\n";
        assert_eq!(spofs(blue_green), Vec::<String>::new());
        // Without a marker the labels differ: two different services.
        let different = "flowchart LR\n  Users --> LB[Load Balancer]:::ha --> B[Orders Server] & G[Billing Server]\n";
        assert_eq!(spofs(different), ["B:warning", "G:warning"]);
    }

    #[test]
    fn explicit_evidence_is_never_split() {
        // Replication joins DB1 and DB2 though their neighbourhoods differ.
        let src = "flowchart LR\n  Users --> App[App Server]:::ha --> DB1[(Orders)]\n  Rep[Reporting Server] --> DB2[(Orders copy)]\n  DB1 -- replication --> DB2\n";
        let got = spofs(src);
        assert!(!got.iter().any(|s| s.starts_with("DB")), "{got:?}");
    }

    #[test]
    fn a_group_has_the_union_of_its_members_needs() {
        // S1 and S2 are one group (class ha) and S1 alone needs Cache: Cache
        // takes the group, so the users, down.
        let src =
            "flowchart LR\n  Users --> S1[Server 1]:::ha & S2[Server 2]:::ha\n  S1 --> C[Cache]\n";
        assert_eq!(spofs(src), ["C:error"]);
    }

    // ---- SPEC §3: entries, externals, failure ----

    #[test]
    fn components_of_unknown_kind_fail_but_are_not_reported() {
        // Every finding names its kind and its usual fix; a box we cannot
        // name ("Checkout") is not reported, but fails with what it needs.
        let src = "flowchart LR\n  Users --> X[Checkout] --> DB[(Database)]\n";
        assert_eq!(spofs(src), ["DB:error"]);
        let d = run(src);
        assert_eq!(
            d[0].blast_radius.as_ref().unwrap().components(),
            ["Checkout".into()]
        );
    }

    #[test]
    fn actors_are_entries_wherever_they_sit() {
        let src = "flowchart LR\n  Users --> Server --> DB[(Database)]\n  Server --> Users\n";
        assert_eq!(spofs(src), ["Server:error", "DB:error"]);
    }

    #[test]
    fn unknown_sources_are_entries() {
        let src = "flowchart LR\n  Acme[Acme Corp] --> LB[Load Balancer] --> API[API Server] --> DB[(Database)]\n";
        assert_eq!(spofs(src), ["LB:error", "API:error", "DB:error"]);
    }

    #[test]
    fn externals_are_never_reported() {
        let src = "flowchart LR\n  Users --> App[App Server] --> Stripe\n  App --> G[Gemini API]\n  class G external\n  App --> P[Payment Provider]\n  App --> DB[(Database)]\n";
        assert_eq!(spofs(src), ["App:error", "DB:error"]);
    }

    #[test]
    fn infrastructure_sources_are_components_with_outside_callers() {
        let src = "flowchart LR\n  API[API Server] --> Q[Queue]\n  API --> C[(Order Cache)]\n";
        let d = run(src);
        let ids: Vec<(&str, Severity)> = d
            .iter()
            .map(|f| (f.node.as_deref().unwrap(), f.severity))
            .collect();
        assert_eq!(
            ids,
            [
                ("API", Severity::Error),
                ("Q", Severity::Error),
                ("C", Severity::Error)
            ]
        );
        // The callers are named through the node they call, never as
        // "callers of X, X", and the node's own callers as its callers.
        assert!(
            d[1].message
                .contains("what fails with it: \"API Server\" (and its callers)"),
            "{}",
            d[1].message
        );
        assert!(
            d[0].message
                .contains("what fails with it: its callers outside the diagram"),
            "{}",
            d[0].message
        );
    }

    #[test]
    fn outside_callers_are_assumed_only_when_no_consumer_is_drawn() {
        // Users are drawn: the unfronted worker is a background process whose
        // failure takes no entry down, and nothing it alone needs is reported.
        let src = "flowchart LR\n  Users --> App[App Server] --> DB[(Database)]\n  W[Worker] --> Q[Queue]\n";
        assert_eq!(spofs(src), ["App:error", "DB:error"]);
    }

    #[test]
    fn unlinked_and_soft_only_nodes_are_not_analysed() {
        let src =
            "flowchart LR\n  Users --> App[App Server]\n  O[(Orphan DB)]\n  App -.-> C[Cache]\n";
        assert_eq!(spofs(src), ["App:error"]);
    }

    #[test]
    fn warning_when_only_some_entries_fail() {
        let src = "flowchart LR\n  Users --> Web[Web Server] --> DB[(Database)]\n  Admins[Admin Users] --> Tool[Admin Server] --> DB\n";
        assert_eq!(spofs(src), ["Web:warning", "DB:error", "Tool:warning"]);
        let d = run(src);
        assert!(
            d[0].message.contains("for some entries"),
            "{}",
            d[0].message
        );
    }

    #[test]
    fn process_subgraphs_are_not_reported() {
        let src = "flowchart LR\n  Users --> App[App Server] --> DB[(Database)]\n  subgraph ci [CI/CD Pipeline]\n    Build[Build Server] --> Reg[Registry]\n  end\n  subgraph bk [Backup]\n    Snap[(Snapshot Storage)]\n  end\n  DB --> Snap\n";
        assert_eq!(spofs(src), ["App:error", "DB:error"]);
    }

    #[test]
    fn decision_shapes_are_not_components() {
        // A decision makes a flow (not analysed by default); analysed
        // anyway, the decision itself is still not a component.
        let src =
            "flowchart LR\n  Users --> LB[Load Balancer] --> D{Healthy?} --> DB[(Database)]\n";
        assert_eq!(spofs(src), Vec::<String>::new());
        let opted = format!("{src}  %% spoflint: analyse\n");
        assert_eq!(spofs(&opted), ["LB:error", "DB:error"]);
    }

    // ---- Configuration ----

    #[test]
    fn configured_levels_override_severity() {
        let src = "flowchart LR\n  Users --> Server\n  Server --> Database\n";
        let mut s = Settings::default();
        s.levels.insert(
            META.name.into(),
            crate::config::Level::On(Severity::Warning),
        );
        assert_eq!(spofs_with(src, &s), ["Server:warning", "Database:warning"]);
        s.levels.insert(META.name.into(), crate::config::Level::Off);
        assert_eq!(spofs_with(src, &s), Vec::<String>::new());
        // `error` (what the config resolver writes by default) keeps the
        // error/warning split.
        s.levels
            .insert(META.name.into(), crate::config::Level::On(Severity::Error));
        let some = "flowchart LR\n  Users --> Web[Web Server] --> DB[(Database)]\n  Admins[Admin Users] --> Tool[Admin Server] --> DB\n";
        assert_eq!(
            spofs_with(some, &s),
            ["Web:warning", "DB:error", "Tool:warning"]
        );
    }

    #[test]
    fn vocabulary_extensions_change_verdicts() {
        // A team's own redundant class and kind word, from its config.
        let src = "flowchart LR\n  Users --> LB[Load Balancer]:::keepalived-pair --> App[App Servers x3]\n  App --> T[Tablet Store]\n";
        assert_eq!(spofs(src), ["LB:error"]);
        let vocab = crate::vocab::Vocab::extended(
            "[redundancy]\nclasses = [\"keepalived-pair\"]\n[[kinds]]\nname = \"database\"\nwords = [\"tablet\"]\n",
        )
        .unwrap();
        let s = Settings {
            vocab: std::sync::Arc::new(vocab),
            ..Settings::default()
        };
        assert_eq!(spofs_with(src, &s), ["T:error"]);
    }

    // ---- SPEC §5: which diagrams are analysed ----

    #[test]
    fn flows_that_are_not_architectures_are_not_analysed() {
        let flow = "flowchart TD\n  A[Start] --> B{Cache warm?}\n  B --> C[Render Server]\n  B --> D[(Orders DB)]\n";
        assert_eq!(spofs(flow), Vec::<String>::new());
        let opted = format!("{flow}  %% spoflint: analyse\n");
        assert_eq!(spofs(&opted), ["C:error", "D:error"]);
        let all = Settings {
            analyse: crate::config::AnalyseMode::All,
            min_confidence: Confidence::Low,
            ..Settings::default()
        };
        assert_eq!(spofs_with(flow, &all), ["C:error", "D:error"]);
    }

    #[test]
    fn artefact_labels_are_not_components() {
        let src = "flowchart LR\n  Users --> LB[Load Balancer]:::ha --> V[values-prod.yaml] --> DB[(Database)]\n  LB --> P[/auth/login]\n  LB --> App[App Servers x3] --> DB\n";
        assert_eq!(spofs(src), ["DB:error"]);
    }

    #[test]
    fn links_to_observers_are_soft() {
        let src = "flowchart LR\n  Users --> App[App Servers x3] --> OTel[OpenTelemetry Collector] --> J[Jaeger]\n  App --> DB[(Database)]\n";
        assert_eq!(spofs(src), ["DB:error"]);
        // Scraping is observation too: Prometheus is not an entry whose
        // needs make the app a finding.
        let scrape = "flowchart LR\n  Users --> LB[Load Balancer]:::ha --> App[App Servers x3] --> DB[(Postgres HA)]\n  P[Prometheus] --> App\n  P --> Exp[Blackbox Server]\n";
        assert_eq!(spofs(scrape), Vec::<String>::new());
    }

    #[test]
    fn generic_server_words_alone_do_not_make_an_architecture() {
        // `app`, `api`, `service`, `node` show up in code flows too.
        let flow = "flowchart LR\n  A[Parse request] --> B[Call service] --> C[Render page] --> D[Log result] --> E[Done]\n";
        assert_eq!(spofs(flow), Vec::<String>::new());
    }

    #[test]
    fn skip_comment_opts_out() {
        let src = "flowchart LR\n  %% spoflint: skip\n  Users --> Server --> DB[(Database)]\n";
        assert_eq!(spofs(src), Vec::<String>::new());
    }

    /// A message written from hand-made parts: `entries` of `names` are
    /// entries, the rest components.
    fn written(names: &[&str], facts: u64, count: usize) -> String {
        Message::lazy(Parts {
            name: "DB".into(),
            names: names.iter().map(|&n| Arc::from(n)).collect(),
            facts,
            count,
            write: write_message,
        })
        .to_string()
    }

    #[test]
    fn message_names_callers_merges_repeats_and_counts_the_rest() {
        let every = 1 << 8;
        let database = 0 << 10;
        // Own callers, another node's callers, a plain entry; a component
        // left out (it was named as an entry's node) and a repeated name.
        let facts = 3 | every | database | (1 << 32) | (1 << 18) | (1 << 48);
        assert_eq!(
            written(
                &[
                    "callers of DB",
                    "Users",
                    "callers of LB",
                    "LB",
                    "App",
                    "Users"
                ],
                facts,
                2
            ),
            "\"DB\" (database) is a single point of failure; what fails with it: \
             its callers outside the diagram, \"Users\", \"LB\" (and its callers), \"App\" and 2 more"
        );
        // Nothing named: the count is of entries; a search cut short says so.
        let server = 8 << 10;
        assert_eq!(
            written(&[], server | (1 << 9), 7),
            "\"DB\" (server) is a single point of failure for some entries; \
             what fails with it: 7 entries and many more"
        );
        // Past MESSAGE_NAMES names, the ones not shown are counted too.
        let names: Vec<String> = (0..12).map(|i| format!("S{i}")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let unknown = 11 << 10;
        assert_eq!(
            written(&names, every | unknown, 0),
            "\"DB\" (component) is a single point of failure; what fails with it: \
             \"S0\", \"S1\", \"S2\", \"S3\", \"S4\" and 7 more"
        );
    }
}
