//! `find_blocks` never panics and stays linear on hostile input: huge lines,
//! NUL bytes, deep nesting, thousands of unclosed openers, and random soup
//! of Markdown-significant tokens. Each case would take minutes if a scan
//! were quadratic.

use spoflint::markdown::{find_blocks, Block, BlockOptions};
use std::time::{Duration, Instant};

/// Run `find_blocks`, check the map of every block, and return the blocks.
fn run(text: &str) -> Vec<Block> {
    let started = Instant::now();
    let blocks = find_blocks(text, false, &BlockOptions::default());
    // Generous: a debug build on a busy machine. Quadratic would be hours.
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "took {:?}",
        started.elapsed()
    );
    for b in &blocks {
        for (i, &byte) in b.text.as_bytes().iter().enumerate() {
            assert_eq!(text.as_bytes().get(b.map.to_file(i)), Some(&byte));
        }
    }
    blocks
}

#[test]
fn a_ten_megabyte_line() {
    let line = "a".repeat(10 << 20);
    assert!(run(&line).is_empty());
    let fenced = format!("```mermaid\n{line}\n```\n");
    assert_eq!(run(&fenced)[0].text.len(), line.len() + 1);
}

#[test]
fn nul_bytes_and_odd_characters() {
    let text = "\0```mermaid\0\n\0\u{feff}\u{fffd}\n```\n\0<!--\0\n```mermaid\n\0";
    run(text);
    run(&"\0\r\n\r".repeat(100_000));
}

#[test]
fn deep_nesting() {
    let n = 50_000;
    run(&format!("{}```mermaid\nA\n", ">".repeat(n)));
    run(&format!("{}```mermaid\nA\n", "- ".repeat(n)));
    run(&format!("{}```mermaid\nA\n", "1. ".repeat(n)));
    // Indented code inside indented code, rescanned as containers.
    let mut nested = String::new();
    for d in 0..200 {
        nested.push_str(&" ".repeat(4 * d));
        nested.push_str("```mdx-code-block\n");
    }
    run(&nested);
    let deep: String = (0..2_000)
        .map(|d| format!("{}```mermaid\n", "    ".repeat(d)))
        .collect();
    run(&deep);
}

#[test]
fn many_unclosed_openers() {
    for opener in [
        "```mermaid\n",
        "~~~mermaid\n",
        "{{< mermaid >}}\n",
        "{% mermaid %}\n",
        "::: mermaid\n",
        "<pre class=\"mermaid\">\n",
        "<div class=\"mermaid\">\n",
        "<Mermaid\n",
        "<Mermaid chart={`\n",
        "<!--\n",
        "<!-- x -->\n",
        "```mdx-code-block\n",
        "<details>\n",
        "!!! note\n",
        "    ",
        "-->\n",
    ] {
        let text = opener.repeat(50_000);
        run(&text);
        // With a block after all of them, its leading-comment scan too.
        run(&format!("{text}\n```mermaid\nA\n```\n"));
    }
}

#[test]
fn many_blocks() {
    let text = "<!-- c -->\n```mermaid\nflowchart LR\n  A --> B\n```\n".repeat(50_000);
    assert_eq!(run(&text).len(), 50_000);
}

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn random_token_soup() {
    const TOKENS: &[&str] = &[
        "```",
        "~~~",
        "````",
        "mermaid",
        "mdx-code-block",
        "{mermaid}",
        "\n",
        "\r\n",
        "\r",
        "\t",
        " ",
        "    ",
        "> ",
        "- ",
        "1. ",
        "<!--",
        "-->",
        "<details>",
        "</details>",
        "<Tab>",
        "{{<",
        "{{%",
        ">}}",
        "%}}",
        "/mermaid",
        "{%",
        "endmermaid",
        ":::",
        "<pre class=\"mermaid\">",
        "</pre>",
        "<div class='mermaid'>",
        "</div>",
        "<Mermaid",
        "chart={`",
        "`}",
        "/>",
        "---",
        "...",
        "!!! note",
        "\u{feff}",
        "\0",
        "é",
        "日本",
        "A --> B",
        "`",
    ];
    let mut rng = Rng(0x5eed_f00d_cafe_d00d);
    let rounds = std::env::var("SOUP_ROUNDS").map_or(3_000, |v| v.parse().unwrap_or(3_000));
    for _ in 0..rounds {
        let len = (rng.next() % 60) as usize;
        let text: String = (0..len)
            .map(|_| TOKENS[(rng.next() % TOKENS.len() as u64) as usize])
            .collect();
        run(&text);
    }
}
