//! Finds the Mermaid blocks in a Markdown (or `.mmd`) file and hands out
//! their text with a map back to the file's bytes. Owns CommonMark fences and
//! the other host forms (Hugo shortcodes, `::: mermaid`, HTML, MyST, MDX);
//! knows nothing about Mermaid's syntax.

use crate::span::Span;
use serde::Serialize;

/// How a block is embedded in its file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Host {
    /// A CommonMark fenced code block (backticks or tildes).
    Fence,
    /// Hugo `{{< mermaid >}}...{{< /mermaid >}}`.
    Hugo,
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
            if file_offset - f == block_offset - b {
                return; // still contiguous
            }
        }
        self.pieces.push((block_offset, file_offset));
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
    /// HTML comments (`<!-- ... -->`) that stand right before the block,
    /// separated from it by nothing but blank lines: text inside, trimmed, and span.
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
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase())
            .as_deref(),
        Some("mmd" | "mermaid")
    )
}

/// Find the Mermaid blocks of a file. `standalone` is true for `.mmd` /
/// `.mermaid` files, whose whole text is one block.
pub fn find_blocks(text: &str, standalone: bool, opts: &BlockOptions) -> Vec<Block> {
    let _ = opts;
    if standalone {
        return vec![Block {
            host: Host::File,
            info: "mermaid".into(),
            text: text.to_string(),
            map: OffsetMap::contiguous(0),
            open: Span::at(0),
            leading_comments: Vec::new(),
        }];
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
