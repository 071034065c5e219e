//! The rules: their registry and metadata, and the one entry point that runs
//! them over a parsed diagram. Each rule lives in its own file.

pub mod parse_error;

use crate::config::Settings;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Diagram;

/// A rule's identity and documentation.
#[derive(Debug)]
pub struct RuleMeta {
    /// Kebab-case name (`single-point-of-failure`).
    pub name: &'static str,
    /// Stable code (`SPOF001`).
    pub code: &'static str,
    /// Severity when the config says nothing.
    pub default_severity: Severity,
    /// One line for `spoflint rules`.
    pub summary: &'static str,
    /// Markdown for `--explain`.
    pub docs: &'static str,
}

/// Every rule, in code order.
pub static RULES: &[&RuleMeta] = &[&parse_error::META];

/// Look a rule up by name or code (case-insensitive).
pub fn find(name_or_code: &str) -> Option<&'static RuleMeta> {
    RULES.iter().copied().find(|r| {
        r.name.eq_ignore_ascii_case(name_or_code) || r.code.eq_ignore_ascii_case(name_or_code)
    })
}

/// Run the failure-point rules over one diagram (spans already in file coordinates).
pub fn check_diagram(diagram: &Diagram, settings: &Settings) -> Vec<Diagnostic> {
    let _ = (diagram, settings);
    Vec::new()
}
