//! Test-only: builds a [`Diagram`] from a few lines of flowchart-like text so
//! the engine can be tested before (and independently of) the real parser.
//! Deliberately tiny: one statement per line, the common shapes, `&`, chains,
//! `|label|` and `-- label -->`, `subgraph id [title]` / `end`, `class a,b c`,
//! `:::c`, `@{ shape: x }` and `%%` comments. Not Mermaid: never use it outside tests.

use crate::model::{
    Comment, Diagram, Edge, EdgeId, EdgeType, LabelType, Mention, Node, Stroke, Subgraph,
};
use crate::span::Span;

const SHAPES: [(&str, &str, &str); 10] = [
    ("(((", ")))", "doublecircle"),
    ("((", "))", "circle"),
    ("([", "])", "stadium"),
    ("[(", ")]", "cylinder"),
    ("[[", "]]", "subroutine"),
    ("{{", "}}", "hexagon"),
    ("(", ")", "round"),
    ("[", "]", "square"),
    ("{", "}", "diamond"),
    (">", "]", "odd"),
];

// (token, type, stroke) — longer tokens first.
const LINKS: [(&str, EdgeType, Stroke); 14] = [
    ("<-->", EdgeType::DoubleArrowPoint, Stroke::Normal),
    ("o--o", EdgeType::DoubleArrowCircle, Stroke::Normal),
    ("x--x", EdgeType::DoubleArrowCross, Stroke::Normal),
    ("<-.->", EdgeType::DoubleArrowPoint, Stroke::Dotted),
    ("-.->", EdgeType::ArrowPoint, Stroke::Dotted),
    ("-.-", EdgeType::ArrowOpen, Stroke::Dotted),
    ("==>", EdgeType::ArrowPoint, Stroke::Thick),
    ("===", EdgeType::ArrowOpen, Stroke::Thick),
    ("-->", EdgeType::ArrowPoint, Stroke::Normal),
    ("---", EdgeType::ArrowOpen, Stroke::Normal),
    ("--o", EdgeType::ArrowCircle, Stroke::Normal),
    ("--x", EdgeType::ArrowCross, Stroke::Normal),
    ("~~~", EdgeType::ArrowOpen, Stroke::Invisible),
    ("<==>", EdgeType::DoubleArrowPoint, Stroke::Thick),
];

struct Open {
    id: String,
    title: String,
    mentions: Vec<String>,
    span: Span,
    children: Vec<usize>,
}

struct B {
    d: Diagram,
    stack: Vec<Open>,
    claimed: std::collections::HashSet<String>,
}

/// Build a diagram from test text (see the module docs for what it reads).
pub fn diagram(src: &str) -> Diagram {
    let mut b = B {
        d: Diagram {
            header: "flowchart".into(),
            direction: "LR".into(),
            ..Diagram::default()
        },
        stack: Vec::new(),
        claimed: Default::default(),
    };
    let mut off = 0;
    for line in src.split_inclusive('\n') {
        let start = off;
        off += line.len();
        let text = line.trim_end_matches(['\n', '\r']);
        let lead = text.len() - text.trim_start().len();
        b.line(text.trim(), start + lead);
    }
    while !b.stack.is_empty() {
        b.end();
    }
    b.d
}

impl B {
    fn line(&mut self, t: &str, at: usize) {
        let skipped = [
            "flowchart",
            "graph",
            "style ",
            "classDef ",
            "linkStyle ",
            "click ",
            "direction ",
            "acc",
        ];
        if t.is_empty() || skipped.iter().any(|k| t.starts_with(k)) {
            return;
        }
        if let Some(c) = t.strip_prefix("%%") {
            self.d.comments.push(Comment {
                text: c.trim().into(),
                span: Span::new(at, at + t.len()),
            });
            return;
        }
        if t == "end" {
            self.end();
            return;
        }
        if let Some(rest) = t.strip_prefix("subgraph ") {
            let rest = rest.trim();
            let n = self.d.subgraphs.len() + self.stack.len();
            let (id, title) = if let Some(i) = rest.find('[') {
                let id = rest[..i].trim().to_string();
                let title = rest[i + 1..rest.rfind(']').unwrap_or(rest.len())].trim();
                (id, unquote(title))
            } else if rest.contains(' ') || rest.starts_with('"') {
                (format!("subGraph{n}"), unquote(rest))
            } else {
                (rest.to_string(), rest.to_string())
            };
            if let Some(p) = self.stack.last_mut() {
                p.mentions.push(id.clone());
            }
            self.stack.push(Open {
                id,
                title,
                mentions: Vec::new(),
                span: Span::new(at, at + t.len()),
                children: Vec::new(),
            });
            return;
        }
        if let Some(rest) = t.strip_prefix("class ") {
            let mut parts = rest.split_whitespace();
            let ids = parts.next().unwrap_or("");
            let cls = parts.next().unwrap_or("");
            for id in ids.split(',') {
                let v = self.node(id.trim(), None, None, Span::at(at));
                self.d.nodes[v].add_class(cls);
            }
            return;
        }
        self.statement(t, at);
    }

    fn end(&mut self) {
        let Some(open) = self.stack.pop() else { return };
        let idx = self.d.subgraphs.len();
        let mut members = Vec::new();
        for m in open.mentions {
            if !self.claimed.contains(&m) && !members.contains(&m) {
                members.push(m);
            }
        }
        for m in &members {
            self.claimed.insert(m.clone());
        }
        for &c in &open.children {
            self.d.subgraphs[c].parent = Some(idx);
        }
        if let Some(p) = self.stack.last_mut() {
            p.children.push(idx);
        }
        self.d.subgraphs.push(Subgraph {
            id: open.id,
            title: open.title,
            members: members.into_iter().collect(),
            span: open.span,
            ..Subgraph::default()
        });
    }

    fn node(&mut self, id: &str, label: Option<String>, shape: Option<&str>, span: Span) -> usize {
        let v = match self.d.node_index(id) {
            Some(v) => v,
            None => {
                self.d.nodes.push(Node {
                    id: id.into(),
                    label: id.into(),
                    label_type: LabelType::Text,
                    defined_at: span,
                    ..Node::default()
                });
                self.d.nodes.len() - 1
            }
        };
        self.d.mentions.push(Mention { node: v, span });
        let n = &mut self.d.nodes[v];
        if let Some(l) = label {
            n.label = l;
            n.defined_at = span;
        }
        if let Some(s) = shape {
            n.shape = Some(s.to_string().into());
            n.defined_at = span;
        }
        v
    }

    /// One node reference at `s[i..]`; returns node index and the new position.
    fn node_ref(&mut self, s: &str, mut i: usize, at: usize) -> Option<(usize, usize)> {
        let b = s.as_bytes();
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
        let start = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
            i += 1;
        }
        if i == start {
            return None;
        }
        let id = &s[start..i];
        let mut label = None;
        let mut shape = None;
        for (open, close, name) in SHAPES {
            if s[i..].starts_with(open) {
                let body = &s[i + open.len()..];
                let end = body.find(close)?;
                label = Some(unquote(body[..end].trim()));
                shape = Some(name.to_string());
                i += open.len() + end + close.len();
                break;
            }
        }
        if s[i..].starts_with("@{") {
            let end = s[i..].find('}')? + i;
            for kv in s[i + 2..end].split(',') {
                let mut it = kv.splitn(2, ':');
                let k = it.next().unwrap_or("").trim();
                let val = it.next().unwrap_or("").trim();
                match k {
                    "shape" => shape = Some(val.to_string()),
                    "label" => label = Some(unquote(val)),
                    _ => {}
                }
            }
            i = end + 1;
        }
        let mut classes = Vec::new();
        while s[i..].starts_with(":::") {
            let cs = i + 3;
            let mut j = cs;
            while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_' || b[j] == b'-') {
                j += 1;
            }
            classes.push(s[cs..j].to_string());
            i = j;
        }
        let span = Span::new(at + start, at + i);
        let v = self.node(id, label, shape.as_deref(), span);
        for class in classes {
            self.d.nodes[v].add_class(class);
        }
        if let Some(open) = self.stack.last_mut() {
            open.mentions.push(id.to_string());
        }
        Some((v, i))
    }

    fn group(&mut self, s: &str, mut i: usize, at: usize) -> Option<(Vec<usize>, usize)> {
        let mut out = Vec::new();
        loop {
            let (v, j) = self.node_ref(s, i, at)?;
            out.push(v);
            i = j;
            let rest = s[i..].trim_start();
            if let Some(r) = rest.strip_prefix('&') {
                i = s.len() - r.len();
            } else {
                return Some((out, i));
            }
        }
    }

    fn link(&self, s: &str, i: usize) -> Option<(EdgeType, Stroke, String, usize, usize)> {
        let lead = s[i..].len() - s[i..].trim_start().len();
        let i = i + lead;
        let rest = &s[i..];
        // Inline text forms: `-- text -->`, `-. text .->`, `== text ==>`.
        for (open, close, stroke) in [
            ("-- ", "-->", Stroke::Normal),
            ("-. ", ".->", Stroke::Dotted),
            ("== ", "==>", Stroke::Thick),
        ] {
            if let Some(body) = rest.strip_prefix(open) {
                let end = body.find(close)?;
                let len = open.len() + end + close.len();
                return Some((
                    EdgeType::ArrowPoint,
                    stroke,
                    body[..end].trim().to_string(),
                    i,
                    i + len,
                ));
            }
        }
        for (tok, ty, stroke) in LINKS {
            if let Some(after) = rest.strip_prefix(tok) {
                let mut end = i + tok.len();
                let mut label = String::new();
                if let Some(body) = after.strip_prefix('|') {
                    let close = body.find('|')?;
                    label = unquote(body[..close].trim());
                    end += close + 2;
                }
                return Some((ty, stroke, label, i, end));
            }
        }
        None
    }

    fn statement(&mut self, s: &str, at: usize) {
        let Some((mut left, mut i)) = self.group(s, 0, at) else {
            return;
        };
        while let Some((ty, stroke, label, ls, le)) = self.link(s, i) {
            let Some((right, j)) = self.group(s, le, at) else {
                return;
            };
            for &a in &left {
                for &b in &right {
                    let n = self.d.edges.len();
                    self.d.edges.push(Edge {
                        from: a as u32,
                        to: b as u32,
                        kind: ty,
                        stroke,
                        length: Some(1),
                        label: label.as_str().into(),
                        id: EdgeId::Auto(n as u32),
                        span: Span::new(at + ls, at + le),
                    });
                }
            }
            left = right;
            i = j;
        }
    }
}

fn unquote(s: &str) -> String {
    let s = s.trim();
    s.strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .unwrap_or(s)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_nodes_edges_and_subgraphs() {
        let d = diagram(
            "flowchart LR\n  U[Users] --> LB[Load Balancer] --> S1 & S2\n  subgraph db [Data]\n    DB[(Database)]:::ha\n  end\n  S1 -. metrics .-> M\n  %% spoflint: skip\n",
        );
        let ids: Vec<&str> = d.nodes.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, ["U", "LB", "S1", "S2", "DB", "M"]);
        assert_eq!(d.edges.len(), 4);
        assert_eq!(d.nodes[4].shape.as_deref(), Some("cylinder"));
        assert_eq!(&*d.nodes[4].classes, ["ha"]);
        assert_eq!(d.subgraphs[0].members, ["DB"]);
        assert_eq!(d.subgraphs[0].title, "Data");
        assert_eq!(d.edges[3].stroke, Stroke::Dotted);
        assert_eq!(&*d.edges[3].label, "metrics");
        assert_eq!(d.comments[0].text, "spoflint: skip");
        let src = "flowchart LR\n  U[Users] --> LB[Load Balancer]";
        let d = diagram(src);
        assert_eq!(
            &src[d.nodes[1].defined_at.start..d.nodes[1].defined_at.end],
            "LB[Load Balancer]"
        );
    }
}

/// `(rule, node or subgraph id, severity)` of every finding of `src` under
/// `settings`, in order.
pub fn findings_with(
    src: &str,
    settings: &crate::config::Settings,
) -> Vec<(String, String, String)> {
    let d = diagram(src);
    crate::rules::check_diagram(&d, settings)
        .into_iter()
        .map(|f| {
            (
                f.rule.to_string(),
                f.node
                    .as_deref()
                    .or(f.subgraph.as_deref())
                    .unwrap_or_default()
                    .to_string(),
                f.severity.as_str().to_string(),
            )
        })
        .collect()
}

/// Ids of the nodes reported as single points of failure, with severity
/// (`DB:error`), in node order.
/// Every finding, whatever its confidence: the analysis's mechanics (the
/// default hides thin findings; `rules::single_point_of_failure` tests
/// that on its own).
pub fn spofs(src: &str) -> Vec<String> {
    let settings = crate::config::Settings {
        min_confidence: crate::cli::Confidence::Low,
        ..crate::config::Settings::default()
    };
    spofs_with(src, &settings)
}

/// [`spofs`] under `settings`.
pub fn spofs_with(src: &str, settings: &crate::config::Settings) -> Vec<String> {
    findings_with(src, settings)
        .into_iter()
        .filter(|f| f.0 == "single-point-of-failure")
        .map(|f| format!("{}:{}", f.1, f.2))
        .collect()
}

/// A developer aid, not a check: `SPOF_DEBUG='flowchart LR\n A --> B' cargo
/// test --lib debug_dump -- --ignored` prints what the analysis made of a diagram.
#[test]
#[ignore = "developer aid: prints the analysis of $SPOF_DEBUG"]
fn debug_dump() {
    let src = std::env::var("SPOF_DEBUG").unwrap_or_default();
    if src.is_empty() {
        return;
    }
    let d = diagram(&src.replace("\\n", "\n"));
    let v = crate::analysis::explain(&d, &crate::config::Settings::default());
    panic!("{}", serde_json::to_string_pretty(&v).unwrap());
}

/// The Mermaid blocks of a Markdown file, each with the HTML comments that
/// stand right before it (a naive fence scanner, for fixtures only).
pub fn markdown_blocks(text: &str) -> Vec<(String, Vec<(String, Span)>)> {
    let mut out = Vec::new();
    let mut comments: Vec<(String, Span)> = Vec::new();
    let mut lines = text.split_inclusive('\n');
    let mut off = 0;
    while let Some(line) = lines.next() {
        let start = off;
        off += line.len();
        let t = line.trim();
        if let Some(c) = t.strip_prefix("<!--").and_then(|c| c.strip_suffix("-->")) {
            comments.push((
                c.trim().to_string(),
                Span::new(start, start + line.trim_end().len()),
            ));
        } else if t.starts_with("```mermaid") {
            let mut body = String::new();
            for l in lines.by_ref() {
                off += l.len();
                if l.trim().starts_with("```") {
                    break;
                }
                body.push_str(l);
            }
            out.push((body, std::mem::take(&mut comments)));
        } else if !t.is_empty() {
            comments.clear();
        }
    }
    out
}

#[test]
fn fixtures_hold_with_the_test_builder() {
    // The same expectations `tests/rules_fixtures.rs` checks through the real
    // parser, checked here through this builder so they hold today.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
    let mut failures = Vec::new();
    let mut files = 0;
    for rule in std::fs::read_dir(&root).unwrap().flatten() {
        if !rule.path().is_dir() {
            continue;
        }
        for f in std::fs::read_dir(rule.path()).unwrap().flatten() {
            let text = std::fs::read_to_string(f.path()).unwrap();
            files += 1;
            for (body, comments) in markdown_blocks(&text) {
                let d = diagram(&body);
                let mut got: Vec<String> =
                    crate::rules::check_block(&d, &crate::config::Settings::default(), &comments)
                        .iter()
                        .map(|x| {
                            let id = x.node.as_deref().or(x.subgraph.as_deref()).unwrap_or("-");
                            format!("{} {} {}", x.rule, id, x.severity.as_str())
                        })
                        .collect();
                got.sort();
                let mut want: Vec<String> = body
                    .lines()
                    .filter_map(|l| l.trim().strip_prefix("%% expect:"))
                    .map(|e| e.split_whitespace().collect::<Vec<_>>().join(" "))
                    .collect();
                want.sort();
                if got != want {
                    failures.push(format!(
                        "{}:\n  want {want:?}\n  got  {got:?}",
                        f.path().display()
                    ));
                }
            }
        }
    }
    assert!(files > 10);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A developer aid: `SPOF_SURVEY=path/to/docs cargo test --lib survey --
/// --ignored --nocapture` prints, per Mermaid block of every Markdown file
/// below the path, whether it is analysed and what is found (through this
/// builder, so only approximately what the real parser would give).
#[test]
#[ignore = "developer aid: surveys the Markdown files under $SPOF_SURVEY"]
#[allow(clippy::print_stdout)] // a survey is read by a person
fn survey() {
    let Ok(root) = std::env::var("SPOF_SURVEY") else {
        return;
    };
    let mut files = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(root)];
    while let Some(p) = stack.pop() {
        if p.is_dir() {
            for e in std::fs::read_dir(&p).unwrap().flatten() {
                stack.push(e.path());
            }
        } else if p.extension().is_some_and(|e| e == "md" || e == "mdx") {
            files.push(p);
        }
    }
    files.sort();
    let settings = crate::config::Settings::default();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        for (body, comments) in markdown_blocks(&text) {
            let first = body
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("")
                .trim();
            if !(first.starts_with("flowchart") || first.starts_with("graph")) {
                continue;
            }
            let d = diagram(&body);
            let a = crate::analysis::analyse(&d, &settings);
            let diags = crate::rules::check_block(&d, &settings, &comments);
            println!(
                "== {} [{} nodes] analysed={} ({})",
                f.display(),
                d.nodes.len(),
                a.analysed,
                a.analysed_why
            );
            for x in diags {
                println!("   {} {}", x.severity.as_str(), x.message);
            }
        }
    }
}

#[test]
fn example_docs_say_what_their_readme_says() {
    // examples/docs is the README's first command; keep its story true.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/docs");
    let settings = crate::config::Settings::default();
    let run = |name: &str| -> Vec<String> {
        let text = std::fs::read_to_string(root.join(name)).unwrap();
        markdown_blocks(&text)
            .into_iter()
            .flat_map(|(body, comments)| {
                crate::rules::check_block(&diagram(&body), &settings, &comments)
            })
            .map(|d| {
                format!(
                    "{} {}",
                    d.rule,
                    d.node
                        .as_deref()
                        .or(d.subgraph.as_deref())
                        .unwrap_or_default()
                )
            })
            .collect()
    };
    assert_eq!(
        run("checkout.md"),
        [
            "single-point-of-failure LB",
            "single-point-of-failure Redis",
            "single-point-of-failure PG"
        ]
    );
    assert!(run("checkout-ha.md").is_empty());
    assert_eq!(run("payments.md"), ["single-region euw1"]);
    assert!(run("order-flow.md").is_empty());
    assert_eq!(run("legacy-reporting.md"), Vec::<String>::new());
}
