//! Which flowcharts are architectures (SPEC §5), and which subgraphs draw a
//! process rather than the running system. Owns the auto-classification
//! thresholds; reads kinds, decides nothing else.

use super::graph::Structure;
use super::kinds::Kind;
use super::Overrides;
use crate::config::{AnalyseMode, Settings};
use crate::model::{Diagram, Subgraph};
use crate::vocab::{id_tokens, tokens, Vocab};

/// What the boxes of a diagram are, as the architecture test reads them.
#[derive(Clone, Copy)]
pub struct Evidence<'a> {
    /// Each node's kind as seen for classification (artefacts count as
    /// unknown).
    pub kinds: &'a [Kind],
    /// Whether the kind comes from a word of the node's name or a class
    /// (not from its shape or id).
    pub named: &'a [bool],
    /// Whether its name or its id says it has some kind (the looser reading
    /// for the share of boxes that are components).
    pub some_kind: &'a [bool],
    /// Whether the node is a step, state, data or code.
    pub artefact: &'a [bool],
}

/// Whether the diagram is analysed for failure points, and why.
pub fn decide(
    diagram: &Diagram,
    settings: &Settings,
    structure: &Structure,
    evidence: &Evidence<'_>,
    ov: &Overrides,
) -> (bool, String) {
    let Evidence {
        kinds,
        named,
        some_kind,
        artefact,
    } = *evidence;
    match ov.analyse {
        Some(true) => return (true, "opted in by a `spoflint: analyse` comment".into()),
        Some(false) => return (false, "opted out by a `spoflint: skip` comment".into()),
        None => {}
    }
    if settings.analyse == AnalyseMode::All {
        return (true, "every flowchart is analysed (analyse = all)".into());
    }
    // Decisions (a diamond, or a label asking a question) draw a flow, not
    // a system: a running architecture has no branches to choose from.
    let decision = diagram.nodes.iter().enumerate().find(|(v, n)| {
        structure.cluster_of(*v).is_none()
            && (n
                .shape
                .as_deref()
                .is_some_and(|s| matches!(s, "diamond" | "diam" | "decision" | "question"))
                // Cleaning makes a `?` only from an entity (`#63;`,
                // `&quest;`): a label with neither holds no question.
                || (n.label.contains(['?', '#', '&'])
                    && crate::vocab::clean_text_cow(&n.label)
                        .trim_end()
                        .ends_with('?')))
    });
    if let Some((_, n)) = decision {
        return (
            false,
            format!(
                "does not look like an architecture: decision node \"{}\" draws a flow",
                n.id
            ),
        );
    }
    // A diagram that addresses localhost draws one machine (a developer's
    // setup, a tutorial's containers, a pod and its sidecars), not a
    // system whose redundancy matters.
    let local = |t: &str| {
        crate::vocab::contains_ascii_ci(t, "localhost")
            // (The substring search only where a `.` is: most labels have none.)
            || (t.contains('.') && t.contains("127.0.0.1"))
    };
    if diagram.edges.iter().any(|e| local(&e.label))
        || diagram.nodes.iter().any(|n| local(&n.label))
    {
        return (
            false,
            "does not look like an architecture: it addresses localhost (one machine)".into(),
        );
    }
    // Numbered links ("1. creates and owns", "2. Syncs Pod", "8a. Remounts")
    // narrate a sequence of interactions, a walkthrough rather than the
    // running system's dependencies.
    let labelled = diagram
        .edges
        .iter()
        .filter(|e| !e.label.trim().is_empty())
        .count();
    let numbered = diagram
        .edges
        .iter()
        .filter(|e| is_numbered_step(&e.label))
        .count();
    if numbered >= 3 && numbered * 2 >= labelled {
        return (
            false,
            format!(
                "does not look like an architecture: {numbered} of {labelled} link labels are numbered steps"
            ),
        );
    }
    if let Some(why) = side_by_side(diagram, &settings.vocab) {
        return (false, format!("does not look like an architecture: {why}"));
    }
    if let Some(why) = taxonomy(diagram, structure, kinds) {
        return (false, format!("does not look like an architecture: {why}"));
    }
    if let Some(why) = api_objects(diagram, structure, &settings.vocab) {
        return (false, format!("does not look like an architecture: {why}"));
    }
    let mut total = 0usize;
    let mut known = 0usize;
    let mut artefacts = 0usize;
    let mut infra = 0usize;
    let mut specific = 0usize;
    let mut named_specific = 0usize;
    let mut actors = 0usize;
    let mut shaped_specific = 0usize;
    for (v, node) in diagram.nodes.iter().enumerate() {
        // Clusters are subgraphs; `%%` vertices are Mermaid's phantom comment nodes.
        if structure.cluster_of(v).is_some() || node.id.starts_with("%%") {
            continue;
        }
        total += 1;
        artefacts += usize::from(artefact[v]);
        let k = kinds[v];
        known += usize::from(k != Kind::Unknown || some_kind[v]);
        infra += usize::from(k.is_infra());
        specific += usize::from(k.is_specific_infra());
        named_specific += usize::from(k.is_specific_infra() && named[v]);
        shaped_specific += usize::from(k.is_specific_infra() && !named[v]);
        actors += usize::from(k == Kind::Actor);
    }
    let facts = format!(
        "{known} of {total} nodes have a kind, {infra} infrastructure, {specific} specific infrastructure"
    );
    // Steps, states, data and code (`Fetch from Redis`, `Handler acquired
    // lock`, `Base Config`) in more than a third of the boxes: a process or a data
    // model, whatever infrastructure words its steps mention.
    if artefacts >= 2 && artefacts * 3 > total {
        return (
            false,
            format!("does not look like an architecture: {artefacts} of {total} nodes are steps, states, data or code"),
        );
    }
    // What an SRE looks for first: named pieces of infrastructure that hold
    // state or carry traffic (a database, a queue, a load balancer...), not
    // a cylinder's shape or an id. Two of them, or one (a cylinder will do)
    // beside drawn users (`Users --> Server --> Database`), make a running
    // system; a source box of unknown kind is no such evidence (it is as
    // often a process's first step: measured on the development fold);
    // boxes of generic servers alone (`App`, `API`, `Service`) are as often
    // code, steps or API objects as they are deployed processes (measured on
    // the development fold: no finding in such a diagram was right).
    let architecture = known * 3 >= total
        && (named_specific >= 2
            || (named_specific + shaped_specific >= 1 && actors >= 1 && known * 2 >= total));
    if architecture {
        (true, format!("looks like an architecture: {facts}"))
    } else {
        (
            false,
            format!("does not look like an architecture: {facts}"),
        )
    }
}

/// A hierarchy rather than a system: no consumer drawn, every node has at
/// most one parent, and at least three nodes branch into two or more
/// children (a resource-pool tree, an org chart, a taxonomy). Links of a
/// tree say "contains", not "needs": a leaf's failure does not take its
/// parent down. Linear in the number of links.
fn taxonomy(diagram: &Diagram, structure: &Structure, kinds: &[Kind]) -> Option<String> {
    let n = diagram.nodes.len();
    let mut parents = vec![0usize; n];
    let mut children = vec![0usize; n];
    for e in &diagram.edges {
        if e.from == e.to
            || structure.cluster_of(e.from()).is_some()
            || structure.cluster_of(e.to()).is_some()
        {
            return None;
        }
        parents[e.to()] += 1;
        children[e.from()] += 1;
    }
    if kinds.contains(&Kind::Actor) || parents.iter().any(|&p| p > 1) {
        return None;
    }
    let branching = children.iter().filter(|&&c| c >= 2).count();
    (branching >= 3).then(|| {
        format!("a tree with no consumer ({branching} nodes branch, none has two parents)")
    })
}

/// A graph of API objects (configuration records that refer to each
/// other: `Gateway` → `HTTPRoute` → `Service`, a claim composing a
/// `Deployment`): boxes named exactly as API kinds, a third of all boxes
/// at least, and three of them, or two with one named in an API's own
/// spelling (a camel-case kind such as `HTTPRoute` or `ConfigMap`, or an
/// all-capital one such as `XR`), so a plain `Gateway --> Service` sketch
/// is not taken for one. Its links say "refers to", not "needs at run time".
fn api_objects(diagram: &Diagram, structure: &Structure, vocab: &Vocab) -> Option<String> {
    let mut objects = 0usize;
    let mut spelled = false;
    let mut total = 0usize;
    for (v, node) in diagram.nodes.iter().enumerate() {
        if structure.cluster_of(v).is_some() || node.id.starts_with("%%") {
            continue;
        }
        total += 1;
        // The whole label: API kinds are often wrapped (`HTTP<BR>Route`).
        let name = crate::vocab::clean_text_cow(&node.label);
        // The name before any parenthesis, and what a parenthesis says
        // (`Application (XR)`).
        let (head, note) = match name.split_once('(') {
            Some((h, rest)) => (h, rest.split(')').next().unwrap_or("")),
            None => (&*name, ""),
        };
        for part in [head, note] {
            let words: Vec<&str> = part
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            if words.is_empty() || words.len() > 2 {
                continue;
            }
            let toks: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
            if vocab.api_objects.is_exactly(&toks) {
                objects += 1;
                spelled |= words.len() == 1 && api_spelling(words[0]);
                break;
            }
        }
    }
    (objects * 3 >= total && (objects >= 3 || (objects >= 2 && spelled)))
        .then(|| format!("{objects} of {total} boxes are API objects (configuration records)"))
}

/// An API kind's own spelling: camel case of two humps or more
/// (`HTTPRoute`, `ConfigMap`) or all capitals (`XR`, `CRD`).
fn api_spelling(word: &str) -> bool {
    let upper = word.chars().filter(char::is_ascii_uppercase).count();
    let lower = word.chars().filter(char::is_ascii_lowercase).count();
    (lower == 0 && upper >= 2)
        || (upper >= 2 && lower >= 1 && word.starts_with(|c: char| c.is_ascii_uppercase()))
}

/// Subgraphs that are not parts of one system: two or more titled as
/// alternatives (`Pattern 1`, `Option B`: designs compared side by side) or
/// as periods of a plan (`Q1 2026`, `Phase 2`: a roadmap or timeline).
fn side_by_side(diagram: &Diagram, vocab: &Vocab) -> Option<String> {
    let mut alternatives = 0usize;
    let mut periods = 0usize;
    for sg in &diagram.subgraphs {
        let title = tokens(&sg.title);
        let id = id_tokens(&sg.id);
        if vocab.alternatives.matches(&title) || vocab.alternatives.matches(&id) {
            alternatives += 1;
        }
        if vocab.periods.matches(&title) || names_a_quarter_or_year(&title) {
            periods += 1;
        }
    }
    if alternatives >= 2 {
        Some(format!(
            "{alternatives} subgraphs are alternatives drawn side by side"
        ))
    } else if periods >= 2 {
        Some(format!(
            "{periods} subgraphs are periods of a plan (a roadmap)"
        ))
    } else {
        None
    }
}

/// `Q1 2026`, `Q4_2025` (tokens split `_`), `2027 (planned)`: a quarter,
/// or a title that starts with a year (`Layer 2024` is not a period).
fn names_a_quarter_or_year(title: &[String]) -> bool {
    let year = |w: &String| {
        w.len() == 4
            && (w.starts_with("19") || w.starts_with("20"))
            && w.chars().all(|c| c.is_ascii_digit())
    };
    title.first().is_some_and(year)
        || title
            .iter()
            .any(|w| matches!(w.as_str(), "q1" | "q2" | "q3" | "q4"))
}

/// Whether a link label starts with a step number: `1. creates`,
/// `2) reads`, `8a. Remounts`, `(3) replies`, `Step 4: ...`.
pub fn is_numbered_step(label: &str) -> bool {
    let t = crate::vocab::clean_text_cow(label);
    let t = t.trim().trim_matches('"').trim_start_matches('(');
    // Circled and parenthesised numbers: ① ⑴ ⒈ ❶ ➀ ➊.
    if t.chars()
        .next()
        .is_some_and(|c| matches!(c, '\u{2460}'..='\u{249B}' | '\u{2776}'..='\u{2793}'))
    {
        return true;
    }
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 {
        let mut w = t.split_whitespace();
        return w.next().is_some_and(|f| f.eq_ignore_ascii_case("step"))
            && w.next()
                .is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit()));
    }
    let rest = &t[digits..];
    let rest = rest
        .strip_prefix(|c: char| c.is_ascii_lowercase())
        .filter(|r| r.starts_with(['.', ')', ':']))
        .unwrap_or(rest);
    rest.starts_with(['.', ')', ':']) && !rest[1..].starts_with(|c: char| c.is_ascii_digit())
}

/// Whether a subgraph draws a process (backup, DR, CI/CD, pipeline, build).
pub fn is_process_subgraph(sg: &Subgraph, vocab: &Vocab) -> bool {
    vocab.process.matches(&tokens(&sg.title)) || vocab.process.matches(&id_tokens(&sg.id))
}

/// Whether a subgraph draws the parts of one product or process, so its
/// members fail with it and are not components of their own: its title
/// names code or features (`Kong Plugins`, `Auth Middleware`, `Session
/// Features`, `LangGraph Agent`), or one identity provider or gateway
/// product (`Keycloak`, `Kong API Gateway`: its internals `User Storage`,
/// `Admin API`, `Rate Limiting`). Titles that group several things
/// (`Database Layer`, `Storage & AuthZ`, `Auth Services`) or name a
/// category (`Ingress`, `API Gateway`, `Secrets`) hold components.
pub fn is_part_container(sg: &Subgraph, vocab: &Vocab) -> bool {
    if sg.title.trim().is_empty() || sg.members.is_empty() {
        return false;
    }
    if vocab.names_code_container(&sg.title) {
        return true;
    }
    let name = sg.title.split(['(', '[']).next().unwrap_or("");
    let toks = tokens(name);
    if toks.is_empty()
        || toks
            .iter()
            .any(|w| vocab.grouping.is_exactly(std::slice::from_ref(w)))
        || vocab.multiplicity.matches(&toks)
        || vocab.pool_titles.matches(&toks)
        || super::groups::count_multiplicity(name, &toks, vocab).is_some()
        || is_location(sg, vocab)
    {
        return false;
    }
    let mut covered = vec![false; toks.len()];
    let mut kind: Option<Kind> = None;
    for (m, prio) in vocab.kind_index.find_tagged(&toks) {
        let Some(k) = Kind::from_name(&vocab.kinds[prio].0) else {
            continue;
        };
        if !matches!(k, Kind::Secrets | Kind::Gateway) {
            continue;
        }
        if kind.is_some_and(|seen| seen != k) {
            return false;
        }
        kind = Some(k);
        covered[m.start..m.start + m.len].fill(true);
    }
    kind.is_some()
        && covered.iter().filter(|c| !**c).count() <= 1
        && toks
            .iter()
            .any(|w| !vocab.categories.is_exactly(std::slice::from_ref(w)))
}

/// Whether a subgraph is a location (region, zone, data center, site), by
/// title or id; security zones are not.
pub fn is_location(sg: &Subgraph, vocab: &Vocab) -> bool {
    let title = tokens(&sg.title);
    let id = id_tokens(&sg.id);
    if vocab.not_locations.matches(&title) || vocab.not_locations.matches(&id) {
        return false;
    }
    // A title that spans several ("Multi-AZ", "3 AZs", "Multi-Region") is
    // not one location.
    if vocab.multiplicity.matches(&title)
        || super::groups::count_multiplicity(&sg.title, &title, vocab).is_some()
    {
        return false;
    }
    vocab.locations.matches(&title)
        || vocab.locations.matches(&id)
        || has_region_code(&sg.title)
        || has_region_code(&sg.id)
}

/// `us-east-1`, `eu-west-2`, `us-central1-a`, `europe-west1`, `ap-southeast-2b`.
pub fn has_region_code(text: &str) -> bool {
    const AREAS: [&str; 16] = [
        "us",
        "eu",
        "ap",
        "sa",
        "ca",
        "me",
        "af",
        "il",
        "mx",
        "cn",
        "europe",
        "asia",
        "australia",
        "northamerica",
        "southamerica",
        "africa",
    ];
    const DIRS: [&str; 5] = ["east", "west", "north", "south", "central"];
    text.to_lowercase()
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .any(|word| {
            let parts: Vec<&str> = word.split('-').filter(|p| !p.is_empty()).collect();
            parts.len() >= 2
                && AREAS.contains(&parts[0])
                && DIRS.iter().any(|d| parts[1].starts_with(d))
                && parts.iter().any(|p| p.chars().any(|c| c.is_ascii_digit()))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_steps() {
        for yes in [
            "1. creates and owns",
            "2) reads",
            "8a. Remounts Volume",
            "(3) replies",
            "Step 4: ack",
            "10: done",
            "① creates & owns",
            "❷ reads",
        ] {
            assert!(is_numbered_step(yes), "{yes}");
        }
        for no in ["reads", "1.5 GB/s", "3 replicas", "HTTP/2", "", "v1. api"] {
            assert!(!is_numbered_step(no), "{no}");
        }
    }

    #[test]
    fn region_codes() {
        for yes in [
            "us-east-1",
            "AWS eu-west-2",
            "us-central1-a",
            "europe-west1",
            "ap-southeast-2b",
        ] {
            assert!(has_region_code(yes), "{yes}");
        }
        for no in ["east-west traffic", "us-1", "v1-east", "eu west"] {
            assert!(!has_region_code(no), "{no}");
        }
    }
}

#[cfg(test)]
mod classify_tests {
    use crate::analysis::testutil::diagram;
    use crate::analysis::{analyse, analyse_with, Overrides};
    use crate::config::Settings;

    fn analysed(src: &str) -> bool {
        analyse(&diagram(src), &Settings::default()).analysed
    }

    #[test]
    fn two_named_pieces_of_infrastructure_and_a_third_with_kinds() {
        assert!(analysed(
            "flowchart LR\n  A[Orders] --> Q[Order Queue] --> B[Billing] --> DB[(Orders DB)]\n"
        ));
        // 2 of 7: not enough.
        assert!(!analysed(
            "flowchart LR\n  A[Orders] --> B[Billing] --> C[Ledger] --> D[Tax] --> E[Fees] --> Q[Order Queue] --> DB[(Orders DB)]\n"
        ));
    }

    #[test]
    fn one_piece_of_infrastructure_needs_drawn_users() {
        // The article's first diagram.
        assert!(analysed(
            "flowchart LR\n  Users --> S[Server] --> DB[(Database)]\n"
        ));
        // A cylinder beside users will do.
        assert!(analysed(
            "flowchart LR\n  Users --> S[Server] --> DB[(Orders)]\n"
        ));
        // Without users: a flow of steps that mentions one store.
        assert!(!analysed(
            "flowchart LR\n  A[Orders] --> B[Billing] --> DB[(Orders DB)]\n"
        ));
        // Generic servers alone are as often code or steps.
        assert!(!analysed(
            "flowchart LR\n  A[Web App] --> B[Worker] --> C[Step] --> D[Other]\n"
        ));
        // A cylinder's shape alone, without users, says nothing.
        assert!(!analysed(
            "flowchart LR\n  A[Mix] --> B[(Ingredients State)] --> C[(Recipe State)]\n"
        ));
    }

    #[test]
    fn a_graph_of_api_objects_is_configuration() {
        assert!(!analysed(
            "flowchart LR\n  client --> GW[Gateway] --> R[HTTPRoute] --> S[Service]\n  P[BackendTLSPolicy] --> S\n  S --> DB[(Database)]\n"
        ));
        assert!(!analysed(
            "flowchart TD\n  xr[Application (XR)] --> d[Deployment] --> db[(Database)]\n  xr --> s[Service] --> q[Queue]\n"
        ));
        // Plain words are not an API's spelling.
        assert!(analysed(
            "flowchart LR\n  Users --> GW[Gateway] --> S[Service] --> DB[(Database)]\n"
        ));
    }

    #[test]
    fn generic_words_alone_are_not_specific() {
        // `app`, `api`, `service`, `node`: servers, not specific infrastructure.
        assert!(!analysed(
            "flowchart LR\n  A[API] --> B[Step] --> C[Step 2]\n"
        ));
    }

    #[test]
    fn comments_and_overrides_decide_explicitly() {
        let d = diagram("flowchart LR\n  A[Start] --> B[End]\n");
        let on = Overrides {
            analyse: Some(true),
            ..Overrides::default()
        };
        assert!(analyse_with(&d, &Settings::default(), &on).analysed);
        let arch = diagram("flowchart LR\n  Users --> DB[(Database)]\n");
        let off = Overrides {
            analyse: Some(false),
            ..Overrides::default()
        };
        assert!(!analyse_with(&arch, &Settings::default(), &off).analysed);
    }
}
