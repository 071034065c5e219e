//! The comments standing right before a block (suppression comments such
//! as `<!-- spoflint-disable single-point-of-failure: reason -->`): HTML
//! comments, and MDX comments `{/* ... */}` since MDX rejects HTML ones.
//! Owns what "right before" means: only blank lines (and block-quote
//! markers) between the comments and the block's opening line.

use super::lines::{line_end, line_start};
use std::ops::Range;

/// How far back the start of one comment is looked for. Suppression
/// comments are short; the bound keeps the scan linear on hostile input.
const MAX_COMMENT_LEN: usize = 4096;

/// Comment delimiters: HTML, and MDX's JavaScript comment in braces.
const KINDS: &[(&str, &str)] = &[("<!--", "-->"), ("{/*", "*/}")];

/// The comments before the line holding `open` (text inside, trimmed, and
/// range of the whole `<!-- ... -->` or `{/* ... */}`), first comment
/// first.
pub(super) fn leading(text: &str, open: usize) -> Vec<(String, Range<usize>)> {
    let mut found: Vec<(String, Range<usize>)> = Vec::new();
    let mut pos = line_start(text, open);
    loop {
        // The previous line that is not blank.
        let mut prev = None;
        while pos > 0 {
            let start = line_start(text, pos - 1);
            let s = text[start..line_end(text, start)].trim_start_matches([' ', '\t', '>']);
            if !s.trim().is_empty() {
                prev = Some(start);
                break;
            }
            pos = start;
        }
        let Some(start) = prev else { break };
        let line = text[start..line_end(text, start)].trim_end();
        let Some(&(opener, _)) = KINDS.iter().find(|(_, closer)| line.ends_with(closer)) else {
            break;
        };
        let end = start + line.len();
        let window = end.saturating_sub(MAX_COMMENT_LEN);
        let window = (window..end)
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(end);
        let Some(open_at) = text[window..end].rfind(opener).map(|i| window + i) else {
            break;
        };
        let region = line_start(text, open_at);
        let Some(comments) = parse_comments(text, region, end) else {
            break;
        };
        // Collected last first; turned round once at the end.
        found.extend(comments.into_iter().rev());
        pos = region;
    }
    found.reverse();
    found
}

/// `text[from..to]` read as nothing but comments, whitespace and
/// block-quote markers; `None` if anything else is there.
fn parse_comments(text: &str, from: usize, to: usize) -> Option<Vec<(String, Range<usize>)>> {
    let mut out = Vec::new();
    let mut i = from;
    loop {
        let rest = &text[i..to];
        let trimmed = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '>');
        i = to - trimmed.len();
        if trimmed.is_empty() {
            return Some(out);
        }
        let (opener, closer) = KINDS.iter().find(|(o, _)| trimmed.starts_with(o))?;
        let inner = &trimmed[opener.len()..];
        let close = inner.find(closer)?;
        let end = i + opener.len() + close + closer.len();
        out.push((inner[..close].trim().to_string(), i..end));
        i = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        let open = text.find("```").unwrap();
        leading(text, open).into_iter().map(|(s, _)| s).collect()
    }

    #[test]
    fn comments_before_a_fence() {
        assert_eq!(
            texts("<!-- a -->\n\n<!-- b --> <!-- c -->\n```m\n"),
            ["a", "b", "c"]
        );
        assert_eq!(texts("<!--\n  a\n-->\n```m\n"), ["a"]);
        assert_eq!(texts("> <!-- q -->\n>\n> ```m\n"), ["q"]);
        assert!(texts("<!-- a -->\ntext\n```m\n").is_empty());
        assert!(texts("x <!-- a -->\n```m\n").is_empty());
        assert!(texts("```m\n").is_empty());
    }

    #[test]
    fn mdx_comments() {
        assert_eq!(texts("{/* a */}\n\n<!-- b -->\n```m\n"), ["a", "b"]);
        assert_eq!(texts("{/*\n a\n*/}\n```m\n"), ["a"]);
        assert!(texts("x {/* a */}\n```m\n").is_empty());
    }

    #[test]
    fn span_covers_the_comment() {
        let text = "  <!-- a -->\r\n```m\n";
        let (_, r) = &leading(text, text.find('`').unwrap())[0];
        assert_eq!(&text[r.clone()], "<!-- a -->");
    }
}
