//! Suppressions (SPEC §6): `%% spoflint: ...` comments inside a diagram, HTML
//! comments before its block, and path patterns from the config. Owns the
//! directive syntax, matching findings against it and finding unused
//! directives; runs no rule itself.
//!
//! Syntax (a reason after ` -- ` is allowed everywhere and encouraged):
//!
//! ```text
//! %% spoflint: ignore                                  every finding in this diagram
//! %% spoflint: ignore single-point-of-failure          one rule (name or code)
//! %% spoflint: ignore SPOF001 DB Cache -- accepted     one rule, some nodes / subgraphs
//! %% spoflint: ignore DB -- reason                     every rule, one node
//! %% spoflint: redundant DB -- RDS Multi-AZ            DB is redundant (evidence 1)
//! %% spoflint: skip                                    do not analyse this diagram
//! %% spoflint: analyse                                 analyse it even if it does not look like an architecture
//! <!-- spoflint-disable [rules] [ids] [-- reason] -->  before the block: as `ignore`
//! <!-- spoflint: skip -->                              before the block: any directive above
//! ```

use crate::analysis::Overrides;
use crate::config::{Level, Settings};
use crate::diagnostic::Diagnostic;
use crate::model::Diagram;
use crate::span::Span;

/// What a directive asks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Drop matching findings.
    Ignore {
        /// Rule names (empty: every rule).
        rules: Vec<&'static str>,
        /// Node or subgraph ids (empty: the whole diagram).
        targets: Vec<String>,
    },
    /// Treat these nodes as redundant.
    Redundant {
        /// Node ids.
        targets: Vec<String>,
    },
    /// Do not analyse the diagram.
    Skip,
    /// Analyse the diagram whatever it looks like.
    Analyse,
}

/// One directive with its place in the file.
#[derive(Clone, Debug)]
pub struct Directive {
    /// What it asks, or why it could not be read.
    pub action: Result<Action, String>,
    /// The reason after ` -- `, if given.
    pub reason: Option<String>,
    /// The comment's span in the file.
    pub span: Span,
    /// The directive as written (after `spoflint`).
    pub text: String,
}

/// A path-based suppression from the config.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathIgnore {
    /// A glob over the path as the user named it: `*` matches within a path
    /// segment, `**` across segments; a pattern without `/` matches the file
    /// name anywhere, as in `.gitignore`.
    pub pattern: String,
    /// Rule names or codes to drop (empty: every rule but `parse-error`).
    pub rules: Vec<String>,
}

/// Read one comment's text (after `%%`, or inside `<!-- -->`). `None` when it
/// is not addressed to spoflint.
pub fn parse(text: &str) -> Option<(Result<Action, String>, Option<String>, String)> {
    let t = text.trim();
    let rest = if let Some(r) = strip_ci(t, "spoflint-disable") {
        format!("ignore {r}")
    } else if let Some(r) = strip_ci(t, "spoflint:") {
        r.to_string()
    } else {
        return None;
    };
    let (body, reason) = match rest.split_once(" -- ") {
        Some((b, r)) => (b.trim().to_string(), Some(r.trim().to_string())),
        None => match rest.trim_end().strip_suffix(" --") {
            Some(b) => (b.trim().to_string(), None),
            None => (rest.trim().to_string(), None),
        },
    };
    let mut words = body.split_whitespace();
    let verb = words.next().unwrap_or("").to_ascii_lowercase();
    let args: Vec<&str> = words
        .flat_map(|w| w.split(','))
        .filter(|w| !w.is_empty())
        .collect();
    let action = match verb.as_str() {
        "ignore" | "disable" => {
            let mut rules = Vec::new();
            let mut targets = Vec::new();
            for a in args {
                match crate::rules::find(a) {
                    Some(r) => rules.push(r.name),
                    None => targets.push(a.to_string()),
                }
            }
            Ok(Action::Ignore { rules, targets })
        }
        "redundant" if !args.is_empty() => Ok(Action::Redundant {
            targets: args.iter().map(|s| s.to_string()).collect(),
        }),
        "redundant" => Err("`redundant` needs the ids of the redundant nodes".to_string()),
        "skip" | "off" if args.is_empty() => Ok(Action::Skip),
        "analyse" | "analyze" | "on" if args.is_empty() => Ok(Action::Analyse),
        "" => Err("empty spoflint directive".to_string()),
        other => Err(format!(
            "unknown spoflint directive `{other}` (expected ignore, redundant, skip or analyse)"
        )),
    };
    Some((action, reason, body))
}

fn strip_ci<'a>(t: &'a str, prefix: &str) -> Option<&'a str> {
    (t.len() >= prefix.len()
        && t.is_char_boundary(prefix.len())
        && t[..prefix.len()].eq_ignore_ascii_case(prefix))
    .then(|| &t[prefix.len()..])
}

/// Every directive of a diagram: its `%%` comments, then the HTML comments
/// before its block.
pub fn directives(diagram: &Diagram, block_comments: &[(String, Span)]) -> Vec<Directive> {
    let comments = diagram
        .comments
        .iter()
        .map(|c| (c.text.as_str(), c.span))
        .chain(block_comments.iter().map(|(t, s)| (t.as_str(), *s)));
    comments
        .filter_map(|(text, span)| {
            parse(text).map(|(action, reason, body)| Directive {
                action,
                reason,
                span,
                text: body,
            })
        })
        .collect()
}

/// What the directives tell the analysis (opt-in/out, redundant nodes).
pub fn overrides(
    diagram: &Diagram,
    block_comments: &[(String, Span)],
    settings: &Settings,
) -> Overrides {
    let _ = settings;
    overrides_of(&directives(diagram, block_comments))
}

/// What these directives tell the analysis.
pub fn overrides_of(dirs: &[Directive]) -> Overrides {
    let mut ov = Overrides::default();
    for d in dirs {
        match &d.action {
            Ok(Action::Skip) => ov.analyse = Some(false),
            Ok(Action::Analyse) => ov.analyse = Some(true),
            Ok(Action::Redundant { targets }) => ov.redundant.extend(targets.iter().cloned()),
            _ => {}
        }
    }
    ov
}

fn rule_enabled(settings: &Settings, rule: &str) -> bool {
    !matches!(settings.levels.get(rule), Some(Level::Off))
}

/// Drop the findings the `ignore` directives cover, and add an
/// `unused-suppression` warning for each directive that suppressed nothing
/// (or could not be read). `was_reported` says whether a node id was a
/// single point of failure before `redundant` directives applied.
pub fn apply(
    diags: Vec<Diagnostic>,
    dirs: &[Directive],
    diagram: &Diagram,
    settings: &Settings,
    was_reported: impl Fn(&str) -> bool,
) -> Vec<Diagnostic> {
    let mut used = vec![false; dirs.len()];
    // Without `ignore` directives every finding stays: the list is kept as
    // it is rather than moved finding by finding into a new one.
    let ignores = dirs
        .iter()
        .any(|d| matches!(d.action, Ok(Action::Ignore { .. })));
    let (mut kept, to_check) = if ignores {
        (Vec::with_capacity(diags.len()), diags)
    } else {
        (diags, Vec::new())
    };
    for d in to_check {
        let mut suppressed = false;
        for (i, dir) in dirs.iter().enumerate() {
            if let Ok(Action::Ignore { rules, targets }) = &dir.action {
                let rule_ok = rules.is_empty() || rules.contains(&d.rule);
                let target_ok = targets.is_empty()
                    || targets
                        .iter()
                        .any(|t| d.node.as_deref() == Some(t) || d.subgraph.as_deref() == Some(t));
                if rule_ok && target_ok {
                    used[i] = true;
                    suppressed = true;
                }
            }
        }
        if !suppressed {
            kept.push(d);
        }
    }
    if !rule_enabled(settings, crate::rules::unused_suppression::META.name) {
        return kept;
    }
    // Ids looked up in a set, built only when some directive names one: a
    // scan of the nodes per name was quadratic on big diagrams.
    let names_ids = dirs.iter().any(|d| {
        matches!(&d.action, Ok(Action::Redundant { targets } | Action::Ignore { targets, .. }) if !targets.is_empty())
    });
    let ids: crate::vocab::FnvSet<&str> = if names_ids {
        let nodes = diagram.nodes.iter().map(|n| n.id.as_str());
        nodes
            .chain(diagram.subgraphs.iter().map(|s| s.id.as_str()))
            .collect()
    } else {
        Default::default()
    };
    let known = |id: &str| ids.contains(id);
    for (i, dir) in dirs.iter().enumerate() {
        let problem = match &dir.action {
            Err(e) => Some(e.clone()),
            Ok(Action::Skip | Action::Analyse) => None,
            Ok(Action::Redundant { targets }) => {
                let unknown: Vec<&String> = targets.iter().filter(|t| !known(t)).collect();
                if !unknown.is_empty() {
                    Some(format!("no node `{}` in this diagram", unknown[0]))
                } else if !targets.iter().any(|t| was_reported(t)) {
                    Some(
                        "nothing to suppress: no node it names is a single point of failure".into(),
                    )
                } else {
                    None
                }
            }
            Ok(Action::Ignore { rules, targets }) => {
                let unknown: Vec<&String> = targets.iter().filter(|t| !known(t)).collect();
                if !unknown.is_empty() {
                    Some(format!(
                        "no node, subgraph or rule `{}` in this diagram",
                        unknown[0]
                    ))
                } else if used[i]
                    || (!rules.is_empty() && rules.iter().all(|r| !rule_enabled(settings, r)))
                {
                    None
                } else {
                    Some("nothing to suppress: no finding matches it".into())
                }
            }
        };
        if let Some(why) = problem {
            kept.push(crate::rules::unused_suppression::diagnostic(
                dir.span, &dir.text, &why,
            ));
        }
    }
    kept
}

/// Drop findings of files that match a path suppression (parse errors stay
/// unless the pattern names `parse-error`).
pub fn apply_path_ignores(diags: &mut Vec<Diagnostic>, path: &str, ignores: &[PathIgnore]) {
    let path = path.replace('\\', "/");
    let path = path.strip_prefix("./").unwrap_or(&path);
    for ig in ignores {
        if !path_matches(&ig.pattern, path) {
            continue;
        }
        diags.retain(|d| {
            let named = ig
                .rules
                .iter()
                .any(|r| r.eq_ignore_ascii_case(d.rule) || r.eq_ignore_ascii_case(d.code));
            let drop = if ig.rules.is_empty() {
                d.rule != crate::rules::parse_error::META.name
            } else {
                named
            };
            !drop
        });
    }
}

/// Glob match: `*` within a segment, `**` across segments, `?` one
/// character; a pattern without `/` matches the last segment or any suffix
/// of segments.
pub fn path_matches(pattern: &str, path: &str) -> bool {
    let pattern = pattern.strip_prefix("./").unwrap_or(pattern);
    if !pattern.contains('/') {
        return path
            .rsplit('/')
            .next()
            .is_some_and(|name| glob(pattern.as_bytes(), name.as_bytes()));
    }
    glob(pattern.as_bytes(), path.as_bytes())
        || glob(
            format!("{}/**", pattern.trim_end_matches('/')).as_bytes(),
            path.as_bytes(),
        )
}

fn glob(p: &[u8], s: &[u8]) -> bool {
    match p.first() {
        None => s.is_empty(),
        Some(b'*') if p.get(1) == Some(&b'*') => {
            let rest = p[2..].strip_prefix(b"/").unwrap_or(&p[2..]);
            if rest.is_empty() {
                return true;
            }
            (0..=s.len()).any(|i| (i == 0 || s[i - 1] == b'/') && glob(rest, &s[i..]))
                || glob(&p[2..], s)
        }
        Some(b'*') => (0..=s.len())
            .take_while(|&i| i == 0 || s[i - 1] != b'/')
            .any(|i| glob(&p[1..], &s[i..])),
        Some(b'?') => !s.is_empty() && s[0] != b'/' && glob(&p[1..], &s[1..]),
        Some(&c) => s.first() == Some(&c) && glob(&p[1..], &s[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_forms() {
        let (a, r, _) =
            parse("spoflint: ignore single-point-of-failure DB -- accepted risk").unwrap();
        assert_eq!(
            a,
            Ok(Action::Ignore {
                rules: vec!["single-point-of-failure"],
                targets: vec!["DB".into()]
            })
        );
        assert_eq!(r.as_deref(), Some("accepted risk"));
        let (a, _, _) = parse("spoflint-disable SPOF002").unwrap();
        assert_eq!(
            a,
            Ok(Action::Ignore {
                rules: vec!["single-region"],
                targets: vec![]
            })
        );
        let (a, r, _) = parse("spoflint: redundant DB,Cache -- RDS Multi-AZ").unwrap();
        assert_eq!(
            a,
            Ok(Action::Redundant {
                targets: vec!["DB".into(), "Cache".into()]
            })
        );
        assert_eq!(r.as_deref(), Some("RDS Multi-AZ"));
        assert_eq!(parse("spoflint: skip").unwrap().0, Ok(Action::Skip));
        assert_eq!(parse("SPOFLINT: analyze").unwrap().0, Ok(Action::Analyse));
        assert!(parse("spoflint: frobnicate").unwrap().0.is_err());
        assert!(parse("just a comment").is_none());
    }

    #[test]
    fn path_globs() {
        assert!(path_matches("docs/legacy/**", "docs/legacy/a/b.md"));
        assert!(path_matches("docs/legacy", "docs/legacy/b.md"));
        assert!(path_matches("*.mdx", "src/x/page.mdx"));
        assert!(path_matches("docs/*.md", "docs/a.md"));
        assert!(!path_matches("docs/*.md", "docs/a/b.md"));
        assert!(!path_matches("docs/legacy/**", "docs/other.md"));
    }
}
