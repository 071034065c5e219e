//! The rule list, for `spoflint rules` (a plain table) and for the README
//! (the table between the `rules-table` markers of `README.md`, generated
//! from the registry).

use crate::rules::RuleMeta;
use std::fmt::Write as _;

/// A plain aligned table: name, code, default level, summary.
pub fn plain(rules: &[&RuleMeta]) -> String {
    let headers = ["NAME", "CODE", "LEVEL", "SUMMARY"];
    let rows: Vec<[&str; 4]> = rules
        .iter()
        .map(|r| [r.name, r.code, r.default_severity.as_str(), r.summary])
        .collect();
    let width = |i: usize| {
        rows.iter()
            .map(|r| r[i].len())
            .chain([headers[i].len()])
            .max()
            .unwrap_or(0)
    };
    let widths = [width(0), width(1), width(2)];
    let mut out = String::new();
    for row in std::iter::once(headers).chain(rows.iter().copied()) {
        let _ = writeln!(
            out,
            "{:w0$}  {:w1$}  {:w2$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2]
        );
    }
    out
}

/// The Markdown table of the README's rule section.
pub fn markdown(rules: &[&RuleMeta]) -> String {
    let mut out = String::from(
        "| Rule | Code | Default level | What it finds |\n| --- | --- | --- | --- |\n",
    );
    for r in rules {
        let _ = writeln!(
            out,
            "| `{}` | `{}` | {} | {} |",
            r.name,
            r.code,
            r.default_severity.as_str(),
            r.summary.replace('|', "\\|")
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;

    static A: RuleMeta = RuleMeta {
        name: "parse-error",
        code: "SPOF000",
        default_severity: Severity::Error,
        summary: "Mermaid cannot parse | this",
        docs: "",
    };
    static B: RuleMeta = RuleMeta {
        name: "single-point-of-failure",
        code: "SPOF001",
        default_severity: Severity::Warning,
        summary: "One component everything needs",
        docs: "",
    };

    #[test]
    fn plain_table_is_aligned() {
        assert_eq!(
            plain(&[&A, &B]),
            "NAME                     CODE     LEVEL    SUMMARY\n\
             parse-error              SPOF000  error    Mermaid cannot parse | this\n\
             single-point-of-failure  SPOF001  warning  One component everything needs\n"
        );
    }

    #[test]
    fn markdown_table_escapes_pipes() {
        let md = markdown(&[&A]);
        assert!(
            md.ends_with("| `parse-error` | `SPOF000` | error | Mermaid cannot parse \\| this |\n")
        );
    }
}
