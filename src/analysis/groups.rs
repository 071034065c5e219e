//! Redundancy groups (SPEC §2): which components stand in for each other.
//! Owns every kind of evidence and the partition refinement that finds twins;
//! knows nothing about entries or failure.

use super::graph::{Link, LinkKind, Rows, Structure};
use super::kinds::Kind;
use crate::model::Diagram;
use crate::vocab::{tokens, NodeText, NodeTexts, Vocab, Words};
use std::collections::{HashMap, HashSet};

/// The redundancy groups of one diagram.
#[derive(Clone, Debug, Default)]
pub struct Groups {
    /// Group of each node (`u32`, as the rows of [`Rows`]: the analysis
    /// looks it up for both ends of every link).
    pub class_of: Vec<u32>,
    /// Members of each group, in node order.
    pub members: Rows,
    /// Why each group of two or more holds together (empty for singletons).
    pub why: Vec<String>,
    /// For each node: why it is redundant by itself, if it is.
    pub self_redundant: Vec<Option<String>>,
}

impl Groups {
    /// Whether group `g` survives the failure of any one member.
    #[inline]
    pub fn is_redundant(&self, g: usize) -> bool {
        self.members[g].len() > 1
            || self.members[g]
                .iter()
                .any(|&v| self.self_redundant[v as usize].is_some())
    }
}

struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }
    fn union(&mut self, a: usize, b: usize) -> bool {
        let (a, b) = (self.find(a), self.find(b));
        if a == b {
            return false;
        }
        let (lo, hi) = if a < b { (a, b) } else { (b, a) };
        self.parent[hi] = lo;
        true
    }
}

/// Tokens of a label with phrases of `set` removed; digits and trailing
/// digits dropped; single letters dropped when `letters` is true. Returns
/// the remaining words and whether any phrase was removed.
fn strip(words: Words<'_>, set: &crate::vocab::PhraseSet, letters: bool) -> (String, bool) {
    let mut out = String::new();
    let any = strip_into(words, set, letters, &mut out);
    (out, any)
}

/// [`strip`], appending the remaining words to `out` (which may hold other
/// text before them): one buffer serves every node of a diagram.
fn strip_into(
    words: Words<'_>,
    set: &crate::vocab::PhraseSet,
    letters: bool,
    buf: &mut String,
) -> bool {
    // Tokens `start..covered` are inside a phrase found so far (phrases
    // are met by start, so one bound marks them all).
    let mut covered = 0;
    let mut any = false;
    let base = buf.len();
    for i in 0..words.len() {
        let t = words.get(i);
        if let Some(len) = set.longest_at(words, i) {
            any = true;
            covered = covered.max(i + len);
        }
        if i < covered {
            continue;
        }
        let t = t.trim_end_matches(|c: char| c.is_ascii_digit());
        if t.is_empty() || (letters && t.chars().count() == 1) {
            continue;
        }
        if buf.len() > base {
            buf.push(' ');
        }
        buf.push_str(t);
    }
    any
}

/// One string per node in one buffer: node `v`'s is
/// `text[ends[v - 1]..ends[v]]`. A big diagram stems every label; a
/// `String` each was an allocation per node, read back scattered.
struct Strings {
    text: String,
    ends: Vec<usize>,
}

impl Strings {
    /// The strings `write` appends for each of `n` nodes.
    fn build(n: usize, mut write: impl FnMut(usize, &mut String)) -> Self {
        let mut text = String::new();
        let mut ends = Vec::with_capacity(n);
        for v in 0..n {
            write(v, &mut text);
            ends.push(text.len());
        }
        Strings { text, ends }
    }

    fn get(&self, v: usize) -> &str {
        let start = if v == 0 { 0 } else { self.ends[v - 1] };
        &self.text[start..self.ends[v]]
    }
}

/// The label stem twins are compared by (SPEC §2, evidence 5): replica
/// markers, numbers and (for machines only) single letters removed.
pub fn twin_stem(label: &str, vocab: &Vocab) -> String {
    twin_stem_of((&tokens(label)).into(), vocab)
}

/// [`twin_stem`] of a label's tokens.
fn twin_stem_of(toks: Words<'_>, vocab: &Vocab) -> String {
    let letters = vocab.machines.matches(toks);
    strip(toks, &vocab.markers, letters).0
}

/// Why a node is redundant by itself (SPEC §2, evidence 1 and 3), if it is.
pub fn self_redundancy(
    diagram: &Diagram,
    v: usize,
    vocab: &Vocab,
    asserted: &HashSet<String>,
) -> Option<String> {
    let texts = NodeTexts::in_vocab(std::slice::from_ref(&diagram.nodes[v]), vocab);
    self_redundancy_of(diagram, v, &texts.get(0), vocab, asserted)
}

/// [`self_redundancy`] with the node's words already computed.
fn self_redundancy_of(
    diagram: &Diagram,
    v: usize,
    text: &NodeText<'_>,
    vocab: &Vocab,
    asserted: &HashSet<String>,
) -> Option<String> {
    let node = &diagram.nodes[v];
    let words = text.label_words();
    if asserted.contains(&node.id) {
        return Some("declared redundant by a `spoflint: redundant` comment".into());
    }
    if let Some(c) = node.classes.iter().find(|c| vocab.is_redundant_class(c)) {
        return Some(format!("class `{c}`"));
    }
    if let Some(shape) = node.shape.as_deref() {
        if vocab.file.shapes.stacked.iter().any(|s| s == shape) {
            return Some(format!("stacked shape `{shape}`"));
        }
    }
    if vocab.single.matches(words) {
        return None;
    }

    if let Some(m) = vocab.multiplicity.first(words) {
        return Some(format!(
            "label states multiplicity (\"{}\")",
            words.phrase(m)
        ));
    }
    if let Some(why) = count_multiplicity(&node.label, words, vocab) {
        return Some(why);
    }
    if let Some(head) = vocab.plural_kind_head(crate::analysis::kinds::name_of(&node.label)) {
        return Some(format!("its name is a plural (\"{head}\"): several boxes"));
    }
    let managed = |words: Words<'_>| {
        vocab.managed.first(words).map(|m| {
            format!(
                "managed service or cluster by design (\"{}\")",
                words.phrase(m)
            )
        })
    };
    // The id confirms what the label says, never contradicts it (SPEC §4:
    // ids are weak): `NLB` on "Load Balancer<br/>K8s-provisioned" is a
    // cloud load balancer, but `S3` on "Load balancer 3" is no Amazon S3.
    managed(words).or_else(|| {
        let by_id = managed(text.id_words())?;
        let confirms = !crate::analysis::kinds::has_own_label(node) || {
            let id_node = crate::model::Node {
                id: node.id.clone(),
                label: node.id.clone(),
                ..crate::model::Node::default()
            };
            let id_kind = crate::analysis::kinds::kind_of(&id_node, vocab).kind;
            id_kind == crate::analysis::kinds::kind_of(node, vocab).kind
        };
        confirms.then_some(by_id)
    })
}

/// For each subgraph: why its title says its boxes run as several
/// instances (`Deployment (3 replicas)`, `API (HPA autoscaled)`; SPEC §4:
/// subgraph titles are evidence), if it does. Once per subgraph.
fn replicated_titles(diagram: &Diagram, vocab: &Vocab) -> Vec<Option<String>> {
    diagram
        .subgraphs
        .iter()
        .map(|sg| {
            let toks = tokens(&sg.title);
            if let Some(m) = vocab.replicated_titles.first(&toks) {
                return Some(format!(
                    "its subgraph's title says it runs as several (\"{}\")",
                    toks[m.start..m.start + m.len].join(" ")
                ));
            }
            count_multiplicity(&sg.title, &toks, vocab)
                .map(|_| "its subgraph's title counts several instances".to_string())
        })
        .collect()
}

/// `x3`, `×3`, `3x`, `3 replicas`, `replicas: 3`.
pub(crate) fn count_multiplicity<'a>(
    label: &str,
    words: impl Into<Words<'a>>,
    vocab: &Vocab,
) -> Option<String> {
    let words = words.into();
    let big = |s: &str| s.parse::<u32>().is_ok_and(|n| n >= 2);
    for (i, t) in words.iter().enumerate() {
        let lead_x = t.strip_prefix('x').or_else(|| t.strip_prefix('×'));
        if lead_x.is_some_and(big) || t.strip_suffix('x').is_some_and(big) {
            return Some(format!("label states multiplicity (\"{t}\")"));
        }
        if big(t) {
            // `3 replicas`, `2 nodes`; and `replicas: 3` but not `Server 2`
            // (a name), so a noun before the count must be plural.
            let next = words.from(i + 1).to(1);
            let prev = if i == 0 {
                words.to(0)
            } else {
                words.from(i - 1).to(1)
            };
            let prev_plural = prev.iter().next().is_some_and(|p| p.ends_with('s'));
            if vocab.count_nouns.is_exactly(next)
                || (prev_plural && vocab.count_nouns.is_exactly(prev))
            {
                return Some(format!("label states multiplicity (\"{t}\")"));
            }
        }
    }
    // Whether the label has a `×` at all: one byte scan for nearly every
    // label (plain ASCII), where each substring search below cost hundreds
    // of instructions per node.
    let times = !label.is_ascii() && label.contains('×');
    // `x 40`: a count after a lone `x` (`Web servers x 40`).
    if let Some(i) = (1..words.len()).find(|&i| words.get(i - 1) == "x" && big(words.get(i))) {
        return Some(format!(
            "label states multiplicity (\"x {}\")",
            words.get(i)
        ));
    }
    // `× N` / `x N`: an unspecified count of several.
    if (1..words.len()).any(|i| matches!(words.get(i - 1), "x" | "×") && words.get(i) == "n")
        || (times && (label.contains("×N") || label.contains("× N")))
    {
        return Some("label states multiplicity (\"× N\")".into());
    }
    // `× 3` with a space, or `×3` glued to a word.
    if !times {
        return None;
    }
    let lower = label.to_lowercase();
    if let Some(pos) = lower.find('×') {
        let rest = lower[pos + '×'.len_utf8()..].trim_start();
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if big(&digits) {
            return Some(format!("label states multiplicity (\"×{digits}\")"));
        }
    }
    None
}

/// Compute the groups, given each node's words. `links` are the analysed
/// links; `asserted` the node ids declared redundant by suppression comments.
pub fn compute(
    diagram: &Diagram,
    texts: &NodeTexts,
    vocab: &Vocab,
    structure: &Structure,
    kinds: &[Kind],
    links: &[Link],
    asserted: &HashSet<String>,
) -> Groups {
    let n = diagram.nodes.len();
    let mut uf = UnionFind {
        parent: (0..n).collect(),
    };
    let mut reason: HashMap<usize, String> = HashMap::new();
    let mut join = |uf: &mut UnionFind, a: usize, b: usize, why: &str| {
        let (ra, rb) = (uf.find(a), uf.find(b));
        if uf.union(a, b) {
            let r = uf.find(a);
            let old = reason
                .remove(&ra)
                .or_else(|| reason.remove(&rb))
                .unwrap_or_else(|| why.to_string());
            reason.insert(r, old);
        }
    };
    let eligible = |v: usize| structure.cluster_of(v).is_none();
    let by_title = if diagram.subgraphs.is_empty() {
        Vec::new()
    } else {
        replicated_titles(diagram, vocab)
    };
    // Each label is stemmed once.
    let toks: Vec<Words<'_>> = (0..n).map(|v| texts.get(v).label_words()).collect();
    let stems = Strings::build(n, |v, buf| {
        let letters = vocab.machines.matches(toks[v]);
        strip_into(toks[v], &vocab.markers, letters, buf);
    });

    // Evidence 2a: replication links.
    for l in links {
        if l.kind == LinkKind::Redundancy && eligible(l.from()) && eligible(l.to()) {
            join(&mut uf, l.from(), l.to(), "replication link");
        }
    }
    // Evidence 2b: labels that differ only by replica role words.
    // Only labels sharing a key with a label that has a role word can join,
    // so nothing is grouped (or hashed) when no label has one.
    let may_join = |v: usize| eligible(v) && !matches!(kinds[v], Kind::Actor | Kind::External);
    let any_role = (0..n).any(|v| may_join(v) && vocab.roles.matches(toks[v]));
    // Each node's key (its label without role words; empty when it may not
    // join) and whether a role word was removed.
    let mut has_role = vec![false; if any_role { n } else { 0 }];
    let role_key = Strings::build(if any_role { n } else { 0 }, |v, buf| {
        if may_join(v) {
            has_role[v] = strip_into(toks[v], &vocab.roles, false, buf);
        }
    });
    let role_of = |v: usize| {
        if !any_role {
            return None;
        }
        Some((role_key.get(v), has_role[v])).filter(|(key, _)| !key.is_empty())
    };
    let role_keys: std::collections::HashSet<(Kind, &str)> = (0..n)
        .filter_map(|v| role_of(v).filter(|r| r.1).map(|r| (kinds[v], r.0)))
        .collect();
    let mut by_role: crate::vocab::FnvMap<(Kind, &str), (Vec<usize>, bool)> = Default::default();
    for (v, &k) in kinds.iter().enumerate() {
        let Some((key, has_role)) = role_of(v) else {
            continue;
        };
        if !role_keys.contains(&(k, key)) {
            continue;
        }
        let e = by_role.entry((k, key)).or_default();
        e.0.push(v);
        e.1 |= has_role;
    }
    let mut role_groups: Vec<Vec<usize>> = by_role
        .into_values()
        .filter(|(m, role)| *role && m.len() > 1)
        .map(|(m, _)| m)
        .collect();
    role_groups.sort();
    for m in role_groups {
        for w in m.windows(2) {
            join(&mut uf, w[0], w[1], "replica roles in labels");
        }
    }
    // Evidence 4: pool / cluster subgraphs, members sharing kind and stem.
    for (s, sg) in diagram.subgraphs.iter().enumerate() {
        let title = tokens(&sg.title);
        let id = crate::vocab::id_tokens(&sg.id);
        let is_pool = (vocab.pool_titles.matches(&title) || vocab.pool_titles.matches(&id))
            && !vocab.single.matches(&title);
        if !is_pool {
            continue;
        }
        let mut by_stem: HashMap<(Kind, &str), Vec<usize>> = HashMap::new();
        for &v in &structure.leaves[s] {
            if matches!(kinds[v], Kind::Actor | Kind::External) {
                continue;
            }
            let stem = stems.get(v);
            if !stem.is_empty() {
                by_stem.entry((kinds[v], stem)).or_default().push(v);
            }
        }
        let mut groups: Vec<Vec<usize>> = by_stem.into_values().filter(|m| m.len() > 1).collect();
        groups.sort();
        let why = format!("members of pool subgraph \"{}\"", sg.title);
        for m in groups {
            for w in m.windows(2) {
                join(&mut uf, w[0], w[1], &why);
            }
        }
    }
    // Evidence 1 and 3: redundant by itself.
    let self_redundant: Vec<Option<String>> = (0..n)
        .map(|v| {
            if eligible(v) {
                self_redundancy_of(diagram, v, &texts.get(v), vocab, asserted).or_else(|| {
                    // The innermost subgraph whose title says so.
                    super::graph::chain(diagram, structure.parent_of(v))
                        .find_map(|s| by_title[s].clone())
                })
            } else {
                None
            }
        })
        .collect();

    // Units: the explicit blocks. Explicit evidence is never split below.
    // Numbered by first node; their members in node order, in two flat
    // arrays (a list per unit was an allocation per node).
    let mut nu = 0;
    // `u32`: looked up for both ends of every link, four times.
    let mut unit_of_root: Vec<u32> = vec![u32::MAX; n];
    let unit_of: Vec<u32> = (0..n)
        .map(|v| {
            let r = uf.find(v);
            if unit_of_root[r] == u32::MAX {
                unit_of_root[r] = super::index32(nu);
                nu += 1;
            }
            unit_of_root[r]
        })
        .collect();
    let unit_members = Rows::from_pairs(nu, || {
        unit_of.iter().enumerate().map(|(v, &u)| (u as usize, v))
    });
    let unit_links = || {
        links
            .iter()
            .filter(|l| l.kind == LinkKind::Hard && unit_of[l.from()] != unit_of[l.to()])
            .map(|l| (unit_of[l.from()] as usize, unit_of[l.to()] as usize))
    };
    let succs = Rows::sorted_from_pairs(nu, unit_links);
    let preds = Rows::sorted_from_pairs(nu, || unit_links().map(|(a, b)| (b, a)));

    // Evidence 5: twins by partition refinement, starting from (kind, stem).
    let mut class = vec![0u32; nu];
    let mut classes = 0;
    let mut new_class = || {
        classes += 1;
        classes - 1
    };
    let mut by_key: crate::vocab::FnvMap<(Kind, &str), usize> = Default::default();
    for u in 0..nu {
        // A unit joins a twin class when all its members share one (kind,
        // stem); merging explicit groups or redundant nodes into a larger
        // group never splits explicit evidence.
        let m = &unit_members[u];
        let key_of = |v: u32| (kinds[v as usize], stems.get(v as usize));
        let first = key_of(m[0]);
        let twin_key = (m.iter().all(|&v| eligible(v as usize))
            && m[1..].iter().all(|&v| key_of(v) == first))
        .then_some(first)
        .filter(|(k, s)| k.is_infra() && !s.is_empty());
        class[u] = super::index32(match twin_key {
            Some(key) => *by_key.entry(key).or_insert_with(&mut new_class),
            None => new_class(),
        });
    }
    let classes = super::refine::refine(&mut class, classes, &preds, &succs);

    // Renumber groups by first node, so output is deterministic.
    let mut group_of_class: Vec<usize> = vec![usize::MAX; classes];
    let mut class_of = vec![0; n];
    let mut ng = 0;
    for (v, &u) in unit_of.iter().enumerate() {
        let c = class[u as usize] as usize;
        if group_of_class[c] == usize::MAX {
            group_of_class[c] = ng;
            ng += 1;
        }
        class_of[v] = super::index32(group_of_class[c]);
    }
    let members = Rows::from_pairs(ng, || {
        class_of.iter().enumerate().map(|(v, &g)| (g as usize, v))
    });
    let mut g = Groups {
        class_of,
        members,
        why: vec![String::new(); ng],
        self_redundant,
    };
    for gid in 0..g.members.len() {
        if g.members[gid].len() < 2 {
            continue;
        }
        let units: HashSet<u32> = g.members[gid]
            .iter()
            .map(|&v| unit_of[v as usize])
            .collect();
        g.why[gid] = if units.len() == 1 {
            let r = uf.find(g.members[gid][0] as usize);
            reason.get(&r).cloned().unwrap_or_default()
        } else {
            "twins: same kind, same label but for replica markers, same neighbours".into()
        };
    }
    g
}
