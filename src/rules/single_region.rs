//! The `single-region` rule: every located component sits in one region,
//! zone or data center.

use crate::analysis::Analysis;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Diagram;
use crate::rules::RuleMeta;

#[doc = include_str!("single_region.md")]
pub static META: RuleMeta = RuleMeta {
    name: "single-region",
    code: "SPOF002",
    default_severity: Severity::Error,
    summary: "every component sits in one region, zone or data center",
    docs: include_str!("single_region.md"),
};

/// The finding for the diagram's single location, if it has one.
pub fn check(diagram: &Diagram, a: &Analysis) -> Vec<Diagnostic> {
    let Some(r) = &a.single_region else {
        return Vec::new();
    };
    let sg = &diagram.subgraphs[r.subgraph];
    let title = crate::vocab::clean_text(&sg.title);
    let severity = if r.every_entry {
        Severity::Error
    } else {
        Severity::Warning
    };
    let scope = if r.every_entry {
        "every entry fails with it"
    } else {
        "some entries fail with it"
    };
    let plural = if r.components == 1 { "" } else { "s" };
    let mut d = Diagnostic::new(
        META.name,
        META.code,
        severity,
        sg.span,
        format!(
            "\"{title}\" is a single point of failure: all {} located component{plural} sit in this one location; {scope}",
            r.components
        ),
    )
    .with_help("run the system in a second region or zone with failover between them (replicas there, and DNS or global load balancing in front)");
    d.subgraph = Some(sg.id.clone());
    vec![d]
}
