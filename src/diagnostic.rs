//! What the linter says about a file: findings and syntax errors as one
//! diagnostic type with byte spans, and the per-file report. Owns no logic.

use crate::span::Span;
use serde::Serialize;
use std::sync::{Arc, OnceLock};

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth a look; does not fail the run by default.
    Warning,
    /// Fails the run.
    Error,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A secondary location with a short message (a link that needs the component, say).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What it is.
    text: Text,
}

/// Text of a label or a help line: text of its own, or fixed words around
/// a node's shared name or id (`App needs it here`; the help sentence of a
/// finding, its node id in the middle). A big diagram has a finding per
/// node, each with a help line and a label or more, and a copy of the name
/// in each was an allocation per label and ~150 bytes per help line. The
/// fixed words are one static pair (one pointer), and text of its own is
/// the shared text with no words around it: a label is 40 bytes and an
/// optional help line 24 (as an enum of the two forms, an optional help
/// line took 8 bytes more for its tag).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Text {
    /// The words before and after `name`; `None` for text of its own.
    words: Option<&'static [&'static str; 2]>,
    /// The name in the middle, or the whole text.
    name: Arc<str>,
}

impl Text {
    /// Text of its own.
    fn own(s: &str) -> Self {
        Text {
            words: None,
            name: s.into(),
        }
    }

    /// The whole text.
    fn as_cow(&self) -> std::borrow::Cow<'_, str> {
        match self.words {
            None => (*self.name).into(),
            Some(_) => self.to_string().into(),
        }
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.words {
            None => f.write_str(&self.name),
            Some([before, after]) => {
                f.write_str(before)?;
                f.write_str(&self.name)?;
                f.write_str(after)
            }
        }
    }
}

impl Label {
    /// A label with this message.
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        Label {
            span,
            text: Text::own(&message.into()),
        }
    }

    /// A label whose message is `words[0]`, `name`, then `words[1]` (each
    /// with its own spaces, if some are wanted).
    pub fn named(span: Span, words: &'static [&'static str; 2], name: Arc<str>) -> Self {
        Label {
            span,
            text: Text {
                words: Some(words),
                name,
            },
        }
    }

    /// What it is.
    pub fn message(&self) -> std::borrow::Cow<'_, str> {
        self.text.as_cow()
    }
}

impl Serialize for Label {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Label", 2)?;
        st.serialize_field("span", &self.span)?;
        st.serialize_field("message", &self.message())?;
        st.end()
    }
}

/// Names picked from a table: a list of names that costs four bytes a
/// name. A big diagram has a finding per node, each listing up to twenty
/// names for its message and blast radius; as shared names (16 bytes
/// each) the lists were 19 MB at 100,000 nodes. The rule builds one table
/// of names per diagram, shared by all its findings, and each finding
/// keeps the indices it names. Shared by a finding's blast radius and its
/// [`Message`]; cheap to clone. The table sits behind a thin pointer (an
/// `Arc` of a `Vec`), so a list is 24 bytes, not 32: every finding holds
/// two (its message's and its blast radius's).
#[derive(Clone)]
pub struct NameList {
    /// The names this list picks from.
    table: Arc<Vec<Arc<str>>>,
    /// Indices into `table`, in order (each in range).
    picks: Arc<[u32]>,
}

impl NameList {
    /// The names of `table` at `picks`, in that order (picks out of range
    /// are left out).
    pub fn picked(table: Arc<Vec<Arc<str>>>, picks: &[u32]) -> Self {
        let picks = if picks.iter().all(|&i| (i as usize) < table.len()) {
            picks.into()
        } else {
            picks
                .iter()
                .copied()
                .filter(|&i| (i as usize) < table.len())
                .collect()
        };
        NameList { table, picks }
    }

    /// The names, as a slice-like view.
    pub fn view(&self) -> Picked<'_> {
        Picked {
            table: &self.table,
            picks: &self.picks,
        }
    }

    /// How many names.
    pub fn len(&self) -> usize {
        self.picks.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.picks.is_empty()
    }

    /// The names in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Arc<str>> {
        self.view().iter()
    }

    /// The first `mid` names and the rest (`mid` capped at the length).
    pub fn split_at(&self, mid: usize) -> (Picked<'_>, Picked<'_>) {
        self.view().split_at(mid)
    }
}

impl FromIterator<Arc<str>> for NameList {
    fn from_iter<I: IntoIterator<Item = Arc<str>>>(names: I) -> Self {
        NameList::from(names.into_iter().collect::<Vec<_>>())
    }
}

impl From<Vec<Arc<str>>> for NameList {
    /// The names themselves, in order.
    fn from(names: Vec<Arc<str>>) -> Self {
        let picks: Vec<u32> = (0..names.len())
            .map_while(|i| u32::try_from(i).ok())
            .collect();
        NameList::picked(Arc::new(names), &picks)
    }
}

impl std::fmt::Debug for NameList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.view().fmt(f)
    }
}

impl PartialEq for NameList {
    fn eq(&self, other: &Self) -> bool {
        self.view() == other.view()
    }
}

impl Eq for NameList {}

/// Some names of a [`NameList`], in order: reads like a slice of shared
/// names (iterates, counts, splits, compares with an array of them).
#[derive(Clone, Copy)]
pub struct Picked<'a> {
    table: &'a [Arc<str>],
    picks: &'a [u32],
}

impl<'a> Picked<'a> {
    /// The names in order.
    pub fn iter(self) -> impl DoubleEndedIterator<Item = &'a Arc<str>> {
        let table = self.table;
        // Every pick is in range (`NameList::picked`).
        self.picks
            .iter()
            .filter_map(move |&i| table.get(i as usize))
    }

    /// How many names.
    pub fn len(self) -> usize {
        self.picks.len()
    }

    /// Whether there are none.
    pub fn is_empty(self) -> bool {
        self.picks.is_empty()
    }

    /// The first `mid` names and the rest (`mid` capped at the length).
    pub fn split_at(self, mid: usize) -> (Picked<'a>, Picked<'a>) {
        let (a, b) = self.picks.split_at(mid.min(self.picks.len()));
        (
            Picked {
                table: self.table,
                picks: a,
            },
            Picked {
                table: self.table,
                picks: b,
            },
        )
    }
}

impl std::fmt::Debug for Picked<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl PartialEq for Picked<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl<const N: usize> PartialEq<[Arc<str>; N]> for Picked<'_> {
    fn eq(&self, other: &[Arc<str>; N]) -> bool {
        self.len() == N && self.iter().eq(other.iter())
    }
}

impl PartialEq<[Arc<str>]> for Picked<'_> {
    fn eq(&self, other: &[Arc<str>]) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Serialize for Picked<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter().map(|n| &**n))
    }
}

/// What fails with a single point of failure: entries, then components,
/// in one [`NameList`] (shared with the finding's [`Message`]); they
/// serialize as two lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlastRadius {
    /// The entries' names, then the components'.
    names: NameList,
    /// How many of `names` are entries (a `u32`, so a blast radius is 32
    /// bytes: a finding per node holds one).
    entries: u32,
}

impl BlastRadius {
    /// A blast radius of these entries and components, by label.
    pub fn new(
        entries: impl IntoIterator<Item = Arc<str>>,
        components: impl IntoIterator<Item = Arc<str>>,
    ) -> Self {
        let mut names: Vec<Arc<str>> = entries.into_iter().collect();
        let entries = names.len();
        names.extend(components);
        BlastRadius::from_names(names, entries)
    }

    /// A blast radius whose first `entries` names are entries and the rest
    /// components (`entries` is capped at the number of names).
    pub fn from_names(names: Vec<Arc<str>>, entries: usize) -> Self {
        BlastRadius::shared(names.into(), entries)
    }

    /// [`BlastRadius::from_names`] of a list shared with others (a
    /// finding's message).
    pub fn shared(names: NameList, entries: usize) -> Self {
        BlastRadius {
            entries: u32::try_from(entries.min(names.len())).unwrap_or(u32::MAX),
            names,
        }
    }

    /// Entries (users, clients, ...) that fail, by label.
    pub fn entries(&self) -> Picked<'_> {
        self.names.split_at(self.entries as usize).0
    }

    /// Components that fail, by label.
    pub fn components(&self) -> Picked<'_> {
        self.names.split_at(self.entries as usize).1
    }
}

impl Default for BlastRadius {
    fn default() -> Self {
        BlastRadius::from_names(Vec::new(), 0)
    }
}

impl Serialize for BlastRadius {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("BlastRadius", 2)?;
        st.serialize_field("entries", &self.entries())?;
        st.serialize_field("components", &self.components())?;
        st.end()
    }
}

/// How to fix a finding: text of its own, or fixed words around a node id
/// shared with the finding's `node`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Help(Text);

impl Help {
    /// `words[0]`, then `id`, then `words[1]`.
    pub fn around(words: &'static [&'static str; 2], id: Arc<str>) -> Self {
        Help(Text {
            words: Some(words),
            name: id,
        })
    }

    /// The help text.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        self.0.as_cow()
    }
}

impl From<String> for Help {
    fn from(s: String) -> Self {
        Help(Text::own(&s))
    }
}

impl From<&str> for Help {
    fn from(s: &str) -> Self {
        Help(Text::own(s))
    }
}

impl std::fmt::Display for Help {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl Serialize for Help {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text())
    }
}

/// A shared name, if any, serialized as the string it is.
fn shared_name<S: serde::Serializer>(name: &Option<Arc<str>>, s: S) -> Result<S::Ok, S::Error> {
    name.as_deref().serialize(s)
}

/// A diagnostic's message: text of its own, or text a rule writes from
/// [`Parts`] when it is first read. A big diagram has a finding per node
/// and each message lists up to ten names (~240 bytes): written at once
/// they were 24 MB of fresh memory per 100,000 nodes and an allocation
/// each, though a check that only counts findings (or prints a page of
/// them) reads few. Reads as the `str` it is (`Deref`), compares and sorts
/// by its text.
#[derive(Clone)]
pub struct Message {
    /// The text, once written.
    text: OnceLock<Box<str>>,
    /// What to write it from, if it was not given.
    parts: Option<Parts>,
}

/// What a rule keeps to write a message later: shared names and a few
/// numbers, whose meaning belongs to the rule's `write`.
#[derive(Clone)]
pub struct Parts {
    /// A name the message starts with (the finding's node, say).
    pub name: Arc<str>,
    /// Names listed (shared with the finding's blast radius).
    pub names: NameList,
    /// Small facts, packed as the rule likes.
    pub facts: u64,
    /// A count (how many more, say).
    pub count: usize,
    /// Writes the message from these parts.
    pub write: fn(&Parts, &mut String),
}

impl Message {
    /// A message written from `parts` when first read.
    pub fn lazy(parts: Parts) -> Self {
        Message {
            text: OnceLock::new(),
            parts: Some(parts),
        }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        self.text.get_or_init(|| {
            let mut s = String::new();
            if let Some(p) = &self.parts {
                (p.write)(p, &mut s);
            }
            s.into_boxed_str()
        })
    }
}

impl From<String> for Message {
    fn from(s: String) -> Self {
        Message {
            text: OnceLock::from(s.into_boxed_str()),
            parts: None,
        }
    }
}

impl From<&str> for Message {
    fn from(s: &str) -> Self {
        Message::from(s.to_string())
    }
}

impl std::ops::Deref for Message {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Display for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PartialEq for Message {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Message {}

impl PartialOrd for Message {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Message {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialEq<str> for Message {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Message {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Message {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl Serialize for Message {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One diagnostic, in file coordinates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Rule name (`single-point-of-failure`).
    pub rule: &'static str,
    /// Stable rule code (`SPOF001`).
    pub code: &'static str,
    /// Severity after configuration.
    pub severity: Severity,
    /// Primary location.
    pub span: Span,
    /// One sentence: what and why.
    pub message: Message,
    /// How to fix it.
    pub help: Option<Help>,
    /// Secondary locations (a boxed slice: 8 bytes less than a `Vec` in
    /// every diagnostic, and a finding's labels are known at once).
    pub labels: Box<[Label]>,
    /// The node id the finding is about (shared with its help).
    #[serde(serialize_with = "shared_name")]
    pub node: Option<Arc<str>>,
    /// The subgraph id the finding is about (a `Box`: 8 bytes less than a
    /// `String` in every diagnostic).
    pub subgraph: Option<Box<str>>,
    /// What fails with it.
    pub blast_radius: Option<BlastRadius>,
    /// A finding whose evidence is thin (SPEC §3, "Confidence"): reported
    /// only with `--min-confidence low`. Suppressions still match it, so a
    /// comment that silences it is never "unused" at the default.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub low_confidence: bool,
    /// The hash of the diagram the diagnostic is in
    /// ([`crate::baseline::diagram_hash`]): what a baseline entry matches
    /// instead of a line number. 0 until the per-file check sets it.
    #[serde(skip)]
    pub diagram_hash: u64,
}

impl Diagnostic {
    /// A diagnostic with only the required parts.
    pub fn new(
        rule: &'static str,
        code: &'static str,
        severity: Severity,
        span: Span,
        message: impl Into<Message>,
    ) -> Self {
        Diagnostic {
            rule,
            code,
            severity,
            span,
            message: message.into(),
            help: None,
            labels: Box::default(),
            node: None,
            subgraph: None,
            blast_radius: None,
            low_confidence: false,
            diagram_hash: 0,
        }
    }

    /// With a help line.
    pub fn with_help(mut self, help: impl Into<Help>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// Sort diagnostics into the order every report shows: by position, then
/// rule, end and message; stable. A diagnostic is a record of over 200
/// bytes, so the sort runs on a compact list of keys and then moves each
/// diagnostic into place once, where sorting the records would move each
/// about log n times and compare them through cache misses (30 ms for the 100,000
/// findings of a 100,000-node diagram). Diagnostics already in order (most
/// files) cost one linear check.
pub fn sort_by_position(ds: &mut [Diagnostic]) {
    let full = |a: &Diagnostic, b: &Diagnostic| {
        (a.span.start, a.rule, a.span.end, &a.message).cmp(&(
            b.span.start,
            b.rule,
            b.span.end,
            &b.message,
        ))
    };
    if ds.windows(2).all(|w| full(&w[0], &w[1]).is_le()) {
        return;
    }
    let mut keys: Vec<(usize, &'static str, usize, usize)> = ds
        .iter()
        .enumerate()
        .map(|(i, d)| (d.span.start, d.rule, d.span.end, i))
        .collect();
    // Ties on the compact key (rare) fall back to the message, then to the
    // original place, which keeps the sort stable.
    keys.sort_unstable_by(|a, b| {
        (a.0, a.1, a.2)
            .cmp(&(b.0, b.1, b.2))
            .then_with(|| ds[a.3].message.cmp(&ds[b.3].message))
            .then(a.3.cmp(&b.3))
    });
    // Put the diagnostic from `keys[i].3` at `i`, one cycle of the
    // permutation at a time, in place (no second 20 MB list to fault in).
    let mut placed = vec![false; ds.len()];
    for start in 0..ds.len() {
        let mut at = start;
        while !placed[at] {
            placed[at] = true;
            let from = keys[at].3;
            if from == start {
                break;
            }
            ds.swap(at, from);
            at = from;
        }
    }
}

/// Everything found in one file.
#[derive(Clone, Debug)]
pub struct FileReport {
    /// The path as the user named it (or `--stdin-filename`).
    pub path: String,
    /// The file's text (lossily decoded if it was not UTF-8).
    pub source: Arc<str>,
    /// Mermaid flowcharts found.
    pub diagrams: usize,
    /// Diagnostics, sorted by offset then rule.
    pub diagnostics: Vec<Diagnostic>,
    /// A problem reading the file (I/O), if any: the run exits with 2.
    pub read_error: Option<String>,
    /// Something worth telling the user that is not a finding (binary file
    /// skipped, invalid UTF-8 replaced); does not change the exit code.
    pub note: Option<String>,
}

/// How a note saying a file was not checked at all begins.
pub const SKIPPED: &str = "skipped: ";

impl FileReport {
    /// The report of a file not checked at all, for `why`.
    pub fn skipped_as(path: String, why: &str) -> Self {
        FileReport {
            path,
            source: Arc::from(""),
            diagrams: 0,
            diagnostics: Vec::new(),
            read_error: None,
            note: Some(format!("{SKIPPED}{why}")),
        }
    }

    /// Why the file was not checked at all (a binary file), if it was not:
    /// its note, which the machine formats carry too (a JSON `skipped`
    /// list, a SARIF notification, a GitHub warning), so that CI sees it.
    pub fn skipped(&self) -> Option<&str> {
        self.note.as_deref().filter(|n| n.starts_with(SKIPPED))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(start: usize, message: &str) -> Diagnostic {
        Diagnostic::new(
            "r",
            "R000",
            Severity::Error,
            Span::new(start, start + 1),
            message,
        )
    }

    fn order(ds: &[Diagnostic]) -> Vec<(usize, &str, &str)> {
        ds.iter()
            .map(|d| (d.span.start, d.rule, d.message.as_str()))
            .collect()
    }

    #[test]
    fn sorted_by_position_rule_end_and_message_stably() {
        let mut ds = vec![at(5, "c"), at(1, "b"), at(5, "a"), at(0, "d"), at(1, "b")];
        ds[4].help = Some("second b".into());
        ds.push(Diagnostic::new(
            "a-rule",
            "A000",
            Severity::Warning,
            Span::new(5, 9),
            "z",
        ));
        sort_by_position(&mut ds);
        assert_eq!(
            order(&ds),
            [
                (0, "r", "d"),
                (1, "r", "b"),
                (1, "r", "b"),
                (5, "a-rule", "z"),
                (5, "r", "a"),
                (5, "r", "c")
            ]
        );
        // Equal diagnostics keep their order.
        assert_eq!(ds[1].help, None);
        assert_eq!(ds[2].help, Some("second b".into()));
    }

    #[test]
    fn every_permutation_of_a_long_cycle_lands_in_place() {
        // Reversed, rotated and interleaved inputs exercise cycles of every length.
        for shape in 0..3 {
            let n = 50;
            let mut ds: Vec<Diagnostic> = (0..n)
                .map(|i| match shape {
                    0 => at(n - i, ""),
                    1 => at((i + 7) % n, ""),
                    _ => at((i * 3) % n, ""),
                })
                .collect();
            let mut want: Vec<usize> = ds.iter().map(|d| d.span.start).collect();
            want.sort_unstable();
            sort_by_position(&mut ds);
            let got: Vec<usize> = ds.iter().map(|d| d.span.start).collect();
            assert_eq!(got, want, "shape {shape}");
        }
    }

    #[test]
    fn a_lazy_message_reads_compares_and_sorts_as_its_text() {
        fn shout(p: &Parts, out: &mut String) {
            out.push_str(&p.name);
            for n in p.names.iter() {
                out.push(' ');
                out.push_str(n);
            }
            out.push_str(&"!".repeat(p.count));
        }
        let lazy = Message::lazy(Parts {
            name: "b".into(),
            names: vec![Arc::from("c")].into(),
            facts: 0,
            count: 2,
            write: shout,
        });
        assert_eq!(lazy.clone(), "b c!!");
        assert_eq!(lazy, Message::from("b c!!".to_string()));
        let (a, c) = (Message::from("a"), Message::from("c"));
        assert!(a < lazy && lazy < c);
        assert_eq!(format!("{lazy}|{lazy:?}"), "b c!!|\"b c!!\"");
        assert_eq!(serde_json::to_string(&lazy).unwrap(), "\"b c!!\"");
        assert_eq!(lazy.len(), 5);
    }
}
