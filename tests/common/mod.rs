//! Shared by the differential tests: our parse result and Mermaid's oracle
//! output, both in the oracle's vocabulary, and their first difference.

use serde_json::Value;
use spoflint::flowchart::Parsed;

/// Our result in the oracle's vocabulary (vertices, edges, subgraphs).
pub fn ours(p: &Parsed) -> Value {
    let Some(d) = &p.diagram else {
        return Value::Null;
    };
    let vertices: Vec<Value> = d
        .nodes
        .iter()
        .map(|n| serde_json::json!([n.id, n.label, n.label_type, n.shape, n.classes]))
        .collect();
    let edges: Vec<Value> = d
        .edges
        .iter()
        .map(|e| {
            serde_json::json!([
                d.nodes[e.from()].id,
                d.nodes[e.to()].id,
                e.kind.as_str(),
                e.stroke.as_str(),
                e.length,
                e.label,
                d.edge_id(e),
                e.has_user_id()
            ])
        })
        .collect();
    let subgraphs: Vec<Value> = d
        .subgraphs
        .iter()
        .map(|s| serde_json::json!([s.id, s.title, s.members, s.dir, s.classes]))
        .collect();
    serde_json::json!({"direction": d.direction, "vertices": vertices, "edges": edges, "subgraphs": subgraphs})
}

/// A label as JavaScript would print it: our model keeps labels as text,
/// Mermaid keeps what YAML gave (`label: 123` is a number, `[a, b]` an array).
fn js_text(v: &Value) -> Value {
    match v {
        Value::Number(n) => Value::String(n.to_string()),
        Value::Bool(b) => Value::String(b.to_string()),
        Value::Array(a) => Value::String(
            a.iter()
                .map(|x| match x {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect::<Vec<_>>()
                .join(","),
        ),
        other => other.clone(),
    }
}

pub fn theirs(o: &Value) -> Value {
    if o["ok"] != Value::Bool(true) {
        return Value::Null;
    }
    let arr = |v: &Value| v.as_array().cloned().unwrap_or_default();
    let vertices: Vec<Value> = arr(&o["vertices"])
        .iter()
        .map(|v| {
            serde_json::json!([
                v["id"],
                js_text(&v["label"]),
                v["labelType"],
                v["shape"],
                v["classes"]
            ])
        })
        .collect();
    let edges: Vec<Value> = arr(&o["edges"])
        .iter()
        .map(|e| {
            serde_json::json!([
                e["start"],
                e["end"],
                e["type"],
                e["stroke"],
                e["length"],
                e["label"],
                e["id"],
                e["isUserDefinedId"]
            ])
        })
        .collect();
    let subgraphs: Vec<Value> = arr(&o["subgraphs"])
        .iter()
        .map(|s| serde_json::json!([s["id"], s["title"], s["nodes"], s["dir"], s["classes"]]))
        .collect();
    serde_json::json!({"direction": o["direction"], "vertices": vertices, "edges": edges, "subgraphs": subgraphs})
}

/// The first difference between two results, in words.
pub fn difference(a: &Value, b: &Value) -> Option<String> {
    match (a.is_null(), b.is_null()) {
        (true, true) => return None,
        (true, false) => return Some("Mermaid accepts, we reject".into()),
        (false, true) => return Some("Mermaid rejects, we accept".into()),
        _ => {}
    }
    for key in ["direction", "vertices", "edges", "subgraphs"] {
        if a[key] != b[key] {
            let (x, y) = (&a[key], &b[key]);
            if let (Some(xs), Some(ys)) = (x.as_array(), y.as_array()) {
                for i in 0..xs.len().max(ys.len()) {
                    if xs.get(i) != ys.get(i) {
                        return Some(format!(
                            "{key}[{i}]: ours {} vs Mermaid {}",
                            xs.get(i).map(|v| v.to_string()).unwrap_or("none".into()),
                            ys.get(i).map(|v| v.to_string()).unwrap_or("none".into())
                        ));
                    }
                }
            }
            return Some(format!("{key}: ours {x} vs Mermaid {y}"));
        }
    }
    None
}
