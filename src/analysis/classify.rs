//! Which flowcharts are architectures (SPEC §5), and which subgraphs draw a
//! process rather than the running system. Owns the auto-classification
//! thresholds; reads kinds, decides nothing else.

use super::graph::Structure;
use super::kinds::Kind;
use super::Overrides;
use crate::config::{AnalyseMode, Settings};
use crate::model::{Diagram, Subgraph};
use crate::vocab::{id_tokens, tokens, Vocab};

/// Whether the diagram is analysed for failure points, and why. `kinds`
/// are the kinds as seen for classification (artefacts count as unknown).
pub fn decide(
    diagram: &Diagram,
    settings: &Settings,
    structure: &Structure,
    kinds: &[Kind],
    ov: &Overrides,
) -> (bool, String) {
    match ov.analyse {
        Some(true) => return (true, "opted in by a `spoflint: analyse` comment".into()),
        Some(false) => return (false, "opted out by a `spoflint: skip` comment".into()),
        None => {}
    }
    if settings.analyse == AnalyseMode::All {
        return (true, "every flowchart is analysed (analyse = all)".into());
    }
    // Decisions (a diamond, or a label asking a question) draw a flow, not
    // a system: a running architecture has no branches to choose from.
    let decision = diagram.nodes.iter().enumerate().find(|(v, n)| {
        structure.cluster_of[*v].is_none()
            && (n
                .shape
                .as_deref()
                .is_some_and(|s| matches!(s, "diamond" | "diam" | "decision" | "question"))
                || crate::vocab::clean_text(&n.label).trim_end().ends_with('?'))
    });
    if let Some((_, n)) = decision {
        return (
            false,
            format!(
                "does not look like an architecture: decision node \"{}\" draws a flow",
                n.id
            ),
        );
    }
    let mut total = 0usize;
    let mut known = 0usize;
    let mut infra = 0usize;
    let mut specific = 0usize;
    for (v, node) in diagram.nodes.iter().enumerate() {
        // Clusters are subgraphs; `%%` vertices are Mermaid's phantom comment nodes.
        if structure.cluster_of[v].is_some() || node.id.starts_with("%%") {
            continue;
        }
        total += 1;
        let k = kinds[v];
        known += usize::from(k != Kind::Unknown);
        infra += usize::from(k.is_infra());
        specific += usize::from(k.is_specific_infra());
    }
    let facts = format!(
        "{known} of {total} nodes have a kind, {infra} infrastructure, {specific} specific infrastructure"
    );
    let architecture = (specific >= 1 && known * 3 >= total) || (infra >= 2 && known * 2 >= total);
    if architecture {
        (true, format!("looks like an architecture: {facts}"))
    } else {
        (
            false,
            format!("does not look like an architecture: {facts}"),
        )
    }
}

/// Whether a subgraph draws a process (backup, DR, CI/CD, pipeline, build).
pub fn is_process_subgraph(sg: &Subgraph, vocab: &Vocab) -> bool {
    vocab.process.matches(&tokens(&sg.title)) || vocab.process.matches(&id_tokens(&sg.id))
}

/// Whether a subgraph is a location (region, zone, data center, site), by
/// title or id; security zones are not.
pub fn is_location(sg: &Subgraph, vocab: &Vocab) -> bool {
    let title = tokens(&sg.title);
    let id = id_tokens(&sg.id);
    if vocab.not_locations.matches(&title) || vocab.not_locations.matches(&id) {
        return false;
    }
    // A title that spans several ("Multi-AZ", "3 AZs", "Multi-Region") is
    // not one location.
    if vocab.multiplicity.matches(&title)
        || super::groups::count_multiplicity(&sg.title, &title, vocab).is_some()
    {
        return false;
    }
    vocab.locations.matches(&title)
        || vocab.locations.matches(&id)
        || has_region_code(&sg.title)
        || has_region_code(&sg.id)
}

/// `us-east-1`, `eu-west-2`, `us-central1-a`, `europe-west1`, `ap-southeast-2b`.
pub fn has_region_code(text: &str) -> bool {
    const AREAS: [&str; 16] = [
        "us",
        "eu",
        "ap",
        "sa",
        "ca",
        "me",
        "af",
        "il",
        "mx",
        "cn",
        "europe",
        "asia",
        "australia",
        "northamerica",
        "southamerica",
        "africa",
    ];
    const DIRS: [&str; 5] = ["east", "west", "north", "south", "central"];
    text.to_lowercase()
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .any(|word| {
            let parts: Vec<&str> = word.split('-').filter(|p| !p.is_empty()).collect();
            parts.len() >= 2
                && AREAS.contains(&parts[0])
                && DIRS.iter().any(|d| parts[1].starts_with(d))
                && parts.iter().any(|p| p.chars().any(|c| c.is_ascii_digit()))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_codes() {
        for yes in [
            "us-east-1",
            "AWS eu-west-2",
            "us-central1-a",
            "europe-west1",
            "ap-southeast-2b",
        ] {
            assert!(has_region_code(yes), "{yes}");
        }
        for no in ["east-west traffic", "us-1", "v1-east", "eu west"] {
            assert!(!has_region_code(no), "{no}");
        }
    }
}

#[cfg(test)]
mod classify_tests {
    use crate::analysis::testutil::diagram;
    use crate::analysis::{analyse, analyse_with, Overrides};
    use crate::config::Settings;

    fn analysed(src: &str) -> bool {
        analyse(&diagram(src), &Settings::default()).analysed
    }

    #[test]
    fn a_specific_infrastructure_node_and_a_third_with_kinds() {
        // 1 database + 0 others of 3 nodes: a third have a kind.
        assert!(analysed(
            "flowchart LR\n  A[Parse] --> B[Validate] --> DB[(Orders DB)]\n"
        ));
        // 1 of 4: not enough.
        assert!(!analysed(
            "flowchart LR\n  A[Parse] --> B[Validate] --> C[Save] --> DB[(Orders DB)]\n"
        ));
    }

    #[test]
    fn two_infrastructure_nodes_and_half_with_kinds() {
        assert!(analysed(
            "flowchart LR\n  A[Web App] --> B[Worker] --> C[Step] --> D[Other]\n"
        ));
        assert!(!analysed(
            "flowchart LR\n  A[Web App] --> B[Step] --> C[Step 2] --> D[Other]\n"
        ));
    }

    #[test]
    fn generic_words_alone_are_not_specific() {
        // `app`, `api`, `service`, `node`: servers, not specific infrastructure.
        assert!(!analysed(
            "flowchart LR\n  A[API] --> B[Step] --> C[Step 2]\n"
        ));
    }

    #[test]
    fn comments_and_overrides_decide_explicitly() {
        let d = diagram("flowchart LR\n  A[Start] --> B[End]\n");
        let on = Overrides {
            analyse: Some(true),
            ..Overrides::default()
        };
        assert!(analyse_with(&d, &Settings::default(), &on).analysed);
        let arch = diagram("flowchart LR\n  Users --> DB[(Database)]\n");
        let off = Overrides {
            analyse: Some(false),
            ..Overrides::default()
        };
        assert!(!analyse_with(&arch, &Settings::default(), &off).analysed);
    }
}
