//! Holds `markdown::find_blocks` to the project's reference script on the
//! vendored real-world corpus and on the Markdown fixtures: for every file,
//! the blocks found must be the ones `fixtures/corpus/count_blocks.py --list`
//! lists (same count, same opening lines, same diagram type, same number of
//! lines for fences), except for the documented differences.
//!
//! Regenerate the expectations (see `fixtures/corpus/README.md`):
//! `python3 fixtures/corpus/count_blocks.py fixtures/corpus/real --list > fixtures/corpus/expected-blocks.tsv`
//! `python3 fixtures/corpus/count_blocks.py fixtures/markdown --list > fixtures/corpus/fixtures-expected-blocks.tsv`

use spoflint::markdown::{find_blocks, is_mermaid_file, Block, BlockOptions, Host};
use spoflint::span::LineIndex;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/corpus");

/// One line of `count_blocks.py --list`.
#[derive(Debug)]
struct Expected {
    line: usize,
    dtype: String,
    delim: String,
    info: String,
    nest: String,
    nlines: usize,
}

/// `count_blocks.py`'s names for the info-string forms that the default
/// `BlockOptions::info_strings` accept.
const DEFAULT_INFO_FORMS: &[&str] = &[
    "mermaid",
    "Mermaid (odd case)",
    "mermaid + attributes",
    "mermaid-example",
    "{mermaid} (MyST)",
];

/// Why a block listed by `count_blocks.py` is rightly not found, if it is
/// one of the kinds the linter leaves out on purpose.
fn not_a_diagram(e: &Expected) -> Option<&'static str> {
    if e.nest.contains("inside another code block") {
        Some("shown as an example inside another code block: not rendered")
    } else if e.nest.contains("in HTML comment") {
        Some("inside an HTML comment: not rendered")
    } else if e.dtype == "(chart from variable/import)" {
        Some("MDX component fed from a variable: its text is elsewhere")
    } else if !e.info.starts_with('-') && !DEFAULT_INFO_FORMS.contains(&e.info.as_str()) {
        Some("info string not in the default info strings (users can add it)")
    } else {
        None
    }
}

fn expected(file: &str) -> BTreeMap<String, Vec<Expected>> {
    let tsv = std::fs::read_to_string(Path::new(ROOT).join(file)).unwrap();
    let mut out: BTreeMap<String, Vec<Expected>> = BTreeMap::new();
    for row in tsv.lines() {
        let f: Vec<&str> = row.split('\t').collect();
        let (path, line) = f[0].rsplit_once(':').unwrap();
        out.entry(path.to_string()).or_default().push(Expected {
            line: line.parse().unwrap(),
            dtype: f[1].to_string(),
            delim: f[2].to_string(),
            info: f[3].to_string(),
            nest: f[4].to_string(),
            nlines: f[5].trim_end_matches(" lines").parse().unwrap(),
        });
    }
    out
}

/// Known differences: `path:line<TAB>missing|extra|type|lines<TAB>reason`.
fn known(file: &str) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(Path::new(ROOT).join(file)).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut f = l.splitn(3, '\t');
            let key = format!("{}\t{}", f.next().unwrap(), f.next().unwrap_or(""));
            (key, f.next().unwrap_or("").to_string())
        })
        .collect()
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, out);
        } else if let Some(ext) = p.extension().and_then(|e| e.to_str()) {
            if ["md", "mdx", "markdown", "mmd", "mermaid"]
                .contains(&ext.to_ascii_lowercase().as_str())
            {
                out.push(p);
            }
        }
    }
}

/// `count_blocks.py`'s `diagram_type`: the first word of the first line
/// that is not blank, a `%%` comment or directive, or diagram front matter.
fn diagram_type(text: &str) -> String {
    let lines: Vec<&str> = text.split(['\n', '\r']).collect();
    let n = lines.len();
    let skip_noise = |mut i: usize| {
        while i < n {
            let t = lines[i].trim();
            if t.is_empty() {
                i += 1;
            } else if t.starts_with("%%{") && !t.contains("}%%") {
                i += 1;
                while i < n && !lines[i].contains("}%%") {
                    i += 1;
                }
                i += 1;
            } else if t.starts_with("%%") {
                i += 1;
            } else {
                break;
            }
        }
        i
    };
    let mut i = skip_noise(0);
    if i < n && lines[i].trim() == "---" {
        i += 1;
        while i < n && lines[i].trim() != "---" {
            i += 1;
        }
        i = skip_noise(i + 1);
    }
    if i >= n {
        return "(empty)".into();
    }
    let t = lines[i].trim();
    if t.starts_with("--8<--") {
        return "(MkDocs snippet include --8<--)".into();
    }
    let word: String = t
        .chars()
        .skip_while(|c| !c.is_ascii_alphabetic())
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    if t.starts_with(|c: char| c.is_ascii_alphabetic()) {
        word
    } else {
        format!("(non-word: {})", t.chars().take(12).collect::<String>())
    }
}

/// Lines of a block's text, ending at `\n`, `\r\n` or a lone `\r`.
fn line_count(text: &str) -> usize {
    let breaks =
        text.matches('\n').count() + text.matches('\r').count() - text.matches("\r\n").count();
    breaks + usize::from(!text.is_empty() && !text.ends_with(['\n', '\r']))
}

fn repo_of(path: &str) -> &str {
    path.split('/').next().unwrap_or(path)
}

#[derive(Default)]
struct Tally {
    expected: usize,
    expected_flow: usize,
    found: usize,
    found_flow: usize,
    matched: usize,
    left_out: usize,
}

#[test]
fn find_blocks_matches_count_blocks_on_the_real_corpus() {
    compare(
        &Path::new(ROOT).join("real"),
        "expected-blocks.tsv",
        "known-differences.tsv",
    );
}

#[test]
fn find_blocks_matches_count_blocks_on_the_fixtures() {
    compare(
        &Path::new(ROOT).join("../markdown"),
        "fixtures-expected-blocks.tsv",
        "fixtures-known-differences.tsv",
    );
}

/// Compare the blocks found under `dir` with the expectation file, allowing
/// the differences of the known-differences file; print per-folder figures.
#[allow(clippy::print_stderr)] // reason: the per-repository figures are the test's report
fn compare(dir: &Path, expected_file: &str, known_file: &str) {
    let expected = expected(expected_file);
    let known = known(known_file);
    let mut all = Vec::new();
    files(dir, &mut all);
    let opts = BlockOptions::default();
    let mut problems = Vec::new();
    let mut used_known = BTreeSet::new();
    let mut tally: BTreeMap<String, Tally> = BTreeMap::new();
    let flow = |t: &str| ["flowchart", "graph", "flowchart-elk", "flowchart-v2"].contains(&t);
    for path in &all {
        let rel = path
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let bytes = std::fs::read(path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let blocks: Vec<Block> = find_blocks(&text, is_mermaid_file(path), &opts);
        let index = LineIndex::new(&text);
        let mut found: BTreeMap<usize, (&Block, String)> = BTreeMap::new();
        for b in &blocks {
            let line = index.line_col(&text, b.open.start).line;
            found.insert(line, (b, diagram_type(&b.text)));
        }
        let t = tally.entry(repo_of(&rel).to_string()).or_default();
        t.found += found.len();
        t.found_flow += found.values().filter(|(_, d)| flow(d)).count();
        let none = Vec::new();
        let exp = expected.get(&rel).unwrap_or(&none);
        let mut seen = BTreeSet::new();
        for e in exp {
            t.expected += 1;
            t.expected_flow += usize::from(flow(&e.dtype));
            seen.insert(e.line);
            let key = |kind: &str| format!("{rel}:{}\t{kind}", e.line);
            match (found.get(&e.line), not_a_diagram(e)) {
                (None, Some(_)) => t.left_out += 1,
                (None, None) => {
                    if known.contains_key(&key("missing")) {
                        used_known.insert(key("missing"));
                    } else {
                        problems.push(format!(
                            "{rel}:{} missing ({} {})",
                            e.line, e.dtype, e.delim
                        ));
                    }
                }
                (Some(_), Some(why)) => {
                    if known.contains_key(&key("extra")) {
                        used_known.insert(key("extra"));
                    } else {
                        problems.push(format!("{rel}:{} found but should not be: {why}", e.line));
                    }
                }
                (Some((b, dtype)), None) => {
                    t.matched += 1;
                    if *dtype != e.dtype && known.contains_key(&key("type")) {
                        used_known.insert(key("type"));
                    } else if *dtype != e.dtype {
                        problems.push(format!(
                            "{rel}:{} diagram type {dtype:?}, expected {:?}",
                            e.line, e.dtype
                        ));
                    }
                    let n = line_count(&b.text);
                    if b.host == Host::Fence && n != e.nlines {
                        if known.contains_key(&key("lines")) {
                            used_known.insert(key("lines"));
                            continue;
                        }
                        problems.push(format!(
                            "{rel}:{} {n} lines of text, expected {}",
                            e.line, e.nlines
                        ));
                    }
                }
            }
        }
        for (line, (_, dtype)) in &found {
            if !seen.contains(line) {
                let key = format!("{rel}:{line}\textra");
                if known.contains_key(&key) {
                    used_known.insert(key);
                } else {
                    problems.push(format!("{rel}:{line} extra block ({dtype})"));
                }
            }
        }
    }
    for k in known.keys() {
        if !used_known.contains(k) {
            problems.push(format!("stale known difference: {k}"));
        }
    }
    let mut total = Tally::default();
    eprintln!("{}", expected_file);
    eprintln!("repository\texpected\tflowchart\tfound\tflowchart\tmatched\tleft out on purpose");
    for (repo, t) in tally.iter().filter(|(_, t)| t.expected + t.found > 0) {
        eprintln!(
            "{repo}\t{}\t{}\t{}\t{}\t{}\t{}",
            t.expected, t.expected_flow, t.found, t.found_flow, t.matched, t.left_out
        );
        total.expected += t.expected;
        total.expected_flow += t.expected_flow;
        total.found += t.found;
        total.found_flow += t.found_flow;
        total.matched += t.matched;
        total.left_out += t.left_out;
    }
    eprintln!(
        "total\t{}\t{}\t{}\t{}\t{}\t{}",
        total.expected,
        total.expected_flow,
        total.found,
        total.found_flow,
        total.matched,
        total.left_out
    );
    assert!(
        problems.is_empty(),
        "{} differences:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn mermaid_nocode_is_found_when_configured() {
    // The mermaid docs render `mermaid-nocode` fences; users opt in by config.
    let mut opts = BlockOptions::default();
    opts.info_strings.push("mermaid-nocode".into());
    let text = "```mermaid-nocode\nflowchart LR\n  A --> B\n```\n";
    assert_eq!(find_blocks(text, false, &opts).len(), 1);
    assert!(find_blocks(text, false, &BlockOptions::default()).is_empty());
}
