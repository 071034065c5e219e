//! The `analysis-limit` rule: a flowchart too big to analyse (its subgraph
//! links expand past the budget), said out loud instead of skipped.

use crate::analysis::graph::ExpansionCut;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Diagram;
use crate::rules::RuleMeta;

#[doc = include_str!("analysis_limit.md")]
pub static META: RuleMeta = RuleMeta {
    name: "analysis-limit",
    code: "SPOF004",
    default_severity: Severity::Warning,
    summary: "a flowchart was not analysed: its subgraph links expand past the budget",
    docs: include_str!("analysis_limit.md"),
};

/// The warning for a diagram whose expansion stopped at `cut`, on the edge
/// where the budget ran out.
pub fn diagnostic(diagram: &Diagram, cut: ExpansionCut) -> Diagnostic {
    let edge = &diagram.edges[cut.edge];
    let name = |v: usize| diagram.nodes[v].id.as_str();
    Diagnostic::new(
        META.name,
        META.code,
        META.default_severity,
        edge.span,
        format!(
            "diagram not analysed: links to and from subgraphs expand past the limit of {} links and steps for a diagram this size (reached at `{} --> {}`)",
            cut.budget,
            name(edge.from()),
            name(edge.to()),
        ),
    )
    .with_help("link the members that depend on each other instead of whole subgraphs, or split the diagram")
}

#[cfg(test)]
mod tests {
    use crate::analysis::testutil::findings_with;
    use crate::config::Settings;
    use std::fmt::Write as _;

    /// Two subgraphs of `members` unlinked members each, linked `links` times.
    fn linked_groups(members: usize, links: usize) -> String {
        let mut s = String::from("flowchart LR\nsubgraph SG1\n");
        for i in 0..members {
            let _ = writeln!(s, "a{i}");
        }
        s.push_str("end\nsubgraph SG2\n");
        for i in 0..members {
            let _ = writeln!(s, "b{i}");
        }
        s.push_str("end\n");
        for _ in 0..links {
            s.push_str("SG1 --> SG2\n");
        }
        s
    }

    // 499 links between two groups of 1,000 were half a billion links:
    // past 4 GB, and the whole run aborted.
    #[test]
    fn subgraph_to_subgraph_links_multiplying_past_the_budget_are_reported_not_built() {
        let f = findings_with(&linked_groups(1_000, 499), &Settings::default());
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(
            (f[0].0.as_str(), f[0].2.as_str()),
            ("analysis-limit", "warning")
        );
    }

    #[test]
    fn a_subgraph_link_inside_the_budget_is_expanded_and_analysed() {
        let f = findings_with(&linked_groups(3, 2), &Settings::default());
        assert!(f.iter().all(|x| x.0 != "analysis-limit"), "{f:?}");
    }
}
