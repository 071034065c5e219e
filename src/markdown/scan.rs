//! The CommonMark pass: runs pulldown-cmark over one level of Markdown,
//! takes the Mermaid fences, and rescans the containers whose content is
//! Markdown again. Owns fences and nesting; the other host forms are
//! [`super::hosts`]'.
//!
//! A *level* is a text plus the map from its offsets to the file's: the file
//! itself (after BOM and front matter), or the content of a container cut out
//! of it. Three kinds of container are rescanned, because the renderers
//! people use read their content as Markdown where CommonMark would not:
//!
//! - ```` ```mdx-code-block ```` fences (Docusaurus renders them as MDX);
//! - indented code blocks (MkDocs admonitions and content tabs indent their
//!   content by 4; MDX has no indented code at all, so an indented fence
//!   under a JSX element is still a fence);
//! - HTML blocks other than comments and raw `<pre>`/`<script>`/`<style>`/
//!   `<textarea>`, from their second line (MDX reads JSX children as Markdown).
//!
//! Before pulldown-cmark sees a level, lines that are only HTML/JSX tags
//! (`<Tabs>`, `<Tab title="x">`, `</details>`) and MkDocs container headers
//! (`!!! note`, `??? tip`, `=== "Tab"`) are blanked in a same-length copy,
//! so a fence under them is not swallowed by an HTML block or a paragraph.
//! Lone `\r` line endings become `\n` in that copy (pulldown-cmark does not
//! end lines at a lone `\r`). Block text is always cut from the original.

use super::{comments, hosts, lines, markers, Block, BlockOptions, Host, OffsetMap};
use crate::span::Span;
use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};
use std::borrow::Cow;
use std::ops::Range;

/// How many containers deep blocks are looked for. Each level rescans at
/// most the text of its parent, so this bounds the total work to
/// `MAX_DEPTH` times the file size.
pub const MAX_DEPTH: u8 = 8;

/// A block found at some depth (used to keep the outermost of duplicates).
pub(super) type Found = (u8, Block);

/// What every level of one file's scan shares.
pub(super) struct Scan<'o> {
    /// Which info strings count.
    pub opts: &'o BlockOptions,
    /// The blocks found so far.
    pub out: Vec<Found>,
}

/// One level: its text, the map from it to the file, how deep it is, and
/// the comments standing before its container (file spans), which a block
/// opening the container's content stands behind too.
#[derive(Clone, Copy)]
struct Level<'t> {
    text: &'t str,
    map: &'t OffsetMap,
    depth: u8,
    inherited: &'t [(String, Span)],
}

impl Scan<'_> {
    /// Scan one level: `text` with `map` to the file, `depth` containers deep.
    pub(super) fn level(&mut self, text: &str, map: &OffsetMap, depth: u8) {
        let Some(last_opening) = markers::last_opening(text, self.opts) else {
            return;
        };
        let lv = Level {
            text,
            map,
            depth,
            inherited: &[],
        };
        self.scan_level(lv, last_opening);
    }

    /// Scan a level whose last line that may open a block ends at
    /// `last_opening` ([`markers::last_opening`]).
    ///
    /// pulldown-cmark reads the level only up to a line after that one where
    /// the reading is known to stop mattering (see [`cut_after`]): when that
    /// line turns out to be paragraph text with every code and HTML block
    /// closed before it, no later line can change what came before (CommonMark
    /// decides each line's block from the lines above it), and no later line
    /// opens a block. Otherwise the level is read again, whole.
    fn scan_level(&mut self, lv: Level<'_>, last_opening: usize) {
        let text = lv.text;
        let found_before = self.out.len();
        let skip = match cut_after(text, last_opening) {
            Some(cut) => match self.parse(lv, &text[..cut.end], Some(cut.start)) {
                Some(skip) => Some(skip),
                None => {
                    self.out.truncate(found_before);
                    None
                }
            },
            None => None,
        };
        let mut skip = match skip {
            Some(skip) => skip,
            None => self.parse(lv, text, None).unwrap_or_default(),
        };
        skip.sort_by_key(|r| r.start);
        for h in hosts::scan(text, &skip, last_opening) {
            let body = &text[h.body.clone()];
            let b = block(
                lv,
                h.host,
                h.info.to_string(),
                body,
                OffsetMap::contiguous(h.body.start),
                h.open,
            );
            self.out.push((lv.depth, b));
        }
    }

    /// Run pulldown-cmark over `parsed`, the level's text or a prefix of it
    /// ending with a line break: keep the Mermaid fences, rescan the
    /// containers, and return the ranges host tags are not looked for in
    /// (code blocks, HTML comments: code is rescanned where it is Markdown).
    ///
    /// For a prefix, `last_line` is where its last line starts, and `None`
    /// comes back unless that line is paragraph text with every code and
    /// HTML block closed before it; the blocks found so far must then be
    /// dropped.
    fn parse(
        &mut self,
        lv: Level<'_>,
        parsed: &str,
        last_line: Option<usize>,
    ) -> Option<Vec<Range<usize>>> {
        let open_at_end = |r: &Range<usize>| last_line.is_some_and(|s| r.end > s);
        let mut last_line_is_text = false;
        let norm = normalize(parsed);
        let mut skip: Vec<Range<usize>> = Vec::new();
        let mut code: Option<(Option<CowStr<'_>>, Vec<Range<usize>>)> = None;
        let mut html: Option<Vec<Range<usize>>> = None;
        for (event, range) in Parser::new_ext(&norm, Options::empty()).into_offset_iter() {
            match event {
                Event::Start(Tag::CodeBlock(kind)) => {
                    let info = match kind {
                        CodeBlockKind::Fenced(info) => Some(info),
                        CodeBlockKind::Indented => None,
                    };
                    code = Some((info, Vec::new()));
                }
                Event::Text(_) => {
                    if let Some((_, pieces)) = code.as_mut() {
                        pieces.push(range);
                    } else if last_line.is_some_and(|s| range.start >= s) {
                        last_line_is_text = true;
                    }
                }
                Event::End(TagEnd::CodeBlock) => {
                    if open_at_end(&range) {
                        return None;
                    }
                    if let Some((info, pieces)) = code.take() {
                        skip.push(range.clone());
                        self.code_block(lv, info.as_deref(), &pieces, range);
                    }
                }
                Event::Start(Tag::HtmlBlock) => html = Some(Vec::new()),
                Event::Html(_) => {
                    if let Some(pieces) = html.as_mut() {
                        pieces.push(range);
                    }
                }
                Event::End(TagEnd::HtmlBlock) => {
                    if open_at_end(&range) {
                        return None;
                    }
                    if let Some(pieces) = html.take() {
                        if self.html_block(lv, &pieces, range.clone()) {
                            skip.push(range);
                        }
                    }
                }
                _ => {}
            }
        }
        if last_line.is_some() && !last_line_is_text {
            return None;
        }
        Some(skip)
    }

    /// A code block ended: keep it if it is Mermaid, rescan it if it is a
    /// Markdown container. `range` is the whole block in the level.
    fn code_block(
        &mut self,
        lv: Level<'_>,
        info: Option<&str>,
        pieces: &[Range<usize>],
        range: Range<usize>,
    ) {
        let text = lv.text;
        let start = range.start;
        let word = info.map(first_word);
        let mermaid = word.is_some_and(|word| {
            self.opts
                .info_strings
                .iter()
                .any(|s| s.eq_ignore_ascii_case(word))
        });
        let container = match word {
            None => true,
            Some(word) => word.eq_ignore_ascii_case("mdx-code-block"),
        };
        // A container is rescanned only if it may hold a block.
        let wanted = mermaid || (container && self.may_open(text, range));
        if !wanted {
            return;
        }
        let open = start..lines::line_end(text, start);
        let after_open = lines::Lines::from(text, lines::line_start(text, start))
            .next()
            .map_or(text.len(), |l| l.next);
        let (body, body_map) = gather(text, pieces, after_open);
        let Some(word) = word.filter(|_| mermaid) else {
            return self.nested(lv, &body, &body_map, start);
        };
        let b = if word.starts_with('{') {
            // MyST hands the directive its body without the options.
            let skip = myst_options_len(&body);
            let map = OffsetMap::contiguous(skip).then(&body_map, body.len() - skip);
            block(lv, Host::Myst, word.to_string(), &body[skip..], map, open)
        } else {
            block(lv, Host::Fence, word.to_string(), &body, body_map, open)
        };
        self.out.push((lv.depth, b));
    }

    /// Whether a line of `text[range]` may open a block: a container whose
    /// text has none needs no rescan. The range is widened to character
    /// boundaries (see [`gather`]).
    fn may_open(&self, text: &str, range: Range<usize>) -> bool {
        let mut start = range.start.min(text.len());
        let mut end = range.end.min(text.len());
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        while !text.is_char_boundary(end) {
            end += 1;
        }
        markers::last_opening(&text[start..end], self.opts).is_some()
    }

    /// An HTML block ended: rescan it from its second line, unless it is a
    /// comment (then say so: `true`) or a raw-text element.
    fn html_block(&mut self, lv: Level<'_>, pieces: &[Range<usize>], range: Range<usize>) -> bool {
        let text = lv.text;
        let start = range.start;
        let head = text[start..].trim_start();
        if head.starts_with("<!--") {
            return true;
        }
        let tag: String = head
            .trim_start_matches(['<', '/'])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if matches!(tag.as_str(), "pre" | "script" | "style" | "textarea")
            || !self.may_open(text, range)
        {
            return false;
        }
        let second = lines::Lines::from(text, lines::line_start(text, start))
            .next()
            .map_or(text.len(), |l| l.next);
        let rest: Vec<Range<usize>> = pieces
            .iter()
            .filter(|r| r.end > second)
            .map(|r| r.start.max(second)..r.end)
            .collect();
        if !rest.is_empty() {
            let (body, body_map) = gather(text, &rest, second);
            self.nested(lv, &body, &body_map, start);
        }
        false
    }

    /// Rescan a container's content (`body`, mapped into the level by
    /// `body_map`) one level deeper; the container opens at `start`.
    fn nested(&mut self, lv: Level<'_>, body: &str, body_map: &OffsetMap, start: usize) {
        if lv.depth + 1 >= MAX_DEPTH || body.trim().is_empty() {
            return;
        }
        let Some(last_opening) = markers::last_opening(body, self.opts) else {
            return;
        };
        let to_file = body_map.then(lv.map, body.len());
        let inherited = comments_for(lv, start);
        let inner = Level {
            text: body,
            map: &to_file,
            depth: lv.depth + 1,
            inherited: &inherited,
        };
        self.scan_level(inner, last_opening);
    }
}

/// Where pulldown-cmark may stop reading a level whose last line that may
/// open a block ends at `last_opening`: a guess, checked by
/// [`Scan::parse`], at the first later line that is paragraph text
/// (starting with a letter, after a blank line, outside any fence as far as
/// a plain line-by-line look can tell). Returns that line's start and where
/// the next one starts; `None` when no such line is seen or it is the last.
fn cut_after(text: &str, last_opening: usize) -> Option<Range<usize>> {
    let mut fence: Option<(u8, usize)> = None;
    let mut prev_blank = false;
    for l in lines::Lines::from(text, lines::line_start(text, last_opening)) {
        let line = &text[l.start..l.end];
        let t = line.trim_start_matches([' ', '\t', '>']).as_bytes();
        let c = t.first().copied().unwrap_or(b' ');
        let run = t.iter().take_while(|&&b| b == c).count();
        if matches!(c, b'`' | b'~') && run >= 3 {
            match fence {
                None if c == b'~' || !t[run..].contains(&b'`') => fence = Some((c, run)),
                Some((fc, n)) if fc == c && run >= n && t[run..].trim_ascii().is_empty() => {
                    fence = None
                }
                _ => {}
            }
        } else if fence.is_none()
            && prev_blank
            && l.start > last_opening
            && line.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
        {
            return (l.next < text.len()).then_some(l.start..l.next);
        }
        prev_blank = line.trim().is_empty();
    }
    None
}

/// Build a block from level-relative pieces: map everything to the file.
fn block(
    lv: Level<'_>,
    host: Host,
    info: String,
    body: &str,
    body_map: OffsetMap,
    open: Range<usize>,
) -> Block {
    let leading_comments = comments_for(lv, open.start);
    Block {
        host,
        info,
        text: body.to_string(),
        map: body_map.then(lv.map, body.len()),
        open: lv.map.span(Span::new(open.start, open.end)),
        leading_comments,
    }
}

/// Length of the MyST directive options (`:caption: x`, `:align: center`
/// lines) at the top of a `{mermaid}` body.
fn myst_options_len(body: &str) -> usize {
    let mut len = 0;
    for l in lines::Lines::new(body) {
        let t = body[l.start..l.end].trim_start();
        let Some(rest) = t.strip_prefix(':') else {
            break;
        };
        let name_len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(rest.len());
        if name_len == 0 || !rest[name_len..].starts_with(':') {
            break;
        }
        len = l.next;
    }
    len
}

/// The comments standing before whatever opens at `start` in a level, as
/// file spans; for the first thing in a container's content, those standing
/// before the container.
fn comments_for(lv: Level<'_>, start: usize) -> Vec<(String, Span)> {
    let own = comments::leading(lv.text, start);
    if own.is_empty()
        && lv.text[..lines::line_start(lv.text, start)]
            .trim()
            .is_empty()
    {
        return lv.inherited.to_vec();
    }
    own.into_iter()
        .map(|(s, r)| (s, lv.map.span(Span::new(r.start, r.end))))
        .collect()
}

/// The first word of an info string: up to whitespace, or up to `{` for
/// `mermaid{...}`-style attributes (`{mermaid}` itself stays whole).
pub(super) fn first_word(info: &str) -> &str {
    let word = info.split_whitespace().next().unwrap_or("");
    if word.starts_with('{') {
        word
    } else {
        word.split('{').next().unwrap_or(word)
    }
}

/// Concatenate the level-text `pieces` of a code block's content. A gap made
/// only of `\r` is kept: pulldown-cmark leaves the `\r` of `\r\n` out of its
/// text, but block text keeps the file's line endings. `empty_at` anchors the
/// map of an empty block.
pub(super) fn gather(text: &str, pieces: &[Range<usize>], empty_at: usize) -> (String, OffsetMap) {
    let bytes = text.as_bytes();
    let mut out = String::new();
    let mut map = OffsetMap::default();
    let mut last: Option<usize> = None;
    for r in pieces {
        let mut start = r.start.min(text.len());
        let mut end = r.end.min(text.len());
        // Ranges are on char boundaries of the normalized copy; on a
        // blanked line they may not be on the original's.
        while !text.is_char_boundary(start) {
            start += 1;
        }
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        if let Some(le) = last {
            if start < le || bytes[le..start].iter().all(|&c| c == b'\r') {
                start = le;
            }
        }
        if start >= end {
            continue;
        }
        map.push(out.len(), start);
        out.push_str(&text[start..end]);
        last = Some(end);
    }
    if out.is_empty() {
        map = OffsetMap::contiguous(empty_at.min(text.len()));
    }
    (out, map)
}

/// A same-length copy of `text` for pulldown-cmark: lone `\r` turned into
/// `\n`, tag-only lines and MkDocs container headers blanked.
/// The text itself (no copy) when there is nothing to change, as in most
/// files.
fn normalize(text: &str) -> Cow<'_, str> {
    let b = text.as_bytes();
    let lone_cr: Vec<usize> = memchr::memchr_iter(b'\r', b)
        .filter(|&i| b.get(i + 1) != Some(&b'\n'))
        .collect();
    let mut blank: Vec<Range<usize>> = Vec::new();
    for l in lines::Lines::new(text) {
        let line = &text[l.start..l.end];
        // Both kinds of line open with one of these after white space.
        if !line.trim_start().starts_with(['<', '!', '?', '=']) {
            continue;
        }
        if is_tag_line(line) || is_mkdocs_header(line) {
            blank.push(l.start..l.end);
        }
    }
    if lone_cr.is_empty() && blank.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut bytes = b.to_vec();
    for i in lone_cr {
        bytes[i] = b'\n';
    }
    for r in blank {
        bytes[r].fill(b' ');
    }
    // Only ASCII bytes were written over whole lines or single bytes.
    match String::from_utf8(bytes) {
        Ok(s) => Cow::Owned(s),
        Err(_) => Cow::Borrowed(text),
    }
}

/// A line made only of HTML/JSX tags (`<Tab title="x">`, `</Tabs>`,
/// `<details><summary>`), other than raw-text elements and comments.
fn is_tag_line(line: &str) -> bool {
    let mut s = line.trim();
    if !s.starts_with('<') {
        return false;
    }
    while !s.is_empty() {
        let Some(rest) = s.strip_prefix('<') else {
            return false;
        };
        let rest = rest.strip_prefix('/').unwrap_or(rest);
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '-' | '_'))
            .collect();
        if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return false;
        }
        if matches!(
            name.to_ascii_lowercase().as_str(),
            "pre" | "script" | "style" | "textarea"
        ) {
            return false;
        }
        let Some(close) = rest.find('>') else {
            return false;
        };
        if rest[..close].contains('<') {
            return false;
        }
        s = rest[close + 1..].trim_start();
    }
    true
}

/// An MkDocs admonition / details / content-tab header (`!!! note`,
/// `???+ tip`, `=== "Tab"`), whose indented content is Markdown.
fn is_mkdocs_header(line: &str) -> bool {
    let s = line.trim_start_matches([' ', '\t']);
    ["!!!", "???+", "???", "==="].iter().any(|p| {
        s.strip_prefix(p)
            .is_some_and(|r| r.starts_with([' ', '\t']))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_lines() {
        assert!(is_tag_line("<Tabs>"));
        assert!(is_tag_line("  <Tab title=\"Architecture\">"));
        assert!(is_tag_line("</details>"));
        assert!(is_tag_line("<details><summary>"));
        assert!(!is_tag_line("<summary>Encrypt</summary>"));
        assert!(!is_tag_line("<pre>"));
        assert!(!is_tag_line("<!-- x -->"));
        assert!(!is_tag_line("<Mermaid chart={`A-->B`} />"));
        assert!(!is_tag_line("a <b>"));
    }

    #[test]
    fn mkdocs_headers() {
        assert!(is_mkdocs_header("!!! note"));
        assert!(is_mkdocs_header("??? note \"Under the hood\""));
        assert!(is_mkdocs_header("    ???+ tip"));
        assert!(is_mkdocs_header("=== \"Python\""));
        assert!(!is_mkdocs_header("==="));
        assert!(!is_mkdocs_header("!!!note"));
    }

    #[test]
    fn myst_options_are_not_diagram_text() {
        assert_eq!(
            myst_options_len(":caption: x\n:align: center\ngraph LR\n"),
            27
        );
        assert_eq!(myst_options_len("graph LR\n:x: y\n"), 0);
        assert_eq!(myst_options_len("::: x\n"), 0);
    }

    #[test]
    fn first_words() {
        assert_eq!(first_word("mermaid title=\"x\""), "mermaid");
        assert_eq!(first_word("  Mermaid"), "Mermaid");
        assert_eq!(first_word("mermaid{.x}"), "mermaid");
        assert_eq!(first_word("{mermaid} :caption: x"), "{mermaid}");
        assert_eq!(first_word(""), "");
    }

    #[test]
    fn a_blanked_tag_line_inside_a_deep_list_fence_keeps_its_text() {
        // The tag line is blank to pulldown-cmark, which strips the list's
        // indentation from it: the cut must not fall inside a character.
        let text = "- - - - - - ```mermaid\n<T a=\"x日本語\">\n";
        let opts = BlockOptions::default();
        let mut scan = Scan {
            opts: &opts,
            out: Vec::new(),
        };
        scan.level(text, &OffsetMap::contiguous(0), 0);
        for (_, b) in &scan.out {
            for (i, &c) in b.text.as_bytes().iter().enumerate() {
                assert_eq!(text.as_bytes()[b.map.to_file(i)], c);
            }
        }
    }

    #[test]
    fn a_level_is_read_up_to_the_paragraph_after_its_last_block() {
        let text = "```mermaid\nA\n```\n\nText\n\n```js\nx\n";
        let cut = cut_after(text, 10).unwrap();
        assert_eq!(&text[cut.clone()], "Text\n");
        let opts = BlockOptions::default();
        let mut scan = Scan {
            opts: &opts,
            out: Vec::new(),
        };
        let lv = Level {
            text,
            map: &OffsetMap::contiguous(0),
            depth: 0,
            inherited: &[],
        };
        assert!(scan.parse(lv, &text[..cut.end], Some(cut.start)).is_some());
        assert_eq!(scan.out.len(), 1);
        // A prefix ending inside a block, or on a line that is not
        // paragraph text, is no reading of the level.
        assert!(scan.parse(lv, &text[..13], Some(11)).is_none());
        assert!(scan.parse(lv, &text[..cut.start], Some(17)).is_none());
    }

    #[test]
    fn a_wrong_guess_at_the_cut_falls_back_to_the_whole_level() {
        // "```{mermaid}" has an info string, so it does not close the
        // fence: the guess takes "Text" for paragraph text, wrongly.
        let text = "```mermaid\nA\n```{mermaid}\n\nB\n    ```\n\nText\nC\n```\n\nD\n";
        let cut = cut_after(text, lines::line_end(text, 20)).unwrap();
        assert_eq!(&text[cut], "Text\n");
        let blocks = super::super::find_blocks(text, false, &BlockOptions::default());
        assert_eq!(blocks.len(), 1);
        assert!(
            blocks[0].text.ends_with("Text\nC\n"),
            "{:?}",
            blocks[0].text
        );
    }

    #[test]
    fn gather_keeps_the_cr_of_crlf() {
        let t = "```m\r\nA\r\nB\r\n```";
        let (s, m) = gather(t, &[6..7, 8..10, 11..12], 0);
        assert_eq!(s, "A\r\nB\r\n");
        assert_eq!(m.to_file(0), 6);
    }
}
