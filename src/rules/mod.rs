//! The rules: their registry and metadata, and the one entry point that runs
//! them over a parsed diagram. Each rule lives in its own file.

pub mod analysis_limit;
pub mod parse_error;
pub mod single_point_of_failure;
pub mod single_region;
pub mod unused_suppression;

use crate::analysis;
use crate::config::{Level, Settings};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Diagram;
use crate::span::Span;
use crate::suppress;
use std::collections::HashSet;

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
pub static RULES: &[&RuleMeta] = &[
    &parse_error::META,
    &single_point_of_failure::META,
    &single_region::META,
    &unused_suppression::META,
    &analysis_limit::META,
];

/// Look a rule up by name or code (case-insensitive).
pub fn find(name_or_code: &str) -> Option<&'static RuleMeta> {
    RULES.iter().copied().find(|r| {
        r.name.eq_ignore_ascii_case(name_or_code) || r.code.eq_ignore_ascii_case(name_or_code)
    })
}

/// Run the failure-point rules over one diagram (spans already in file coordinates).
pub fn check_diagram(diagram: &Diagram, settings: &Settings) -> Vec<Diagnostic> {
    check_block(diagram, settings, &[])
}

/// Run the failure-point rules over one diagram with the HTML comments that
/// stand before its block (`Block::leading_comments`), applying every
/// suppression: `%%` directives in the diagram and the block's comments.
pub fn check_block(
    diagram: &Diagram,
    settings: &Settings,
    block_comments: &[(String, Span)],
) -> Vec<Diagnostic> {
    let normalised = analysis::normalise(diagram);
    let diagram: &Diagram = &normalised;
    let dirs = suppress::directives(diagram, block_comments);
    let ov = suppress::overrides_of(&dirs);
    let a = analysis::analyse_with(diagram, settings, &ov);
    // The first rule's list is kept, not copied: a big diagram has a finding
    // per node, and moving 100,000 diagnostics is tens of megabytes.
    let mut diags = if level(settings, &single_point_of_failure::META) != Level::Off {
        single_point_of_failure::check(diagram, &a)
    } else {
        Vec::new()
    };
    if level(settings, &single_region::META) != Level::Off {
        diags.extend(single_region::check(diagram, &a));
    }
    // A diagram whose links were not built is said to be unchecked.
    if let Some(cut) = a.structure.expansion_cut() {
        if level(settings, &analysis_limit::META) != Level::Off {
            diags.push(analysis_limit::diagnostic(diagram, cut));
        }
    }
    // A configured level caps a finding's severity: `warning` demotes every
    // finding of the rule, `error` (the default, which the config resolver
    // writes for every rule) keeps the error/warning split of SPEC §3.
    for d in &mut diags {
        if let Some(Level::On(sev)) = settings.levels.get(d.rule) {
            d.severity = d.severity.min(*sev);
        }
    }
    // What `redundant` directives changed: the findings without them.
    let before: HashSet<String> = if ov.redundant.is_empty() {
        HashSet::new()
    } else {
        let base = analysis::Overrides {
            redundant: HashSet::new(),
            analyse: ov.analyse,
        };
        analysis::analyse_with(diagram, settings, &base)
            .spofs
            .iter()
            .map(|s| diagram.nodes[s.node].id.clone())
            .collect()
    };
    let mut out = suppress::apply(diags, &dirs, diagram, settings, |id| before.contains(id));
    // After the suppressions, which match low-confidence findings too.
    out.retain(|d| single_point_of_failure::keep(d, settings.min_confidence));
    // `unused-suppression` has one severity; its configured level sets it.
    for d in &mut out {
        if d.rule == unused_suppression::META.name {
            if let Some(Level::On(sev)) = settings.levels.get(d.rule) {
                d.severity = *sev;
            }
        }
    }
    out
}

fn level(settings: &Settings, meta: &RuleMeta) -> Level {
    settings
        .levels
        .get(meta.name)
        .copied()
        .unwrap_or(Level::On(meta.default_severity))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_is_honest() {
        let mut names = HashSet::new();
        let mut codes = HashSet::new();
        for r in RULES {
            assert!(names.insert(r.name), "duplicate rule name {}", r.name);
            assert!(codes.insert(r.code), "duplicate rule code {}", r.code);
            assert!(
                r.code.starts_with("SPOF") && r.code.len() == 7,
                "{}",
                r.code
            );
            assert!(
                r.docs.starts_with(&format!("# {} ({})", r.name, r.code)),
                "{}",
                r.name
            );
            for h in ["## What it does", "## Why it matters", "## Example"] {
                assert!(r.docs.contains(h), "{} docs lack {h}", r.name);
            }
            assert!(find(r.name).is_some() && find(&r.code.to_lowercase()).is_some());
            if r.name != parse_error::META.name {
                let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("fixtures/rules")
                    .join(r.name);
                let has = |p: &str| {
                    std::fs::read_dir(&dir).is_ok_and(|rd| {
                        rd.flatten()
                            .any(|e| e.file_name().to_string_lossy().starts_with(p))
                    })
                };
                assert!(
                    has("pass_") && has("fail_"),
                    "fixtures/rules/{} needs pass_ and fail_ files",
                    r.name
                );
            }
        }
    }
}
