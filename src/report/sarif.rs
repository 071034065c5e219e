//! The `sarif` format: SARIF 2.1.0 with the rules' metadata, as GitHub code
//! scanning reads it.

use super::{locate_all, Located, Style};
use crate::diagnostic::{FileReport, Severity};
use crate::rules::RULES;
use serde_json::{json, Value};
use std::io::{self, Write};

/// A relative path as a URI reference: `/` separators, `./` dropped, bytes
/// outside RFC 3986's unreserved set (and `/`) percent-encoded.
fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.strip_prefix("./").unwrap_or(&path);
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// The SARIF log. Columns are Unicode code points (`columnKind`), the end
/// column is exclusive, as SARIF defines it.
pub fn sarif(reports: &[FileReport], style: &Style, out: &mut dyn Write) -> io::Result<()> {
    sarif_located(&locate_all(reports), style, out)
}

/// The SARIF log of located files.
pub(super) fn sarif_located(
    files: &[Located],
    style: &Style,
    out: &mut dyn Write,
) -> io::Result<()> {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            let mut rule = json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": {"text": r.summary},
                "fullDescription": {"text": r.summary},
                "help": {"text": r.docs, "markdown": r.docs},
                "defaultConfiguration": {"level": level(r.default_severity)},
                "properties": {"tags": ["reliability"]},
            });
            if let Some(base) = style.docs_url {
                rule["helpUri"] = json!(format!("{base}{}", r.name));
            }
            rule
        })
        .collect();
    let mut results = Vec::new();
    for file in files {
        for (d, loc) in &file.items {
            let rule_index = RULES.iter().position(|r| r.name == d.rule);
            let mut message = d.message.to_string();
            if let Some(h) = &d.help {
                message.push_str("\nhelp: ");
                message.push_str(&h.text());
            }
            let mut result = json!({
                "ruleId": d.code,
                "level": level(d.severity),
                "message": {"text": message},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(&file.path)},
                        "region": {
                            "startLine": loc.line,
                            "startColumn": loc.column,
                            "endLine": loc.end_line,
                            "endColumn": loc.end_column,
                        }
                    }
                }],
            });
            if let Some(i) = rule_index {
                result["ruleIndex"] = json!(i);
            }
            results.push(result);
        }
    }
    // Files not checked at all: notifications of the run, as SARIF has
    // them for "the tool could not analyse this file" (§3.58).
    let skipped: Vec<Value> = files
        .iter()
        .filter_map(|f| {
            let why = f.skipped.as_deref()?;
            Some(json!({
                "level": "warning",
                "message": {"text": format!(
                    "spoflint did not check this file: {}",
                    why.strip_prefix(crate::diagnostic::SKIPPED).unwrap_or(why)
                )},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri(&f.path)}}}],
            }))
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "spoflint",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut log = log;
    if !skipped.is_empty() {
        log["runs"][0]["invocations"] = json!([{
            "executionSuccessful": true,
            "toolExecutionNotifications": skipped,
        }]);
    }
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::super::testing::sample;
    use super::*;

    #[test]
    fn results_carry_regions_and_rule_metadata() {
        let mut out = Vec::new();
        let style = Style {
            docs_url: Some("https://example.invalid/rules/"),
            ..Style::default()
        };
        sarif(&sample(), &style, &mut out).unwrap();
        let v: Value = serde_json::from_slice(&out).unwrap();
        let run = &v["runs"][0];
        assert_eq!(run["tool"]["driver"]["rules"][0]["name"], "parse-error");
        assert_eq!(
            run["tool"]["driver"]["rules"][0]["helpUri"],
            "https://example.invalid/rules/parse-error"
        );
        let r = &run["results"][1];
        assert_eq!(r["ruleId"], "SPOF000");
        assert_eq!(r["ruleIndex"], 0);
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert_eq!(region["startLine"], 6);
        assert_eq!(region["startColumn"], 11);
        assert_eq!(region["endColumn"], 13);
    }

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri("./docs/my file.md"), "docs/my%20file.md");
        assert_eq!(uri("docs\\a#b.md"), "docs/a%23b.md");
    }
}
