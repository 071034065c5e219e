//! Byte spans into the user's original file, and the line index that turns
//! them into 1-based lines and columns. Owns position arithmetic; knows
//! nothing about Markdown or Mermaid.

use serde::Serialize;

/// A half-open byte range `start..end` into one file's original bytes.
///
/// Spans are created once per Markdown block (the block's offset map is
/// applied at the edge, see [`crate::markdown::OffsetMap`]) and carried
/// unchanged through the AST, the dependency graph and the diagnostics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (swapped if given backwards).
    pub fn new(start: usize, end: usize) -> Self {
        if end < start {
            Span {
                start: end,
                end: start,
            }
        } else {
            Span { start, end }
        }
    }

    /// An empty span at `offset`.
    pub fn at(offset: usize) -> Self {
        Span {
            start: offset,
            end: offset,
        }
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// Whether the span covers no byte.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The same span moved `by` bytes to the right.
    pub fn shift(self, by: usize) -> Self {
        Span {
            start: self.start + by,
            end: self.end + by,
        }
    }

    /// The smallest span covering both.
    pub fn join(self, other: Span) -> Self {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(s: Span) -> Self {
        miette::SourceSpan::new(s.start.into(), s.len())
    }
}

/// Line starts of one file, for turning byte offsets into lines and columns.
///
/// Lines end at `\n`, `\r\n` or a lone `\r` (as Mermaid and editors read
/// them). Columns are 1-based and count Unicode scalar values from the start
/// of the line, so a tab, a CJK character and an accented letter are each one
/// column, which is what editors' problem matchers expect.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
}

/// A 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct LineCol {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl LineIndex {
    /// Index the line starts of `text`.
    pub fn new(text: &str) -> Self {
        Self::up_to(text, text.len())
    }

    /// Index the line starts of `text` as far as byte `limit`: enough for
    /// [`LineIndex::line_col`] of any offset up to `limit` (a report needs
    /// no line past its last finding). [`LineIndex::line_count`] and
    /// [`LineIndex::line_start`] only know the lines indexed.
    pub fn up_to(text: &str, limit: usize) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        // Break bytes before `limit`, and so every line start up to it.
        let head = &bytes[..limit.min(bytes.len())];
        for i in memchr::memchr2_iter(b'\n', b'\r', head) {
            if bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n') {
                starts.push(i + 1);
            }
        }
        LineIndex { starts }
    }

    /// The 1-based line and column of byte `offset` in `text` (the text the
    /// index was built from). Offsets past the end clamp to the end; offsets
    /// inside a multi-byte character count as that character.
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let offset = offset.min(text.len());
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let mut start = self.starts[line];
        // Editors hide a byte order mark: line 1's first column follows it.
        if start == 0 && text.starts_with('\u{feff}') {
            start = offset.min(3);
        }
        let column = text.as_bytes()[start..offset]
            .iter()
            .filter(|&&b| (b & 0xC0) != 0x80)
            .count()
            + 1;
        LineCol {
            line: line + 1,
            column,
        }
    }

    /// Byte offset where 1-based `line` starts, if the file has that line.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line.checked_sub(1)?).copied()
    }

    /// Number of lines (a file without a final line break still counts its
    /// last line).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "ab\n日本x\n\tz";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), LineCol { line: 1, column: 1 });
        let x = text.find('x').unwrap();
        assert_eq!(idx.line_col(text, x), LineCol { line: 2, column: 3 });
        let z = text.find('z').unwrap();
        assert_eq!(idx.line_col(text, z), LineCol { line: 3, column: 2 });
    }

    #[test]
    fn crlf_and_lone_cr_end_lines() {
        let text = "a\r\nb\rc\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, text.find('b').unwrap()).line, 2);
        assert_eq!(idx.line_col(text, text.find('c').unwrap()).line, 3);
        assert_eq!(idx.line_count(), 4);
    }

    // A BOM counted as a character put line 1's columns one to the right
    // of what editors show.
    #[test]
    fn a_bom_is_not_a_column() {
        let text = "\u{feff}ab\ncd";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), LineCol { line: 1, column: 1 });
        assert_eq!(idx.line_col(text, 3), LineCol { line: 1, column: 1 });
        assert_eq!(idx.line_col(text, 4), LineCol { line: 1, column: 2 });
        assert_eq!(idx.line_col(text, 6), LineCol { line: 2, column: 1 });
    }

    /// An index up to a limit places every offset up to it as the whole
    /// index does, line breaks of every kind at or around the limit included.
    #[test]
    fn an_index_up_to_a_limit_agrees_up_to_it() {
        for text in ["", "a", "\n", "a\r\nb\rc\n\nd", "\r\r\n\n\r", "日\n本\r\nx"] {
            let whole = LineIndex::new(text);
            for limit in 0..=text.len() + 1 {
                let part = LineIndex::up_to(text, limit);
                for offset in (0..=limit.min(text.len())).filter(|&o| text.is_char_boundary(o)) {
                    assert_eq!(
                        part.line_col(text, offset),
                        whole.line_col(text, offset),
                        "{text:?} limit {limit} offset {offset}"
                    );
                }
            }
        }
    }

    #[test]
    fn offset_past_end_clamps() {
        let text = "ab";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 99), LineCol { line: 1, column: 3 });
    }
}
