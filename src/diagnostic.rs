//! What the linter says about a file: findings and syntax errors as one
//! diagnostic type with byte spans, and the per-file report. Owns no logic.

use crate::span::Span;
use serde::Serialize;
use std::sync::Arc;

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
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What it is.
    pub message: String,
}

/// What fails with a single point of failure. Names are shared: a big
/// diagram has a finding per node and neighbouring findings name the same
/// nodes, so each name is built once and counted, not copied per finding.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BlastRadius {
    /// Entries (users, clients, ...) that fail, by label.
    #[serde(serialize_with = "names")]
    pub entries: Vec<Arc<str>>,
    /// Components that fail, by label.
    #[serde(serialize_with = "names")]
    pub components: Vec<Arc<str>>,
}

/// Shared names serialized as the strings they are.
fn names<S: serde::Serializer>(names: &[Arc<str>], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(names.iter().map(|n| &**n))
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
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// Secondary locations.
    pub labels: Vec<Label>,
    /// The node id the finding is about.
    pub node: Option<String>,
    /// The subgraph id the finding is about.
    pub subgraph: Option<String>,
    /// What fails with it.
    pub blast_radius: Option<BlastRadius>,
}

impl Diagnostic {
    /// A diagnostic with only the required parts.
    pub fn new(
        rule: &'static str,
        code: &'static str,
        severity: Severity,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            rule,
            code,
            severity,
            span,
            message: message.into(),
            help: None,
            labels: Vec::new(),
            node: None,
            subgraph: None,
            blast_radius: None,
        }
    }

    /// With a help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// Sort diagnostics stably by `cmp`. A diagnostic is a large record: the
/// indices are sorted and each diagnostic is moved once, where sorting the
/// records themselves would move each of them about log n times (tens of
/// milliseconds for the 100,000 findings of a 100,000-node diagram). Input
/// already in order (the usual case for a small file) is left as it is.
pub fn sort_diagnostics_by(
    ds: &mut Vec<Diagnostic>,
    cmp: impl Fn(&Diagnostic, &Diagnostic) -> std::cmp::Ordering,
) {
    if ds.windows(2).all(|w| cmp(&w[0], &w[1]).is_le()) {
        return;
    }
    let mut order: Vec<usize> = (0..ds.len()).collect();
    order.sort_by(|&a, &b| cmp(&ds[a], &ds[b]));
    let mut slots: Vec<Option<Diagnostic>> = std::mem::take(ds).into_iter().map(Some).collect();
    ds.extend(order.into_iter().filter_map(|i| slots[i].take()));
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

    #[test]
    fn sorting_is_stable_and_by_the_given_order() {
        let mut ds = vec![at(5, "a"), at(1, "b"), at(5, "c"), at(0, "d"), at(1, "e")];
        sort_diagnostics_by(&mut ds, |a, b| a.span.start.cmp(&b.span.start));
        let got: Vec<(usize, &str)> = ds
            .iter()
            .map(|d| (d.span.start, d.message.as_str()))
            .collect();
        assert_eq!(got, [(0, "d"), (1, "b"), (1, "e"), (5, "a"), (5, "c")]);
        // Already in order: unchanged.
        sort_diagnostics_by(&mut ds, |a, b| a.span.start.cmp(&b.span.start));
        assert_eq!(ds.len(), 5);
        assert_eq!(ds[0].message, "d");
    }
}
