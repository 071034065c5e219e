//! Line splitting and the file preliminaries (YAML front matter). Lines end
//! at `\n`, `\r\n` or a lone `\r`, as in [`crate::span::LineIndex`].

/// One line of a text: `start..end` is its content, `next` where the
/// following line starts (after the line ending).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Line {
    pub start: usize,
    pub end: usize,
    pub next: usize,
}

/// The lines of a text, in order. A text ending in a line break has no empty
/// last line.
pub(super) struct Lines<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Lines<'a> {
    /// Lines of `text` starting at byte `from` (which must start a line).
    pub fn from(text: &'a str, from: usize) -> Self {
        Lines {
            bytes: text.as_bytes(),
            pos: from.min(text.len()),
        }
    }

    /// Lines of `text`.
    pub fn new(text: &'a str) -> Self {
        Self::from(text, 0)
    }
}

impl Iterator for Lines<'_> {
    type Item = Line;

    fn next(&mut self) -> Option<Line> {
        let b = self.bytes;
        if self.pos >= b.len() {
            return None;
        }
        let start = self.pos;
        // memchr: this loop runs over every byte of every file scanned.
        let i = memchr::memchr2(b'\n', b'\r', &b[start..]).map_or(b.len(), |n| start + n);
        let next = match (b.get(i), b.get(i + 1)) {
            (Some(b'\r'), Some(b'\n')) => i + 2,
            (Some(_), _) => i + 1,
            (None, _) => i,
        };
        self.pos = next;
        Some(Line {
            start,
            end: i,
            next,
        })
    }
}

/// Where the line containing `pos` starts. (memchr: leading comments are
/// looked for line by line backwards from every block.)
pub(super) fn line_start(text: &str, pos: usize) -> usize {
    memchr::memrchr2(b'\n', b'\r', &text.as_bytes()[..pos.min(text.len())]).map_or(0, |i| i + 1)
}

/// Where the line containing `pos` ends (before its line break).
pub(super) fn line_end(text: &str, pos: usize) -> usize {
    let pos = pos.min(text.len());
    memchr::memchr2(b'\n', b'\r', &text.as_bytes()[pos..]).map_or(text.len(), |i| pos + i)
}

/// Length of the YAML front matter at the top of `text` (0 if none): a
/// first line `---`, up to and including the next line that is `---` or
/// `...` (surrounding whitespace allowed). Without a closing line there is
/// no front matter, as `count_blocks.py` reads it.
pub(super) fn front_matter_len(text: &str) -> usize {
    let mut lines = Lines::new(text);
    match lines.next() {
        Some(l) if text[l.start..l.end].trim() == "---" => {}
        _ => return 0,
    }
    for l in lines {
        let t = text[l.start..l.end].trim();
        if t == "---" || t == "..." {
            return l.next;
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_end_at_lf_crlf_and_lone_cr() {
        let t = "a\nb\r\nc\rd";
        let got: Vec<&str> = Lines::new(t).map(|l| &t[l.start..l.end]).collect();
        assert_eq!(got, ["a", "b", "c", "d"]);
        assert_eq!(Lines::new("x\n").count(), 1);
    }

    #[test]
    fn front_matter_needs_a_closing_line() {
        assert_eq!(front_matter_len("---\ntitle: x\n---\n# h\n"), 17);
        assert_eq!(front_matter_len("---\r\na: b\r\n...\r\nrest"), 16);
        assert_eq!(front_matter_len("---\ntitle: x\n"), 0);
        assert_eq!(front_matter_len("# h\n---\n"), 0);
    }
}
