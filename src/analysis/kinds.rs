//! What each node is (SPEC §4): its kind from shape and words. Owns the
//! longest-match and tie-break rules; knows nothing about links.

use crate::model::Node;
use crate::vocab::{id_tokens, label_lines, name_range, tokens, NodeText, NodeTexts, Vocab, Words};
use serde::Serialize;

/// What a node is, for reliability.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A database.
    Database,
    /// A cache.
    Cache,
    /// A queue, broker or stream.
    Queue,
    /// A load balancer or ingress.
    LoadBalancer,
    /// A gateway, DNS, CDN or proxy.
    Gateway,
    /// A firewall, router, switch, VPN, network link.
    Network,
    /// A secrets, credentials or identity store.
    Secrets,
    /// File, block or object storage.
    Storage,
    /// A server or service.
    Server,
    /// A consumer the system serves (users, clients, ...).
    Actor,
    /// A third-party system outside the team's boundary.
    External,
    /// No evidence.
    Unknown,
}

impl Kind {
    /// Every kind but `Unknown`, in tie-break order.
    pub const ALL_KNOWN: [Kind; 11] = [
        Kind::Database,
        Kind::Cache,
        Kind::Queue,
        Kind::LoadBalancer,
        Kind::Gateway,
        Kind::Network,
        Kind::Secrets,
        Kind::Storage,
        Kind::Server,
        Kind::Actor,
        Kind::External,
    ];

    /// The kind's name in messages and in `vocab.toml`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Database => "database",
            Kind::Cache => "cache",
            Kind::Queue => "queue",
            Kind::LoadBalancer => "load balancer",
            Kind::Gateway => "gateway",
            Kind::Network => "network",
            Kind::Secrets => "secrets",
            Kind::Storage => "storage",
            Kind::Server => "server",
            Kind::Actor => "actor",
            Kind::External => "external",
            Kind::Unknown => "component",
        }
    }

    /// The kind named `name` in `vocab.toml`.
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL_KNOWN.into_iter().find(|k| k.as_str() == name)
    }

    /// Infrastructure: everything a team runs (servers included).
    pub fn is_infra(self) -> bool {
        !matches!(self, Kind::Actor | Kind::External | Kind::Unknown)
    }

    /// Specific infrastructure (SPEC §5): infrastructure but generic servers.
    pub fn is_specific_infra(self) -> bool {
        self.is_infra() && self != Kind::Server
    }
}

/// A node's kind and the evidence for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KindOf {
    /// The kind.
    pub kind: Kind,
    /// The evidence, as positions: only `dump --analysis` words it
    /// ([`KindOf::why`]), so nothing is formatted per node otherwise.
    pub evidence: Evidence,
}

/// Where a node's words are read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The [`tokens`] of the label's name (its first line with words).
    Label,
    /// The id's [`id_tokens`].
    Id,
    /// The [`id_tokens`] of the node's class with this index.
    Class(usize),
    /// The [`tokens`] of the label's line with this index, after the
    /// name: a line that is nothing but a product or kind name.
    Line(usize),
}

/// The evidence for a kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Evidence {
    /// The phrase of tokens `start..start + len` of `source`.
    Word {
        /// Whose tokens.
        source: Source,
        /// First token.
        start: usize,
        /// Number of tokens.
        len: usize,
    },
    /// A consumer's phrase (tokens `start..start + len`) in the label's
    /// `part`-th `/`-separated alternative.
    Alternative {
        /// Index of the alternative.
        part: usize,
        /// First token.
        start: usize,
        /// Number of tokens.
        len: usize,
    },
    /// The title of the subgraph with this index, which holds users
    /// (`Clients`, `Public Internet`) or externals (`Third-party`, `SaaS`).
    Subgraph(usize),
    /// The node's shape.
    Shape,
    /// Neither a kind word nor a shape.
    Nothing,
}

impl KindOf {
    /// Whether the kind comes from a word of the box's name or a class:
    /// what the author called it, not its shape or its id.
    pub fn is_named(&self) -> bool {
        matches!(
            self.evidence,
            Evidence::Word {
                source: Source::Label | Source::Class(_) | Source::Line(_),
                ..
            } | Evidence::Alternative { .. }
                | Evidence::Subgraph(_)
        )
    }

    /// Why, for `dump --analysis`: `word "db" in label`, `shape cylinder`, ...
    /// (`node` is the node the kind was found for).
    pub fn why(&self, node: &Node) -> String {
        let phrase = |toks: Vec<String>, start: usize, len: usize| {
            toks.get(start..start + len).unwrap_or_default().join(" ")
        };
        match self.evidence {
            Evidence::Word { source, start, len } => {
                let (toks, where_) = match source {
                    Source::Label => (tokens(name_of(&node.label)), "label"),
                    Source::Id => (id_tokens(&node.id), "id"),
                    Source::Class(i) => (
                        node.classes
                            .get(i)
                            .map(|c| id_tokens(c))
                            .unwrap_or_default(),
                        "class",
                    ),
                    Source::Line(i) => (
                        label_lines(&node.label)
                            .and_then(|l| l.get(i).map(|&(a, e)| tokens(&node.label[a..e])))
                            .unwrap_or_default(),
                        "a line of the label",
                    ),
                };
                format!("word \"{}\" in {where_}", phrase(toks, start, len))
            }
            Evidence::Alternative { part, start, len } => {
                let toks = tokens(node.label.split('/').nth(part).unwrap_or(""));
                format!(
                    "word \"{}\" in label: one of its alternatives is a consumer",
                    phrase(toks, start, len)
                )
            }
            Evidence::Subgraph(i) => {
                format!("inside the subgraph numbered {i} (in closing order), whose title says so")
            }
            Evidence::Shape => format!("shape {}", node.shape.as_deref().unwrap_or("")),
            Evidence::Nothing => "no kind word or shape".into(),
        }
    }
}

/// Subgraph titles are evidence (SPEC §4): a title that names users
/// (`Clients`, `Users`, `Public Internet`) makes its members of no
/// infrastructure kind entries; one that names externals (`External
/// services`, `Third-party`, `SaaS`) makes every member but users
/// external. The innermost such title wins. `structure` gives each node's
/// subgraph.
pub fn apply_subgraph_titles(
    diagram: &crate::model::Diagram,
    structure: &super::graph::Structure,
    vocab: &Vocab,
    kinds: &mut [KindOf],
) {
    if diagram.subgraphs.is_empty() {
        return;
    }
    let title_kind: Vec<Kind> = diagram
        .subgraphs
        .iter()
        .map(|sg| {
            let node = Node {
                id: sg.id.clone(),
                label: if sg.title.is_empty() {
                    sg.id.clone()
                } else {
                    sg.title.clone()
                },
                ..Node::default()
            };
            let k = kind_of(&node, vocab);
            // A provider's or company's name (`GitLab.com`, `AWS`) holds
            // that provider's own services: only titles that say
            // "external" in general hold externals.
            if k.kind == Kind::External {
                let toks = tokens(&node.label);
                let generic = toks.iter().any(|t| {
                    matches!(
                        t.as_str(),
                        "external"
                            | "third"
                            | "3rd"
                            | "saas"
                            | "vendor"
                            | "vendors"
                            | "外部"
                            | "外部サービス"
                    )
                });
                if !generic {
                    return Kind::Unknown;
                }
            }
            k.kind
        })
        .collect();
    if !title_kind
        .iter()
        .any(|k| matches!(k, Kind::Actor | Kind::External))
    {
        return;
    }
    for (v, k) in kinds.iter_mut().enumerate() {
        if structure.cluster_of(v).is_some() {
            continue;
        }
        let holder = super::graph::chain(diagram, structure.parent_of(v))
            .find(|&s| matches!(title_kind[s], Kind::Actor | Kind::External));
        let Some(s) = holder else {
            continue;
        };
        let to = match title_kind[s] {
            Kind::Actor if !k.kind.is_infra() => Kind::Actor,
            Kind::External if k.kind != Kind::Actor => Kind::External,
            _ => continue,
        };
        *k = KindOf {
            kind: to,
            evidence: Evidence::Subgraph(s),
        };
    }
}

/// A label's name: its first line with words ([`name_range`]).
pub fn name_of(label: &str) -> &str {
    match name_range(label) {
        Some((a, b)) => &label[a..b],
        None => label,
    }
}

/// Whether a node has a label of its own: one with a letter or digit that
/// is not just its id. Only a box without one is named by its id (SPEC §4:
/// ids are weak evidence, `db` on a box labelled "Dedupe" is no database).
pub fn has_own_label(node: &Node) -> bool {
    node.label != node.id && node.label.chars().any(char::is_alphanumeric)
}

/// The kind of one node (SPEC §4): the longest phrase of any kind in its
/// name (the label's first line with words; the id only for a box with no
/// label of its own) or class names wins (a class name that is exactly a kind word
/// beats any phrase: `class Gemini external` is a statement); on a tie the
/// kind listed first in the vocabulary wins (specific infrastructure, then
/// servers, then actors and externals); a database or storage shape decides
/// only when no infrastructure word matched.
pub fn kind_of(node: &Node, vocab: &Vocab) -> KindOf {
    let texts = NodeTexts::of(std::slice::from_ref(node));
    kind_of_with(node, &texts.get(0), vocab)
}

/// [`kind_of`] given the node's words.
pub fn kind_of_with(node: &Node, text: &NodeText<'_>, vocab: &Vocab) -> KindOf {
    kind_of_reading(node, text, vocab, !has_own_label(node))
}

/// Whether a node's id or label says it has some kind: the looser reading
/// the architecture test counts boxes with (an id such as `cache` beside a
/// label in another language still says the diagram draws components),
/// never used to report a box.
pub fn has_some_kind(node: &Node, text: &NodeText<'_>, vocab: &Vocab) -> bool {
    kind_of_reading(node, text, vocab, true).kind != Kind::Unknown
}

/// A node's kind from its name and class words, and its id's words when
/// `read_id`.
fn kind_of_reading(node: &Node, text: &NodeText<'_>, vocab: &Vocab, read_id: bool) -> KindOf {
    // (score, kind priority = index in the vocabulary, evidence)
    let mut best: Option<(usize, usize, Evidence)> = None;
    let mut consider = |toks: Words<'_>, source: Source| {
        let class = matches!(source, Source::Class(_));
        // Repeats of a match change nothing below (a tie must beat the
        // best strictly), so they need not be removed.
        vocab.kind_index.for_each_tagged(toks, |m, prio| {
            // A class counts only when its whole name is a kind word
            // (`external`, `database`): docs name style classes
            // `authStyle`, which say nothing about the node. A class
            // naming a role (external, actor) is a statement and beats
            // the label; a class naming infrastructure (`service`,
            // `database`) is often just a style and weighs as a word.
            if class && (m.start != 0 || m.len != toks.len()) {
                return;
            }
            let class_kind = Kind::from_name(&vocab.kinds[prio].0);
            // Generic server words are the commonest style class names
            // (`classDef node fill:...`, `:::service`): as a class they
            // say how the box is painted, not what it is.
            if class && class_kind == Some(Kind::Server) {
                return;
            }
            let role_class = class && matches!(class_kind, Some(Kind::External | Kind::Actor));
            let score = m.len + if role_class { 100 } else { 0 };
            let better = match &best {
                None => true,
                Some((s, p, _)) => score > *s || (score == *s && prio < *p),
            };
            if better {
                let evidence = Evidence::Word {
                    source,
                    start: m.start,
                    len: m.len,
                };
                best = Some((score, prio, evidence));
            }
        });
    };
    consider(text.name_words(), Source::Label);
    if read_id {
        consider(text.id_words(), Source::Id);
    }
    for (i, c) in node.classes.iter().enumerate() {
        consider((&id_tokens(c)).into(), Source::Class(i));
    }
    // A name that says no kind, over a line that is nothing but a product
    // or kind name (`Session Store<br/>Redis`): that line says what runs in
    // the box. Any other later line is an annotation (`Error rate: 2%`,
    // `User & order data`) and gives no kind.
    if best.is_none() {
        if let (Some(lines), Some((_, name_end))) =
            (label_lines(&node.label), name_range(&node.label))
        {
            for (i, &(a, e)) in lines
                .iter()
                .enumerate()
                .filter(|(_, &(a, _))| a >= name_end)
            {
                let toks = tokens(&node.label[a..e]);
                let whole = vocab
                    .kind_index
                    .find_tagged(&toks)
                    .into_iter()
                    .filter(|(m, _)| m.start == 0 && m.len == toks.len())
                    .min_by_key(|(_, prio)| *prio);
                if let Some((m, prio)) = whole {
                    best = Some((
                        m.len,
                        prio,
                        Evidence::Word {
                            source: Source::Line(i),
                            start: 0,
                            len: m.len,
                        },
                    ));
                    break;
                }
            }
        }
    }
    // Alternatives (`User/Service`, `App / Browser`, `Internet Users/APIs`)
    // name who may call: if one of them is a consumer, the box is one.
    if best.as_ref().is_some_and(|(score, _, _)| *score < 100) && node.label.contains('/') {
        let parts: Vec<&str> = node.label.split('/').collect();
        if parts.len() >= 2 && !node.label.contains("://") {
            for (part, text) in parts.into_iter().enumerate() {
                let toks = tokens(text);
                let top = vocab
                    .kind_index
                    .find_tagged(&toks)
                    .into_iter()
                    .max_by_key(|(m, prio)| (m.len, std::cmp::Reverse(*prio)));
                if let Some((m, prio)) = top {
                    if Kind::from_name(&vocab.kinds[prio].0) == Some(Kind::Actor) {
                        return KindOf {
                            kind: Kind::Actor,
                            evidence: Evidence::Alternative {
                                part,
                                start: m.start,
                                len: m.len,
                            },
                        };
                    }
                }
            }
        }
    }
    let from_words = best.and_then(|(_, prio, why)| {
        let name = &vocab.kinds[prio].0;
        Kind::from_name(name).map(|k| (k, why))
    });
    let shape = node.shape.as_deref().unwrap_or("");
    let shapes = &vocab.file.shapes;
    // An external word says whose the box is, whatever it stores:
    // `[(Email provider mailbox)]` is the provider's.
    let word_is_infra = from_words
        .as_ref()
        .is_some_and(|(k, _)| k.is_infra() || *k == Kind::External);
    let by_shape = |kind| KindOf {
        kind,
        evidence: Evidence::Shape,
    };
    if !word_is_infra && !shape.is_empty() {
        if shapes.database.iter().any(|s| s == shape) {
            return by_shape(Kind::Database);
        }
        if shapes.storage.iter().any(|s| s == shape) {
            return by_shape(Kind::Storage);
        }
    }
    match from_words {
        Some((kind, evidence)) => KindOf { kind, evidence },
        None if shapes.actor.iter().any(|s| s == shape) => by_shape(Kind::Actor),
        None => KindOf {
            kind: Kind::Unknown,
            evidence: Evidence::Nothing,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(label: &str, id: &str, shape: Option<&str>, classes: &[&str]) -> Kind {
        let n = Node {
            id: id.into(),
            label: label.into(),
            shape: shape.map(|s| s.to_string().into()),
            classes: classes.iter().map(|c| c.to_string()).collect(),
            ..Node::default()
        };
        kind_of(&n, &Vocab::builtin()).kind
    }

    #[test]
    fn longest_match_wins() {
        // SPEC §4: `Mobile App` is an actor, `App` a server.
        assert_eq!(kind("Mobile App", "M", None, &[]), Kind::Actor);
        assert_eq!(kind("App", "X", None, &[]), Kind::Server);
        assert_eq!(kind("API Gateway", "X", None, &[]), Kind::Gateway);
    }

    #[test]
    fn ties_go_to_infrastructure() {
        // SPEC §4: `Users DB` is a database, `User Service` a service.
        assert_eq!(kind("Users DB", "X", None, &[]), Kind::Database);
        assert_eq!(kind("User Service", "X", None, &[]), Kind::Server);
        // A provider's API is the provider's, not one of our servers.
        assert_eq!(kind("Stripe API", "X", None, &[]), Kind::External);
        assert_eq!(
            kind("Anthropic API Claude Models", "X", None, &[]),
            Kind::External
        );
        assert_eq!(kind("Stripe DB", "X", None, &[]), Kind::Database);
    }

    #[test]
    fn an_alternative_that_is_a_consumer_makes_an_actor() {
        // Before, `User/Service` was a server with invented callers.
        assert_eq!(kind("User/Service", "U", None, &[]), Kind::Actor);
        assert_eq!(kind("App / Browser", "A", None, &[]), Kind::Actor);
        assert_eq!(kind("Internet Users/APIs", "I", None, &[]), Kind::Actor);
        assert_eq!(
            kind("Ingress/Load Balancer", "L", None, &[]),
            Kind::LoadBalancer
        );
        assert_eq!(kind("Redis/Database", "R", None, &[]), Kind::Database);
    }

    #[test]
    fn cylinder_decides_only_without_infrastructure_words() {
        assert_eq!(kind("Kafka", "K", Some("cylinder"), &[]), Kind::Queue);
        assert_eq!(kind("Users", "U", Some("cylinder"), &[]), Kind::Database);
        assert_eq!(kind("Ledger", "L", Some("cyl"), &[]), Kind::Database);
    }

    #[test]
    fn id_words_count_only_without_a_label_and_class_words_count() {
        assert_eq!(kind("OrderDB", "OrderDB", None, &[]), Kind::Database);
        // A label of its own names the box: the id's words are a weak guess
        // (`db` on "Dedupe", `lb_in` on "Incoming request").
        assert_eq!(kind("Ledger", "OrderDB", None, &[]), Kind::Unknown);
        assert_eq!(kind("Dedupe", "db", None, &[]), Kind::Unknown);
        assert_eq!(kind("Incoming request", "lb_in", None, &[]), Kind::Unknown);
        // `class Gemini external` marks an external even when the label says API.
        assert_eq!(kind("Gemini API", "G", None, &["external"]), Kind::External);
        assert_eq!(kind("Thing", "T", None, &[]), Kind::Unknown);
        // Style classes that merely contain a kind word say nothing, and an
        // infrastructure class name weighs no more than a label word.
        assert_eq!(
            kind("PostgreSQL", "P", None, &["authSvcStyle"]),
            Kind::Database
        );
        assert_eq!(
            kind("Vector Database", "Q", None, &["service"]),
            Kind::Database
        );
        assert_eq!(kind("Box", "B", None, &["database"]), Kind::Database);
        // A style class named after a generic server word (`classDef node`)
        // says nothing: an emoji-prefixed actor stays an actor.
        assert_eq!(kind("👤 User", "User", None, &["node"]), Kind::Actor);
        assert_eq!(
            kind("⚙️<br>Config", "Config", None, &["node"]),
            Kind::Unknown
        );
        assert_eq!(kind("Box", "B", None, &["service"]), Kind::Unknown);
    }

    #[test]
    fn the_first_line_names_the_box_and_later_lines_give_no_kind() {
        assert_eq!(
            kind("Checkout<br/>Error rate: 2%", "C", None, &[]),
            Kind::Unknown
        );
        assert_eq!(
            kind("Postgres Primary<br>User & order data", "P", None, &[]),
            Kind::Database
        );
        assert_eq!(
            kind("API v2\nMobile app support", "A", None, &[]),
            Kind::Server
        );
        assert_eq!(kind("⚙️<br>Config Server", "X", None, &[]), Kind::Server);
        assert_eq!(
            kind("Billing<BR/>Audit logs", "B", None, &[]),
            Kind::Unknown
        );
        // A wrapped name goes on: a lower-case line, or a joining word.
        assert_eq!(kind("Pool of<br>workers", "X", None, &[]), Kind::Server);
        assert_eq!(kind("Orders<br>database", "X", None, &[]), Kind::Database);
        assert_eq!(
            kind("Backends de<br/>Postgres", "X", None, &[]),
            Kind::Database
        );
    }

    #[test]
    fn kinds_from_the_spec_table() {
        for (label, k) in [
            ("Postgres", Kind::Database),
            ("Redis", Kind::Cache),
            ("RabbitMQ", Kind::Queue),
            ("HAProxy", Kind::LoadBalancer),
            ("CDN", Kind::Gateway),
            ("Firewall", Kind::Network),
            ("Vault", Kind::Secrets),
            ("S3 Bucket", Kind::Storage),
            ("Web Server", Kind::Server),
            ("Browser", Kind::Actor),
            ("Stripe", Kind::External),
            ("Third-party API", Kind::External),
        ] {
            assert_eq!(kind(label, "N", None, &[]), k, "{label}");
        }
    }
}
