//! `spoflint dump`: what spoflint parsed, as JSON, so users and tools can see
//! what the linter saw. Owns the dump's JSON shape (documented in the README).

use crate::config::Settings;
use crate::flowchart::{self, DiagramKind};
use crate::markdown::find_blocks;
use crate::span::LineIndex;
use serde_json::{json, Value};

/// One JSON object per Mermaid block of the file:
/// `{file, line, column, kind, direction, nodes, edges, subgraphs, errors}`,
/// plus `analysis` (how the rules read the diagram, see
/// [`crate::analysis::explain`]) for parsed flowcharts when `with_analysis`.
pub fn dump_file(
    path: &str,
    text: &str,
    standalone: bool,
    settings: &Settings,
    with_analysis: bool,
) -> Vec<Value> {
    let index = LineIndex::new(text);
    let mut out = Vec::new();
    for block in find_blocks(text, standalone, &settings.blocks) {
        let parsed = flowchart::parse_with(&block.text, &settings.parse);
        // The block starts at its first byte in the file.
        let start = block.map.to_file(0);
        let at = index.line_col(text, start);
        let kind = match &parsed.kind {
            DiagramKind::Flowchart => "flowchart".to_string(),
            DiagramKind::Other(k) => k.clone(),
            DiagramKind::Unknown => "unknown".to_string(),
        };
        let errors: Vec<Value> = parsed
            .errors
            .iter()
            .map(|e| {
                let s = block.map.span(e.span);
                let lc = index.line_col(text, s.start);
                json!({"line": lc.line, "column": lc.column, "message": e.message})
            })
            .collect();
        let (direction, nodes, edges, subgraphs) = match &parsed.diagram {
            Some(d) => {
                let nodes: Vec<Value> = d
                    .nodes
                    .iter()
                    .map(|n| json!({"id": n.id, "label": n.label, "shape": n.shape, "classes": n.classes}))
                    .collect();
                let edges: Vec<Value> = d
                    .edges
                    .iter()
                    .map(|e| {
                        json!({
                            "from": d.nodes[e.from()].id,
                            "to": d.nodes[e.to()].id,
                            "kind": e.kind.as_str(),
                            "stroke": e.stroke.as_str(),
                            "label": e.label,
                        })
                    })
                    .collect();
                let subgraphs: Vec<Value> = d
                    .subgraphs
                    .iter()
                    .map(|s| json!({"id": s.id, "title": s.title, "members": s.members}))
                    .collect();
                (Value::from(d.direction.clone()), nodes, edges, subgraphs)
            }
            None => (Value::Null, Vec::new(), Vec::new(), Vec::new()),
        };
        let mut entry = json!({
            "file": path,
            "line": at.line,
            "column": at.column,
            "kind": kind,
            "direction": direction,
            "nodes": nodes,
            "edges": edges,
            "subgraphs": subgraphs,
            "errors": errors,
        });
        if let (true, Some(d)) = (with_analysis, &parsed.diagram) {
            entry["analysis"] =
                crate::analysis::explain::explain_block(d, settings, &block.leading_comments);
        }
        out.push(entry);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standalone_mmd_is_dumped() {
        let text = "flowchart LR\n  A[(DB)] --> B\n  subgraph s [Svc]\n    B\n  end\n";
        let v = dump_file("a.mmd", text, true, &Settings::default(), false);
        assert_eq!(v.len(), 1);
        let b = &v[0];
        assert_eq!(b["kind"], "flowchart");
        assert_eq!(b["direction"], "LR");
        assert_eq!(b["nodes"][0]["shape"], "cylinder");
        assert_eq!(b["edges"][0]["from"], "A");
        assert_eq!(b["edges"][0]["kind"], "arrow_point");
        assert_eq!(b["subgraphs"][0]["members"][0], "B");
        assert_eq!(b["errors"].as_array().map(Vec::len), Some(0));
    }

    #[test]
    fn errors_have_file_lines_and_columns() {
        let text = "flowchart LR\n  A --> B %% note\n";
        let v = dump_file("a.mmd", text, true, &Settings::default(), false);
        let e = &v[0]["errors"][0];
        assert_eq!(e["line"], 2);
        assert_eq!(e["column"], 11);
        assert!(e["message"].as_str().unwrap_or("").contains("%%"));
    }
}

#[cfg(test)]
mod analysis_tests {
    use super::*;

    #[test]
    fn a_skip_comment_before_the_block_is_read_as_check_reads_it() {
        // Before, `check` skipped the block while `dump --analysis` said
        // it was analysed, with its single points of failure.
        let text = "<!-- spoflint: skip -->\n\n```mermaid\nflowchart LR\n  Users --> App[App server] --> DB[(Orders DB)]\n```\n";
        let v = dump_file("a.md", text, false, &Settings::default(), true);
        assert_eq!(v[0]["analysis"]["analysed"], false, "{v:?}");
        let unskipped = text.replace("<!-- spoflint: skip -->", "");
        let v = dump_file("a.md", &unskipped, false, &Settings::default(), true);
        assert_eq!(v[0]["analysis"]["analysed"], true, "{v:?}");
    }

    #[test]
    fn analysis_is_added_only_when_asked() {
        let text = "flowchart LR\n  Users --> App[App server] --> DB[(Orders DB)]\n";
        let plain = dump_file("a.mmd", text, true, &Settings::default(), false);
        assert!(plain[0].get("analysis").is_none());
        let with = dump_file("a.mmd", text, true, &Settings::default(), true);
        let a = &with[0]["analysis"];
        assert!(a.is_object(), "{with:?}");
        assert!(a.to_string().contains("database"), "{a}");
    }
}
