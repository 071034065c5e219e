//! The baseline file (`--baseline FILE`): the findings accepted when
//! spoflint was adopted, so that a run reports only new ones. Owns the
//! file format, the key a finding is matched by, and the diagram hash;
//! reads and renders the file, writes nothing and prints nothing (the
//! check writes it through the same atomic path as `--output-file`).
//!
//! A finding is matched by its file (relative to the baseline's folder,
//! `/`-separated), its rule, a hash of its diagram's text with whitespace
//! normalised, and what it is about: the node id, else the subgraph id,
//! else its message (parse errors, suppressions). Never by line: adding
//! lines above a diagram keeps its findings baselined, and editing the
//! diagram's text makes them new again. Entries are a multiset: two
//! identical diagrams in one file give two entries, each matching once.
//!
//! The format (version 1), sorted, one entry per finding:
//!
//! ```json
//! {
//!   "version": 1,
//!   "entries": [
//!     {"path": "docs/a.md", "rule": "single-point-of-failure", "diagram": "9f2c...", "node": "LB"}
//!   ]
//! }
//! ```

use crate::diagnostic::Diagnostic;
use crate::error::{io_message, Error};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Component, Path};

/// The format version this build reads and writes.
pub const VERSION: u32 = 1;

/// A 64-bit FNV-1a hash of `text` with whitespace normalised: runs of
/// whitespace count as one space, and leading and trailing whitespace as
/// none (re-indenting a diagram or changing its line endings keeps it).
/// FNV rather than std's hasher, whose output may change between Rust
/// releases: a baseline must hash the same on every build.
pub fn diagram_hash(text: &str) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut h = OFFSET;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(PRIME);
        }
    };
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            eat(b" ");
        }
        eat(word.as_bytes());
    }
    h
}

/// One accepted finding.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The file, relative to the baseline's folder, `/`-separated.
    pub path: String,
    /// The rule's name (`single-point-of-failure`).
    pub rule: String,
    /// [`diagram_hash`] of the diagram, 16 hex digits.
    pub diagram: String,
    /// The node id the finding is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    /// The subgraph id the finding is about (when it names no node).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subgraph: Option<String>,
    /// The message (when the finding names neither a node nor a subgraph).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl Entry {
    /// The entry that matches `d`, found in the file keyed `path`
    /// ([`path_key`]).
    pub fn of(path: &str, d: &Diagnostic) -> Entry {
        let node = d.node.as_deref().map(str::to_string);
        let subgraph = match node {
            None => d.subgraph.as_deref().map(str::to_string),
            Some(_) => None,
        };
        let message = (node.is_none() && subgraph.is_none()).then(|| d.message.to_string());
        Entry {
            path: path.to_string(),
            rule: d.rule.to_string(),
            diagram: format!("{:016x}", d.diagram_hash),
            node,
            subgraph,
            message,
        }
    }

    /// What the entry is about, for a stale-entry line: `node LB`,
    /// `subgraph backend` or the message.
    pub fn about(&self) -> String {
        match (&self.node, &self.subgraph, &self.message) {
            (Some(n), _, _) => format!("node {n}"),
            (None, Some(s), _) => format!("subgraph {s}"),
            (None, None, Some(m)) => m.clone(),
            (None, None, None) => String::new(),
        }
    }
}

/// The file as written: a version and the sorted entries.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    version: u32,
    entries: Vec<Entry>,
}

/// A baseline read from its file.
#[derive(Debug, Default)]
pub struct Baseline {
    entries: Vec<Entry>,
    /// Entry indices by path.
    by_path: HashMap<String, Vec<usize>>,
}

impl Baseline {
    /// Parse the baseline file `named` (as the user named it, for errors),
    /// whose text is `text`.
    pub fn parse(named: &str, text: &str) -> Result<Baseline, Error> {
        let doc: Document = serde_json::from_str(text).map_err(|e| Error::Baseline {
            path: named.to_string(),
            message: format!("not a spoflint baseline: {e}"),
            help: None,
        })?;
        if doc.version != VERSION {
            return Err(Error::Baseline {
                path: named.to_string(),
                message: format!(
                    "baseline version {} is not supported (this spoflint reads version {VERSION})",
                    doc.version
                ),
                help: Some("recreate it with `--create-baseline`".into()),
            });
        }
        Ok(Baseline::new(doc.entries))
    }

    /// Read the baseline file at `path` (named `named`).
    pub fn read(path: &Path, named: &str) -> Result<Baseline, Error> {
        match std::fs::read_to_string(path) {
            Ok(text) => Baseline::parse(named, &text),
            Err(e) => Err(Error::Baseline {
                path: named.to_string(),
                message: io_message(&e),
                help: (e.kind() == std::io::ErrorKind::NotFound).then(|| {
                    format!("create it from the current findings with `--baseline {named} --create-baseline`")
                }),
            }),
        }
    }

    /// A baseline of these entries.
    pub fn new(entries: Vec<Entry>) -> Baseline {
        let mut by_path: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            by_path.entry(e.path.clone()).or_default().push(i);
        }
        Baseline { entries, by_path }
    }

    /// Every entry, in file order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Drop from `diagnostics` (of the file keyed `path`) those the
    /// baseline accepts, each entry matching at most once; returns the
    /// indices of the entries used.
    pub fn filter(&self, path: &str, diagnostics: &mut Vec<Diagnostic>) -> Vec<usize> {
        let Some(indices) = self.by_path.get(path) else {
            return Vec::new();
        };
        let mut free: HashMap<&Entry, Vec<usize>> = HashMap::new();
        for &i in indices.iter().rev() {
            free.entry(&self.entries[i]).or_default().push(i);
        }
        let mut used = Vec::new();
        diagnostics.retain(
            |d| match free.get_mut(&Entry::of(path, d)).and_then(Vec::pop) {
                Some(i) => {
                    used.push(i);
                    false
                }
                None => true,
            },
        );
        used
    }
}

/// Render `entries` as a baseline file: sorted, version first, one entry
/// per line, a final newline. The same findings always give the same bytes.
pub fn render(mut entries: Vec<Entry>) -> String {
    entries.sort();
    let mut out = format!("{{\n  \"version\": {VERSION},\n  \"entries\": [");
    for (i, e) in entries.iter().enumerate() {
        out.push_str(if i == 0 { "\n    " } else { ",\n    " });
        // An entry of strings always serializes.
        out.push_str(&serde_json::to_string(e).unwrap_or_default());
    }
    out.push_str(if entries.is_empty() {
        "]\n}\n"
    } else {
        "\n  ]\n}\n"
    });
    out
}

/// The key of the file `file` in a baseline kept in the folder `base`
/// (both absolute and normalised, see [`crate::config::normalize`]): the
/// path relative to `base` with `/` separators (`..` for a file beside or
/// above it), so the baseline holds wherever the repository is cloned.
pub fn path_key(base: &Path, file: &Path) -> String {
    let b: Vec<Component<'_>> = base.components().collect();
    let f: Vec<Component<'_>> = file.components().collect();
    let common = b.iter().zip(&f).take_while(|(x, y)| x == y).count();
    // Nothing in common (another Windows drive): the whole path.
    if common == 0 {
        return file.to_string_lossy().replace('\\', "/");
    }
    let ups = std::iter::repeat(std::borrow::Cow::Borrowed("..")).take(b.len() - common);
    let downs = f[common..].iter().map(|c| c.as_os_str().to_string_lossy());
    ups.chain(downs).collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;
    use crate::span::Span;

    fn finding(node: Option<&str>, hash: u64) -> Diagnostic {
        let mut d = Diagnostic::new(
            "single-point-of-failure",
            "SPOF001",
            Severity::Error,
            Span::new(0, 1),
            "msg",
        );
        d.node = node.map(Into::into);
        d.diagram_hash = hash;
        d
    }

    #[test]
    fn hash_ignores_whitespace_but_not_text() {
        let a = diagram_hash("flowchart LR\n  A --> B\n");
        assert_eq!(a, diagram_hash("  flowchart   LR\r\n\tA -->   B"));
        assert_ne!(a, diagram_hash("flowchart LR\n  A --> C\n"));
        // Words are not glued together by dropping whitespace.
        assert_ne!(diagram_hash("A B"), diagram_hash("AB"));
    }

    #[test]
    fn hash_is_stable_across_builds() {
        // FNV-1a of "a": a baseline written by one build matches in another.
        assert_eq!(diagram_hash("a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn render_is_sorted_and_parses_back() {
        let b = Entry::of("b.md", &finding(Some("X"), 1));
        let a = Entry::of("a.md", &finding(None, 2));
        let text = render(vec![b.clone(), a.clone()]);
        assert!(text.find("a.md").unwrap() < text.find("b.md").unwrap());
        assert!(text.starts_with("{\n  \"version\": 1,"));
        let back = Baseline::parse("x", &text).unwrap();
        assert_eq!(back.entries(), &[a, b]);
        assert_eq!(
            render(Vec::new()),
            "{\n  \"version\": 1,\n  \"entries\": []\n}\n"
        );
    }

    #[test]
    fn entries_match_once_each() {
        let base = Baseline::new(vec![Entry::of("a.md", &finding(Some("X"), 1))]);
        let mut ds = vec![finding(Some("X"), 1), finding(Some("X"), 1)];
        assert_eq!(base.filter("a.md", &mut ds), vec![0]);
        assert_eq!(ds.len(), 1);
    }

    #[test]
    fn another_diagram_or_file_does_not_match() {
        let base = Baseline::new(vec![Entry::of("a.md", &finding(Some("X"), 1))]);
        let mut ds = vec![finding(Some("X"), 2)];
        assert!(base.filter("a.md", &mut ds).is_empty());
        let mut ds = vec![finding(Some("X"), 1)];
        assert!(base.filter("b.md", &mut ds).is_empty());
        assert_eq!(ds.len(), 1);
    }

    #[test]
    fn findings_without_a_node_match_on_message() {
        let e = Entry::of("a.md", &finding(None, 1));
        assert_eq!(e.message.as_deref(), Some("msg"));
        assert_eq!(Entry::of("a.md", &finding(Some("N"), 1)).message, None);
    }

    #[test]
    fn wrong_version_is_refused() {
        let e = Baseline::parse("b.json", "{\"version\": 2, \"entries\": []}").unwrap_err();
        assert!(e.to_string().contains("version 2"));
    }

    #[test]
    fn paths_are_relative_to_the_baseline_folder() {
        assert_eq!(
            path_key(Path::new("/r"), Path::new("/r/docs/a.md")),
            "docs/a.md"
        );
        assert_eq!(
            path_key(Path::new("/r/target"), Path::new("/r/docs/a.md")),
            "../docs/a.md"
        );
    }
}
