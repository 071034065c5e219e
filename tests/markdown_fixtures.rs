//! The fixtures of `fixtures/markdown/`: every host form and Markdown trap,
//! with the exact text of each block found, and the offset-map property
//! (every byte of block text maps back to the identical byte of the file)
//! over these fixtures and the whole real corpus.

use spoflint::markdown::{find_blocks, is_mermaid_file, Block, BlockOptions, Host};
use spoflint::span::LineIndex;
use std::path::{Path, PathBuf};

/// (opening line, host, info, block text, leading comments)
type Expect = (
    usize,
    Host,
    &'static str,
    &'static str,
    &'static [&'static str],
);

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/markdown");

/// What each fixture must yield. Comments in the fixtures say why.
const CASES: &[(&str, &[Expect])] = &[
    // The folder's own README names every form in inline code: no block.
    ("README.md", &[]),
    (
        "bom.md",
        &[
            (1, Host::Fence, "mermaid", "flowchart LR\n  A --> B\n", &[]),
        ],
    ),
    (
        "bom_front_matter.md",
        &[
            (4, Host::Fence, "mermaid", "flowchart LR\n  A --> B\n", &[]),
        ],
    ),
    (
        "comments.md",
        &[
            (5, Host::Fence, "mermaid", "flowchart LR\n  A --> B\n", &["spoflint-disable single-point-of-failure: the database is managed"]),
            (16, Host::Hugo, "hugo", "\nflowchart LR\n  C --> D\n", &["first", "second, over\n  three lines"]),
            (24, Host::Fence, "mermaid", "flowchart LR\n  E --> F\n", &[]),
            (40, Host::Fence, "mermaid", "flowchart LR\n  G --> H\n", &["spoflint-disable"]),
        ],
    ),
    (
        "crlf.md",
        &[
            (3, Host::Fence, "mermaid", "flowchart LR\r\n  A --> B\r\n", &[]),
            (8, Host::Fence, "mermaid", "graph TD\r\n  C --> D\r\n", &[]),
        ],
    ),
    (
        "details.md",
        &[
            (6, Host::Fence, "mermaid", "flowchart LR\n  A --> B\n", &[]),
            (15, Host::Fence, "mermaid", "flowchart LR\n  C --> D\n", &[]),
        ],
    ),
    (
        "example_in_code.md",
        &[
            (21, Host::Fence, "mermaid", "flowchart LR\n  E --> F\n", &[]),
        ],
    ),
    (
        "fence_forms.md",
        &[
            (3, Host::Fence, "mermaid", "flowchart LR\n  A --> B\n", &[]),
            (8, Host::Fence, "mermaid", "graph TD\n  C --> D\n", &[]),
            (13, Host::Fence, "mermaid", "flowchart LR\n  E --> F\n```\n  still inside: a shorter fence does not close\n", &[]),
            (20, Host::Fence, "mermaid", "flowchart LR\n  G --> H\n", &[]),
            (25, Host::Fence, "mermaid", "", &[]),
        ],
    ),
    (
        "fence_in_list.md",
        &[
            (5, Host::Fence, "mermaid", "flowchart LR\n  A --> B\n", &[]),
            (12, Host::Fence, "mermaid", "flowchart TD\n  C --> D\n", &[]),
            (16, Host::Fence, "mermaid", "graph LR\n E --> F\n", &[]),
        ],
    ),
    (
        "fence_in_quote.md",
        &[
            (3, Host::Fence, "mermaid", "flowchart LR\n  A --> B\n", &[]),
            (8, Host::Fence, "mermaid", "graph TD\n C --> D\n", &[]),
            (13, Host::Fence, "mermaid", "flowchart LR\n  E --> F\n", &[]),
            (18, Host::Fence, "mermaid", "flowchart LR\n  G --> H\n", &[]),
        ],
    ),
    (
        "fence_indented.md",
        &[
            (3, Host::Fence, "mermaid", "flowchart LR\nA --> B\n    C --> D\n", &[]),
            (9, Host::Fence, "mermaid", "graph TD\nE --> F\n   ~~~\nstill inside: a closing fence indented 4 more is content\n", &[]),
        ],
    ),
    (
        "fence_unterminated.md",
        &[
            (5, Host::Fence, "mermaid", "flowchart LR\n  A --> B\n", &[]),
        ],
    ),
    (
        "front_matter.md",
        &[
            (12, Host::Fence, "mermaid", "flowchart LR\n  A --> B\n", &[]),
        ],
    ),
    (
        "hosts.md",
        &[
            (3, Host::Hugo, "hugo", "\nflowchart LR\n  A --> B\n", &[]),
            (8, Host::Hugo, "hugo", "\ngraph TD\n  C --> D\n", &[]),
            (13, Host::Hugo, "hugo", "flowchart LR; E --> F", &[]),
            (15, Host::Liquid, "liquid", "\nflowchart LR\n  G --> H\n", &[]),
            (20, Host::AzureDevOps, "azure-devops", "flowchart LR\n  I --> J\n", &[]),
            (25, Host::Html, "html", "\nflowchart LR\n  K --> L\n", &[]),
            (30, Host::Html, "html", "\ngraph LR\n  M --> N\n", &[]),
        ],
    ),
    (
        "info_strings.md",
        &[
            (3, Host::Fence, "Mermaid", "flowchart LR\n  A --> B\n", &[]),
            (8, Host::Fence, "mermaid", "flowchart LR\n  C --> D\n", &[]),
            (13, Host::Fence, "mermaid-example", "flowchart LR\n  E --> F\n", &[]),
            (18, Host::Myst, "{mermaid}", "flowchart LR\n  G --> H\n", &[]),
            (23, Host::Myst, "{mermaid}", "flowchart LR\n  I --> J\n", &[]),
            (40, Host::Fence, "mermaid", "flowchart LR\n  K --> L\n", &[]),
        ],
    ),
    (
        "jsx_tabs.mdx",
        &[
            (5, Host::Fence, "mermaid", "flowchart LR\n    A --> B\n\n    B --> C\n", &[]),
        ],
    ),
    (
        "lone_cr.md",
        &[
            (3, Host::Fence, "mermaid", "flowchart LR\r  A --> B\r", &[]),
        ],
    ),
    (
        "mdx_comments.mdx",
        &[
            (5, Host::Mdx, "mdx", "flowchart LR\n  A --> B", &["spoflint-disable single-point-of-failure: MDX has no HTML comments"]),
            (11, Host::Mdx, "mdx", "flowchart LR\n  C --> D", &["stands before the container, so before its first diagram"]),
            (14, Host::Mdx, "mdx", "flowchart LR\n  E --> F", &[]),
        ],
    ),
    (
        "mdx_component.mdx",
        &[
            (4, Host::Mdx, "mdx", "\nflowchart LR\n  A --> B\n", &[]),
            (14, Host::Mdx, "mdx", "graph TD\n  C --> D", &[]),
            (18, Host::Mdx, "mdx", "flowchart LR\n  E --> F", &[]),
        ],
    ),
    (
        "mkdocs_admonition.md",
        &[
            (4, Host::Fence, "mermaid", "flowchart LR\n  A --> B\n", &[]),
            (12, Host::Fence, "mermaid", "flowchart LR\n  C --> D\n", &[]),
            (20, Host::Fence, "mermaid", "graph TD\n  E --> F\n", &[]),
        ],
    ),
    (
        "nul_bytes.md",
        &[
            (3, Host::Fence, "mermaid", "flowchart LR\n  A\0 --> B\n", &[]),
        ],
    ),
    (
        "tabs.md",
        &[
            (3, Host::Fence, "mermaid", "flowchart LR\n\tA --> B\n", &[]),
            (8, Host::Fence, "mermaid", "flowchart LR\n\tC\t-->\tD\n", &[]),
        ],
    ),
];

fn read(path: &Path) -> String {
    String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned()
}

#[test]
fn each_fixture_yields_exactly_its_blocks() {
    for (name, expected) in CASES {
        let text = read(&Path::new(FIXTURES).join(name));
        let index = LineIndex::new(&text);
        let got: Vec<(usize, Host, String, String, Vec<String>)> =
            find_blocks(&text, false, &BlockOptions::default())
                .into_iter()
                .map(|b| {
                    (
                        index.line_col(&text, b.open.start).line,
                        b.host,
                        b.info,
                        b.text,
                        b.leading_comments.into_iter().map(|c| c.0).collect(),
                    )
                })
                .collect();
        let want: Vec<(usize, Host, String, String, Vec<String>)> = expected
            .iter()
            .map(|&(line, host, info, text, comments)| {
                (
                    line,
                    host,
                    info.to_string(),
                    text.to_string(),
                    comments.iter().map(|c| c.to_string()).collect(),
                )
            })
            .collect();
        assert_eq!(got, want, "fixture {name}");
    }
}

#[test]
fn every_fixture_is_listed() {
    let mut names: Vec<String> = std::fs::read_dir(FIXTURES)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    let mut listed: Vec<String> = CASES.iter().map(|(n, _)| n.to_string()).collect();
    listed.sort();
    assert_eq!(names, listed);
}

fn all_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            all_files(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Every byte of block text comes from the identical file byte; `open` and
/// the comment spans are inside the file and say what they should.
fn check_map(path: &Path, text: &str, blocks: &[Block]) {
    let file = text.as_bytes();
    for b in blocks {
        for (i, &byte) in b.text.as_bytes().iter().enumerate() {
            let at = b.map.to_file(i);
            assert!(
                file.get(at) == Some(&byte),
                "{}: block at {:?}: text byte {i} ({:?}) maps to file byte {at} ({:?})",
                path.display(),
                b.open,
                byte as char,
                file.get(at).map(|&c| c as char)
            );
        }
        assert!(b.open.start <= b.open.end && b.open.end <= file.len());
        assert!(!text[b.open.start..b.open.end].contains(['\n', '\r']));
        for (_, span) in &b.leading_comments {
            let c = &text[span.start..span.end];
            assert!(
                (c.starts_with("<!--") && c.ends_with("-->"))
                    || (c.starts_with("{/*") && c.ends_with("*/}")),
                "{c:?}"
            );
        }
    }
}

#[test]
fn offset_maps_point_at_the_identical_file_bytes() {
    let mut files = Vec::new();
    all_files(Path::new(FIXTURES), &mut files);
    all_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/corpus/real"),
        &mut files,
    );
    let mut checked = 0;
    for path in files {
        let text = read(&path);
        let blocks = find_blocks(&text, is_mermaid_file(&path), &BlockOptions::default());
        checked += blocks.len();
        check_map(&path, &text, &blocks);
    }
    assert!(checked > 1000, "only {checked} blocks checked");
}
