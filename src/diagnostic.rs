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
