//! `spoflint dump --analysis`: what the analysis concluded about one diagram
//! and why, as JSON. Owns that JSON shape; decides nothing itself.

use super::graph::LinkKind;
use super::{analyse_with, display_name, entry_name, EntryRef, Role};
use crate::config::Settings;
use crate::model::Diagram;
use serde_json::{json, Value};

/// The analysis of one diagram, with reasons: whether it was analysed and
/// why, each node's kind, role and group with the evidence, entries,
/// externals, soft / replication / ignored links, findings. Applies the
/// diagram's own `%% spoflint:` comments (opt-in/out, `redundant`).
pub fn explain(diagram: &Diagram, settings: &Settings) -> Value {
    explain_block(diagram, settings, &[])
}

/// [`explain`] for a block with the HTML comments before it
/// (`Block::leading_comments`): `<!-- spoflint: skip -->` there decides
/// as it does for `check`.
pub fn explain_block(
    diagram: &Diagram,
    settings: &Settings,
    block_comments: &[(String, crate::span::Span)],
) -> Value {
    let normalised = super::normalise(diagram);
    let diagram: &Diagram = &normalised;
    let ov = crate::suppress::overrides(diagram, block_comments, settings);
    let a = analyse_with(diagram, settings, &ov);
    let id = |v: usize| diagram.nodes[v].id.clone();
    let nodes: Vec<Value> = (0..diagram.nodes.len())
        .map(|v| {
            let g = a.groups.class_of[v] as usize;
            json!({
                "id": id(v),
                "label": display_name(diagram, v),
                "kind": a.kinds[v].kind.as_str(),
                "kind_why": a.kinds[v].why(&diagram.nodes[v]),
                "role": a.roles[v],
                "group": g,
                "group_why": if a.groups.members[g].len() > 1 { Some(a.groups.why[g].clone()) } else { None },
                "redundant_by_itself": a.groups.self_redundant[v],
                "in_process_subgraph": a.in_process[v],
                "part_of_a_subgraph_product": a.internal[v],
            })
        })
        .collect();
    let groups: Vec<Value> = a
        .groups
        .members
        .iter()
        .enumerate()
        .filter(|(_, m)| m.len() > 1)
        .map(|(g, m)| json!({"group": g, "members": m.iter().map(|&v| id(v as usize)).collect::<Vec<_>>(), "why": a.groups.why[g]}))
        .collect();
    let links_of = |k: LinkKind| -> Vec<Value> {
        a.links
            .iter()
            .filter(|l| l.kind == k)
            .map(|l| json!({"from": id(l.from()), "to": id(l.to()), "edge": l.edge(), "why": l.why.as_str()}))
            .collect()
    };
    let entries: Vec<Value> = a
        .entries
        .iter()
        .map(|&e| match e {
            EntryRef::Node(v) => json!({"node": id(v), "name": entry_name(diagram, e)}),
            EntryRef::CallersOf(v) => json!({"callers_of": id(v), "name": entry_name(diagram, e)}),
            EntryRef::Route(r, t) => {
                json!({"route_through": id(r), "to": id(t), "name": entry_name(diagram, e)})
            }
            EntryRef::Function(q, c) => {
                json!({"processing_of": id(q), "by": id(c), "name": entry_name(diagram, e)})
            }
        })
        .collect();
    let externals: Vec<String> = (0..diagram.nodes.len())
        .filter(|&v| a.roles[v] == Role::External)
        .map(id)
        .collect();
    let spofs: Vec<Value> = a
        .spofs
        .iter()
        .map(|s| {
            json!({
                "node": id(s.node),
                "kind": s.kind.as_str(),
                "every_entry": s.every_entry,
                "entries_failing": s.entries_failing,
                "entries": a.entries_of(s).map(|e| entry_name(diagram, e)).collect::<Vec<_>>(),
                "components": a.components(s).iter().map(|&v| display_name(diagram, v as usize)).collect::<Vec<_>>(),
                "confidence": if s.thin.is_some() { "low" } else { "high" },
                "thin_evidence": s.thin.map(|t| t.as_str()),
            })
        })
        .collect();
    json!({
        "analysed": a.analysed,
        "analysed_why": a.analysed_why,
        "nodes": nodes,
        "groups": groups,
        "entries": entries,
        "externals": externals,
        "hard_links": links_of(LinkKind::Hard).len(),
        "soft_links": links_of(LinkKind::Soft),
        "replication_links": links_of(LinkKind::Redundancy),
        "ignored_links": links_of(LinkKind::Ignored),
        "single_points_of_failure": spofs,
        "single_region": a.single_region.as_ref().map(|r| json!({
            "subgraph": diagram.subgraphs[r.subgraph].id,
            "title": diagram.subgraphs[r.subgraph].title,
            "every_entry": r.every_entry,
            "components": r.components,
        })),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testutil::diagram;

    #[test]
    fn explains_kinds_groups_entries_externals_and_soft_links() {
        let d = diagram("flowchart LR\n  Users --> LB[Load Balancer] --> S1[Server 1] & S2[Server 2]\n  S1 & S2 --> DB[(Database)]\n  S1 -. metrics .-> M[Monitoring]\n  S2 --> Stripe\n  S1 --> Stripe\n");
        let v = explain(&d, &Settings::default());
        assert_eq!(v["analysed"], true);
        assert!(v["analysed_why"].as_str().unwrap().contains("architecture"));
        let node = |id: &str| {
            v["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .find(|n| n["id"] == id)
                .unwrap()
                .clone()
        };
        assert_eq!(node("DB")["kind"], "database");
        assert_eq!(node("DB")["kind_why"], "word \"database\" in label");
        assert_eq!(node("Users")["role"], "entry");
        assert_eq!(node("S1")["group"], node("S2")["group"]);
        assert!(node("S1")["group_why"].as_str().unwrap().contains("twins"));
        assert_eq!(v["entries"][0]["node"], "Users");
        assert_eq!(v["externals"], serde_json::json!(["Stripe"]));
        assert_eq!(v["soft_links"][0]["from"], "S1");
        assert_eq!(v["soft_links"][0]["why"], "label says observation");
        let spofs: Vec<&str> = v["single_points_of_failure"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["node"].as_str().unwrap())
            .collect();
        assert_eq!(spofs, ["LB", "DB"]);
    }

    #[test]
    fn explains_why_a_diagram_is_not_analysed() {
        let d =
            diagram("flowchart LR\n  %% spoflint: skip\n  Users --> Server --> DB[(Database)]\n");
        let v = explain(&d, &Settings::default());
        assert_eq!(v["analysed"], false);
        assert!(v["analysed_why"].as_str().unwrap().contains("skip"));
        let d = diagram("flowchart LR\n  A[Start] --> B{Ready?} --> C[Go]\n");
        let v = explain(&d, &Settings::default());
        assert_eq!(v["analysed"], false);
        assert!(v["analysed_why"]
            .as_str()
            .unwrap()
            .starts_with("does not look like an architecture"));
    }
}
