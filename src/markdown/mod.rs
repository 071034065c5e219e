//! Finds the Mermaid blocks in a Markdown (or `.mmd`) file and hands out
//! their text with a map back to the file's bytes. Owns CommonMark fences and
//! the other host forms (Hugo shortcodes, `::: mermaid`, HTML, MyST, MDX);
//! knows nothing about Mermaid's syntax.
//!
//! Which blocks count is defined by the project's reference script
//! `fixtures/corpus/count_blocks.py`; `tests/markdown_corpus.rs` holds this
//! module to it. The work is split in stages, each in its own file:
//!
//! - `lines`: line splitting and the per-file preliminaries (BOM, YAML
//!   front matter);
//! - `markers`: the words without which no block opens (`mermaid`, the
//!   configured info strings): whether a file holds one (the pipeline's
//!   prefilter) and how far into a level blocks may still open, so that
//!   nothing past that, and no container without one, is read;
//! - `scan`: CommonMark structure through pulldown-cmark (fences in lists
//!   and quotes, indentation, code that only *shows* a fence), plus the
//!   containers whose content is Markdown again (```` ```mdx-code-block ````,
//!   MkDocs admonitions, JSX/HTML wrappers such as Mintlify `<Tab>`);
//! - `hosts`: the line-based host forms (Hugo, Liquid, Azure DevOps, HTML,
//!   MDX `<Mermaid>`);
//! - `comments`: the HTML (or MDX) comments standing before a block.
//!
//! Where this departs from plain CommonMark, on purpose and as
//! `count_blocks.py` counts: indented code is read as Markdown again (so a
//! fence inside 4-space-indented code counts, as MkDocs admonitions and MDX
//! need), and lines holding only HTML/JSX tags are transparent. Blocks inside
//! HTML comments and fences shown inside other fenced code are left out.
//!
//! Not handled yet: HTML entities in `<pre class="mermaid">` are not
//! decoded; MyST colon fences `:::{mermaid}` and TOML front matter (`+++`)
//! are not recognised; a leading comment longer than 4 KiB is not seen.

mod comments;
mod hosts;
mod lines;
mod markers;
mod scan;

pub use markers::{may_hold_marker, prefilter, Prefiltered};

use crate::span::Span;
use serde::Serialize;

/// How a block is embedded in its file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Host {
    /// A CommonMark fenced code block (backticks or tildes).
    Fence,
    /// Hugo `{{< mermaid >}}...{{< /mermaid >}}` (or `{{% %}}`).
    Hugo,
    /// Liquid (Jekyll) `{% mermaid %}...{% endmermaid %}`.
    Liquid,
    /// Azure DevOps `::: mermaid ... :::`.
    AzureDevOps,
    /// HTML `<pre class="mermaid">` or `<div class="mermaid">`.
    Html,
    /// MyST ```` ```{mermaid} ````.
    Myst,
    /// MDX ``<Mermaid chart={`...`} />``.
    Mdx,
    /// A whole `.mmd` / `.mermaid` file.
    File,
}

/// Maps byte offsets in a block's text back to byte offsets in the file.
///
/// A block's text is the file's bytes with container prefixes (list
/// indentation, `> ` of block quotes, fence indentation) removed, so it is a
/// sequence of contiguous pieces; each piece is recorded as
/// `(offset in block text, offset in file)`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OffsetMap {
    pieces: Vec<(usize, usize)>,
}

impl OffsetMap {
    /// A map for a block whose text is the contiguous file range starting at `file_offset`.
    pub fn contiguous(file_offset: usize) -> Self {
        OffsetMap {
            pieces: vec![(0, file_offset)],
        }
    }

    /// Record that block text from `block_offset` on comes from `file_offset`
    /// on. Pieces must be pushed in increasing order.
    pub fn push(&mut self, block_offset: usize, file_offset: usize) {
        if let Some(&(b, f)) = self.pieces.last() {
            if block_offset == b {
                // The previous piece turned out empty: this one replaces it.
                self.pieces.pop();
                return self.push(block_offset, file_offset);
            }
            if block_offset > b && file_offset.checked_sub(f) == Some(block_offset - b) {
                return; // still contiguous
            }
        }
        self.pieces.push((block_offset, file_offset));
    }

    /// Chain two maps: `self` maps a text of `len` bytes into an
    /// intermediate text, `outer` maps that text into the file. Used when a
    /// block is found inside a container whose content was itself cut out of
    /// the file (```` ```mdx-code-block ````, an indented region).
    pub fn then(&self, outer: &OffsetMap, len: usize) -> OffsetMap {
        let identity = [(0, 0)];
        let pieces: &[(usize, usize)] = if self.pieces.is_empty() {
            &identity
        } else {
            &self.pieces
        };
        let mut out = OffsetMap::default();
        for (k, &(b, m)) in pieces.iter().enumerate() {
            let end = pieces.get(k + 1).map_or(len.max(b), |p| p.0);
            out.push(b, outer.to_file(m));
            // Every boundary of `outer` inside this piece starts a new piece.
            let mut j = match outer.pieces.binary_search_by_key(&m, |p| p.0) {
                Ok(j) => j + 1,
                Err(j) => j,
            };
            while let Some(&(ob, of)) = outer.pieces.get(j) {
                if ob >= m + (end - b) {
                    break;
                }
                out.push(b + (ob - m), of);
                j += 1;
            }
        }
        out
    }

    /// The constant distance from block offsets to file offsets when the
    /// block is one contiguous range of the file (a `.mmd` file: 0; a fence
    /// at the left margin): its spans then map by adding it, which
    /// [`OffsetMap::span`] would do one binary search at a time.
    pub fn shift(&self) -> Option<usize> {
        match self.pieces.as_slice() {
            [] => Some(0),
            [(0, f)] => Some(*f),
            _ => None,
        }
    }

    /// The file offset of block offset `off`.
    pub fn to_file(&self, off: usize) -> usize {
        let i = match self.pieces.binary_search_by_key(&off, |&(b, _)| b) {
            Ok(i) => i,
            Err(0) => return off,
            Err(i) => i - 1,
        };
        let (b, f) = self.pieces[i];
        f + (off - b)
    }

    /// The file span of a block span.
    pub fn span(&self, s: Span) -> Span {
        let start = self.to_file(s.start);
        if s.is_empty() {
            return Span::at(start);
        }
        // Map the last byte, not `end`, so a span ending at a piece boundary
        // does not jump over a stripped prefix.
        Span::new(start, self.to_file(s.end - 1) + 1)
    }
}

/// One Mermaid block found in a file.
#[derive(Clone, Debug)]
pub struct Block {
    /// How it is embedded.
    pub host: Host,
    /// The info string's first word for fences (`mermaid`, `mermaid-example`,
    /// `{mermaid}`), the host's name otherwise.
    pub info: String,
    /// The block's text, container prefixes removed, line endings as in the file.
    pub text: String,
    /// Block-text offsets to file offsets.
    pub map: OffsetMap,
    /// The opening line (fence, shortcode, tag) in the file, where block-level
    /// diagnostics point.
    pub open: Span,
    /// HTML comments (`<!-- ... -->`, or MDX `{/* ... */}`) that stand right
    /// before the block, separated from it by nothing but blank lines: text
    /// inside, trimmed, and span. A block that opens a container's content
    /// (```` ```mdx-code-block ````, an admonition) gets the comments standing
    /// before the container when it has none of its own.
    pub leading_comments: Vec<(String, Span)>,
}

/// Which blocks count as Mermaid.
#[derive(Clone, Debug)]
pub struct BlockOptions {
    /// Fence info-string first words (case-insensitive) that count as Mermaid.
    pub info_strings: Vec<String>,
}

impl Default for BlockOptions {
    fn default() -> Self {
        BlockOptions {
            info_strings: vec![
                "mermaid".into(),
                "mermaid-example".into(),
                "{mermaid}".into(),
            ],
        }
    }
}

/// Whether a path names a standalone Mermaid file.
pub fn is_mermaid_file(path: &std::path::Path) -> bool {
    // Compared in place: one allocation per file less than lowering it.
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("mmd") || e.eq_ignore_ascii_case("mermaid"))
}

/// Find the Mermaid blocks of a file, in file order. `standalone` is true
/// for `.mmd` / `.mermaid` files, whose whole text is one block.
///
/// Never panics and runs in time linear in the size of `text` (nested
/// containers are rescanned, at most 8 levels deep).
pub fn find_blocks(text: &str, standalone: bool, opts: &BlockOptions) -> Vec<Block> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    if standalone {
        let first_line = lines::Lines::new(&text[bom..]).next().map_or(0, |l| l.end);
        return vec![Block {
            host: Host::File,
            info: "mermaid".into(),
            text: text[bom..].to_string(),
            map: OffsetMap::contiguous(bom),
            open: Span::new(bom, bom + first_line),
            leading_comments: Vec::new(),
        }];
    }
    let base = bom + lines::front_matter_len(&text[bom..]);
    let mut scan = scan::Scan {
        opts,
        out: Vec::new(),
    };
    scan.level(&text[base..], &OffsetMap::contiguous(base), 0);
    let mut found = scan.out;
    // A host tag inside an HTML/JSX wrapper is seen both at the wrapper's
    // level and inside it; keep the outermost sighting.
    found.sort_by_key(|(depth, b): &(u8, Block)| (b.open.start, *depth));
    found.dedup_by_key(|(_, b)| b.open.start);
    found.into_iter().map(|(_, b)| b).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mermaid_files_are_known_by_extension_in_any_case() {
        use std::path::Path;
        for name in ["a.mmd", "b.MMD", "c.Mermaid", "d/e.mermaid"] {
            assert!(is_mermaid_file(Path::new(name)), "{name}");
        }
        for name in ["a.md", "mmd", "b.mmd.md", "c.mmdx", ".mmd"] {
            assert!(!is_mermaid_file(Path::new(name)), "{name}");
        }
    }

    #[test]
    fn offset_map_jumps_over_stripped_prefixes() {
        // file: "> a\n> b\n", block text: "a\nb\n"
        let mut m = OffsetMap::default();
        m.push(0, 2);
        m.push(2, 6);
        assert_eq!(m.to_file(0), 2);
        assert_eq!(m.to_file(1), 3);
        assert_eq!(m.to_file(2), 6);
        assert_eq!(m.span(Span::new(0, 2)), Span::new(2, 4));
    }

    #[test]
    fn chained_maps_split_at_both_maps_boundaries() {
        // file "> - a\n>   b\n": the quote level strips "> " ...
        let mut quote = OffsetMap::default();
        quote.push(0, 2); // "- a\n" at 2..6
        quote.push(4, 8); // "  b\n" at 8..12
                          // ... and the list level strips "- " / "  " from the quote's text.
        let mut item = OffsetMap::default();
        item.push(0, 2); // "a\n" at quote 2..4
        item.push(2, 6); // "b\n" at quote 6..8
        let m = item.then(&quote, 4);
        assert_eq!(m.to_file(0), 4);
        assert_eq!(m.to_file(1), 5);
        assert_eq!(m.to_file(2), 10);
        assert_eq!(m.to_file(3), 11);
    }

    #[test]
    fn shift_is_given_only_when_spans_map_by_one_offset() {
        assert_eq!(OffsetMap::default().shift(), Some(0));
        let mut fence = OffsetMap::contiguous(40);
        fence.push(7, 47); // still contiguous
        assert_eq!(fence.shift(), Some(40));
        for s in [Span::new(0, 5), Span::new(3, 3), Span::new(6, 9)] {
            assert_eq!(fence.span(s), Span::new(s.start + 40, s.end + 40));
        }
        let mut quoted = OffsetMap::default();
        quoted.push(0, 2);
        quoted.push(2, 6);
        assert_eq!(quoted.shift(), None);
        // A block whose first byte is not at the start of its piece list's
        // first entry has no single offset either.
        let mut late = OffsetMap::default();
        late.push(3, 10);
        assert_eq!(late.shift(), None);
    }

    #[test]
    fn push_replaces_an_empty_piece() {
        let mut m = OffsetMap::default();
        m.push(0, 5);
        m.push(0, 9);
        assert_eq!(m.to_file(0), 9);
        assert_eq!(m.to_file(3), 12);
    }
}
