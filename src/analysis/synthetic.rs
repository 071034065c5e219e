//! Generated architectures for scale tests and the timing example: layers
//! of services, databases, caches and proxies behind a few user groups, about
//! three links per node. Owns nothing the linter decides; only used to
//! measure it.

use crate::model::{Diagram, Edge, EdgeId, EdgeType, LabelType, Node, Stroke, Subgraph};
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
    let node = |id: String, label: String, shape: Option<&'static str>, i: usize| Node {
        id,
        label,
        label_type: LabelType::Text,
        shape: shape.map(Into::into),
        defined_at: Span::new(i, i + 1),
        ..Node::default()
    };
    for u in 0..ENTRIES {
        d.nodes
            .push(node(format!("U{u}"), format!("Users {u}"), None, u));
    }
    // Kinds whose links out are needs (a database's or cache's links out
    // are data read out of it), so every layer depends on the next.
    const LABELS: [(&str, Option<&str>); 4] = [
        ("Service", None),
        ("Load Balancer", Some("rect")),
        ("Firewall", None),
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
            from: from as u32,
            to: to as u32,
            kind: EdgeType::ArrowPoint,
            stroke: Stroke::Normal,
            length: Some(1),
            label: Box::default(),
            id: EdgeId::Auto(n as u32),
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

/// Components per availability-zone subgraph in [`regional`]; two zones
/// make a region.
pub const ZONE: usize = 250;

/// The wiring of [`layered`] (three hard links per component, unique
/// labels) with the rest of what real architectures draw, for timing the
/// whole analysis: every two zones of [`ZONE`] components make a region
/// (`us-east-N`, so there are locations but no single one), with a
/// Prometheus in each zone that every third component sends metrics to
/// (soft links); and redundancy groups of each explicit kind: a `primary`
/// / `standby` pair every 10 components (replica roles in labels), a pair
/// joined by a `replication` link every 10, a class `ha` node every 10.
/// About 3.5 links per node.
pub fn regional(components: usize, width: usize) -> Diagram {
    let mut d = layered(components, width, true);
    let zones = components.div_ceil(ZONE);
    // Replica roles: the component after a `primary` is its `standby`.
    for c in 0..components {
        if c % 10 == 3 && c + 1 < components {
            let stem = d.nodes[ENTRIES + c].label.clone();
            d.nodes[ENTRIES + c].label = format!("{stem} primary");
            d.nodes[ENTRIES + c + 1].label = format!("{stem} standby");
            d.nodes[ENTRIES + c + 1].shape = d.nodes[ENTRIES + c].shape.clone();
        }
        if c % 10 == 8 {
            d.nodes[ENTRIES + c].add_class("ha");
        }
    }
    let edge = |d: &mut Diagram, from: usize, to: usize, stroke: Stroke, label: &str| {
        let n = d.edges.len();
        d.edges.push(Edge {
            from: from as u32,
            to: to as u32,
            kind: EdgeType::ArrowPoint,
            stroke,
            length: Some(1),
            label: label.into(),
            id: EdgeId::Auto(n as u32),
            span: Span::new(from, to.max(from) + 1),
        });
    };
    let monitors = d.nodes.len();
    for z in 0..zones {
        let at = monitors + z;
        d.nodes.push(Node {
            id: format!("M{z}"),
            label: format!("Prometheus {z}"),
            label_type: LabelType::Text,
            defined_at: Span::new(at, at + 1),
            ..Node::default()
        });
    }
    for c in 0..components {
        if c % 10 == 6 && c + 1 < components {
            edge(
                &mut d,
                ENTRIES + c,
                ENTRIES + c + 1,
                Stroke::Normal,
                "replication",
            );
        }
        if c % 3 == 0 {
            edge(
                &mut d,
                ENTRIES + c,
                monitors + c / ZONE,
                Stroke::Dotted,
                "metrics",
            );
        }
    }
    // Zones close before their region, as Mermaid lists subgraphs.
    let header = |id: String, title: String, members: Vec<String>, at: usize| Subgraph {
        id,
        title,
        members: members.into_iter().collect(),
        span: Span::new(at, at + 1),
        ..Subgraph::default()
    };
    for r in 0..zones.div_ceil(2) {
        let region = d.subgraphs.len() + (zones - 2 * r).min(2);
        let mut zone_ids = Vec::new();
        for z in (2 * r..zones).take(2) {
            let mut members: Vec<String> = (z * ZONE..((z + 1) * ZONE).min(components))
                .map(|c| format!("N{c}"))
                .collect();
            members.push(format!("M{z}"));
            let id = format!("zone{z}");
            zone_ids.push(id.clone());
            let mut sg = header(id, format!("AZ {}", ["a", "b"][z % 2]), members, z);
            sg.parent = Some(region);
            d.subgraphs.push(sg);
        }
        d.subgraphs.push(header(
            format!("region{r}"),
            format!("us-east-{r}"),
            zone_ids,
            r,
        ));
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
