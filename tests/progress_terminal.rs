//! The progress bar never shares a line with output (#16): the binary runs
//! under a pseudo-terminal (util-linux `script`) over a tree slow enough
//! for the bar to be drawn, and what the terminal would show is replayed
//! on a small screen model: no line on it holds both the bar and a
//! finding, and once the run is over no bar is left anywhere.

use std::path::Path;
use std::process::Command;

/// Characters the bar is drawn with (indicatif's default bar style).
const BAR: [char; 2] = ['█', '░'];

/// A terminal screen, as far as the bar and the report move the cursor:
/// printable characters overwrite, `\r`, `\n`, and the CSI sequences
/// cursor up/down, erase in line and erase below. Rows never scroll away.
struct Screen {
    rows: Vec<Vec<char>>,
    row: usize,
    col: usize,
}

impl Screen {
    fn replay(text: &str) -> Vec<String> {
        let mut s = Screen {
            rows: vec![Vec::new()],
            row: 0,
            col: 0,
        };
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\r' => s.col = 0,
                '\n' => {
                    s.row += 1;
                    s.col = 0;
                    if s.rows.len() <= s.row {
                        s.rows.push(Vec::new());
                    }
                }
                '\x1b' => {
                    if chars.peek() != Some(&'[') {
                        continue;
                    }
                    chars.next();
                    let mut arg = String::new();
                    let mut end = ' ';
                    for c in chars.by_ref() {
                        if c.is_ascii_digit() || c == ';' || c == '?' {
                            arg.push(c);
                        } else {
                            end = c;
                            break;
                        }
                    }
                    let n: usize = arg.parse().unwrap_or(1).max(1);
                    let line = &mut s.rows[s.row];
                    match (end, arg.as_str()) {
                        ('A', _) => s.row = s.row.saturating_sub(n),
                        ('B', _) => {
                            s.row += n;
                            while s.rows.len() <= s.row {
                                s.rows.push(Vec::new());
                            }
                        }
                        ('K', "" | "0") => line.truncate(s.col),
                        ('K', "2") => line.clear(),
                        ('J', "" | "0") => {
                            line.truncate(s.col);
                            s.rows.truncate(s.row + 1);
                        }
                        // Colours, cursor visibility: nothing moves.
                        _ => {}
                    }
                }
                c => {
                    let line = &mut s.rows[s.row];
                    while line.len() < s.col {
                        line.push(' ');
                    }
                    if s.col < line.len() {
                        line[s.col] = c;
                    } else {
                        line.push(c);
                    }
                    s.col += 1;
                }
            }
        }
        s.rows
            .into_iter()
            .map(|r| r.into_iter().collect())
            .collect()
    }
}

#[test]
fn screen_model_sees_a_bar_left_on_a_findings_line() {
    let drawn = "\r\x1b[2K██░░ 1/2 files\x1b[0mdocs/a.md: error [single-point-of-failure]\n";
    let lines = Screen::replay(drawn);
    assert!(lines[0].contains('█') && lines[0].contains("single-point-of-failure"));
    let cleared = "\r\x1b[2K██░░ 1/2 files\r\x1b[2Kdocs/a.md: error [single-point-of-failure]\n";
    assert_eq!(
        Screen::replay(cleared)[0],
        "docs/a.md: error [single-point-of-failure]"
    );
}

/// `script -qec CMD /dev/null`: CMD's standard output and error are a
/// terminal, and what it writes comes out on `script`'s standard output.
fn script_available() -> bool {
    Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn write_tree(dir: &Path) {
    let docs = dir.join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    let block = "\n```mermaid\nflowchart LR\n    Users --> LB[Load balancer] --> App[App servers x3] --> DB[(Orders DB)]\n```\n";
    for i in 0..400 {
        let mut text = format!("# Doc {i}\n");
        for _ in 0..10 {
            text.push_str(block);
        }
        std::fs::write(docs.join(format!("f{i:04}.md")), text).unwrap();
    }
}

#[test]
#[allow(clippy::print_stderr)] // says why it proves nothing without `script`
fn the_bar_never_shares_a_line_with_findings() {
    if !script_available() {
        eprintln!("skipped: util-linux `script` is not installed (no pseudo-terminal)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path());
    let bin = env!("CARGO_BIN_EXE_spoflint");
    let out = Command::new("script")
        .args(["-qec", &format!("'{bin}' docs"), "/dev/null"])
        .current_dir(dir.path())
        .env_remove("CI")
        .env("TERM", "xterm")
        .env("COLUMNS", "120")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let raw = String::from_utf8_lossy(&out.stdout);
    assert!(
        raw.contains(BAR[0]),
        "the bar was never drawn (the run took less than its delay?), so this test shows nothing"
    );
    let lines = Screen::replay(&raw);
    let findings = lines
        .iter()
        .filter(|l| l.contains("single-point-of-failure"))
        .count();
    assert_eq!(findings, 8000, "every finding is on the screen");
    let shared: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains(BAR) && l.contains("single-point-of-failure"))
        .collect();
    assert!(
        shared.is_empty(),
        "{} lines hold both the bar and a finding, the first: {:?}",
        shared.len(),
        shared[0]
    );
    let left: Vec<&String> = lines.iter().filter(|l| l.contains(BAR)).collect();
    assert!(
        left.is_empty(),
        "{} lines still show the bar after the run, the first: {:?}",
        left.len(),
        left[0]
    );
}
