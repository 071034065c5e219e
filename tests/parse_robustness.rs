//! The parser must never panic: every prefix, and every text with one byte
//! range cut out, of every corpus block is parsed. Also checks that deep
//! nesting cannot overflow the stack and that parsing stays linear.

use serde_json::Value;
use spoflint::flowchart::parse;
use std::path::Path;

fn corpus_texts() -> Vec<String> {
    let base = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/conformance"));
    let mut out = Vec::new();
    for c in ["mermaid-docs", "edge-cases"] {
        let text = std::fs::read_to_string(base.join(c).join("expected-raw.jsonl")).unwrap();
        for line in text.lines() {
            let v: Value = serde_json::from_str(line).unwrap();
            out.push(v["text"].as_str().unwrap_or_default().to_string());
        }
    }
    out
}

#[test]
fn no_panic_on_prefixes_and_cuts() {
    for t in corpus_texts() {
        // Every position for short blocks, a sample of ~150 for long ones.
        let stride = (t.len() / 150).max(1);
        let bounds: Vec<usize> = (0..=t.len())
            .filter(|&i| t.is_char_boundary(i) && (i % stride == 0 || i == t.len()))
            .collect();
        for &i in &bounds {
            let _ = parse(&t[..i]);
        }
        // cut out a window of a few characters at each position
        for w in bounds.windows(4) {
            let cut = format!("{}{}", &t[..w[0]], &t[w[3]..]);
            let _ = parse(&cut);
        }
        let _ = parse(&format!("\u{FEFF}{}", t.replace('\n', "\r\n")));
        let _ = parse(&t.replace('\n', "\r"));
    }
}

#[test]
fn spans_are_inside_the_block_and_on_char_boundaries() {
    for t in corpus_texts() {
        let p = parse(&t);
        for e in &p.errors {
            assert!(
                e.span.start <= e.span.end && e.span.end <= t.len(),
                "{t:?}: {e:?}"
            );
            assert!(t.is_char_boundary(e.span.start), "{t:?}: {e:?}");
        }
        if let Some(d) = &p.diagram {
            for s in d.mentions.iter().map(|m| m.span) {
                assert!(s.end <= t.len() && t.is_char_boundary(s.start));
            }
        }
    }
}

// Regression guard: subgraphs are nested with an explicit stack, not recursion.
#[test]
fn ten_thousand_nested_subgraphs_do_not_overflow() {
    let depth = 10_000;
    let mut s = String::from("flowchart TB\n");
    for i in 0..depth {
        s.push_str(&format!("subgraph s{i}\n"));
    }
    s.push_str("a --> b\n");
    for _ in 0..depth {
        s.push_str("end\n");
    }
    let p = parse(&s);
    let d = p.diagram.expect("deep nesting parses");
    assert_eq!(d.subgraphs.len(), depth);
    // closing order: innermost first
    assert_eq!(d.subgraphs[0].id, format!("s{}", depth - 1));
    assert_eq!(d.subgraphs[0].members, vec!["b", "a"]);
    assert_eq!(d.subgraphs[1].members, vec![format!("s{}", depth - 1)]);
}

#[test]
fn ten_thousand_lines_parse_quickly() {
    let mut s = String::from("flowchart LR\n");
    for i in 0..10_000 {
        s.push_str(&format!(
            "  n{i}[Service {i}] -->|calls| n{}[(DB {i})]\n",
            i + 1
        ));
    }
    // 500 edges is Mermaid's limit; keep the edges under it and the lines many.
    let s: String = s.lines().take(400).collect::<Vec<_>>().join("\n")
        + "\n"
        + &(0..9_600)
            .map(|i| format!("  m{i}[Node {i}]:::c\n"))
            .collect::<String>();
    let t = std::time::Instant::now();
    let p = parse(&s);
    let took = t.elapsed();
    // A second, warm run (the first pays for page faults of a fresh process).
    let t = std::time::Instant::now();
    let _ = parse(&s);
    let warm = t.elapsed();
    assert!(p.errors.is_empty(), "{:?}", p.errors.first());
    assert_eq!(p.diagram.map(|d| d.nodes.len()), Some(10_000));
    #[allow(clippy::print_stderr)] // the measurement is worth seeing
    {
        eprintln!(
            "10,000 lines ({} bytes) parsed in {took:?} (cold), {warm:?} (warm)",
            s.len()
        );
    }
    // Generous bound for unoptimised test builds; release is far faster.
    assert!(took.as_millis() < 3_000, "took {took:?}");
}

#[test]
fn no_panic_on_random_token_soup() {
    // A fixed xorshift sequence keeps the test deterministic.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let alphabet = [
        "A",
        "b",
        "1",
        " ",
        "\t",
        "\n",
        "\r",
        "\r\n",
        "-",
        "--",
        "->",
        ">",
        "<",
        "=",
        ".",
        "~",
        "o",
        "x",
        "[",
        "]",
        "(",
        ")",
        "{",
        "}",
        "|",
        "\"",
        "`",
        "&",
        ":",
        ";",
        ",",
        "#",
        "%%",
        "@",
        "@{",
        "}%%",
        "%%{",
        "\\",
        "/",
        "^",
        "v",
        "end",
        "subgraph ",
        "style ",
        "class ",
        "classDef ",
        "linkStyle ",
        "click ",
        "call ",
        "href ",
        "direction TB",
        "accTitle:",
        "accDescr{",
        "default",
        "interpolate",
        "_blank",
        "é",
        "日",
        "🙂",
        "\u{feff}",
        "---",
        "shape: ",
        "label: ",
        "e1@",
        "#quot;",
        ":::",
    ];
    for _ in 0..4000 {
        let n = (next() % 40) as usize;
        let mut s = String::from(if next() % 2 == 0 {
            "flowchart LR\n"
        } else {
            "graph\n"
        });
        for _ in 0..n {
            s.push_str(alphabet[(next() % alphabet.len() as u64) as usize]);
        }
        let p = parse(&s);
        for e in &p.errors {
            assert!(
                e.span.end <= s.len() && s.is_char_boundary(e.span.start),
                "{s:?}"
            );
        }
    }
}

// Regression guard: inputs that could make a first-match lexer or a naive
// lookup quadratic (long lines of one token, long `direction` lines, deep
// bracket nesting, huge `&` groups) stay linear.
#[test]
fn pathological_inputs_stay_fast() {
    let n = 100_000;
    let cases = [
        format!("flowchart LR\n{}", "-".repeat(n)),
        format!("flowchart LR\n{}", "A-".repeat(n / 2)),
        format!("flowchart LR\n{}x", " ".repeat(n)),
        format!("flowchart LR\nA{}", "[".repeat(n)),
        format!("flowchart LR\n{}", "A-->".repeat(n / 4)),
        format!("flowchart LR\n{}", "a@b".repeat(n / 3)),
        format!("flowchart LR\n{}", "direction TB ".repeat(n / 13)),
        format!("flowchart LR\n{}", "subgraph a\n".repeat(n / 11)),
        format!("flowchart LR\nA{}", " & A".repeat(n / 4)),
        format!("flowchart LR\nA[{}]", "#quot;".repeat(n / 6)),
    ];
    let t = std::time::Instant::now();
    for s in &cases {
        let _ = parse(s);
    }
    let took = t.elapsed();
    // About 0.2 s in release; the bound leaves room for debug builds.
    assert!(took.as_secs() < 20, "took {took:?}");
}
