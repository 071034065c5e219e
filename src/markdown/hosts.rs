//! The host forms that are not CommonMark fences, found line by line as
//! `count_blocks.py` finds them: an opening tag must start its line (after
//! indentation); the body runs to the closing tag, or to the end of the text
//! when there is none. Owns Hugo, Liquid, Azure DevOps `::: mermaid`, HTML
//! `<pre|div class="mermaid">` and MDX `<Mermaid chart={`...`} />`.
//!
//! Every search moves forward only, so a level is scanned in linear time.

use super::lines::{Line, Lines};
use super::Host;
use std::ops::Range;

/// A host block, in level offsets.
pub(super) struct HostBlock {
    pub host: Host,
    pub info: &'static str,
    /// The opening tag to the end of its line.
    pub open: Range<usize>,
    /// The diagram text.
    pub body: Range<usize>,
}

/// Find the host blocks of `text`, leaving out lines that start inside one
/// of the sorted `skip` ranges (code blocks, HTML comments). Tags are looked
/// for on lines starting up to `last_opening` (every opening tag spells a
/// marker, see [`super::markers`]); a block's body may run past it.
pub(super) fn scan(text: &str, skip: &[Range<usize>], last_opening: usize) -> Vec<HostBlock> {
    let mut out = Vec::new();
    let mut k = 0;
    let mut pos = 0;
    // MDX components whose attributes were read up to here had no diagram:
    // a later `<Mermaid` before this point would read the same attributes.
    let mut mdx_dead_until = 0;
    while pos < text.len() {
        let Some(line) = Lines::from(text, pos).next() else {
            break;
        };
        if line.start > last_opening {
            break;
        }
        pos = line.next;
        while k < skip.len() && skip[k].end <= line.start {
            k += 1;
        }
        if k < skip.len() && skip[k].start <= line.start {
            continue;
        }
        let s = &text[line.start..line.end];
        let indent = s.len() - s.trim_start_matches([' ', '\t']).len();
        let at = line.start + indent;
        // Every host form opens with `:`, `<` or `{` after the indentation.
        if !matches!(text.as_bytes().get(at), Some(b':' | b'<' | b'{')) {
            continue;
        }
        if let Some(b) = azure(text, line) {
            pos = after(text, b.body.end);
            out.push(b);
        } else if let Some(b) = html(text, line, at) {
            // Another block may open on the closing tag's line
            // (`<pre class="mermaid">…</pre> <pre class="mermaid">…`): the
            // rest of that line is looked at as a line of its own, or the
            // second diagram was never parsed.
            pos = match html_close_end(text, &b) {
                Some(end) if text[end..].trim_start_matches([' ', '\t']).starts_with('<') => end,
                _ => after(text, b.body.end),
            };
            out.push(b);
        } else if let Some(b) = hugo(text, line, at) {
            pos = after(text, b.body.end);
            out.push(b);
        } else if let Some(b) = liquid(text, line, at) {
            pos = after(text, b.body.end);
            out.push(b);
        } else if at >= mdx_dead_until {
            match mdx(text, line, at) {
                Mdx::NotOpen => {}
                Mdx::Block(b, end) => {
                    pos = after(text, end);
                    out.push(b);
                }
                Mdx::FromVariable(end) => pos = after(text, end),
                Mdx::Nothing(end) => mdx_dead_until = end,
            }
        }
    }
    out
}

/// Where the line after the one holding `pos` starts.
fn after(text: &str, pos: usize) -> usize {
    Lines::from(text, super::lines::line_start(text, pos))
        .next()
        .map_or(text.len(), |l| l.next)
}

fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// Azure DevOps wiki: a line `::: mermaid`, closed by a line of `:::`.
fn azure(text: &str, line: Line) -> Option<HostBlock> {
    let s = text[line.start..line.end].trim_matches([' ', '\t']);
    let name = s.strip_prefix(":::")?.trim_start_matches([' ', '\t']);
    if !name.eq_ignore_ascii_case("mermaid") {
        return None;
    }
    let open_at = line.start + text[line.start..].find(':').unwrap_or(0);
    let body_end = Lines::from(text, line.next)
        .find(|l| {
            let t = text[l.start..l.end].trim_matches([' ', '\t']);
            t.len() >= 3 && t.bytes().all(|b| b == b':')
        })
        .map_or(text.len(), |l| l.start);
    Some(HostBlock {
        host: Host::AzureDevOps,
        info: "azure-devops",
        open: open_at..line.end,
        body: line.next.min(body_end)..body_end,
    })
}

/// HTML `<pre class="mermaid">` / `<div class="mermaid">` (any other
/// classes and attributes allowed), closed by `</pre>` / `</div>`.
fn html(text: &str, line: Line, at: usize) -> Option<HostBlock> {
    let s = &text[at..line.end];
    let tag = if starts_with_ci(s, "<pre") {
        "pre"
    } else if starts_with_ci(s, "<div") {
        "div"
    } else {
        return None;
    };
    if s.as_bytes().get(4).is_some_and(|&b| is_word_byte(b)) {
        return None;
    }
    let gt = s.find('>')?;
    if !class_has_mermaid(&s[4..gt]) {
        return None;
    }
    let body_start = at + gt + 1;
    let close = format!("</{tag}>");
    let body_end = find_ci(&text[body_start..], &close).map_or(text.len(), |i| body_start + i);
    Some(HostBlock {
        host: Host::Html,
        info: "html",
        open: at..line.end,
        body: body_start..body_end,
    })
}

/// Where an HTML block's closing tag (`</pre>`, `</div>`) ends, if it has one.
fn html_close_end(text: &str, b: &HostBlock) -> Option<usize> {
    let rest = &text[b.body.end..];
    let close = rest.strip_prefix("</")?;
    let gt = close.find('>')?;
    Some(b.body.end + 2 + gt + 1)
}

/// Whether a tag's attributes have a `class` whose value holds the word
/// `mermaid`.
fn class_has_mermaid(attrs: &str) -> bool {
    let lower = attrs.to_ascii_lowercase();
    let b = lower.as_bytes();
    let mut from = 0;
    while let Some(i) = lower[from..].find("class").map(|i| from + i) {
        from = i + 5;
        if i > 0 && is_word_byte(b[i - 1]) {
            continue;
        }
        let rest = lower[i + 5..].trim_start();
        let Some(rest) = rest.strip_prefix('=') else {
            continue;
        };
        let rest = rest.trim_start();
        if !rest.starts_with(['"', '\'']) {
            continue;
        }
        let value = &rest[1..];
        let Some(end) = value.find(['"', '\'']) else {
            continue;
        };
        if has_word(&value[..end], "mermaid") {
            return true;
        }
    }
    false
}

/// `word` in `s` with no word character on either side (regex `\bword\b`).
fn has_word(s: &str, word: &str) -> bool {
    let b = s.as_bytes();
    s.match_indices(word).any(|(i, _)| {
        (i == 0 || !is_word_byte(b[i - 1]))
            && !b.get(i + word.len()).is_some_and(|&c| is_word_byte(c))
    })
}

/// Case-insensitive ASCII find.
fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let n = needle.as_bytes();
    hay.as_bytes()
        .windows(n.len())
        .position(|w| w.eq_ignore_ascii_case(n))
}

/// Hugo `{{< mermaid ... >}}` or `{{% mermaid %}}`, closed by
/// `{{< /mermaid >}}`, possibly on the same line.
fn hugo(text: &str, line: Line, at: usize) -> Option<HostBlock> {
    let s = &text[at..line.end];
    let rest = s.strip_prefix("{{<").or_else(|| s.strip_prefix("{{%"))?;
    let rest = rest.trim_start();
    if !starts_with_ci(rest, "mermaid") {
        return None;
    }
    let after_name = &rest[7..];
    let brace = after_name.find('}')?;
    let before = after_name.as_bytes()[..brace].last().copied();
    if !matches!(before, Some(b'>' | b'%')) || after_name.as_bytes().get(brace + 1) != Some(&b'}') {
        return None;
    }
    let body_start = line.end - (after_name.len() - brace - 2);
    let body_end = hugo_close(&text[body_start..]).map_or(text.len(), |i| body_start + i);
    Some(HostBlock {
        host: Host::Hugo,
        info: "hugo",
        open: at..line.end,
        body: body_start..body_end,
    })
}

/// Offset of the first `{{< /mermaid >}}` (spaces optional, `%` allowed).
fn hugo_close(s: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = s[from..].find("{{").map(|i| from + i) {
        from = i + 2;
        let r = &s[i + 2..];
        let Some(r) = r.strip_prefix(['<', '%']) else {
            continue;
        };
        let Some(r) = r.trim_start().strip_prefix('/') else {
            continue;
        };
        let r = r.trim_start();
        if !starts_with_ci(r, "mermaid") {
            continue;
        }
        let r =
            r[7..].trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        let r = r.trim_start();
        if r.starts_with(">}}") || r.starts_with("%}}") {
            return Some(i);
        }
    }
    None
}

/// Liquid `{% mermaid %}` ... `{% endmermaid %}` (`{%-` / `-%}` allowed).
fn liquid(text: &str, line: Line, at: usize) -> Option<HostBlock> {
    let s = &text[at..line.end];
    let rest = s.strip_prefix("{%")?;
    let rest = rest.strip_prefix('-').unwrap_or(rest).trim_start();
    if !starts_with_ci(rest, "mermaid") || rest.as_bytes().get(7).is_some_and(|&b| is_word_byte(b))
    {
        return None;
    }
    let after_name = &rest[7..];
    let pct = after_name.find('%')?;
    if after_name.as_bytes().get(pct + 1) != Some(&b'}') {
        return None;
    }
    let body_start = line.end - (after_name.len() - pct - 2);
    let mut body_end = text.len();
    for l in Lines::from(text, line.next) {
        if let Some(i) = liquid_close(&text[l.start..l.end]) {
            body_end = l.start + i;
            break;
        }
    }
    Some(HostBlock {
        host: Host::Liquid,
        info: "liquid",
        open: at..line.end,
        body: body_start.min(body_end)..body_end,
    })
}

/// Offset of `{% endmermaid %}` in a line.
fn liquid_close(s: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = s[from..].find("{%").map(|i| from + i) {
        from = i + 2;
        let r = &s[i + 2..];
        let r = r.strip_prefix('-').unwrap_or(r).trim_start();
        if !starts_with_ci(r, "endmermaid") {
            continue;
        }
        let r = r[10..].trim_start();
        let r = r.strip_prefix('-').unwrap_or(r);
        if r.starts_with("%}") {
            return Some(i);
        }
    }
    None
}

/// What an MDX `<Mermaid` tag turned out to be.
enum Mdx {
    /// The line does not start a `<Mermaid>` / `<MermaidDiagram>` tag.
    NotOpen,
    /// A diagram in a template literal; the tag's reading ended at the offset.
    Block(HostBlock, usize),
    /// `chart={variable}`: a diagram whose text is elsewhere (skipped).
    FromVariable(usize),
    /// No diagram; the tag's attributes were read up to the offset.
    Nothing(usize),
}

/// MDX ``<Mermaid chart={`...`} />``: the first template literal in the
/// tag's attributes is the diagram.
fn mdx(text: &str, line: Line, at: usize) -> Mdx {
    let s = &text[at..line.end];
    let Some(rest) = s.strip_prefix("<Mermaid") else {
        return Mdx::NotOpen;
    };
    let rest = rest.strip_prefix("Diagram").unwrap_or(rest);
    if rest.as_bytes().first().is_some_and(|&b| is_word_byte(b)) {
        return Mdx::NotOpen;
    }
    let attrs_start = line.end - rest.len();
    let bytes = text.as_bytes();
    let mut i = attrs_start;
    let mut template: Option<Range<usize>> = None;
    let mut end = text.len();
    while i < bytes.len() {
        match bytes[i] {
            b'`' => {
                let start = i + 1;
                let close = text[start..].find('`').map_or(text.len(), |j| start + j);
                if template.is_none() && close > start {
                    template = Some(start..close);
                }
                i = close + 1;
            }
            b'/' if bytes.get(i + 1) == Some(&b'>') => {
                end = i;
                break;
            }
            b'<' if text[i..].starts_with("</Mermaid") => {
                end = i;
                break;
            }
            _ => i += 1,
        }
    }
    let end = end.min(text.len());
    if let Some(body) = template {
        let block = HostBlock {
            host: Host::Mdx,
            info: "mdx",
            open: at..line.end,
            body,
        };
        return Mdx::Block(block, end);
    }
    let attrs = &text[attrs_start..end];
    if ["chart", "value", "code"].iter().any(|a| {
        attrs.match_indices(a).any(|(j, _)| {
            let b = attrs.as_bytes();
            (j == 0 || !is_word_byte(b[j - 1]))
                && attrs[j + a.len()..].trim_start().starts_with('=')
                && attrs[j + a.len()..].trim_start()[1..]
                    .trim_start()
                    .starts_with('{')
        })
    }) {
        Mdx::FromVariable(end)
    } else {
        Mdx::Nothing(end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bodies(text: &str) -> Vec<(&'static str, &str)> {
        scan(text, &[], text.len())
            .into_iter()
            .map(|b| (b.info, &text[b.body]))
            .collect()
    }

    #[test]
    fn each_host_form() {
        assert_eq!(
            bodies("{{< mermaid align=\"center\" >}}\ngraph LR\n{{< /mermaid >}}\n"),
            [("hugo", "\ngraph LR\n")]
        );
        assert_eq!(
            bodies("{{<mermaid>}}graph LR{{</mermaid>}}\n"),
            [("hugo", "graph LR")]
        );
        assert_eq!(
            bodies("{%- mermaid -%}\ngraph LR\n{% endmermaid %}\n"),
            [("liquid", "\ngraph LR\n")]
        );
        assert_eq!(
            bodies("::: mermaid\ngraph LR\n:::\n"),
            [("azure-devops", "graph LR\n")]
        );
        assert_eq!(
            bodies("<pre class=\"mermaid\">\ngraph LR\n</pre>\n"),
            [("html", "\ngraph LR\n")]
        );
        assert_eq!(
            bodies("<div class='diagram mermaid'>graph LR</div>\n"),
            [("html", "graph LR")]
        );
        assert_eq!(
            bodies("<Mermaid chart={`\ngraph LR\n`} />\n"),
            [("mdx", "\ngraph LR\n")]
        );
    }

    // The second block on the closing tag's line was never parsed, so a
    // broken diagram there passed without a word.
    #[test]
    fn two_html_blocks_on_one_line_are_both_found() {
        assert_eq!(
            bodies("<pre class=\"mermaid\">graph LR\nA</pre> <pre class=\"mermaid\">graph LR\nB ]</pre>\n"),
            [("html", "graph LR\nA"), ("html", "graph LR\nB ]")]
        );
        assert_eq!(
            bodies("<div class=\"mermaid\">graph LR</div><div class=\"mermaid\">graph TB</div>\n"),
            [("html", "graph LR"), ("html", "graph TB")]
        );
    }

    #[test]
    fn not_hosts() {
        assert!(bodies("<div class=\"mermaids\">x</div>\n").is_empty());
        assert!(bodies("text {{< mermaid >}}\n").is_empty());
        assert!(bodies("<Mermaid chart={graph} />\n").is_empty());
        assert!(bodies("<MermaidX chart={`a`} />\n").is_empty());
        assert!(bodies("{% mermaidx %}\n").is_empty());
    }

    #[test]
    fn unclosed_runs_to_the_end() {
        assert_eq!(
            bodies("{{< mermaid >}}\ngraph LR\n"),
            [("hugo", "\ngraph LR\n")]
        );
    }

    #[test]
    fn many_unfinished_mdx_tags_stay_linear() {
        let text = "<Mermaid\n".repeat(200_000);
        assert!(bodies(&text).is_empty());
    }
}
