//! Hostile and odd file contents through the whole per-file pipeline
//! (`check::check_bytes`): nothing panics, overflows the stack or hangs, and
//! each case ends in a clear diagnostic or note at the right place.
//!
//! No timing assertions: the growth of the pathological cases is measured by
//! `pathological_inputs_grow_linearly`, an ignored test run by hand in
//! release (`cargo test --release --test hostile_input -- --ignored
//! --nocapture`), and reported in `docs/reliability.md`.

use spoflint::check::check_bytes;
use spoflint::cli::Format;
use spoflint::config::Settings;
use spoflint::diagnostic::FileReport;
use spoflint::report::{self, Style};
use spoflint::span::LineIndex;
use std::path::Path;

/// What `format` writes for `reports`, with the default style.
fn render(format: Format, reports: &[spoflint::diagnostic::FileReport]) -> Vec<u8> {
    let mut out = Vec::new();
    report::write(format, reports, &Style::default(), &mut out).unwrap();
    out
}

fn check(bytes: &[u8]) -> FileReport {
    check_bytes("hostile.md", bytes, false, &Settings::default())
}

fn mermaid(body: &str) -> String {
    format!("# Doc\n\n```mermaid\n{body}\n```\n")
}

/// `(line, column, rule)` of every diagnostic.
fn where_(r: &FileReport) -> Vec<(usize, usize, &'static str)> {
    let idx = LineIndex::new(&r.source);
    r.diagnostics
        .iter()
        .map(|d| {
            let lc = idx.line_col(&r.source, d.span.start);
            (lc.line, lc.column, d.rule)
        })
        .collect()
}

#[test]
fn invalid_utf8_is_noted_with_its_offset_and_the_rest_checked() {
    let mut bytes = b"# Caf\xe9\n\n".to_vec();
    bytes.extend_from_slice(mermaid("flowchart LR\n  A --> B ]").as_bytes());
    let r = check(&bytes);
    let note = r.note.as_deref().unwrap();
    assert!(
        note.contains("not valid UTF-8 (first invalid byte at offset 5)"),
        "{note}"
    );
    assert_eq!(r.diagrams, 1, "the diagram after the bad byte is checked");
    assert_eq!(where_(&r), [(7, 11, "parse-error")]);
}

/// A file without any Mermaid marker is not scanned, but its bytes are
/// still checked: invalid UTF-8 is noted wherever it is (past the
/// prefilter's first chunk too), valid non-ASCII and plain ASCII are not.
#[test]
fn invalid_utf8_is_noted_in_a_file_without_mermaid() {
    let mut bytes = "# Notes\n\n".repeat(2000).into_bytes();
    let at = bytes.len();
    bytes.extend_from_slice(b"caf\xe9\n");
    let note = check(&bytes).note.unwrap_or_default();
    assert!(
        note.contains(&format!("first invalid byte at offset {}", at + 3)),
        "{note:?}"
    );
    assert_eq!(check("# Café — naïve\n".as_bytes()).note, None);
    assert_eq!(check(b"# Notes\n\nplain text\n").note, None);
}

#[test]
fn invalid_utf8_inside_a_diagram_keeps_positions_exact() {
    // A lone continuation byte and a truncated 3-byte sequence, mid-label.
    let text = b"```mermaid\nflowchart LR\n  A[x\x80y\xe6\x97] --> B ]\n```\n";
    let r = check(text);
    let at = text.iter().position(|&b| b == 0x80).unwrap();
    assert!(r.note.as_deref().unwrap().contains(&format!("offset {at}")));
    assert_eq!(r.source.len(), text.len());
    // Each invalid byte is one column, as editors that show them as
    // replacement characters count them.
    assert_eq!(where_(&r), [(3, 18, "parse-error")]);
}

#[test]
fn nul_bytes_in_a_markdown_file_skip_it_with_a_note() {
    let r = check(b"```mermaid\nflowchart LR\n  A --> \0B -->\n```\n");
    assert_eq!(r.diagrams, 0);
    assert!(r.diagnostics.is_empty());
    assert_eq!(
        r.note.as_deref(),
        Some("skipped: looks binary (NUL byte at offset 32)")
    );
    // A NUL after the first 8 KiB is text with a NUL in it: still checked.
    let mut late = mermaid("flowchart LR\n  A --> B ]").into_bytes();
    late.extend(std::iter::repeat_n(b'x', 9000));
    late.push(0);
    let r = check(&late);
    assert_eq!(r.diagrams, 1);
    assert_eq!(where_(&r), [(5, 11, "parse-error")]);
}

#[test]
fn a_ten_megabyte_line_inside_a_diagram() {
    // One 10 MB line of `;`-separated statements ending in an error: the
    // error is found at its exact column, in bounded time and memory.
    let n = 10 << 20;
    let mut line = String::with_capacity(n + 32);
    let mut i = 0;
    while line.len() < n {
        line.push_str(&format!("a{i};"));
        i += 1;
    }
    let column = line.chars().count() + 1;
    line.push_str("a ]");
    let r = check(mermaid(&format!("flowchart LR\n{line}")).as_bytes());
    assert_eq!(r.diagrams, 1);
    assert_eq!(where_(&r), [(5, column + 2, "parse-error")]);
    // Every format renders it: `full` once panicked inside miette, padding
    // to a column past u16::MAX.
    for format in [Format::Full, Format::Concise, Format::Json, Format::Sarif] {
        let out = render(format, std::slice::from_ref(&r));
        // What the format writes for no finding at all (SARIF carries every
        // rule's documentation), so the bound is about the finding alone.
        let empty = render(format, &[]);
        assert!(
            out.len() < empty.len() + 10_000,
            "{format:?} copies the line"
        );
    }
}

// `full` drew each finding by scanning the file from its start: 2 million
// findings in a 56 MB file would have taken hours.
#[test]
fn many_findings_in_a_big_file_render_in_every_format() {
    let n = 20_000;
    let r = check(
        "```mermaid\nflowchart LR\n  A --> B ]\n```\n"
            .repeat(n)
            .as_bytes(),
    );
    assert_eq!(r.diagnostics.len(), n);
    for format in [Format::Full, Format::Concise, Format::Sarif] {
        let out = render(format, std::slice::from_ref(&r));
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains(&format!("{}", 4 * n - 1)),
            "{format:?}: last line shown"
        );
    }
}

#[test]
fn a_ten_megabyte_line_of_prose() {
    let mut text = "x".repeat(10 << 20);
    text.push_str(&mermaid("flowchart LR\n  A --> B ]"));
    let r = check(text.as_bytes());
    assert_eq!(r.diagrams, 1);
    assert_eq!(where_(&r), [(5, 11, "parse-error")]);
}

// A recursive descent over nesting would overflow the 2 MiB test-thread stack.
#[test]
fn ten_thousand_nested_subgraphs_in_markdown() {
    let depth = 10_000;
    let mut body = String::from("flowchart TB\n");
    for i in 0..depth {
        body.push_str(&format!("subgraph s{i}\n"));
    }
    body.push_str("a --> b\n");
    for _ in 0..depth {
        body.push_str("end\n");
    }
    let r = check(mermaid(&body).as_bytes());
    assert_eq!(r.diagrams, 1);
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    // One `end` too many: an error on the last line, not a crash.
    body.push_str("end\n");
    let r = check(mermaid(&body).as_bytes());
    assert_eq!(where_(&r), [(depth * 2 + 6, 1, "parse-error")]);
}

// Each level listed every node below it (and again as entries and exits):
// 10,000 levels took 1.2 GB and 30,000 passed 4 GB, analysed or not.
#[test]
fn thirty_thousand_nested_subgraphs_each_holding_a_node() {
    let depth = 30_000;
    let mut body = String::from("flowchart TB\n");
    for i in 0..depth {
        body.push_str(&format!("subgraph s{i}\nn{i}\n"));
    }
    for _ in 0..depth {
        body.push_str("end\n");
    }
    // Linked from outside to the outermost and innermost groups, and
    // across the whole depth (under Mermaid's 500-edge limit).
    body.push_str("U --> s0\nU --> s29999\nn0 --> n29999\nn29998 --> n29999\ns1 --> s29998\n");
    let r = check(mermaid(&body).as_bytes());
    assert_eq!(r.diagrams, 1);
    assert!(
        r.diagnostics.iter().all(|d| d.rule != "parse-error"),
        "{:?}",
        r.diagnostics.first()
    );
}

#[test]
fn ten_thousand_unclosed_subgraphs() {
    let body: String = std::iter::once("flowchart TB\n".to_string())
        .chain((0..10_000).map(|i| format!("subgraph s{i}\n")))
        .collect();
    let r = check(mermaid(&body).as_bytes());
    assert_eq!(r.diagrams, 1);
    assert_eq!(r.diagnostics.len(), 1, "{:?}", r.diagnostics);
}

// `A & A & ... --> B` was a candidate for recursion per `&`.
#[test]
fn a_hundred_thousand_deep_ampersand_chain() {
    let n = 100_000;
    let chain: Vec<String> = (0..n).map(|i| format!("n{i}")).collect();
    // n edges: over Mermaid's 500-edge limit, so a parse error, not a crash.
    let body = format!("flowchart LR\n{} --> z", chain.join(" & "));
    let r = check(mermaid(&body).as_bytes());
    assert_eq!(r.diagrams, 1);
    assert_eq!(r.diagnostics.len(), 1);
    assert_eq!(r.diagnostics[0].rule, "parse-error");
    // Under the limit: every edge is there.
    let body = format!("flowchart LR\n{} --> z", chain[..400].join(" & "));
    let parsed = spoflint::flowchart::parse(&body);
    assert_eq!(parsed.diagram.unwrap().edges.len(), 400);
    // Dangling `&` at the end of a long chain.
    let body = format!("flowchart LR\n{} &", chain.join(" & "));
    let r = check(mermaid(&body).as_bytes());
    assert_eq!(r.diagnostics.len(), 1);
}

// A vertex's classes grew one boxed slice copy per class: 100,000
// `A:::c` lines took 8.4 s (release), quadratic.
#[test]
fn a_hundred_thousand_class_suffixes_on_one_vertex() {
    let n = 100_000;
    let body: String = std::iter::once("flowchart LR\n".to_string())
        .chain((0..n).map(|i| format!("A:::c{i}\nclass B d{i}\n")))
        .chain(std::iter::once("B --> A\n".to_string()))
        .collect();
    let d = spoflint::flowchart::parse(&body).diagram.unwrap();
    let classes = |id: &str| d.nodes.iter().find(|v| v.id == id).unwrap().classes.clone();
    let a = classes("A");
    assert_eq!(a.len(), n);
    assert_eq!((a[0].as_str(), a[n - 1].as_str()), ("c0", "c99999"));
    // `class B …` before B exists names nothing (as in Mermaid).
    assert!(classes("B").is_empty());
}

// Duplicate keys were found by scanning the keys so far: 100,000
// front-matter keys or `@{…}` keys took 7.7 s (release), quadratic.
#[test]
fn a_hundred_thousand_front_matter_and_node_data_keys() {
    let n = 100_000;
    let keys = |sep: &str| {
        (0..n)
            .map(|i| format!("k{i}: v"))
            .collect::<Vec<_>>()
            .join(sep)
    };
    let front = format!("---\n{}\n---\nflowchart LR\nA --> B\n", keys("\n"));
    assert!(spoflint::flowchart::parse(&front).errors.is_empty());
    let data = format!("flowchart LR\nA@{{ {} }}\nA --> B\n", keys(", "));
    assert!(spoflint::flowchart::parse(&data).errors.is_empty());
    // A repeated key at the end is still found.
    let repeated = format!("flowchart LR\nA@{{ {}, k7: w }}\nA --> B\n", keys(", "));
    let errors = spoflint::flowchart::parse(&repeated).errors;
    assert!(
        errors
            .first()
            .is_some_and(|e| e.message.contains("duplicated mapping key")),
        "{errors:?}"
    );
}

// Repeated phrases were found by scanning the phrases with the same first
// word: 100,000 configured phrases sharing one took 7.7 s (release).
#[test]
fn a_hundred_thousand_vocabulary_phrases_sharing_a_first_word() {
    let n = 100_000;
    let mut phrases: Vec<String> = (0..n).map(|i| format!("acme p{i}")).collect();
    phrases.push("acme p7".into());
    let set = spoflint::vocab::PhraseSet::new(&phrases);
    let toks = spoflint::vocab::tokens("the acme p7 gateway");
    // Found once, though configured twice.
    assert_eq!(set.find_all(&toks[..]).len(), 1);
    assert!(!set.matches(&spoflint::vocab::tokens("acme q")[..]));
}

/// The pathological shapes: long runs of one token, unclosed openers and
/// strings. `n` is the repeat count.
fn pathological(n: usize) -> Vec<(&'static str, String)> {
    let runs: [(&str, &str); 16] = [
        ("dashes", "-"),
        ("equals", "="),
        ("dots", "."),
        ("brackets", "["),
        ("parens", "("),
        ("braces", "{"),
        ("quotes", "\""),
        ("pipes", "|"),
        ("percents", "%%"),
        ("arrows", "-->"),
        ("dotted", "-.-"),
        ("ampersands", "a &"),
        ("colons", ":::"),
        ("backticks", "`"),
        ("open_string", "[\"a"),
        ("open_label", "A --|x"),
    ];
    let mut out: Vec<(&'static str, String)> = runs
        .iter()
        .map(|(name, tok)| (*name, format!("flowchart LR\nA{}", tok.repeat(n))))
        .collect();
    out.push((
        "comment_lines",
        format!("flowchart LR\n{}", "%% x\n".repeat(n)),
    ));
    out.push((
        "unclosed_string",
        format!("flowchart LR\nA[\"{}", "a ".repeat(n)),
    ));
    out.push((
        "directive",
        format!("%%{{init: {{{}\nflowchart LR\nA", "\"a\": [".repeat(n)),
    ));
    out.push((
        "front_matter",
        format!("---\n{}\nflowchart LR\nA", "a: [".repeat(n)),
    ));
    // Empty subgraphs drawn again as vertices (each stands for itself):
    // the analysis once looked each one up by scanning every vertex.
    let subgraphs: String = (0..n).map(|i| format!("subgraph S{i}\nend\n")).collect();
    let vertices: String = (0..n).map(|i| format!("S{i}\n")).collect();
    out.push((
        "empty_subgraphs",
        format!("flowchart LR\n{subgraphs}{vertices}"),
    ));
    // Issue #17's growth cases. Nested subgraphs each holding a node (each
    // level listed every node below it: quadratic memory).
    let opens: String = (0..n).map(|i| format!("subgraph S{i}\nn{i}\n")).collect();
    out.push((
        "nested_subgraphs",
        format!("flowchart LR\n{opens}{}U --> S0\n", "end\n".repeat(n)),
    ));
    // Two groups of n / 2 linked as wholes (n^2 / 4 links before the budget).
    let group = |g: &str| -> String { (0..n / 2).map(|i| format!("{g}{i}\n")).collect() };
    out.push((
        "subgraph_links",
        format!(
            "flowchart LR\nsubgraph SG1\n{}end\nsubgraph SG2\n{}end\n{}",
            group("a"),
            group("b"),
            "SG1 --> SG2\n".repeat(499)
        ),
    ));
    let classes: String = (0..n).map(|i| format!("A:::c{i}\n")).collect();
    out.push(("class_suffixes", format!("flowchart LR\n{classes}")));
    let keys: Vec<String> = (0..n).map(|i| format!("k{i}: v")).collect();
    out.push((
        "front_matter_keys",
        format!("---\n{}\n---\nflowchart LR\nA", keys.join("\n")),
    ));
    out.push((
        "node_data_keys",
        format!("flowchart LR\nA@{{ {} }}", keys.join(", ")),
    ));
    out
}

#[test]
fn pathological_inputs_do_not_hang_or_crash() {
    for (name, body) in pathological(20_000) {
        let r = check(mermaid(&body).as_bytes());
        // An unclosed `%%{` directive swallows the diagram type: no diagram.
        assert!(r.diagrams <= 1, "{name}");
        assert!(r.diagnostics.len() <= 1, "{name}: {:?}", r.diagnostics);
    }
}

/// Measure, do not assert: time at n and 4n for each pathological shape.
/// Linear growth gives a ratio near 4; quadratic, near 16.
#[test]
#[ignore = "a measurement, run by hand in release with --nocapture"]
#[allow(clippy::print_stdout)] // its output is the point
fn pathological_inputs_grow_linearly() {
    // MEASURE_N changes the smaller size.
    let n = std::env::var("MEASURE_N").map_or(250_000, |v| v.parse().unwrap());
    let small = pathological(n);
    let large = pathological(4 * n);
    println!("{:<18} {:>10} {:>10} {:>6}", "case", "n", "4n", "ratio");
    for ((name, a), (_, b)) in small.iter().zip(&large) {
        // Best of three, to take the machine's noise out.
        let time = |body: &str| {
            let text = mermaid(body);
            (0..3)
                .map(|_| {
                    let t = std::time::Instant::now();
                    std::hint::black_box(check(text.as_bytes()));
                    t.elapsed()
                })
                .min()
                .unwrap()
        };
        let (ta, tb) = (time(a), time(b));
        println!(
            "{name:<18} {:>8.2}ms {:>8.2}ms {:>6.1}",
            ta.as_secs_f64() * 1e3,
            tb.as_secs_f64() * 1e3,
            tb.as_secs_f64() / ta.as_secs_f64()
        );
    }
}

/// Measure, do not assert: the release binary's time and peak resident
/// memory on issue #17's growth cases at n and 10n (`/usr/bin/time`, so
/// Linux or GNU time only). Linear growth gives ratios near 10 once the
/// process's fixed ~8 MB is small beside the input's share. Run with
/// `cargo test --release --test hostile_input -- --ignored --nocapture
/// growth_cases`.
#[test]
#[ignore = "a measurement, run by hand in release with --nocapture"]
#[allow(clippy::print_stdout)] // its output is the point
fn growth_cases_scale_linearly_in_time_and_memory() {
    if !Path::new("/usr/bin/time").exists() {
        println!("no /usr/bin/time: nothing measured");
        return;
    }
    let n = std::env::var("MEASURE_N").map_or(20_000, |v| v.parse().unwrap());
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        "nested_subgraphs",
        "subgraph_links",
        "class_suffixes",
        "front_matter_keys",
        "node_data_keys",
    ];
    // (seconds, peak KiB) of the binary on `body`.
    let run = |name: &str, body: &str| -> (f64, u64) {
        let file = dir.path().join(format!("{name}.md"));
        std::fs::write(&file, mermaid(body)).unwrap();
        let out = std::process::Command::new("/usr/bin/time")
            .args([
                "-f",
                "%e %M",
                env!("CARGO_BIN_EXE_spoflint"),
                "--format",
                "concise",
            ])
            .arg(&file)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        let last = err.lines().last().unwrap_or_default();
        let mut it = last.split_whitespace();
        let secs = it.next().and_then(|s| s.parse().ok()).unwrap_or(f64::NAN);
        let kib = it.next().and_then(|s| s.parse().ok()).unwrap_or(0);
        (secs, kib)
    };
    let small = pathological(n);
    let large = pathological(10 * n);
    println!(
        "{:<18} {:>9} {:>9} {:>9} {:>9} {:>10} {:>10} {:>6}",
        "case", "bytes n", "bytes 10n", "s n", "s 10n", "KiB n", "KiB 10n", "ratio"
    );
    for ((name, a), (_, b)) in small.iter().zip(&large) {
        if !cases.contains(name) {
            continue;
        }
        let ((ta, ma), (tb, mb)) = (run(name, a), run(name, b));
        println!(
            "{name:<18} {:>9} {:>9} {ta:>9.2} {tb:>9.2} {ma:>10} {mb:>10} {:>6.1}",
            a.len(),
            b.len(),
            mb as f64 / ma.max(1) as f64
        );
    }
}

#[test]
fn an_unterminated_fence_at_end_of_file() {
    // CommonMark: the block runs to the end of the file; it is checked.
    for tail in ["", "\n", "\n\n", "   "] {
        let text = format!("# Doc\n\n```mermaid\nflowchart LR\n  A --> B ]{tail}");
        let r = check(text.as_bytes());
        assert_eq!(r.diagrams, 1, "{tail:?}");
        assert_eq!(where_(&r), [(5, 11, "parse-error")], "{tail:?}");
    }
    // Only the opening line.
    let r = check(b"```mermaid");
    assert!(r.diagnostics.len() <= 1);
    let r = check(b"```mermaid\n");
    assert!(r.diagnostics.len() <= 1);
}

#[test]
fn crlf_and_lone_cr_line_endings_give_the_same_positions() {
    let lf = mermaid("flowchart LR\n  A --> B\n  B --> C ]\n  C --> D");
    let expected = [(6, 11, "parse-error")];
    assert_eq!(where_(&check(lf.as_bytes())), expected);
    let crlf = lf.replace('\n', "\r\n");
    assert_eq!(where_(&check(crlf.as_bytes())), expected, "CRLF");
    let cr = lf.replace('\n', "\r");
    assert_eq!(where_(&check(cr.as_bytes())), expected, "lone CR");
    let mixed: String = lf
        .split_inclusive('\n')
        .enumerate()
        .map(|(i, l)| match i % 3 {
            0 => l.to_string(),
            1 => l.replace('\n', "\r\n"),
            _ => l.replace('\n', "\r"),
        })
        .collect();
    assert_eq!(where_(&check(mixed.as_bytes())), expected, "mixed");
}

#[test]
fn a_bom_does_not_move_columns() {
    let text = format!("\u{feff}{}", mermaid("flowchart LR\n  A --> B ]"));
    assert_eq!(where_(&check(text.as_bytes())), [(5, 11, "parse-error")]);
    // In a standalone .mmd file the diagram starts right after the BOM.
    let r = check_bytes(
        "x.mmd",
        "\u{feff}flowchart LR\nA --> B ]".as_bytes(),
        true,
        &Settings::default(),
    );
    assert_eq!(where_(&r), [(2, 9, "parse-error")]);
    // On line 1 the BOM is not a column: editors do not show it.
    let r = check_bytes(
        "x.mmd",
        "\u{feff}graph LR; A --> B ]".as_bytes(),
        true,
        &Settings::default(),
    );
    assert_eq!(where_(&r), [(1, 19, "parse-error")]);
    // A BOM in the middle of a file is an ordinary character.
    let text = format!("x\u{feff}\n{}", mermaid("flowchart LR\n  A --> B ]"));
    assert_eq!(where_(&check(text.as_bytes())), [(6, 11, "parse-error")]);
}

#[test]
fn empty_and_whitespace_only_files() {
    for text in [
        "",
        "\n",
        "\r",
        "\r\n",
        " ",
        "\t",
        "\u{feff}",
        "```",
        "```mermaid\n```",
    ] {
        let r = check(text.as_bytes());
        assert!(r.diagnostics.len() <= 1, "{text:?}");
        let r = check_bytes("x.mmd", text.as_bytes(), true, &Settings::default());
        assert!(r.diagnostics.len() <= 1, "{text:?}");
    }
}
