//! The `unused-suppression` rule: a spoflint comment that suppresses nothing.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::RuleMeta;
use crate::span::Span;

#[doc = include_str!("unused_suppression.md")]
pub static META: RuleMeta = RuleMeta {
    name: "unused-suppression",
    code: "SPOF003",
    default_severity: Severity::Warning,
    summary: "a spoflint suppression comment that suppresses nothing",
    docs: include_str!("unused_suppression.md"),
};

/// The diagnostic for one directive (`text` as written, `why` unused).
pub fn diagnostic(span: Span, text: &str, why: &str) -> Diagnostic {
    Diagnostic::new(
        META.name,
        META.code,
        META.default_severity,
        span,
        format!("unused suppression `spoflint: {text}`: {why}"),
    )
    .with_help("remove the comment, or fix the rule name or node id it names")
}
