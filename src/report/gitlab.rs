//! The `gitlab` format: a GitLab Code Quality report (a JSON array of
//! issues), which merge requests show as a widget.

use super::{locate_all, Located};
use crate::diagnostic::{FileReport, Severity};
use serde::Serialize;
use std::collections::HashMap;
use std::io::{self, Write};

/// FNV-1a, 64 bits: tiny, and stable across Rust versions and platforms
/// (unlike `DefaultHasher`), so fingerprints do not churn between releases.
fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain([0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// `[{description, check_name, fingerprint, severity, location: {path, lines: {begin}}}]`.
///
/// The fingerprint hashes path, rule and message (not the position, so a
/// finding keeps its identity when lines move); a repeat of the same
/// path+rule+message in one file gets its occurrence number mixed in, since
/// GitLab needs fingerprints to be unique.
pub fn gitlab(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    gitlab_located(&locate_all(reports), out)
}

/// The Code Quality report of located files.
pub(super) fn gitlab_located(files: &[Located], out: &mut dyn Write) -> io::Result<()> {
    #[derive(Serialize)]
    struct Lines {
        begin: usize,
        end: usize,
    }
    #[derive(Serialize)]
    struct Loc<'a> {
        path: &'a str,
        lines: Lines,
    }
    #[derive(Serialize)]
    struct Issue<'a> {
        description: String,
        check_name: &'static str,
        fingerprint: String,
        severity: &'static str,
        location: Loc<'a>,
    }
    let mut seen: HashMap<(String, &str, String), usize> = HashMap::new();
    let mut issues = Vec::new();
    for file in files {
        for (d, loc) in &file.items {
            let path = file.path.as_str();
            let n = seen
                .entry((path.to_string(), d.rule, d.message.to_string()))
                .or_insert(0);
            let occurrence = n.to_string();
            *n += 1;
            let mut parts = vec![path, d.rule, d.message.as_str()];
            if occurrence != "0" {
                parts.push(&occurrence);
            }
            issues.push(Issue {
                description: format!("{} ({})", d.message, d.rule),
                check_name: d.rule,
                fingerprint: format!("{:016x}", fnv1a(&parts)),
                severity: match d.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                },
                location: Loc {
                    path,
                    lines: Lines {
                        begin: loc.line,
                        end: loc.end_line,
                    },
                },
            });
        }
    }
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::super::testing::sample;
    use super::*;
    use crate::span::Span;
    use serde_json::Value;

    fn render(reports: &[FileReport]) -> Value {
        let mut out = Vec::new();
        gitlab(reports, &mut out).unwrap();
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn issues_have_the_code_quality_fields() {
        let v = render(&sample());
        let i = &v[1];
        assert_eq!(i["check_name"], "parse-error");
        assert_eq!(i["severity"], "major");
        assert_eq!(i["location"]["path"], "docs/arch.md");
        assert_eq!(i["location"]["lines"]["begin"], 6);
        assert_eq!(i["fingerprint"].as_str().unwrap().len(), 16);
    }

    #[test]
    fn fingerprint_ignores_position_but_not_repeats() {
        let a = render(&sample());
        let mut moved = sample();
        for d in &mut moved[0].diagnostics {
            d.span = Span::new(d.span.start + 1, d.span.end + 1);
        }
        assert_eq!(a[0]["fingerprint"], render(&moved)[0]["fingerprint"]);
        let mut twice = sample();
        let dup = twice[0].diagnostics[0].clone();
        twice[0].diagnostics.push(dup);
        let v = render(&twice);
        assert_ne!(v[0]["fingerprint"], v[2]["fingerprint"]);
    }
}
