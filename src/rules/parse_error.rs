//! The `parse-error` rule: Mermaid would refuse to render this flowchart.

use crate::diagnostic::{Diagnostic, Severity};
use crate::flowchart::SyntaxError;
use crate::rules::RuleMeta;

#[doc = include_str!("parse_error.md")]
pub static META: RuleMeta = RuleMeta {
    name: "parse-error",
    code: "SPOF000",
    default_severity: Severity::Error,
    summary: "Mermaid cannot parse this flowchart",
    docs: include_str!("parse_error.md"),
};

/// The diagnostic for one syntax error (span already in file coordinates).
pub fn diagnostic(err: &SyntaxError) -> Diagnostic {
    Diagnostic::new(
        META.name,
        META.code,
        META.default_severity,
        err.span,
        err.message.clone(),
    )
}
