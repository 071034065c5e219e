//! The `unused-suppression` rule: a spoflint comment that suppresses nothing.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::RuleMeta;
use crate::span::Span;

#[doc = include_str!("unused_suppression.md")]
pub static META: RuleMeta = RuleMeta {
    name: "unused-suppression",
    code: "SPOF003",
    default_severity: Severity::Warning,
    summary: "a spoflint suppression comment that suppresses nothing",
    docs: include_str!("unused_suppression.md"),
};

/// The diagnostic for one directive (`text` as written, `why` unused).
pub fn diagnostic(span: Span, text: &str, why: &str) -> Diagnostic {
    Diagnostic::new(
        META.name,
        META.code,
        META.default_severity,
        span,
        format!("unused suppression `spoflint: {text}`: {why}"),
    )
    .with_help("remove the comment, or fix the rule name or node id it names")
}

#[cfg(test)]
mod tests {
    use crate::analysis::testutil::diagram;
    use crate::config::{Level, Settings};
    use crate::span::Span;

    const BASE: &str = "flowchart LR\n  Users --> Server\n  Server --> DB[(Database)]\n";

    fn run(src: &str, block: &[&str]) -> Vec<(String, String)> {
        run_with(src, block, &Settings::default())
    }

    fn run_with(src: &str, block: &[&str], settings: &Settings) -> Vec<(String, String)> {
        let comments: Vec<(String, Span)> =
            block.iter().map(|c| (c.to_string(), Span::at(0))).collect();
        crate::rules::check_block(&diagram(src), settings, &comments)
            .into_iter()
            .map(|d| {
                (
                    d.rule.to_string(),
                    d.node.as_deref().unwrap_or_default().to_string(),
                )
            })
            .collect()
    }

    fn spof(id: &str) -> (String, String) {
        ("single-point-of-failure".into(), id.into())
    }

    fn unused() -> (String, String) {
        ("unused-suppression".into(), String::new())
    }

    #[test]
    fn ignore_per_node() {
        let src =
            format!("{BASE}  %% spoflint: ignore single-point-of-failure DB -- accepted for now\n");
        assert_eq!(run(&src, &[]), [spof("Server")]);
        let by_code = format!("{BASE}  %% spoflint: ignore SPOF001 Server,DB\n");
        assert_eq!(run(&by_code, &[]), []);
        let any_rule = format!("{BASE}  %% spoflint: ignore DB -- reason\n");
        assert_eq!(run(&any_rule, &[]), [spof("Server")]);
    }

    #[test]
    fn ignore_per_rule_and_whole_diagram() {
        let rule = format!("{BASE}  %% spoflint: ignore single-point-of-failure\n");
        assert_eq!(run(&rule, &[]), []);
        let all = format!("{BASE}  %% spoflint: ignore -- a teaching example\n");
        assert_eq!(run(&all, &[]), []);
        // Ignoring another rule leaves these findings (and is itself unused).
        let other = format!("{BASE}  %% spoflint: ignore single-region\n");
        assert_eq!(run(&other, &[]), [spof("Server"), spof("DB"), unused()]);
    }

    #[test]
    fn html_comment_before_the_block() {
        assert_eq!(
            run(BASE, &["spoflint-disable single-point-of-failure -- demo"]),
            []
        );
        assert_eq!(run(BASE, &["spoflint-disable DB"]), [spof("Server")]);
        assert_eq!(run(BASE, &["spoflint: skip"]), []);
        assert_eq!(
            run(BASE, &["an ordinary comment"]),
            [spof("Server"), spof("DB")]
        );
    }

    #[test]
    fn redundant_declares_evidence() {
        let src = format!("{BASE}  %% spoflint: redundant DB -- RDS Multi-AZ\n");
        assert_eq!(run(&src, &[]), [spof("Server")]);
    }

    #[test]
    fn unused_suppressions_are_reported_where_they_stand() {
        let src = format!(
            "{BASE}  %% spoflint: ignore single-point-of-failure Users -- never a finding\n"
        );
        let d = diagram(&src);
        let f = crate::rules::check_diagram(&d, &Settings::default());
        let u = f.iter().find(|x| x.rule == "unused-suppression").unwrap();
        assert_eq!(
            &src[u.span.start..u.span.end],
            "%% spoflint: ignore single-point-of-failure Users -- never a finding"
        );
        assert_eq!(u.code, "SPOF003");
        assert_eq!(u.severity, crate::diagnostic::Severity::Warning);
        for bad in [
            "%% spoflint: ignore Nope",
            "%% spoflint: frobnicate",
            "%% spoflint: redundant Users",
            "%% spoflint: redundant Ghost",
            "%% spoflint: redundant",
        ] {
            let src = format!("{BASE}  {bad}\n");
            assert_eq!(
                run(&src, &[]),
                [spof("Server"), spof("DB"), unused()],
                "{bad}"
            );
        }
        assert_eq!(
            run(BASE, &["spoflint-disable Ghost"]),
            [spof("Server"), spof("DB"), unused()]
        );
    }

    #[test]
    fn suppressions_of_a_rule_turned_off_are_not_unused() {
        let mut s = Settings::default();
        s.levels
            .insert("single-point-of-failure".into(), Level::Off);
        let src = format!("{BASE}  %% spoflint: ignore single-point-of-failure DB\n");
        assert_eq!(run_with(&src, &[], &s), []);
        s.levels.insert("unused-suppression".into(), Level::Off);
        let src = format!("{BASE}  %% spoflint: ignore Nope\n");
        assert_eq!(run_with(&src, &[], &s), []);
    }

    #[test]
    fn per_path_ignores_drop_findings_of_matching_files() {
        let d = diagram(BASE);
        let mut diags = crate::rules::check_diagram(&d, &Settings::default());
        diags.push(crate::rules::parse_error::diagnostic(
            &crate::flowchart::SyntaxError {
                span: Span::at(0),
                message: "x".into(),
            },
        ));
        let ig = vec![crate::suppress::PathIgnore {
            pattern: "docs/legacy/**".into(),
            rules: vec![],
        }];
        let mut other = diags.clone();
        crate::suppress::apply_path_ignores(&mut other, "docs/new.md", &ig);
        assert_eq!(other.len(), 3);
        crate::suppress::apply_path_ignores(&mut diags, "./docs/legacy/a.md", &ig);
        assert_eq!(diags.len(), 1, "parse errors stay");
        let only_db = vec![crate::suppress::PathIgnore {
            pattern: "*.md".into(),
            rules: vec!["SPOF001".into()],
        }];
        let mut d2 = crate::rules::check_diagram(&d, &Settings::default());
        crate::suppress::apply_path_ignores(&mut d2, "x/y.md", &only_db);
        assert!(d2.is_empty());
    }
}
