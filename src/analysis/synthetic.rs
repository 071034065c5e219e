//! Generated architectures for scale tests and the timing example: layers
//! of services, databases, caches and proxies behind a few user groups, about
//! three links per node. Owns nothing the linter decides; only used to
//! measure it.

use crate::model::{Diagram, Edge, EdgeType, Node, Stroke};
use crate::span::Span;

/// Number of user groups (entries) in a generated architecture.
pub const ENTRIES: usize = 10;

/// An architecture of `components` components in layers of `width` (plus
/// [`ENTRIES`] user groups): node `j` of a layer needs nodes `j`, `j + 1` and
/// `j + 7` (mod `width`) of the next layer, user group `u` needs the nodes
/// `j ≡ u (mod 10)` of the first layer. With `unique_labels` every label has
/// its own stem (`Service bcd`): no twins, every component is a single point
/// of failure. Without, labels repeat per kind with a number (`Service 12`),
/// every component starts as a twin candidate, and partition refinement has
/// to find the 10 classes per layer the periodic wiring makes equivalent.
pub fn layered(components: usize, width: usize, unique_labels: bool) -> Diagram {
    let width = width.max(ENTRIES).min(components.max(ENTRIES));
    let mut d = Diagram {
        header: "flowchart".into(),
        direction: "LR".into(),
        ..Diagram::default()
    };
    let node = |id: String, label: String, shape: Option<&str>, i: usize| Node {
        id,
        label,
        label_type: "text".into(),
        shape: shape.map(str::to_string),
        defined_at: Span::new(i, i + 1),
        occurrences: vec![Span::new(i, i + 1)],
        ..Node::default()
    };
    for u in 0..ENTRIES {
        d.nodes
            .push(node(format!("U{u}"), format!("Users {u}"), None, u));
    }
    const LABELS: [(&str, Option<&str>); 4] = [
        ("Service", None),
        ("Orders DB", Some("cylinder")),
        ("Cache", None),
        ("Proxy", None),
    ];
    for c in 0..components {
        let (label, shape) = LABELS[(c / width) % LABELS.len()];
        let name = if unique_labels {
            letters(c)
        } else {
            c.to_string()
        };
        d.nodes.push(node(
            format!("N{c}"),
            format!("{label} {name}"),
            shape,
            ENTRIES + c,
        ));
    }
    let edge = |d: &mut Diagram, from: usize, to: usize| {
        let n = d.edges.len();
        d.edges.push(Edge {
            from,
            to,
            kind: EdgeType::ArrowPoint,
            stroke: Stroke::Normal,
            length: Some(1),
            label: String::new(),
            id: format!("L_{n}"),
            user_id: false,
            span: Span::new(from, to.max(from) + 1),
        });
    };
    for j in 0..width.min(components) {
        edge(&mut d, j % ENTRIES, ENTRIES + j);
    }
    for c in 0..components {
        let (layer, j) = (c / width, c % width);
        let next = (layer + 1) * width;
        for step in [0, 1, 7] {
            let t = next + (j + step) % width;
            if t < components {
                edge(&mut d, ENTRIES + c, ENTRIES + t);
            }
        }
    }
    d
}

/// `c` in base 24 with letters `b`..`y` after `zq`: one token no vocabulary
/// word matches.
fn letters(mut c: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'b' + (c % 24) as u8);
        c /= 24;
        if c == 0 {
            break;
        }
    }
    // A prefix no vocabulary word starts with, so no label reads as a kind,
    // a managed service or a replica marker by accident.
    s.extend_from_slice(b"qz");
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}
