//! The vocabulary that turns diagram text into reliability facts: kind words,
//! link words, redundancy evidence, process and location titles. Owns the
//! embedded `vocab.toml`, its extension by the user's config, and whole-word
//! phrase matching; decides nothing about a diagram by itself.

use serde::Deserialize;
use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a: phrase lookups hash short ASCII words millions of times on big
/// diagrams; SipHash's DoS resistance buys nothing for a fixed vocabulary.
#[derive(Clone, Copy, Debug)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// A `HashMap` with [`Fnv`] hashing.
pub type FnvMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

/// A `HashSet` with [`Fnv`] hashing.
pub type FnvSet<K> = std::collections::HashSet<K, BuildHasherDefault<Fnv>>;

/// The built-in vocabulary, as shipped.
pub const BUILTIN: &str = include_str!("vocab.toml");

/// One kind's words, in tie-break order.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindWords {
    /// Kind name (`database`, `load balancer`, ...).
    pub name: String,
    /// Phrases that give the kind.
    #[serde(default)]
    pub words: Vec<String>,
}

/// Shape names that carry meaning.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ShapeWords {
    /// Shapes that make a node a database when no infrastructure word matched.
    pub database: Vec<String>,
    /// Shapes that make a node storage when no infrastructure word matched.
    pub storage: Vec<String>,
    /// Shapes that make a node an actor when no word matched.
    pub actor: Vec<String>,
    /// Stacked shapes: redundant by themselves.
    pub stacked: Vec<String>,
    /// Control-flow and annotation shapes: never reported.
    pub not_components: Vec<String>,
}

/// Words in link labels.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LinkWords {
    /// Dependence: make a dotted link hard.
    pub hard: Vec<String>,
    /// Observation: make a solid link soft.
    pub soft: Vec<String>,
    /// Replication: the link is redundancy evidence.
    pub redundancy: Vec<String>,
    /// Soft targets: a link to a node named so is observation or optional,
    /// not a dependency.
    pub soft_targets: Vec<String>,
    /// Links that are not request needs whatever their stroke: data flow
    /// after the request (export, ETL, batch, archive, train), control
    /// (scale, provision, configure, reconcile, issue certificates) and
    /// fallbacks. They carry no failure from their target to their source.
    pub not_needs: Vec<String>,
}

/// Labels that are artefacts, not components.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ArtefactWords {
    /// First words that make a label a step of a flow.
    pub step_verbs: Vec<String>,
    /// Words that make a label a state of a flow.
    pub state_words: Vec<String>,
    /// File extensions (`yaml`, `py`, ...).
    pub extensions: Vec<String>,
    /// Head nouns of artefacts: a label whose head noun is one of these
    /// names data, code or configuration (`Base Config`, `Container
    /// Images`, `Unit Tests`), not a running component.
    pub nouns: Vec<String>,
    /// Words that end a label's head phrase (`record in redis`).
    pub prepositions: Vec<String>,
    /// In-process libraries and frameworks: a box named after one is code.
    pub libraries: Vec<String>,
    /// Words that say a library-named box is deployed on its own.
    pub deployed: Vec<String>,
    /// Last humps of class names that name code (`...Store`, `...Manager`).
    pub code_roles: Vec<String>,
    /// Head nouns of subgraph titles whose members are parts of one process.
    pub code_containers: Vec<String>,
    /// Names of API objects (records in a control plane's API, such as
    /// Kubernetes kinds): a box named exactly so is configuration.
    pub api_objects: Vec<String>,
}

/// Redundancy evidence words.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RedundancyWords {
    /// Class names that mark a node redundant.
    pub classes: Vec<String>,
    /// Replica role words (`primary`, `replica`, ...).
    pub roles: Vec<String>,
    /// Replica markers stripped before comparing twins' labels.
    pub markers: Vec<String>,
    /// Words of machines: in labels with one, single letters (`A`, `B`) are replica markers.
    pub letter_marker_words: Vec<String>,
    /// Labels stating multiplicity.
    pub multiplicity: Vec<String>,
    /// Nouns that state multiplicity after a count of two or more.
    pub count_nouns: Vec<String>,
    /// Managed services and clusters by design.
    pub managed: Vec<String>,
    /// Words that say "just one" and override `multiplicity` and `managed`.
    pub single: Vec<String>,
    /// Subgraph titles of pools and clusters.
    pub pool_titles: Vec<String>,
    /// Words of subgraph titles that make every member redundant by
    /// itself (`Deployment (HPA autoscaled)`).
    pub replicated_titles: Vec<String>,
}

/// Subgraph title words.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SubgraphWords {
    /// Titles of process subgraphs (backup, CI/CD, ...).
    pub process: Vec<String>,
    /// Titles of locations (region, AZ, data center, ...).
    pub locations: Vec<String>,
    /// Titles that are never locations (security zones).
    pub not_locations: Vec<String>,
    /// Titles of alternatives drawn side by side (`Pattern 1`, `Option B`).
    pub alternatives: Vec<String>,
    /// Titles of periods of a plan (`Phase 2`, `Sprint 3`).
    pub periods: Vec<String>,
    /// Words of titles that group several things (`Database Layer`).
    pub grouping: Vec<String>,
    /// Kind words that name a category, not a product (`storage`).
    pub categories: Vec<String>,
}

/// The vocabulary file's layout (also the layout of a user extension).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VocabFile {
    /// Kinds in tie-break order.
    pub kinds: Vec<KindWords>,
    /// Shapes.
    pub shapes: ShapeWords,
    /// Link label words.
    pub links: LinkWords,
    /// Redundancy evidence.
    pub redundancy: RedundancyWords,
    /// Artefact labels.
    pub artefacts: ArtefactWords,
    /// Subgraph titles.
    pub subgraphs: SubgraphWords,
}

/// What a token can stand for in a [`Lexicon`]: the vocabulary word it is,
/// the word it is with its trailing digits dropped (`db1`), and the words
/// it is the plural of (`boxes` → `box` by `es`, `boxe` by `s`). Each is a
/// word id, or [`NO_WORD`]. Computed once per token, so matching compares
/// integers instead of hashing each form of each token in each set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WordIds {
    exact: u32,
    digits: u32,
    es: u32,
    s: u32,
    /// The sets of the lexicon's vocabulary with a phrase this token may
    /// start (see [`Lexicon::first_of`]): most tokens start none, and a
    /// set tests its bit before looking at any phrase.
    starts: u64,
}

/// No vocabulary word.
const NO_WORD: u32 = u32::MAX;

impl WordIds {
    const NONE: WordIds = WordIds {
        exact: NO_WORD,
        digits: NO_WORD,
        es: NO_WORD,
        s: NO_WORD,
        starts: 0,
    };

    /// Whether this token stands for word `w` (plural tolerated only on a
    /// phrase's `last` word; trailing digits on any).
    fn stands_for(self, w: u32, last: bool) -> bool {
        self.exact == w || self.digits == w || (last && (self.s == w || self.es == w))
    }
}

/// The surface forms a token may take for vocabulary words.
#[derive(Clone, Copy, Debug)]
struct Forms {
    exact: u32,
    es: u32,
    s: u32,
}

/// Every word of a vocabulary's phrases, numbered, with the surface forms
/// that stand for each (the word, the word + `s`, the word + `es`): one
/// hash lookup turns a token into its [`WordIds`].
#[derive(Clone, Debug, Default)]
pub struct Lexicon {
    forms: FnvMap<String, Forms>,
    /// Per word id: whether the word has two bytes or more (only such a
    /// word is found as a phrase's first word through a plural token).
    long: Vec<bool>,
    /// Per word id: the sets of a [`Vocab`] with a phrase that starts with
    /// it, as bits ([`PhraseSet::bit`]); empty outside a vocabulary.
    first_of: Vec<u64>,
}

impl Lexicon {
    /// The lexicon of every word of these phrases.
    fn of<'a>(phrases: impl IntoIterator<Item = &'a str>) -> Self {
        let mut lex = Lexicon::default();
        for p in phrases {
            for w in tokens(p) {
                lex.intern(&w);
            }
        }
        lex
    }

    fn intern(&mut self, w: &str) -> u32 {
        if let Some(f) = self.forms.get(w).filter(|f| f.exact != NO_WORD) {
            return f.exact;
        }
        let id = u32::try_from(self.long.len()).unwrap_or(NO_WORD - 1);
        self.long.push(w.len() >= 2);
        let none = Forms {
            exact: NO_WORD,
            es: NO_WORD,
            s: NO_WORD,
        };
        let with = |end: &str| {
            let mut form = String::with_capacity(w.len() + end.len());
            form.push_str(w);
            form.push_str(end);
            form
        };
        self.forms.entry(w.to_string()).or_insert(none).exact = id;
        self.forms.entry(with("s")).or_insert(none).s = id;
        self.forms.entry(with("es")).or_insert(none).es = id;
        id
    }

    /// The id of vocabulary word `w`, if it is one.
    fn word(&self, w: &str) -> Option<u32> {
        self.forms
            .get(w)
            .map(|f| f.exact)
            .filter(|&id| id != NO_WORD)
    }

    /// What token `t` stands for (one lookup; two if it ends in digits).
    pub fn ids(&self, t: &str) -> WordIds {
        let mut out = WordIds::NONE;
        if let Some(f) = self.forms.get(t) {
            out.exact = f.exact;
            out.es = f.es;
            out.s = f.s;
        }
        let d = strip_digits(t);
        if d.len() >= 2 && d.len() != t.len() {
            out.digits = self.word(d).unwrap_or(NO_WORD);
        }
        if !self.first_of.is_empty() {
            // The words a phrase's first word is looked for as (see
            // `PhraseSet::each_at`).
            let first_of = |w: u32| self.first_of.get(w as usize).copied().unwrap_or(0);
            let plural = |w: u32| if self.is_long(w) { first_of(w) } else { 0 };
            out.starts =
                first_of(out.exact) | first_of(out.digits) | plural(out.es) | plural(out.s);
        }
        out
    }

    /// [`Lexicon::ids`] of each token.
    pub fn ids_of(&self, toks: &[String]) -> Vec<WordIds> {
        toks.iter().map(|t| self.ids(t)).collect()
    }

    fn is_long(&self, w: u32) -> bool {
        self.long.get(w as usize).copied().unwrap_or(false)
    }
}

/// Where a token list's words are: strings of their own, or runs of one
/// shared buffer ([`NodeTexts`]).
#[derive(Clone, Copy, Debug)]
enum Toks<'a> {
    /// One string per token.
    Strings(&'a [String]),
    /// Token `i` is `text[ends[i]..ends[i + 1]]`; `ends` is one longer
    /// than the list (never empty).
    Packed { text: &'a str, ends: &'a [u32] },
}

impl<'a> Toks<'a> {
    fn len(self) -> usize {
        match self {
            Toks::Strings(s) => s.len(),
            Toks::Packed { ends, .. } => ends.len().saturating_sub(1),
        }
    }

    fn get(self, i: usize) -> &'a str {
        match self {
            Toks::Strings(s) => s[i].as_str(),
            Toks::Packed { text, ends } => text
                .get(ends[i] as usize..ends[i + 1] as usize)
                .unwrap_or(""),
        }
    }

    /// Tokens `start..end` (`start <= end <= len`).
    fn range(self, start: usize, end: usize) -> Self {
        match self {
            Toks::Strings(s) => Toks::Strings(&s[start..end]),
            Toks::Packed { text, ends } => Toks::Packed {
                text,
                ends: ends.get(start..=end).unwrap_or(ends),
            },
        }
    }
}

/// A token list to match: the tokens, and their [`WordIds`] in the
/// phrase set's lexicon when already computed (the same length as the
/// tokens), else empty and looked up as needed.
#[derive(Clone, Copy, Debug)]
pub struct Words<'a> {
    toks: Toks<'a>,
    ids: &'a [WordIds],
}

impl<'a> Words<'a> {
    /// Tokens with their ids, which must come from the lexicon of the
    /// sets they are matched against (see [`Vocab::lexicon`]).
    pub fn with_ids(toks: &'a [String], ids: &'a [WordIds]) -> Self {
        Words::checked(Toks::Strings(toks), ids)
    }

    fn checked(toks: Toks<'a>, ids: &'a [WordIds]) -> Self {
        let ids = if ids.len() == toks.len() { ids } else { &[] };
        Words { toks, ids }
    }

    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.toks.len()
    }

    /// Whether there are no tokens.
    pub fn is_empty(&self) -> bool {
        self.toks.len() == 0
    }

    /// Token `i` (`i < len`).
    pub fn get(&self, i: usize) -> &'a str {
        self.toks.get(i)
    }

    /// The tokens, in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &'a str> + 'a {
        let toks = self.toks;
        (0..toks.len()).map(move |i| toks.get(i))
    }

    /// The words of `m`, joined by spaces.
    pub fn phrase(&self, m: Match) -> String {
        let words = self.from(m.start).to(m.len);
        let mut out = String::new();
        for (i, w) in words.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(w);
        }
        out
    }

    /// The tokens from `start` on.
    pub fn from(&self, start: usize) -> Words<'a> {
        self.range(start, self.toks.len())
    }

    /// The first `end` tokens.
    pub fn to(&self, end: usize) -> Words<'a> {
        self.range(0, end)
    }

    fn range(&self, start: usize, end: usize) -> Words<'a> {
        let end = end.min(self.toks.len());
        let start = start.min(end);
        Words {
            toks: self.toks.range(start, end),
            ids: if self.ids.is_empty() {
                &[]
            } else {
                &self.ids[start..end]
            },
        }
    }
}

impl<'a> From<&'a [String]> for Words<'a> {
    fn from(toks: &'a [String]) -> Self {
        Words {
            toks: Toks::Strings(toks),
            ids: &[],
        }
    }
}

impl<'a> From<&'a Vec<String>> for Words<'a> {
    fn from(toks: &'a Vec<String>) -> Self {
        Words {
            toks: Toks::Strings(toks),
            ids: &[],
        }
    }
}

/// A set of phrases, indexed for whole-word matching over token lists.
/// Phrases are kept as word ids of a [`Lexicon`] (shared by every set of
/// a [`Vocab`]), bucketed by first word in one array: a token that starts
/// no phrase is rejected by one array lookup.
#[derive(Clone, Debug, Default)]
pub struct PhraseSet {
    lexicon: std::sync::Arc<Lexicon>,
    /// This set's bit in its lexicon's [`Lexicon::first_of`] (one of a
    /// [`Vocab`]'s sets), or 0: a token whose [`WordIds`] lack it starts
    /// no phrase of the set.
    bit: u64,
    /// Per first word id `w`: its phrases are `phrases[starts[w]..starts[w + 1]]`.
    starts: Vec<u32>,
    /// (words, tag), grouped by first word in insertion order.
    phrases: Vec<(Box<[u32]>, usize)>,
}

/// A phrase found in a token list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Match {
    /// First token.
    pub start: usize,
    /// Number of tokens.
    pub len: usize,
}

impl PhraseSet {
    /// Index these phrases.
    pub fn new<S: AsRef<str>>(phrases: &[S]) -> Self {
        let lexicon = Lexicon::of(phrases.iter().map(AsRef::as_ref));
        PhraseSet::build(
            std::sync::Arc::new(lexicon),
            phrases.iter().map(|p| (p.as_ref(), 0)),
        )
    }

    /// Index phrases that carry a tag (which list each came from), so one
    /// pass over the tokens matches several lists.
    pub fn tagged<'a>(phrases: impl IntoIterator<Item = (&'a str, usize)> + Clone) -> Self {
        let lexicon = Lexicon::of(phrases.clone().into_iter().map(|(p, _)| p));
        PhraseSet::build(std::sync::Arc::new(lexicon), phrases)
    }

    /// Index tagged phrases whose words are all in `lexicon`.
    fn build<'a>(
        lexicon: std::sync::Arc<Lexicon>,
        phrases: impl IntoIterator<Item = (&'a str, usize)>,
    ) -> Self {
        let ids: Vec<(Box<[u32]>, usize)> = phrases
            .into_iter()
            .filter_map(|(p, tag)| {
                let ids: Option<Box<[u32]>> = tokens(p).iter().map(|w| lexicon.word(w)).collect();
                ids.map(|ids| (ids, tag))
            })
            .collect();
        PhraseSet::from_ids(lexicon, 0, ids.iter().map(|(ids, tag)| (&**ids, *tag)))
    }

    /// Index tagged phrases given as word ids of `lexicon` (a phrase with
    /// no word, or a first word not in it, is left out; a repeated phrase
    /// and tag kept once), with the set's bit in the lexicon's `first_of`.
    fn from_ids<'a>(
        lexicon: std::sync::Arc<Lexicon>,
        bit: u64,
        phrases: impl IntoIterator<Item = (&'a [u32], usize)>,
    ) -> Self {
        let words = lexicon.long.len();
        let mut items: Vec<(&[u32], usize)> = phrases
            .into_iter()
            .filter(|(ids, _)| ids.first().is_some_and(|&f| (f as usize) < words))
            .collect();
        // Grouped by first word, in insertion order within a group (a
        // stable sort), in one array.
        items.sort_by_key(|(ids, _)| ids[0]);
        let at = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let mut starts = Vec::with_capacity(words + 1);
        let mut flat: Vec<(Box<[u32]>, usize)> = Vec::with_capacity(items.len());
        let mut next = items.iter().peekable();
        // Repeats found with a set: a scan of the group for each phrase was
        // quadratic (100,000 configured phrases sharing a first word, 7.7 s).
        let mut kept: std::collections::HashSet<(&[u32], usize)> =
            std::collections::HashSet::with_capacity(items.len());
        for w in 0..words {
            starts.push(at(flat.len()));
            while let Some(&&(ids, tag)) = next.peek().filter(|(ids, _)| ids[0] as usize == w) {
                if kept.insert((ids, tag)) {
                    flat.push((ids.into(), tag));
                }
                next.next();
            }
        }
        starts.push(at(flat.len()));
        PhraseSet {
            lexicon,
            bit,
            starts,
            phrases: flat,
        }
    }

    /// Every phrase occurrence in `toks`.
    pub fn find_all<'a>(&self, toks: impl Into<Words<'a>>) -> Vec<Match> {
        let mut out: Vec<Match> = Vec::new();
        for (m, _) in self.find_tagged(toks) {
            if !out.contains(&m) {
                out.push(m);
            }
        }
        out
    }

    /// Every phrase occurrence in `toks`, with the phrase's tag.
    pub fn find_tagged<'a>(&self, toks: impl Into<Words<'a>>) -> Vec<(Match, usize)> {
        let toks = toks.into();
        let mut out = Vec::new();
        for start in 0..toks.len() {
            for (len, tag) in self.phrases_at(toks, start) {
                let m = Match { start, len };
                if !out.contains(&(m, tag)) {
                    out.push((m, tag));
                }
            }
        }
        out
    }

    /// Calls `f` with every phrase occurrence in `toks` and its tag, in
    /// `find_tagged`'s order but with any repeats (allocates nothing; a
    /// loop, where [`PhraseSet::each_tagged`]'s iterator is a large value
    /// moved at each step).
    pub fn for_each_tagged<'a>(&self, toks: impl Into<Words<'a>>, mut f: impl FnMut(Match, usize)) {
        let toks = toks.into();
        for start in 0..toks.len() {
            self.each_at(toks, start, |len, tag| {
                f(Match { start, len }, tag);
                false
            });
        }
    }

    /// Every phrase occurrence in `toks` with its tag, in `find_tagged`'s
    /// order but with any repeats (allocates nothing).
    pub fn each_tagged<'a>(
        &'a self,
        toks: impl Into<Words<'a>>,
    ) -> impl Iterator<Item = (Match, usize)> + 'a {
        let toks = toks.into();
        (0..toks.len()).flat_map(move |start| {
            self.phrases_at(toks, start)
                .map(move |(len, tag)| (Match { start, len }, tag))
        })
    }

    /// The first phrase occurrence in `toks`, as `find_all` orders them
    /// (allocates nothing).
    pub fn first<'a>(&self, toks: impl Into<Words<'a>>) -> Option<Match> {
        let toks = toks.into();
        (0..toks.len()).find_map(|start| {
            let mut found = None;
            self.each_at(toks, start, |len, _| {
                found = Some(Match { start, len });
                true
            });
            found
        })
    }

    /// Whether `f` holds for the length of a phrase that occurs in `toks`
    /// at `start` (lengths in [`PhraseSet::lengths_at`]'s order; allocates nothing).
    pub fn any_at<'a>(
        &self,
        toks: impl Into<Words<'a>>,
        start: usize,
        mut f: impl FnMut(usize) -> bool,
    ) -> bool {
        let toks = toks.into();
        start < toks.len() && self.each_at(toks, start, |len, _| f(len))
    }

    /// Whether a phrase occurs in `toks` at `start` (allocates nothing).
    pub fn occurs_at<'a>(&self, toks: impl Into<Words<'a>>, start: usize) -> bool {
        let toks = toks.into();
        start < toks.len() && self.each_at(toks, start, |_, _| true)
    }

    /// The length of the longest phrase that occurs in `toks` at `start`.
    pub fn longest_at<'a>(&self, toks: impl Into<Words<'a>>, start: usize) -> Option<usize> {
        let toks = toks.into();
        let mut longest = None;
        if start < toks.len() {
            self.each_at(toks, start, |len, _| {
                longest = longest.max(Some(len));
                false
            });
        }
        longest
    }

    /// The lengths of the phrases that occur in `toks` at `start`, in the
    /// order `find_all` meets them, repeats included (allocates nothing).
    pub fn lengths_at<'a>(
        &'a self,
        toks: impl Into<Words<'a>>,
        start: usize,
    ) -> impl Iterator<Item = usize> + 'a {
        let toks = toks.into();
        (start < toks.len())
            .then(|| self.phrases_at(toks, start).map(|(len, _)| len))
            .into_iter()
            .flatten()
    }

    /// Whether any phrase occurs in `toks` (stops at the first, allocates nothing).
    pub fn matches<'a>(&self, toks: impl Into<Words<'a>>) -> bool {
        let toks = toks.into();
        (0..toks.len()).any(|start| self.each_at(toks, start, |_, _| true))
    }

    /// Whether `toks` is exactly one of the phrases.
    pub fn is_exactly<'a>(&self, toks: impl Into<Words<'a>>) -> bool {
        let toks = toks.into();
        !toks.is_empty() && self.each_at(toks, 0, |len, _| len == toks.len())
    }

    /// The word ids of token `i`.
    fn ids_at(&self, toks: Words<'_>, i: usize) -> WordIds {
        match toks.ids.get(i) {
            Some(&ids) => ids,
            None => self.lexicon.ids(toks.get(i)),
        }
    }

    /// The phrases that occur in `toks` starting at `start`: (length, tag),
    /// in the order `find_tagged` meets them. A phrase's first word is
    /// looked for as the token itself, then without trailing digits, then
    /// without a plural `es`, then `s` (a plural only for words of two
    /// bytes or more).
    fn phrases_at<'a>(
        &'a self,
        toks: Words<'a>,
        start: usize,
    ) -> impl Iterator<Item = (usize, usize)> + 'a {
        let first = self.ids_at(toks, start);
        let plural = |w: u32| if self.lexicon.is_long(w) { w } else { NO_WORD };
        [first.exact, first.digits, plural(first.es), plural(first.s)]
            .into_iter()
            .flat_map(move |w| self.bucket(w))
            .filter(move |(c, _)| {
                start + c.len() <= toks.len()
                    && c.iter().enumerate().all(|(i, &w)| {
                        // The first token's ids are known already.
                        let t = if i == 0 {
                            first
                        } else {
                            self.ids_at(toks, start + i)
                        };
                        t.stands_for(w, i + 1 == c.len())
                    })
            })
            .map(|(c, tag)| (c.len(), *tag))
    }

    /// Calls `f(length, tag)` for each phrase that occurs in `toks` at
    /// `start` (`start < toks.len()`), in [`PhraseSet::phrases_at`]'s
    /// order, until it returns true; says whether it did. A plain loop:
    /// the matching every node's words go through dozens of times.
    fn each_at(
        &self,
        toks: Words<'_>,
        start: usize,
        mut f: impl FnMut(usize, usize) -> bool,
    ) -> bool {
        let first = self.ids_at(toks, start);
        if self.bit != 0 && first.starts & self.bit == 0 {
            return false;
        }
        let plural = |w: u32| if self.lexicon.is_long(w) { w } else { NO_WORD };
        for w in [first.exact, first.digits, plural(first.es), plural(first.s)] {
            for (c, tag) in self.bucket(w) {
                let fits = start + c.len() <= toks.len()
                    && c.iter().enumerate().skip(1).all(|(i, &w)| {
                        self.ids_at(toks, start + i).stands_for(w, i + 1 == c.len())
                    })
                    && c.first()
                        .is_some_and(|&w| first.stands_for(w, c.len() == 1));
                if fits && f(c.len(), *tag) {
                    return true;
                }
            }
        }
        false
    }

    /// The phrases whose first word is `w` (none for [`NO_WORD`]).
    fn bucket(&self, w: u32) -> &[(Box<[u32]>, usize)] {
        let w = w as usize;
        match (self.starts.get(w), self.starts.get(w + 1)) {
            (Some(&a), Some(&b)) => &self.phrases[a as usize..b as usize],
            _ => &[],
        }
    }
}

fn strip_digits(t: &str) -> &str {
    t.trim_end_matches(|c: char| c.is_ascii_digit())
}

/// Split text into lowercase whole-word tokens: HTML tags and entity codes
/// removed, anything that is not a letter or digit separates words.
pub fn tokens(text: &str) -> Vec<String> {
    // Plain ASCII (nearly every label) is split and lowercased in one pass;
    // it gives what the general path gives.
    if is_plain(text) {
        return plain_tokens(text).collect();
    }
    tokens_unicode(text)
}

/// [`tokens`] of a plain text (see [`is_plain`]).
fn plain_tokens(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|s| !s.is_empty())
        .map(str::to_ascii_lowercase)
}

/// How many runs of ASCII letters and digits `text` has: the number of its
/// [`tokens`] when it is plain.
fn ascii_runs(text: &str) -> usize {
    let mut n = 0;
    let mut in_word = false;
    for &b in text.as_bytes() {
        let w = b.is_ascii_alphanumeric();
        n += usize::from(w && !in_word);
        in_word = w;
    }
    n
}

/// [`tokens`] for any text.
fn tokens_unicode(text: &str) -> Vec<String> {
    let clean = if text.contains(['<', '#', '&']) {
        clean_text(text).to_lowercase()
    } else {
        text.to_lowercase()
    };
    clean
        .split(|c: char| !c.is_alphanumeric())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// The humps of a camel-case word (`RedisSessionStore` → `Redis`,
/// `Session`, `Store`; `PostgreSQL` → `Postgre`, `SQL`). A word with no
/// lower-case letter, or not made of letters and digits, is one hump.
pub fn camel_humps(word: &str) -> Vec<&str> {
    if !word.chars().all(char::is_alphanumeric) || !word.chars().any(char::is_lowercase) {
        return vec![word];
    }
    let chars: Vec<(usize, char)> = word.char_indices().collect();
    let mut humps = Vec::new();
    let mut start = 0;
    for i in 1..chars.len() {
        let (at, c) = chars[i];
        let prev = chars[i - 1].1;
        let next_lower = chars.get(i + 1).is_some_and(|(_, n)| n.is_lowercase());
        if c.is_uppercase() && (prev.is_lowercase() || (prev.is_uppercase() && next_lower)) {
            humps.push(&word[start..at]);
            start = at;
        }
    }
    humps.push(&word[start..]);
    humps
}

/// How many [`camel_humps`] a word has, and its last one, without
/// building the list (the artefact and code tests ask only this, of every
/// label).
pub fn last_camel_hump(word: &str) -> (usize, &str) {
    if !word.chars().all(char::is_alphanumeric) || !word.chars().any(char::is_lowercase) {
        return (1, word);
    }
    let mut count = 1;
    let mut start = 0;
    let mut it = word.char_indices().peekable();
    let mut prev: Option<char> = None;
    while let Some((at, c)) = it.next() {
        if let Some(p) = prev {
            let next_lower = it.peek().is_some_and(|(_, n)| n.is_lowercase());
            if c.is_uppercase() && (p.is_lowercase() || (p.is_uppercase() && next_lower)) {
                count += 1;
                start = at;
            }
        }
        prev = Some(c);
    }
    (count, &word[start..])
}

/// Tokens of an id: camelCase and `snake_case` split (`OrderDB` → `order db`).
pub fn id_tokens(id: &str) -> Vec<String> {
    let mut out = Vec::new();
    id_tokens_into(id, &mut out);
    out
}

/// Whether an ASCII id breaks into a new word at byte `i`: a capital after
/// a lowercase letter (`orderDb`), or the last capital of a run before a
/// lowercase letter (`HTTPServer` → `HTTP`, `Server`).
fn camel_break_at(b: &[u8], i: usize) -> bool {
    i > 0
        && b[i].is_ascii_uppercase()
        && (b[i - 1].is_ascii_lowercase()
            || (b[i - 1].is_ascii_uppercase() && b.get(i + 1).is_some_and(u8::is_ascii_lowercase)))
}

/// [`id_tokens`], appended to `out`.
fn id_tokens_into(id: &str, out: &mut Vec<String>) {
    // Plain ASCII ids (nearly all) are split in one pass over the bytes.
    if id.is_ascii() && !id.contains(['<', '#', '&']) {
        let b = id.as_bytes();
        let mut cur = String::new();
        for (i, &c) in b.iter().enumerate() {
            let camel_break = camel_break_at(b, i);
            if (!c.is_ascii_alphanumeric() || camel_break) && !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            if c.is_ascii_alphanumeric() {
                cur.push(char::from(c.to_ascii_lowercase()));
            }
        }
        if !cur.is_empty() {
            out.push(cur);
        }
        return;
    }
    out.extend(id_tokens_unicode(id));
}

/// [`id_tokens`] for any id.
fn id_tokens_unicode(id: &str) -> Vec<String> {
    let chars: Vec<char> = id.chars().collect();
    let mut s = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if i > 0 && c.is_uppercase() {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if prev.is_lowercase() || (prev.is_uppercase() && next_lower) {
                s.push(' ');
            }
        }
        s.push(c);
    }
    tokens_unicode(&s)
}

/// The words of every node of a diagram, tokenized once and shared by
/// every vocabulary test (kind, artefact, in-process code, soft target,
/// redundancy). All tokens sit in one buffer, and their [`WordIds`] in one
/// list: a string and two lists per node were about six allocations per
/// node, most of the allocations of a big diagram's analysis.
#[derive(Clone, Debug, Default)]
pub struct NodeTexts {
    /// Every token, lowercase, one after the other.
    text: String,
    /// Token `t` is `text[ends[t]..ends[t + 1]]` (starts with 0).
    ends: Vec<u32>,
    /// [`WordIds`] of each token in a vocabulary's lexicon, if computed
    /// ([`NodeTexts::in_vocab`]); empty otherwise.
    ids: Vec<WordIds>,
    /// Per node: its first token, its first id token (its label's
    /// tokens come first, then its id's), and the first and end token of
    /// its name (the label's first line with words, [`name_range`]); then
    /// one more entry, the end.
    nodes: Vec<[u32; 4]>,
}

/// A buffer offset as stored: diagrams are far below 4 GiB of words, and
/// an offset past it reads as an empty token rather than failing.
fn offset(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl NodeTexts {
    /// The words of `nodes` (their ids are looked up again by each test).
    pub fn of(nodes: &[crate::model::Node]) -> Self {
        // Room for every token at once (tokens are at most the bytes of
        // labels and ids, and rarely more than four a node): grown by
        // doubling, the buffers were copied at each step.
        let bytes = nodes.iter().map(|n| n.label.len() + n.id.len()).sum();
        let mut t = NodeTexts {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(4 * nodes.len() + 1),
            ids: Vec::new(),
            nodes: Vec::with_capacity(nodes.len() + 1),
        };
        t.ends.push(0);
        for node in nodes {
            let first = offset(t.ends.len() - 1);
            t.push_label(&node.label);
            let split = offset(t.ends.len() - 1);
            let (name_start, name_end) = match name_range(&node.label) {
                // Nearly every label is one line: its name is all of it.
                None => (first, split),
                Some((a, b)) => {
                    let before = offset(tokens(&node.label[..a]).len());
                    let len = offset(tokens(&node.label[a..b]).len());
                    let start = (first + before).min(split);
                    (start, (start + len).min(split))
                }
            };
            t.push_id(&node.id);
            t.nodes.push([first, split, name_start, name_end]);
        }
        let end = offset(t.ends.len() - 1);
        t.nodes.push([end, end, end, end]);
        t
    }

    /// The words of `nodes` with their ids in `vocab`'s lexicon, looked up
    /// once for every phrase set of `vocab` (only `vocab`'s sets may be
    /// matched against them).
    pub fn in_vocab(nodes: &[crate::model::Node], vocab: &Vocab) -> Self {
        let mut t = NodeTexts::of(nodes);
        let toks = Toks::Packed {
            text: &t.text,
            ends: &t.ends,
        };
        t.ids = (0..toks.len())
            .map(|i| vocab.lexicon.ids(toks.get(i)))
            .collect();
        t
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len().saturating_sub(1)
    }

    /// Whether there are no nodes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The words of node `v` (`v < len`).
    pub fn get(&self, v: usize) -> NodeText<'_> {
        let [first, split, name_start, name_end] = self.nodes[v];
        let end = self.nodes[v + 1][0];
        let (first, split, end) = (first as usize, split as usize, end as usize);
        NodeText {
            text: &self.text,
            ends: self.ends.get(first..=end).unwrap_or(&[0]),
            ids: self.ids.get(first..end).unwrap_or(&[]),
            split: split - first,
            name: (name_start as usize - first, name_end as usize - first),
        }
    }

    /// Ends the token being written.
    fn end_token(&mut self) {
        self.ends.push(offset(self.text.len()));
    }

    /// Appends [`tokens`] of a label.
    fn push_label(&mut self, label: &str) {
        if is_plain(label) {
            for w in label
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|s| !s.is_empty())
            {
                let start = self.text.len();
                self.text.push_str(w);
                self.text[start..].make_ascii_lowercase();
                self.end_token();
            }
        } else {
            for w in tokens_unicode(label) {
                self.text.push_str(&w);
                self.end_token();
            }
        }
    }

    /// Appends [`id_tokens`] of an id (as [`id_tokens_into`] splits it).
    fn push_id(&mut self, id: &str) {
        if !id.is_ascii() || id.contains(['<', '#', '&']) {
            for w in id_tokens_unicode(id) {
                self.text.push_str(&w);
                self.end_token();
            }
            return;
        }
        let b = id.as_bytes();
        let mut start = self.text.len();
        for (i, &c) in b.iter().enumerate() {
            let camel_break = camel_break_at(b, i);
            if (!c.is_ascii_alphanumeric() || camel_break) && self.text.len() > start {
                self.end_token();
                start = self.text.len();
            }
            if c.is_ascii_alphanumeric() {
                self.text.push(char::from(c.to_ascii_lowercase()));
            }
        }
        if self.text.len() > start {
            self.end_token();
        }
    }
}

/// One node's words in a [`NodeTexts`].
#[derive(Clone, Copy, Debug)]
pub struct NodeText<'a> {
    text: &'a str,
    /// The node's token ends, one more than its tokens.
    ends: &'a [u32],
    /// Their ids, or empty.
    ids: &'a [WordIds],
    /// How many of the tokens are the label's.
    split: usize,
    /// The tokens of the node's name (the label's first line with words).
    name: (usize, usize),
}

impl<'a> NodeText<'a> {
    fn words(&self) -> Words<'a> {
        Words::checked(
            Toks::Packed {
                text: self.text,
                ends: self.ends,
            },
            self.ids,
        )
    }

    /// The label's [`tokens`], with their ids if computed.
    pub fn label_words(&self) -> Words<'a> {
        self.words().to(self.split)
    }

    /// The name's tokens: the label's first line with words (SPEC §4:
    /// it names the box; later lines are annotations and give no kind).
    pub fn name_words(&self) -> Words<'a> {
        self.words().to(self.name.1).from(self.name.0)
    }

    /// The id's [`id_tokens`], with their ids if computed.
    pub fn id_words(&self) -> Words<'a> {
        self.words().from(self.split)
    }
}

/// Whether `text` is plain ASCII with no tag or entity: then cleaning it
/// only collapses whitespace, and the tokens of any piece of it cut at a
/// separator are a prefix of its tokens.
fn is_plain(text: &str) -> bool {
    // Bytes, not chars: a set of chars is searched a char at a time.
    text.is_ascii() && !text.bytes().any(|b| matches!(b, b'<' | b'#' | b'&'))
}

/// The byte range of a label's name, its first line with a letter or
/// digit and the lines that continue it, when the label has more than one
/// line (`None`: it has one, and the name is all of it). Lines end at a
/// line break or a `<br>` tag in any spelling (`<br/>`, `<BR >`); an icon
/// line (`⚙️<br>Config`) before the name is passed over. A line continues
/// the name when it starts in lower case or the line before ends with a
/// joining word or sign (`Backends de<br/>observabilidad`, `Pool of<br/>
/// workers`), or is a parenthesis (`キャッシュ<br/>(Valkey)`: the product the
/// box runs): the author wrapped a long name. A line that starts in
/// capitals, a digit or a sign is an annotation (`Postgres<br/>User data`,
/// `Checkout<br/>Error rate: 2%`).
pub fn name_range(label: &str) -> Option<(usize, usize)> {
    let lines = label_lines(label)?;
    let first = lines
        .iter()
        .position(|&(a, e)| label[a..e].chars().any(char::is_alphanumeric));
    let Some(first) = first else {
        return Some((0, 0));
    };
    let (a, mut e) = lines[first];
    for &(na, ne) in &lines[first + 1..] {
        let next = label[na..ne].trim_start();
        // (`&#40` is how Mermaid text writes a parenthesis.)
        let qualifies = next.starts_with('(') || next.starts_with("&#40");
        if next.starts_with(char::is_lowercase) || qualifies || ends_joined(&label[a..e]) {
            e = ne;
        } else {
            break;
        }
    }
    Some((a, e))
}

/// The byte ranges of a label's lines, when it has more than one (lines
/// end at a line break or a `<br>` tag in any spelling).
pub fn label_lines(label: &str) -> Option<Vec<(usize, usize)>> {
    if !label.contains(['\n', '<']) {
        return None;
    }
    let b = label.as_bytes();
    let mut lines = Vec::new();
    let (mut start, mut i) = (0, 0);
    while i < b.len() {
        let br = b[i] == b'<' && b.len() >= i + 3 && b[i + 1..i + 3].eq_ignore_ascii_case(b"br");
        if b[i] == b'\n' || br {
            lines.push((start, i));
            i = if br {
                // Past the tag's `>` (or to the end of an unclosed one).
                b[i..]
                    .iter()
                    .position(|&c| c == b'>')
                    .map_or(b.len(), |p| i + p + 1)
            } else {
                i + 1
            };
            start = i;
        } else {
            i += 1;
        }
    }
    if lines.is_empty() {
        return None;
    }
    lines.push((start, b.len()));
    Some(lines)
}

/// Whether a line ends with a word or sign that joins it to the next
/// (`Backends de`, `Pool of`, `Orders &`, `Auth /`).
fn ends_joined(line: &str) -> bool {
    let t = line.trim_end();
    if t.ends_with(['&', '/', '-', ',', '+', '(']) {
        return true;
    }
    let last = t
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("")
        .to_lowercase();
    matches!(
        last.as_str(),
        "of" | "for"
            | "the"
            | "a"
            | "an"
            | "and"
            | "or"
            | "to"
            | "in"
            | "on"
            | "with"
            | "by"
            | "de"
            | "del"
            | "la"
            | "el"
            | "los"
            | "las"
            | "des"
            | "du"
            | "le"
            | "les"
            | "der"
            | "die"
            | "das"
            | "und"
            | "y"
            | "e"
            | "o"
            | "da"
            | "do"
            | "di"
            | "per"
            | "para"
            | "pour"
            | "für"
            | "von"
            | "en"
    )
}

/// The text before the first `<br` (all of it when there is none): a
/// label's first line. One byte scan for `<` spares most labels the
/// substring search.
fn before_br(label: &str) -> &str {
    if !label.contains('<') {
        return label;
    }
    label.split("<br").next().unwrap_or("")
}

/// The tokens of `piece`, a plain text's prefix that ends at a separator,
/// taken from the text's tokens `toks` (counted, not built again).
fn first_words<'t>(toks: Words<'t>, piece: &str) -> Words<'t> {
    toks.to(ascii_runs(piece))
}

/// A label's head: the text before any parenthesis, bracket, colon or
/// comma (`Keycloak JWT (Access + Refresh)` → `Keycloak JWT `).
fn head_of(label: &str) -> &str {
    // A byte scan (the separators are ASCII, so the cut is at a char
    // boundary); splitting at a set of chars decoded a char at a time.
    let end = label
        .bytes()
        .position(|b| matches!(b, b'(' | b'[' | b':' | b','))
        .unwrap_or(label.len());
    &label[..end]
}

/// A label as a reader sees it: `<br/>` and other tags become spaces, Mermaid
/// entity codes (`#quot;`, `#9829;`) and HTML entities are dropped or
/// decoded, whitespace collapsed.
pub fn clean_text(text: &str) -> String {
    // Most labels have no tag or entity: only their whitespace to collapse,
    // and usually none (a finding names up to 20 labels, so this is hot).
    if !text.contains(['<', '#', '&']) {
        return collapse_whitespace(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '<' => {
                // A tag: skip to '>' if there is one soon.
                let rest: String = chars.clone().take(64).collect();
                if let Some(end) = rest.find('>') {
                    for _ in 0..rest[..=end].chars().count() {
                        chars.next();
                    }
                    out.push(' ');
                } else {
                    out.push(c);
                }
            }
            '&' if chars.peek() == Some(&'#') => {
                // `&#40` / `&#40;`: a numeric character reference.
                let rest: String = chars.clone().skip(1).take(8).collect();
                let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                match digits.parse::<u32>().ok().and_then(char::from_u32) {
                    Some(ch) if !digits.is_empty() => {
                        for _ in 0..=digits.len() {
                            chars.next();
                        }
                        if chars.peek() == Some(&';') {
                            chars.next();
                        }
                        out.push(ch);
                    }
                    _ => out.push(c),
                }
            }
            '#' | '&' => {
                let rest: String = chars.clone().take(12).collect();
                if let Some(end) = rest.find(';') {
                    let name = &rest[..end];
                    if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()) {
                        for _ in 0..=end {
                            chars.next();
                        }
                        let numeric = name.parse::<u32>().ok().and_then(char::from_u32);
                        out.push(match (name, numeric) {
                            (_, Some(ch)) => ch,
                            ("amp", _) => '&',
                            ("lt", _) => '<',
                            ("gt", _) => '>',
                            _ => ' ',
                        });
                        continue;
                    }
                }
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// [`clean_text`], borrowed when it would be a copy of `text` (no tag or
/// entity, whitespace already collapsed: nearly every label), so tests that
/// only read the cleaned text of every node allocate nothing.
pub fn clean_text_cow(text: &str) -> Cow<'_, str> {
    if !text.contains(['<', '#', '&']) && is_collapsed(text) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(clean_text(text))
    }
}

/// Whether `text` has no leading, trailing or repeated whitespace and no
/// whitespace but plain spaces (or is empty).
fn is_collapsed(text: &str) -> bool {
    let mut previous_space = true;
    text.is_empty()
        || text.chars().all(|c| {
            let ok = !c.is_whitespace() || (c == ' ' && !previous_space);
            previous_space = c.is_whitespace();
            ok
        }) && !previous_space
}

/// `text` with leading and trailing whitespace removed and every inner run
/// of whitespace made one space, copied once when there is nothing to do.
fn collapse_whitespace(text: &str) -> String {
    if is_collapsed(text) {
        text.to_string()
    } else {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

/// Whether `text` contains `needle` (ASCII) ignoring ASCII case: what
/// `text.to_ascii_lowercase().contains(needle)` says, without the copy.
pub fn contains_ascii_ci(text: &str, needle: &str) -> bool {
    let (t, n) = (text.as_bytes(), needle.as_bytes());
    let Some(first) = n.first() else {
        return true;
    };
    // The first byte is compared before the rest: most windows fail there.
    t.windows(n.len())
        .any(|w| w[0].eq_ignore_ascii_case(first) && w.eq_ignore_ascii_case(n))
}

/// The compiled vocabulary.
#[derive(Clone, Debug)]
pub struct Vocab {
    /// The lists as read (built-in plus extensions).
    pub file: VocabFile,
    /// Kind phrases, in tie-break order (index = priority, lower wins ties).
    pub kinds: Vec<(String, PhraseSet)>,
    /// Every kind phrase in one index, tagged with its kind's priority.
    pub kind_index: PhraseSet,
    /// Link dependence words.
    pub link_hard: PhraseSet,
    /// Link observation words.
    pub link_soft: PhraseSet,
    /// Link replication words.
    pub link_redundancy: PhraseSet,
    /// Soft-target node words (observers, optional nodes).
    pub soft_targets: PhraseSet,
    /// Verbs that start a step's label.
    pub step_verbs: PhraseSet,
    /// Words of a flow's states.
    pub state_words: PhraseSet,
    /// Head nouns of artefacts.
    pub artefact_nouns: PhraseSet,
    /// Prepositions that end a head phrase.
    pub prepositions: PhraseSet,
    /// In-process libraries and frameworks.
    pub libraries: PhraseSet,
    /// Words of a deployed process (beat `libraries`).
    pub deployed: PhraseSet,
    /// Code roles of class names.
    pub code_roles: PhraseSet,
    /// Head nouns of code-container subgraph titles.
    pub code_containers: PhraseSet,
    /// Replica roles.
    pub roles: PhraseSet,
    /// Replica markers.
    pub markers: PhraseSet,
    /// Multiplicity words.
    pub multiplicity: PhraseSet,
    /// Count nouns.
    pub count_nouns: PhraseSet,
    /// Managed services.
    pub managed: PhraseSet,
    /// "Just one" words.
    pub single: PhraseSet,
    /// Pool titles.
    pub pool_titles: PhraseSet,
    /// Machine words (single letters are markers in their labels).
    pub machines: PhraseSet,
    /// Process titles.
    pub process: PhraseSet,
    /// Location titles.
    pub locations: PhraseSet,
    /// Security zones.
    pub not_locations: PhraseSet,
    /// Titles of alternatives.
    pub alternatives: PhraseSet,
    /// Titles of periods.
    pub periods: PhraseSet,
    /// Grouping words of subgraph titles.
    pub grouping: PhraseSet,
    /// Category words of subgraph titles.
    pub categories: PhraseSet,
    /// Link words of data flow, control and fallbacks: not needs.
    pub link_not_needs: PhraseSet,
    /// Names of API objects.
    pub api_objects: PhraseSet,
    /// Title words that make every member of a subgraph redundant.
    pub replicated_titles: PhraseSet,
    /// The words of every set above, numbered.
    lexicon: std::sync::Arc<Lexicon>,
}

impl Default for Vocab {
    fn default() -> Self {
        Vocab::builtin()
    }
}

impl Vocab {
    /// The built-in vocabulary, parsed once per process and shared.
    pub fn shared() -> std::sync::Arc<Vocab> {
        static SHARED: std::sync::OnceLock<std::sync::Arc<Vocab>> = std::sync::OnceLock::new();
        SHARED
            .get_or_init(|| std::sync::Arc::new(Vocab::builtin()))
            .clone()
    }

    /// The built-in vocabulary.
    pub fn builtin() -> Self {
        // The embedded file is checked by a unit test; failing here is a build bug.
        let file: VocabFile = toml::from_str(BUILTIN).expect("built-in vocab.toml is valid");
        Vocab::compile(file)
    }

    /// The built-in vocabulary extended by a user's TOML (same layout as
    /// `vocab.toml`): lists are appended; a `[[kinds]]` entry with a known
    /// name adds words to that kind.
    pub fn extended(extension: &str) -> Result<Self, String> {
        let mut file: VocabFile = toml::from_str(BUILTIN).expect("built-in vocab.toml is valid");
        let ext: VocabFile = toml::from_str(extension).map_err(|e| e.to_string())?;
        for k in ext.kinds {
            match file.kinds.iter_mut().find(|x| x.name == k.name) {
                Some(x) => x.words.extend(k.words),
                None => return Err(format!("unknown kind `{}` in vocabulary", k.name)),
            }
        }
        macro_rules! append {
            ($($sec:ident . $f:ident),*) => { $( file.$sec.$f.extend(ext.$sec.$f); )* };
        }
        append!(
            shapes.database,
            shapes.storage,
            shapes.actor,
            shapes.stacked,
            shapes.not_components,
            links.hard,
            links.soft,
            links.redundancy,
            links.soft_targets,
            artefacts.extensions,
            artefacts.step_verbs,
            artefacts.state_words,
            artefacts.nouns,
            artefacts.libraries,
            artefacts.deployed,
            artefacts.code_roles,
            artefacts.code_containers,
            redundancy.classes,
            redundancy.roles,
            redundancy.markers,
            redundancy.letter_marker_words,
            redundancy.multiplicity,
            redundancy.count_nouns,
            redundancy.managed,
            redundancy.single,
            redundancy.pool_titles,
            subgraphs.process,
            subgraphs.locations,
            subgraphs.not_locations,
            subgraphs.alternatives,
            subgraphs.periods,
            subgraphs.grouping,
            subgraphs.categories,
            links.not_needs,
            artefacts.api_objects,
            redundancy.replicated_titles
        );
        Ok(Vocab::compile(file))
    }

    /// This vocabulary extended in the config's `[vocabulary]` shape (the
    /// CLI's `RawVocabulary`): `kinds` a table of kind name to extra words,
    /// `redundant-classes`, `managed-services`, `external-services` and
    /// `region-patterns` (location words, whole-word phrases) lists of
    /// strings. Any may be `None`.
    pub fn with_config(
        &self,
        kinds: Option<&toml::Value>,
        redundant_classes: Option<&toml::Value>,
        managed_services: Option<&toml::Value>,
        external_services: Option<&toml::Value>,
        region_patterns: Option<&toml::Value>,
    ) -> Result<Vocab, String> {
        fn list(v: Option<&toml::Value>, what: &str) -> Result<Vec<String>, String> {
            let Some(v) = v else {
                return Ok(Vec::new());
            };
            let arr = v
                .as_array()
                .ok_or_else(|| format!("`{what}` must be a list of strings"))?;
            arr.iter()
                .map(|x| {
                    x.as_str()
                        .map(str::to_string)
                        .ok_or_else(|| format!("`{what}` must be a list of strings"))
                })
                .collect()
        }
        let mut file = self.file.clone();
        if let Some(k) = kinds {
            let table = k
                .as_table()
                .ok_or("`kinds` must be a table of kind name to a list of words")?;
            for (name, words) in table {
                let words = list(Some(words), &format!("kinds.{name}"))?;
                match file.kinds.iter_mut().find(|x| x.name == *name) {
                    Some(x) => x.words.extend(words),
                    None => return Err(format!("unknown kind `{name}` in `kinds`")),
                }
            }
        }
        file.redundancy
            .classes
            .extend(list(redundant_classes, "redundant-classes")?);
        file.redundancy
            .managed
            .extend(list(managed_services, "managed-services")?);
        let external = list(external_services, "external-services")?;
        if let Some(x) = file.kinds.iter_mut().find(|x| x.name == "external") {
            x.words.extend(external);
        }
        file.subgraphs
            .locations
            .extend(list(region_patterns, "region-patterns")?);
        Ok(Vocab::compile(file))
    }

    fn compile(file: VocabFile) -> Self {
        let lists: [&[String]; 30] = [
            &file.links.hard,
            &file.links.soft,
            &file.links.redundancy,
            &file.links.soft_targets,
            &file.artefacts.step_verbs,
            &file.artefacts.state_words,
            &file.artefacts.nouns,
            &file.artefacts.prepositions,
            &file.artefacts.libraries,
            &file.artefacts.deployed,
            &file.artefacts.code_roles,
            &file.artefacts.code_containers,
            &file.redundancy.roles,
            &file.redundancy.markers,
            &file.redundancy.multiplicity,
            &file.redundancy.count_nouns,
            &file.redundancy.managed,
            &file.redundancy.single,
            &file.redundancy.pool_titles,
            &file.redundancy.letter_marker_words,
            &file.subgraphs.process,
            &file.subgraphs.locations,
            &file.subgraphs.not_locations,
            &file.subgraphs.alternatives,
            &file.subgraphs.periods,
            &file.subgraphs.grouping,
            &file.subgraphs.categories,
            &file.links.not_needs,
            &file.artefacts.api_objects,
            &file.redundancy.replicated_titles,
        ];
        // One lexicon for every set, so a token's ids, computed once, are
        // good in all of them. Each phrase is tokenized once, into word ids
        // the sets are built from.
        let mut lexicon = Lexicon::default();
        let phrases = file.kinds.iter().map(|k| k.words.len()).sum::<usize>()
            + lists.iter().map(|l| l.len()).sum::<usize>();
        lexicon.forms.reserve(3 * phrases);
        let mut intern = |list: &[String]| -> Vec<Box<[u32]>> {
            list.iter()
                .map(|p| tokens(p).iter().map(|w| lexicon.intern(w)).collect())
                .collect()
        };
        let kind_ids: Vec<Vec<Box<[u32]>>> = file.kinds.iter().map(|k| intern(&k.words)).collect();
        let list_ids: Vec<Vec<Box<[u32]>>> = lists.iter().map(|l| intern(l)).collect();
        // Set bits: each kind's, the kind index's, then each list's.
        let bit = |i: usize| if i < 64 { 1u64 << i } else { 0 };
        let kind_index_bit = bit(kind_ids.len());
        let list_bit = |j: usize| bit(kind_ids.len() + 1 + j);
        lexicon.first_of = vec![0; lexicon.long.len()];
        let mut mark = |b: u64, phrases: &[Box<[u32]>]| {
            for p in phrases {
                if let Some(&f) = p.first() {
                    lexicon.first_of[f as usize] |= b;
                }
            }
        };
        for (i, k) in kind_ids.iter().enumerate() {
            mark(bit(i) | kind_index_bit, k);
        }
        for (j, l) in list_ids.iter().enumerate() {
            mark(list_bit(j), l);
        }
        let lexicon = std::sync::Arc::new(lexicon);
        let from = |b: u64, phrases: &[Box<[u32]>]| {
            PhraseSet::from_ids(lexicon.clone(), b, phrases.iter().map(|p| (&**p, 0)))
        };
        let mut sets = list_ids
            .iter()
            .enumerate()
            .map(|(j, l)| from(list_bit(j), l));
        let mut set = || sets.next().unwrap_or_default();
        // In the order of `lists`.
        let (link_hard, link_soft, link_redundancy, soft_targets) = (set(), set(), set(), set());
        let (step_verbs, state_words, artefact_nouns, prepositions) = (set(), set(), set(), set());
        let (libraries, deployed, code_roles, code_containers) = (set(), set(), set(), set());
        let (roles, markers, multiplicity, count_nouns) = (set(), set(), set(), set());
        let (managed, single, pool_titles, machines) = (set(), set(), set(), set());
        let (process, locations, not_locations, alternatives) = (set(), set(), set(), set());
        let (periods, grouping, categories) = (set(), set(), set());
        let (link_not_needs, api_objects, replicated_titles) = (set(), set(), set());
        Vocab {
            kinds: file
                .kinds
                .iter()
                .zip(&kind_ids)
                .enumerate()
                .map(|(i, (k, ids))| (k.name.clone(), from(bit(i), ids)))
                .collect(),
            kind_index: PhraseSet::from_ids(
                lexicon.clone(),
                kind_index_bit,
                kind_ids
                    .iter()
                    .enumerate()
                    .flat_map(|(i, k)| k.iter().map(move |p| (&**p, i))),
            ),
            link_hard,
            link_soft,
            link_redundancy,
            soft_targets,
            step_verbs,
            state_words,
            artefact_nouns,
            prepositions,
            libraries,
            deployed,
            code_roles,
            code_containers,
            roles,
            markers,
            multiplicity,
            count_nouns,
            managed,
            single,
            pool_titles,
            machines,
            process,
            locations,
            not_locations,
            alternatives,
            periods,
            grouping,
            categories,
            link_not_needs,
            api_objects,
            replicated_titles,
            lexicon,
            file,
        }
    }

    /// The lexicon every phrase set of this vocabulary shares: token ids
    /// from it ([`Lexicon::ids_of`]) may be matched against any of them.
    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// Whether a label names a code or configuration artefact rather than a
    /// running component: a file name (`values.yaml`), a URL path
    /// (`/auth/login`), a URL, or an HTTP status (`404 Not Found`).
    pub fn is_artefact(&self, label: &str) -> bool {
        self.is_artefact_with(label, &tokens(label))
    }

    /// [`Vocab::is_artefact`] given the label's [`tokens`].
    pub fn is_artefact_with<'a>(&self, label: &str, label_toks: impl Into<Words<'a>>) -> bool {
        let label_toks = label_toks.into();
        let clean: std::borrow::Cow<'_, str> = if label.contains(['<', '#', '&']) {
            std::borrow::Cow::Owned(clean_text(label))
        } else {
            std::borrow::Cow::Borrowed(label)
        };
        let t = clean
            .trim()
            .trim_matches(|c| c == '"' || c == '\'' || c == '`');
        // (A substring search is tried only where its first byte occurs:
        // most labels have no `:` or `-`, and one byte scan is cheaper.)
        if t.starts_with('/')
            || (t.contains(':') && t.contains("://"))
            || (t.contains('-') && t.contains(" --"))
            || t.starts_with("$ ")
        {
            return true;
        }
        // A relative path (`deployments/overlays/prod/`, `src/app/main`).
        // (The whitespace scan, a char at a time, goes last: most labels
        // have a space and no `/`.)
        if (t.ends_with('/') || t.matches('/').count() >= 2) && !t.contains(char::is_whitespace) {
            return true;
        }
        // Code: a decorator (`@pytest.mark.unit`) or a call (`get_graph()`).
        let before_br = before_br(label);
        let first = before_br.trim();
        if t.starts_with('@')
            || (t.contains('(') && t.contains("()"))
            || (first.ends_with('(') && !first.contains(' '))
        {
            return true;
        }
        // The head is the name's: a multi-line label's first line names the
        // box, the lines after describe it ("Secret Manager<br/>API keys").
        let first_line = before_br.split(['\n', '•']).next().unwrap_or("");
        let head_is_artefact = if is_plain(label) {
            // Cleaning a plain line only collapses its whitespace, and its
            // head's tokens are the label's first ones.
            let head = head_of(first_line);
            self.head_is_artefact_in(head, first_words(label_toks, head))
        } else {
            let clean_line = clean_text(first_line);
            let head = head_of(&clean_line);
            self.head_is_artefact_in(head, (&tokens(head)).into())
        };
        if head_is_artefact {
            return true;
        }
        // A category of products listed by example ("Time series database
        // (TDengine, InfluxDB, etc.)", "e.g. Redis"): one of several
        // options, not a deployed box.
        if t.contains("etc.") || t.contains("e.g.") || t.contains("etc)") {
            return true;
        }
        // A numbered step ("1. Gather context", "Step 2: ...").
        let mut words = t.split_whitespace();
        let first = words.next().unwrap_or("");
        let numbered = first.len() > 1
            && first.ends_with(['.', ')', ':'])
            && first[..first.len() - 1].chars().all(|c| c.is_ascii_digit());
        let step_n = first.eq_ignore_ascii_case("step")
            && words
                .next()
                .is_some_and(|w| w.starts_with(|c: char| c.is_ascii_digit()));
        if numbered || step_n {
            return true;
        }
        // A URL path anywhere ("Route /auth/login", "GET /users"). (Only
        // a label with a `/` has one: a byte scan spares most labels the
        // split into words, a char at a time.)
        if t.contains('/')
            && t.split_whitespace().any(|w| {
                w.len() > 1
                    && w.starts_with('/')
                    && w[1..].starts_with(|c: char| c.is_alphanumeric())
            })
        {
            return true;
        }
        // Steps and states of a flow: "Fetch from Redis", "Handler acquired lock".
        // A verb followed straight by a kind word names a component
        // ("Render Server"), not a step.
        // `t` is the cleaned label trimmed of separators: its tokens are the
        // label's unless cleaning left a `<`, `#` or `&` to clean again.
        let retokenized;
        let toks: Words<'_> = if t.contains(['<', '#', '&']) {
            retokenized = tokens(t);
            (&retokenized).into()
        } else {
            label_toks
        };
        let step = self
            .step_verbs
            .any_at(toks, 0, |len| !self.kind_index.occurs_at(toks.from(len), 0));
        if step || self.state_words.matches(toks) {
            return true;
        }
        // A pluggable backend (`Session Store InMemory/Redis`,
        // `Checkpointer MemorySaver/PostgreSQL`): a code interface whose
        // implementations include process memory, not a deployed box.
        if t.contains('/')
            && toks
                .iter()
                .any(|w| matches!(w, "inmemory" | "memory" | "memorysaver"))
        {
            return true;
        }
        let status = t.split_whitespace().next().is_some_and(|w| {
            w.len() == 3
                && w.chars().all(|c| c.is_ascii_digit())
                && (b'1'..=b'5').contains(&w.as_bytes()[0])
        });
        if status && t.split_whitespace().count() > 1 {
            return true;
        }
        // A file name: only a label with a `.` has one.
        t.contains('.')
            && t.split_whitespace().any(|w| {
                let w = w.trim_end_matches(|c: char| !c.is_alphanumeric());
                w.rsplit_once('.').is_some_and(|(stem, ext)| {
                    !stem.is_empty()
                        && self
                            .file
                            .artefacts
                            .extensions
                            .iter()
                            .any(|e| e.eq_ignore_ascii_case(ext))
                })
            })
    }

    /// Whether the label's head noun names an artefact: the last word
    /// before any parenthesis or preposition, ignoring a trailing replica
    /// letter or number (`Trace X`, `Base Config`, `orphan record in redis`,
    /// `Keycloak JWT (Access + Refresh)`). English compounds put the head
    /// last, so `Config Server` and `Image Registry` stay components.
    /// `head` is the label's [`head_of`], `toks` its tokens.
    fn head_is_artefact_in(&self, head: &str, toks: Words<'_>) -> bool {
        // A class name (`CompositePodGroupTemplate`, `PlacementDecisions`):
        // its head is its last hump.
        if let Some(word) = head.split_whitespace().last() {
            let (humps, last) = last_camel_hump(word);
            if humps >= 2 {
                let last = last.to_lowercase();
                if self.artefact_nouns.is_exactly(std::slice::from_ref(&last)) {
                    return true;
                }
            }
        }
        let end = (1..toks.len())
            .find(|&s| self.prepositions.occurs_at(toks, s))
            .unwrap_or(toks.len());
        let mut end = end;
        while let Some(last) = end.checked_sub(1).map(|i| toks.get(i)) {
            let marker = last.len() == 1 || last.chars().all(|c| c.is_ascii_digit());
            if marker && end > 1 {
                end -= 1;
            } else {
                break;
            }
        }
        end > 0 && self.artefact_nouns.is_exactly(toks.to(end).from(end - 1))
    }

    /// The plural kind word that heads a box's name (`Application
    /// Services`, `Databases`, `OCI registries`, `HSMs`): the name stands for
    /// several boxes of that kind (SPEC §2). The head is the last word
    /// before any parenthesis or preposition; it counts when it is the
    /// plural of an infrastructure kind word and not itself a listed word
    /// (`Secrets`, `Credentials` name one store).
    pub fn plural_kind_head(&self, name: &str) -> Option<String> {
        let clean = clean_text_cow(name);
        let head = head_of(&clean);
        let toks = tokens(head);
        let end = (1..toks.len())
            .find(|&s| self.prepositions.occurs_at(&toks, s))
            .unwrap_or(toks.len());
        let last = toks.get(end.checked_sub(1)?)?;
        let singular = if let Some(stem) = last.strip_suffix("ies") {
            format!("{stem}y")
        } else if let Some(stem) = last
            .strip_suffix("es")
            .filter(|s| s.ends_with(['s', 'x', 'h']))
        {
            stem.to_string()
        } else {
            last.strip_suffix('s')?.to_string()
        };
        if singular.len() < 2 || singular.ends_with('s') {
            return None;
        }
        let listed = |w: &str| {
            self.file
                .kinds
                .iter()
                .any(|k| k.words.iter().any(|x| x == w))
        };
        if listed(last) || !listed(&singular) {
            return None;
        }
        let kind = self
            .file
            .kinds
            .iter()
            .find(|k| k.words.contains(&singular))?;
        (!matches!(kind.name.as_str(), "actor" | "external")).then(|| last.clone())
    }

    /// Whether a label names code that runs inside its caller's process: a
    /// box named after an in-process library or framework (`LangGraph
    /// Agent`, `Pydantic AI Router`) unless the label says it runs on its
    /// own (`LiteLLM Proxy`, `LangGraph Agent Pods`), or a client library of
    /// a piece of infrastructure (`OpenFGA Client`), or a class
    /// (`RedisSessionStore`). Such a box fails with
    /// its caller; unlike a step or a data item it does not make the
    /// diagram a process.
    pub fn is_in_process_code(&self, label: &str) -> bool {
        self.is_in_process_code_with(label, &tokens(label))
    }

    /// [`Vocab::is_in_process_code`] given the label's [`tokens`].
    pub fn is_in_process_code_with<'a>(&self, label: &str, all: impl Into<Words<'a>>) -> bool {
        let all = all.into();
        if self.libraries.matches(all) && !self.deployed.matches(all) {
            return true;
        }
        let first_line = before_br(label).split('\n').next().unwrap_or("");
        // A class name of three or more humps ending in a code role
        // (`RedisSessionStore`, `InMemorySessionStore`).
        let class = |line: &str| {
            line.split_whitespace().next().is_some_and(|w| {
                let (humps, last) = last_camel_hump(w);
                humps >= 3
                    && self
                        .code_roles
                        .is_exactly(std::slice::from_ref(&last.to_lowercase()))
            })
        };
        if is_plain(label) {
            // Cleaning a plain line only collapses its whitespace, and its
            // head's tokens are the label's first ones.
            let head = head_of(first_line);
            return class(first_line) || self.names_a_client_library(first_words(all, head));
        }
        let first_line = clean_text(first_line);
        class(&first_line) || self.names_a_client_library((&tokens(head_of(&first_line))).into())
    }

    /// Whether a subgraph title names code or features, whose members are
    /// parts of one process (`Kong Plugins`, `Auth Middleware`, `Session
    /// Features`, `LangGraph Agent`). Account and data nouns are left out:
    /// `GCP Project` and `Production Environment` hold real resources.
    pub fn names_code_container(&self, title: &str) -> bool {
        if self.is_in_process_code(title) {
            return true;
        }
        let head = clean_text(title);
        let head = head.split(['(', '[', ':', ',']).next().unwrap_or("");
        tokens(head)
            .last()
            .is_some_and(|w| self.code_containers.is_exactly(std::slice::from_ref(w)))
    }

    /// Whether a label's first line names a client library of a piece of
    /// infrastructure (`OpenFGA Client`, `Redis Client SDK`, `Kafka
    /// client`): code in the caller's process. `Web Client` and `Mobile
    /// Client` are consumers and stay so.
    /// `toks` are the tokens of the first line's [`head_of`].
    fn names_a_client_library(&self, words: Words<'_>) -> bool {
        let Some(pos) = (0..words.len()).rev().find(|&i| words.get(i) == "client") else {
            return false;
        };
        if pos == 0
            || !words
                .from(pos + 1)
                .iter()
                .all(|w| w == "sdk" || w == "library")
        {
            return false;
        }
        self.kind_index
            .find_tagged(words.to(pos))
            .iter()
            .any(|(m, prio)| {
                m.start + m.len == pos
                    && matches!(
                        self.kinds[*prio].0.as_str(),
                        "database"
                            | "cache"
                            | "queue"
                            | "load balancer"
                            | "gateway"
                            | "secrets"
                            | "storage"
                    )
            })
    }

    /// Whether a node is an observer or optional (links to it are soft),
    /// given the node's words: its name says so (an annotation line such as
    /// `Audit logs` or `Error rate: 2%` does not), or, for a box with no
    /// label of its own (`own_label` false), its id.
    pub fn is_soft_target_with(&self, text: &NodeText<'_>, own_label: bool) -> bool {
        self.soft_targets.matches(text.name_words())
            || (!own_label && self.soft_targets.matches(text.id_words()))
    }

    /// Whether a class name is one of the redundant classes.
    pub fn is_redundant_class(&self, class: &str) -> bool {
        self.file
            .redundancy
            .classes
            .iter()
            .any(|c| c.eq_ignore_ascii_case(class))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A proptest runner with a fixed seed (the same cases every run) and
    /// no failure files.
    fn seeded_runner(cases: u32, seed: u8) -> proptest::test_runner::TestRunner {
        use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
        TestRunner::new_with_rng(
            Config {
                cases,
                failure_persistence: None,
                ..Config::default()
            },
            TestRng::from_seed(RngAlgorithm::ChaCha, &[seed; 32]),
        )
    }

    fn t(s: &str) -> Vec<String> {
        tokens(s)
    }

    #[test]
    fn builtin_vocab_parses_and_has_every_kind() {
        let v = Vocab::builtin();
        let names: Vec<&str> = v.kinds.iter().map(|k| k.0.as_str()).collect();
        for k in crate::analysis::Kind::ALL_KNOWN {
            assert!(
                names.contains(&k.as_str()),
                "kind {k:?} missing in vocab.toml"
            );
        }
    }

    #[test]
    fn phrases_match_whole_words_with_plural_and_digits() {
        let s = PhraseSet::new(&["db", "load balancer", "pub/sub"]);
        assert!(s.matches(&t("Orders DB")));
        assert!(s.matches(&t("db1")));
        assert!(s.matches(&t("Load Balancers")));
        assert!(s.matches(&t("Google Pub-Sub")));
        assert!(!s.matches(&t("dbx")));
        assert!(!s.matches(&t("loadbalancer")));
    }

    #[test]
    fn ids_split_on_camel_case() {
        assert_eq!(id_tokens("OrderDB"), vec!["order", "db"]);
        assert_eq!(id_tokens("APIGateway"), vec!["api", "gateway"]);
        assert_eq!(id_tokens("big_server"), vec!["big", "server"]);
    }

    #[test]
    fn config_shaped_extensions() {
        let v: toml::Table = toml::from_str(
            "kinds = { queue = [\"conveyor\"] }\nredundant = [\"twin\"]\nmanaged = [\"acme db\"]\nexternal = [\"bank\"]\nregions = [\"pod\"]\n",
        )
        .unwrap();
        let x = Vocab::shared()
            .with_config(
                v.get("kinds"),
                v.get("redundant"),
                v.get("managed"),
                v.get("external"),
                v.get("regions"),
            )
            .unwrap();
        let q = &x.kinds.iter().find(|k| k.0 == "queue").unwrap().1;
        assert!(q.matches(&t("Conveyor")));
        assert!(x.is_redundant_class("twin"));
        assert!(x.managed.matches(&t("Acme DB")));
        assert!(x.locations.matches(&t("Pod 7")));
        let bad: toml::Table = toml::from_str("kinds = { nope = [\"x\"] }\nlist = 3\n").unwrap();
        assert!(Vocab::shared()
            .with_config(bad.get("kinds"), None, None, None, None)
            .is_err());
        assert!(Vocab::shared()
            .with_config(None, bad.get("list"), None, None, None)
            .is_err());
    }

    #[test]
    fn camel_humps_split_class_names() {
        assert_eq!(
            camel_humps("RedisSessionStore"),
            ["Redis", "Session", "Store"]
        );
        assert_eq!(camel_humps("PostgreSQL"), ["Postgre", "SQL"]);
        assert_eq!(camel_humps("API"), ["API"]);
        assert_eq!(camel_humps("mcp-server"), ["mcp-server"]);
    }

    #[test]
    fn last_camel_hump_agrees_with_camel_humps() {
        for w in [
            "RedisSessionStore",
            "PostgreSQL",
            "InMemorySessionStore",
            "HTTPServer",
            "ABC",
            "abc",
            "aB",
            "A",
            "",
            "snake_case",
            "ÉtéServeur",
            "x1Y2z",
        ] {
            let humps = camel_humps(w);
            assert_eq!(
                last_camel_hump(w),
                (humps.len(), humps[humps.len() - 1]),
                "{w}"
            );
        }
    }

    #[test]
    fn in_process_code_is_recognised() {
        let v = Vocab::builtin();
        for yes in [
            "LangGraph Agent",
            "Pydantic AI Router<br/>Intelligent Routing",
            "LiteLLM Router",
            "OpenFGA Client<br/>Fine-Grained AuthZ",
            "Redis Client SDK",
            "RedisSessionStore<br/>Production",
        ] {
            assert!(v.is_in_process_code(yes), "{yes}");
        }
        for no in [
            "LiteLLM Proxy",
            "LangGraph Agent Pods",
            "Web Client",
            "Mobile Client",
            "API Clients",
            "SessionManager",
            "PostgreSQL",
            "Core Router",
        ] {
            assert!(!v.is_in_process_code(no), "{no}");
        }
        assert!(v.names_code_container("Kong Plugins"));
        assert!(v.names_code_container("Auth Middleware"));
        assert!(!v.names_code_container("GCP Project (sandbox)"));
        assert!(!v.names_code_container("Production Environment"));
    }

    #[test]
    fn artefacts_are_recognised() {
        let v = Vocab::builtin();
        for yes in [
            "values-staging.yaml",
            "/auth/login",
            "404 Not Found",
            "https://x.io",
            "main.py file",
            "Fetch from Redis",
            "Validate Schema",
            "Handler1 acquired lock",
            "cdk deploy --app out",
            "Route /auth/logout",
            "1. GATHER CONTEXT",
            "Step 2: deploy",
            // Head nouns of data, code and configuration.
            "⚙️ Base Config",
            "Container Images",
            "🧵 Trace X",
            "Existing orphan record in redis",
            "Keycloak JWT (Access + Refresh)",
            "Environment Variables (20+ required)",
            "Unit Tests",
            "@pytest.mark.api FastAPI TestClient",
            "get_agent_graph() Singleton",
            "RouterDecision(<br/>action: str<br/>)",
            "API Endpoints",
            "langgraph-agent Realm",
            // Account entities, and a class name's last hump.
            "Organization 2",
            "Production Environment<br/>Full Feature Set",
            "CompositePodGroupTemplate: Replica",
            "PlacementDecisions (this KEP)",
            "deployments/overlays/production-gke/",
            "Session Store<br/>InMemory/Redis",
            "Checkpointer<br/>MemorySaver/PostgreSQL",
        ] {
            assert!(v.is_artefact(yes), "{yes}");
        }
        for no in [
            "Node.js App",
            "Web Server",
            "S3",
            "ASP.NET API",
            "Server 2",
            "Load Balancer",
            "Build Server",
            "Stream Processor",
            "Read Replica",
            "Render Server",
            "Ingress / Load Balancer",
            "Config Server",
            "Image Registry",
            "Token Service",
            "Session Store (Redis)",
            "Redis Session",
            // Only the first line names the box.
            "Secret Manager<br/>API keys, JWT secrets",
            "Artifact Registry<br/>Docker images (staging-*)",
        ] {
            assert!(!v.is_artefact(no), "{no}");
        }
    }

    #[test]
    fn labels_lose_html_and_entities() {
        assert_eq!(clean_text("Redis<br/>Cache #quot;x#quot;"), "Redis Cache x");
        assert_eq!(clean_text("Proxy &#40Envoy&#41"), "Proxy (Envoy)");
        assert_eq!(clean_text("Proxy #40;Envoy#41;"), "Proxy (Envoy)");
    }

    #[test]
    fn ascii_fast_paths_split_as_the_general_ones() {
        let mut runner = seeded_runner(3000, 11);
        runner
            .run(&"[a-zA-Z0-9 _./:()-]{0,24}", |text| {
                assert_eq!(tokens(&text), tokens_unicode(&text), "{text:?}");
                assert_eq!(id_tokens(&text), id_tokens_unicode(&text), "{text:?}");
                Ok(())
            })
            .unwrap();
        assert_eq!(id_tokens("OrderDB_primary"), ["order", "db", "primary"]);
        assert_eq!(id_tokens("HTTPServer2"), ["http", "server2"]);
    }

    #[test]
    fn plain_labels_only_have_their_whitespace_collapsed() {
        for (label, want) in [
            ("Orders DB", "Orders DB"),
            ("", ""),
            (" ", ""),
            ("  Orders \t DB\n", "Orders DB"),
            ("Orders\u{a0}DB", "Orders DB"),
            ("Orders  DB", "Orders DB"),
            ("Orders DB ", "Orders DB"),
            ("Ünïcode Ωmega", "Ünïcode Ωmega"),
        ] {
            assert_eq!(clean_text(label), want, "{label:?}");
        }
    }

    #[test]
    fn extension_adds_words_and_rejects_unknown_kinds() {
        let v = Vocab::extended("[[kinds]]\nname = \"queue\"\nwords = [\"conveyor\"]\n").unwrap();
        let q = &v.kinds.iter().find(|k| k.0 == "queue").unwrap().1;
        assert!(q.matches(&t("Order Conveyor")));
        assert!(Vocab::extended("[[kinds]]\nname = \"nope\"\n").is_err());
        assert!(Vocab::extended("[links]\nbogus = []\n").is_err());
    }

    /// The matcher before word ids, kept as the reference the id matcher
    /// must agree with: phrases as strings bucketed by first word, each
    /// token looked up under each of its forms.
    mod reference {
        use super::super::{strip_digits, tokens, FnvMap, Match};

        #[derive(Default)]
        pub struct OldPhraseSet {
            by_first: FnvMap<String, Vec<(Vec<String>, usize)>>,
        }

        impl OldPhraseSet {
            pub fn tagged<'a>(phrases: impl IntoIterator<Item = (&'a str, usize)>) -> Self {
                let mut set = OldPhraseSet::default();
                for (p, tag) in phrases {
                    let toks = tokens(p);
                    if let Some(first) = toks.first() {
                        let v = set.by_first.entry(first.clone()).or_default();
                        if !v.iter().any(|(t, g)| *t == toks && *g == tag) {
                            v.push((toks, tag));
                        }
                    }
                }
                set
            }

            pub fn find_tagged(&self, toks: &[String]) -> Vec<(Match, usize)> {
                let mut out = Vec::new();
                for start in 0..toks.len() {
                    for (len, tag) in self.phrases_at(toks, start) {
                        let m = Match { start, len };
                        if !out.contains(&(m, tag)) {
                            out.push((m, tag));
                        }
                    }
                }
                out
            }

            pub fn lengths_at(&self, toks: &[String], start: usize) -> Vec<usize> {
                self.phrases_at(toks, start)
                    .into_iter()
                    .map(|p| p.0)
                    .collect()
            }

            fn phrases_at(&self, toks: &[String], start: usize) -> Vec<(usize, usize)> {
                key_forms(&toks[start])
                    .into_iter()
                    .flatten()
                    .filter_map(|key| self.by_first.get(key))
                    .flatten()
                    .filter(|(c, _)| {
                        start + c.len() <= toks.len()
                            && c.iter()
                                .enumerate()
                                .all(|(i, w)| tok_eq(&toks[start + i], w, i + 1 == c.len()))
                    })
                    .map(|(c, tag)| (c.len(), *tag))
                    .collect()
            }
        }

        fn key_forms(t: &str) -> [Option<&str>; 4] {
            let d = strip_digits(t);
            let long = |s: &str| s.len() >= 2;
            [
                Some(t),
                (long(d) && d.len() != t.len()).then_some(d),
                t.strip_suffix("es").filter(|s| long(s)),
                t.strip_suffix('s').filter(|s| long(s)),
            ]
        }

        fn tok_eq(t: &str, w: &str, last: bool) -> bool {
            if t == w {
                return true;
            }
            let d = strip_digits(t);
            if d.len() >= 2 && d != t && d == w {
                return true;
            }
            last && (t.strip_suffix('s') == Some(w) || t.strip_suffix("es") == Some(w))
        }
    }

    #[test]
    fn a_vocabularys_sets_agree_with_sets_of_their_own() {
        // A vocabulary's sets skip tokens by their `starts` bits; sets
        // built alone have no bits and look at every token.
        let v = Vocab::builtin();
        let alone = |l: &[String]| PhraseSet::new(l);
        let pairs = [
            (&v.markers, alone(&v.file.redundancy.markers)),
            (&v.managed, alone(&v.file.redundancy.managed)),
            (&v.step_verbs, alone(&v.file.artefacts.step_verbs)),
            (&v.locations, alone(&v.file.subgraphs.locations)),
            (&v.kinds[0].1, alone(&v.file.kinds[0].words)),
        ];
        let kind_words = || {
            v.file
                .kinds
                .iter()
                .enumerate()
                .flat_map(|(i, k)| k.words.iter().map(move |w| (w.as_str(), i)))
        };
        let index = PhraseSet::tagged(kind_words());
        let mut words: Vec<String> = kind_words().flat_map(|(p, _)| tokens(p)).collect();
        for l in [&v.file.redundancy.markers, &v.file.redundancy.managed] {
            words.extend(l.iter().flat_map(|p| tokens(p)));
        }
        let token = proptest::prop_oneof![
            proptest::sample::select(words.clone()),
            proptest::sample::select(words.clone()).prop_map(|w| format!("{w}s")),
            proptest::sample::select(words).prop_map(|w| format!("{w}2")),
            "[a-z]{1,3}",
        ];
        let mut runner = seeded_runner(2000, 5);
        use proptest::strategy::Strategy;
        runner
            .run(&proptest::collection::vec(token, 0..6), |toks| {
                let ids = v.lexicon().ids_of(&toks);
                let words = Words::with_ids(&toks, &ids);
                for (set, own) in &pairs {
                    assert_eq!(set.find_tagged(words), own.find_tagged(&toks), "{toks:?}");
                    assert_eq!(set.find_tagged(&toks), own.find_tagged(&toks), "{toks:?}");
                }
                assert_eq!(v.kind_index.find_tagged(words), index.find_tagged(&toks));
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn word_id_matching_agrees_with_string_matching() {
        use proptest::prelude::*;
        let v = Vocab::builtin();
        // Every phrase of the vocabulary, tagged with its list, plus short
        // odd words (one letter, `es`-ended) to probe the plural edges.
        let mut phrases: Vec<(String, usize)> = v
            .file
            .kinds
            .iter()
            .enumerate()
            .flat_map(|(i, k)| k.words.iter().map(move |w| (w.clone(), i)))
            .collect();
        let extra = [
            "a", "a b", "x s", "box", "boxe", "b es", "db", "s", "es", "a a",
        ];
        for (i, l) in [
            &v.file.redundancy.markers,
            &v.file.artefacts.step_verbs,
            &v.file.subgraphs.locations,
        ]
        .iter()
        .enumerate()
        {
            phrases.extend(l.iter().map(|w| (w.clone(), 100 + i)));
        }
        phrases.extend(extra.iter().map(|w| (w.to_string(), 200)));
        let pairs = || phrases.iter().map(|(p, t)| (p.as_str(), *t));
        let new = PhraseSet::tagged(pairs());
        let old = reference::OldPhraseSet::tagged(pairs());
        let words: Vec<String> = phrases.iter().flat_map(|(p, _)| tokens(p)).collect();
        let token = prop_oneof![
            proptest::sample::select(words.clone()),
            proptest::sample::select(words.clone()).prop_map(|w| format!("{w}s")),
            proptest::sample::select(words.clone()).prop_map(|w| format!("{w}es")),
            proptest::sample::select(words).prop_map(|w| format!("{w}12")),
            "[a-z]{1,3}[0-9]{0,2}",
            "[a-z]{0,2}(s|es)",
        ];
        let mut runner = seeded_runner(4000, 23);
        runner
            .run(&proptest::collection::vec(token, 0..7), |toks| {
                let want = old.find_tagged(&toks);
                assert_eq!(new.find_tagged(&toks), want, "{toks:?}");
                let ids = new.lexicon.ids_of(&toks);
                let words = Words::with_ids(&toks, &ids);
                assert_eq!(new.find_tagged(words), want, "{toks:?}");
                assert_eq!(new.first(words), want.first().map(|p| p.0), "{toks:?}");
                assert_eq!(new.matches(words), !want.is_empty(), "{toks:?}");
                for start in 0..toks.len() {
                    let lens: Vec<usize> = new.lengths_at(words, start).collect();
                    assert_eq!(lens, old.lengths_at(&toks, start), "{toks:?} at {start}");
                    let tail = words.from(start);
                    let exact = old
                        .lengths_at(&toks[start..], 0)
                        .contains(&(toks.len() - start));
                    assert_eq!(new.is_exactly(tail), exact, "{toks:?} from {start}");
                }
                Ok(())
            })
            .unwrap();
    }
}
