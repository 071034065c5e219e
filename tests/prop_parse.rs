//! Property tests for the flowchart parser (fixed seed, so CI is repeatable):
//! generated valid flowcharts parse to the graph they were generated from;
//! printing a parsed diagram and parsing it again gives the same graph; and
//! token soup never panics or puts a span outside the text.

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use spoflint::flowchart::{parse, DiagramKind};
use spoflint::model::{Diagram, EdgeType, Stroke};

/// Bracket forms: (open, close, Mermaid's shape name).
const SHAPES: &[(&str, &str, &str)] = &[
    ("[", "]", "square"),
    ("(", ")", "round"),
    ("([", "])", "stadium"),
    ("[[", "]]", "subroutine"),
    ("[(", ")]", "cylinder"),
    ("((", "))", "circle"),
    ("(((", ")))", "doublecircle"),
    ("{", "}", "diamond"),
    ("{{", "}}", "hexagon"),
    (">", "]", "odd"),
    ("[/", "/]", "lean_right"),
    ("[\\", "\\]", "lean_left"),
    ("[/", "\\]", "trapezoid"),
    ("[\\", "/]", "inv_trapezoid"),
];

/// Arrow tokens: (token, type, stroke, length).
const ARROWS: &[(&str, EdgeType, Stroke, u8)] = &[
    ("-->", EdgeType::ArrowPoint, Stroke::Normal, 1),
    ("--->", EdgeType::ArrowPoint, Stroke::Normal, 2),
    ("---", EdgeType::ArrowOpen, Stroke::Normal, 1),
    ("--o", EdgeType::ArrowCircle, Stroke::Normal, 1),
    ("--x", EdgeType::ArrowCross, Stroke::Normal, 1),
    ("<-->", EdgeType::DoubleArrowPoint, Stroke::Normal, 1),
    ("o--o", EdgeType::DoubleArrowCircle, Stroke::Normal, 1),
    ("x--x", EdgeType::DoubleArrowCross, Stroke::Normal, 1),
    ("-.->", EdgeType::ArrowPoint, Stroke::Dotted, 1),
    ("-..->", EdgeType::ArrowPoint, Stroke::Dotted, 2),
    ("-.-", EdgeType::ArrowOpen, Stroke::Dotted, 1),
    ("==>", EdgeType::ArrowPoint, Stroke::Thick, 1),
    ("===", EdgeType::ArrowOpen, Stroke::Thick, 1),
    ("<==>", EdgeType::DoubleArrowPoint, Stroke::Thick, 1),
    ("~~~", EdgeType::ArrowOpen, Stroke::Invisible, 1),
];

#[derive(Clone, Debug)]
struct GenNode {
    id: String,
    label: Option<(String, usize)>, // text, shape index
}

#[derive(Clone, Debug)]
struct GenEdge {
    from: usize,
    to: usize,
    arrow: usize,
    label: Option<String>,
}

#[derive(Clone, Debug)]
struct GenDiagram {
    nodes: Vec<GenNode>,
    edges: Vec<GenEdge>,
}

const RESERVED: &[&str] = &[
    "end",
    "graph",
    "flowchart",
    "subgraph",
    "style",
    "class",
    "classDef",
    "linkStyle",
    "interpolate",
    "click",
    "call",
    "href",
    "direction",
];

fn id_strategy() -> impl Strategy<Value = String> {
    "[A-Za-z][A-Za-z0-9_]{0,6}".prop_filter("not a keyword", |s| {
        !RESERVED
            .iter()
            .any(|k| s.eq_ignore_ascii_case(k) || s.starts_with(k))
            && !s.starts_with(['o', 'x', 'v'])
    })
}

fn label_strategy() -> impl Strategy<Value = String> {
    "[A-Za-z0-9][A-Za-z0-9 ]{0,12}[A-Za-z0-9]".prop_map(|s| s.trim().to_string())
}

fn diagram_strategy() -> impl Strategy<Value = GenDiagram> {
    prop::collection::btree_set(id_strategy(), 1..12)
        .prop_flat_map(|ids| {
            let ids: Vec<String> = ids.into_iter().collect();
            let n = ids.len();
            let nodes = ids
                .into_iter()
                .map(|id| {
                    prop::option::of((label_strategy(), 0..SHAPES.len())).prop_map(move |label| {
                        GenNode {
                            id: id.clone(),
                            label,
                        }
                    })
                })
                .collect::<Vec<_>>();
            let edges = prop::collection::vec(
                (
                    0..n,
                    0..n,
                    0..ARROWS.len(),
                    prop::option::of(label_strategy()),
                )
                    .prop_map(|(from, to, arrow, label)| GenEdge {
                        from,
                        to,
                        arrow,
                        label,
                    }),
                0..20,
            );
            (nodes, edges)
        })
        .prop_map(|(nodes, edges)| GenDiagram { nodes, edges })
}

fn render(g: &GenDiagram) -> String {
    let mut s = String::from("flowchart LR\n");
    for n in &g.nodes {
        match &n.label {
            Some((text, shape)) => {
                let (open, close, _) = SHAPES[*shape];
                s.push_str(&format!("    {}{open}{text}{close}\n", n.id));
            }
            None => s.push_str(&format!("    {}\n", n.id)),
        }
    }
    for e in &g.edges {
        let arrow = ARROWS[e.arrow].0;
        let label = e
            .label
            .as_ref()
            .map(|l| format!("|{l}|"))
            .unwrap_or_default();
        s.push_str(&format!(
            "    {} {arrow}{label} {}\n",
            g.nodes[e.from].id, g.nodes[e.to].id
        ));
    }
    s
}

/// Print a parsed diagram back as Mermaid (nodes with shapes, then edges).
fn print(d: &Diagram) -> String {
    let mut s = format!("{} {}\n", d.header, d.direction);
    for n in &d.nodes {
        match n
            .shape
            .as_deref()
            .and_then(|sh| SHAPES.iter().find(|x| x.2 == sh))
        {
            Some((open, close, _)) => {
                s.push_str(&format!("    {}{open}{}{close}\n", n.id, n.label))
            }
            None => s.push_str(&format!("    {}\n", n.id)),
        }
    }
    for e in &d.edges {
        let arrow = ARROWS
            .iter()
            .find(|a| a.1 == e.kind && a.2 == e.stroke && Some(a.3) == e.length)
            .expect("printer knows every generated arrow")
            .0;
        let label = if e.label.is_empty() {
            String::new()
        } else {
            format!("|{}|", e.label)
        };
        s.push_str(&format!(
            "    {} {arrow}{label} {}\n",
            d.nodes[e.from()].id,
            d.nodes[e.to()].id
        ));
    }
    s
}

type Nodes = Vec<(String, String, Option<String>)>;
type Edges = Vec<(String, String, &'static str, &'static str, String)>;

fn graph_of(d: &Diagram) -> (Nodes, Edges) {
    let nodes = d
        .nodes
        .iter()
        .map(|n| {
            (
                n.id.clone(),
                n.label.clone(),
                n.shape.as_deref().map(str::to_string),
            )
        })
        .collect();
    let edges = d
        .edges
        .iter()
        .map(|e| {
            let (from, to) = (d.nodes[e.from()].id.clone(), d.nodes[e.to()].id.clone());
            (
                from,
                to,
                e.kind.as_str(),
                e.stroke.as_str(),
                e.label.to_string(),
            )
        })
        .collect();
    (nodes, edges)
}

fn runner(cases: u32) -> TestRunner {
    let seed = [7u8; 32];
    TestRunner::new_with_rng(
        Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed),
    )
}

#[test]
fn generated_flowcharts_parse_to_the_generated_graph() {
    runner(300)
        .run(&diagram_strategy(), |g| {
            let text = render(&g);
            let parsed = parse(&text);
            prop_assert_eq!(parsed.kind, DiagramKind::Flowchart);
            prop_assert!(parsed.errors.is_empty(), "{:?}\n{}", parsed.errors, text);
            let d = parsed.diagram.expect("accepted");
            let expect_nodes: Nodes = g
                .nodes
                .iter()
                .map(|n| match &n.label {
                    Some((t, sh)) => (n.id.clone(), t.clone(), Some(SHAPES[*sh].2.to_string())),
                    None => (n.id.clone(), n.id.clone(), None),
                })
                .collect();
            let (nodes, edges) = graph_of(&d);
            prop_assert_eq!(nodes, expect_nodes, "{}", text);
            let expect_edges: Edges = g
                .edges
                .iter()
                .map(|e| {
                    let a = ARROWS[e.arrow];
                    let (from, to) = (g.nodes[e.from].id.clone(), g.nodes[e.to].id.clone());
                    (
                        from,
                        to,
                        a.1.as_str(),
                        a.2.as_str(),
                        e.label.clone().unwrap_or_default(),
                    )
                })
                .collect();
            prop_assert_eq!(edges, expect_edges, "{}", text);
            Ok(())
        })
        .unwrap();
}

#[test]
fn printing_and_reparsing_gives_the_same_graph() {
    runner(300)
        .run(&diagram_strategy(), |g| {
            let first = parse(&render(&g)).diagram.expect("accepted");
            let printed = print(&first);
            let second = parse(&printed);
            prop_assert!(second.errors.is_empty(), "{:?}\n{}", second.errors, printed);
            prop_assert_eq!(
                graph_of(&first),
                graph_of(&second.diagram.expect("accepted"))
            );
            Ok(())
        })
        .unwrap();
}

const SOUP: &[&str] = &[
    "flowchart LR\n",
    "graph TD;",
    "A",
    "B",
    "end",
    "subgraph s1",
    "subgraph \"t t\"",
    "-->",
    "---",
    "-.->",
    "==>",
    "~~~",
    "--o",
    "x--x",
    "<-->",
    "-- text -->",
    "|lbl|",
    "[",
    "]",
    "(",
    ")",
    "{",
    "}",
    "((",
    "))",
    "[(",
    ")]",
    ">",
    "@{ shape: cyl }",
    "@{",
    ":::",
    "&",
    ";",
    "\n",
    "\r\n",
    "\r",
    " ",
    "\t",
    "%% c\n",
    "%%{init: {}}%%\n",
    "---\n",
    "\"",
    "`",
    "#quot;",
    "日本",
    "🙂",
    "style A fill:#f00",
    "classDef c fill:red",
    "class A c",
    "linkStyle 0 stroke:red",
    "click A cb",
    "accDescr {",
    "direction LR",
    "e1@",
    "o",
    "x",
    "\u{feff}",
    "\0",
];

#[test]
fn token_soup_never_panics_and_spans_stay_in_bounds() {
    let strategy = prop::collection::vec(0..SOUP.len(), 0..60)
        .prop_map(|ix| ix.into_iter().map(|i| SOUP[i]).collect::<String>());
    runner(3000)
        .run(&strategy, |text| {
            let p = parse(&text);
            let ok = |s: spoflint::span::Span| {
                s.start <= s.end
                    && s.end <= text.len()
                    && text.is_char_boundary(s.start)
                    && text.is_char_boundary(s.end)
            };
            prop_assert!(p.errors.iter().all(|e| ok(e.span)), "{:?}", p.errors);
            if let Some(d) = &p.diagram {
                let nodes_ok = d.nodes.iter().all(|n| ok(n.defined_at))
                    && d.mentions
                        .iter()
                        .all(|m| ok(m.span) && m.node < d.nodes.len());
                prop_assert!(nodes_ok);
                let n = d.nodes.len();
                prop_assert!(d
                    .edges
                    .iter()
                    .all(|e| ok(e.span) && e.from() < n && e.to() < n));
            }
            Ok(())
        })
        .unwrap();
}
