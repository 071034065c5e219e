//! Mermaid's text clean-up before its grammar runs (line breaks, quotes in
//! HTML tags, front matter, directives, comment lines, entity codes, blank
//! lines after `}`), done as a rewrite that keeps, for every byte of the
//! cleaned text, the offset of the byte of the block it came from. Owns that
//! offset map; knows nothing of the grammar.

use crate::model::Comment;
use crate::span::Span;
use std::borrow::Cow;
use std::cell::Cell;

/// Whether `c` is whitespace for JavaScript's `\s`.
pub(crate) fn js_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r' | ' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202F}'
                | '\u{205F}'
                | '\u{3000}'
                | '\u{FEFF}'
    )
}

/// Whether the ASCII byte `c` is [`js_space`] (tab, line feed, vertical
/// tab, form feed, carriage return or space), as one test of a bit mask.
#[inline(always)]
pub(crate) fn ascii_js_space(c: u8) -> bool {
    c <= b' ' && (0x1_0000_3E00_u64 >> c) & 1 == 1
}

/// The length in bytes of the leading [`js_space`] run of `s`. ASCII bytes
/// are judged as bytes; the lexer asks this for most tokens, and the generic
/// `trim_start_matches` decoded every character first.
#[inline]
pub(crate) fn js_space_prefix(s: &str) -> usize {
    // ASCII first, in a loop small enough to inline at every token; a
    // non-ASCII byte hands over to the general loop.
    let b = s.as_bytes();
    let mut k = 0;
    while let Some(&c) = b.get(k) {
        if ascii_js_space(c) {
            k += 1;
        } else if c < 0x80 {
            return k;
        } else {
            return k + js_space_prefix_general(&s[k..]);
        }
    }
    k
}

/// [`js_space_prefix`] for text that may start with non-ASCII spaces.
fn js_space_prefix_general(s: &str) -> usize {
    let b = s.as_bytes();
    let mut k = 0;
    while let Some(&c) = b.get(k) {
        match c {
            b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ' => k += 1,
            0..=0x7F => break,
            _ => match s[k..].chars().next() {
                Some(ch) if js_space(ch) => k += ch.len_utf8(),
                _ => break,
            },
        }
    }
    k
}

/// The length in bytes of the trailing [`js_space`] run of `s`.
fn js_space_suffix(s: &str) -> usize {
    let b = s.as_bytes();
    let mut k = b.len();
    while k > 0 {
        match b[k - 1] {
            b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ' => k -= 1,
            0..=0x7F => break,
            _ => match s[..k].chars().next_back() {
                Some(ch) if js_space(ch) => k -= ch.len_utf8(),
                _ => break,
            },
        }
    }
    b.len() - k
}

/// JavaScript's `String.prototype.trim`. Inlined: it runs on every id,
/// label and arrow, mostly on a few ASCII bytes.
#[inline]
pub(crate) fn js_trim(s: &str) -> &str {
    // ASCII spaces are trimmed as bytes (ids, labels and links mostly
    // have none, or a space or two around an arrow); only a non-ASCII byte
    // at either end needs the general trim.
    let b = s.as_bytes();
    if let (Some(&a), Some(&z)) = (b.first(), b.last()) {
        if a.is_ascii_graphic() && z.is_ascii_graphic() {
            return s;
        }
    }
    let (mut a, mut z) = (0, b.len());
    while a < z && ascii_js_space(b[a]) {
        a += 1;
    }
    while z > a && ascii_js_space(b[z - 1]) {
        z -= 1;
    }
    if a == z || (b[a] < 0x80 && b[z - 1] < 0x80) {
        return &s[a..z];
    }
    let s = &s[js_space_prefix(s)..];
    &s[..s.len() - js_space_suffix(s)]
}

/// Whether `s` holds `needle`. The clean-up steps each first ask this of
/// the whole block; a SIMD search does it at a fraction of a cycle a byte
/// (core's `str::contains` searched a `char` byte by byte).
fn holds(s: &str, needle: &str) -> bool {
    memchr::memmem::find(s.as_bytes(), needle.as_bytes()).is_some()
}

/// [`holds`] for one ASCII byte.
fn holds_byte(s: &str, b: u8) -> bool {
    memchr::memchr(b, s.as_bytes()).is_some()
}

/// Text plus, for every byte, the offset in the block it came from.
///
/// Stored as runs, not one offset per byte: the clean-up copies long
/// stretches of the block unchanged, and a per-byte table of a big diagram
/// was many times the size of its text (and slow to fill and page in).
#[derive(Clone, Debug, Default)]
pub(crate) struct Mapped {
    /// The text.
    pub text: String,
    /// Runs in text order, the first at 0 (none when the text is empty).
    runs: Vec<Run>,
    /// The block offset of the position just past the text.
    end: usize,
    /// The run found last: lookups mostly move forward through the text.
    hint: Cell<usize>,
}

/// From text offset `at` on (up to the next run), the bytes come from block
/// offset `from` on, one for one when `step`, else all from `from` (text the
/// clean-up wrote in place of `from`).
#[derive(Clone, Copy, Debug)]
struct Run {
    at: usize,
    from: usize,
    step: bool,
}

impl Mapped {
    fn with_capacity(n: usize) -> Self {
        Mapped {
            // One more for the line break appended at the end.
            text: String::with_capacity(n + 1),
            ..Mapped::default()
        }
    }

    /// Start a run at the end of the text, unless it continues the last.
    fn push_run(&mut self, from: usize, step: bool, len: usize) {
        if len == 0 {
            return;
        }
        let at = self.text.len();
        if let Some(last) = self.runs.last_mut() {
            let last_len = at - last.at;
            // A run of one byte reads the same either way.
            let last_step = last.step || last_len == 1;
            let step_here = step || len == 1;
            if last_step && step_here && last.from + last_len == from {
                last.step = true;
                return;
            }
            if !last.step && !step && last.from == from {
                return;
            }
        }
        self.runs.push(Run { at, from, step });
    }

    fn push_str(&mut self, s: &str, at: usize) {
        self.push_run(at, false, s.len());
        self.text.push_str(s);
    }

    /// Copy `src.text[range]` with its offsets.
    fn copy(&mut self, src: &Mapped, from: usize, to: usize) {
        if from >= to {
            return;
        }
        let first = src.run_index(from);
        for (k, r) in src.runs.iter().enumerate().skip(first) {
            if r.at >= to {
                break;
            }
            let a = r.at.max(from);
            let b = src.runs.get(k + 1).map_or(to, |n| n.at.min(to));
            let origin = if r.step { r.from + (a - r.at) } else { r.from };
            self.push_run(origin, r.step, b - a);
            self.text.push_str(&src.text[a..b]);
        }
    }

    fn finish(mut self, end: usize) -> Self {
        self.end = end;
        self
    }

    /// The run that holds text offset `i` (`i` < the text's length).
    fn run_index(&self, i: usize) -> usize {
        let runs = &self.runs;
        let holds = |k: usize| runs[k].at <= i && runs.get(k + 1).map_or(true, |n| i < n.at);
        let h = self.hint.get();
        let k = if h < runs.len() && holds(h) {
            h
        } else if h + 1 < runs.len() && holds(h + 1) {
            h + 1
        } else {
            runs.partition_point(|r| r.at <= i).saturating_sub(1)
        };
        self.hint.set(k);
        k
    }

    /// The block offset of text byte `i`; for `i` = the text's length, the
    /// block offset just past it; `None` beyond.
    pub fn offset(&self, i: usize) -> Option<usize> {
        if i >= self.text.len() {
            return (i == self.text.len()).then_some(self.end);
        }
        let r = self.runs[self.run_index(i)];
        Some(if r.step { r.from + (i - r.at) } else { r.from })
    }

    /// The block offset just past the text.
    pub fn end(&self) -> usize {
        self.end
    }

    /// The block span of `start..end` in this text.
    pub fn span(&self, start: usize, end: usize) -> Span {
        // Common case: both ends inside one run that copies the block byte
        // for byte (a big diagram without rewrites is a single run), so one
        // run lookup does for both.
        if start < end && end <= self.text.len() {
            let k = self.run_index(start);
            let r = self.runs[k];
            let run_end = self.runs.get(k + 1).map_or(self.text.len(), |n| n.at);
            if r.step && end <= run_end {
                let s = r.from + (start - r.at);
                let e = (r.from + (end - 1 - r.at) + 1).min(self.end);
                return Span::new(s, e.max(s));
            }
        }
        let last = self.text.len();
        // The appended line break maps to the block's end; never go past it.
        let limit = self.end;
        let s = self.offset(start.min(last)).unwrap_or(0);
        if end <= start {
            return Span::at(s);
        }
        // The end of the span is one past the block offset of its last byte.
        let e = self
            .offset((end - 1).min(last))
            .map(|e| (e + 1).min(limit))
            .unwrap_or(s);
        Span::new(s, e.max(s))
    }
}

/// What preprocessing found.
#[derive(Debug, Default)]
pub(crate) struct Preprocessed {
    /// The text the lexer reads.
    pub text: Mapped,
    /// Front matter `title:`.
    pub title: Option<String>,
    /// Whole-line `%%` comments.
    pub comments: Vec<Comment>,
    /// `flowchart.inheritDir: true` in the front matter config or an
    /// `init` directive: subgraphs without `direction` take the diagram's.
    pub inherit_dir: bool,
    /// A front matter error (Mermaid fails before parsing).
    pub error: Option<(Span, String)>,
}

/// Run Mermaid's preprocessing on one block.
pub(crate) fn preprocess(block: &str) -> Preprocessed {
    let mut out = Preprocessed::default();
    let t = normalize_breaks(block);
    let t = quote_tag_attributes(t);
    let t = match front_matter(&t) {
        Some(fm) => {
            out.inherit_dir |= yaml_inherit_dir(&t.text[..fm.len.min(t.text.len())]);
            out.title = fm.title;
            if let Some((e, a, b)) = fm.error {
                out.error = Some((t.span(a, b), e));
            }
            slice(&t, fm.len, t.text.len())
        }
        None => t,
    };
    if holds(&t.text, "%%{") {
        // Only the directives' text matters; a rough look is enough here.
        for (k, _) in t.text.match_indices("%%{") {
            let end = t.text[k..].find("}%%").map_or(t.text.len(), |e| k + e);
            let d = &t.text[k..end];
            out.inherit_dir |= d.contains("flowchart") && mentions_inherit_dir(d);
        }
    }
    let t = remove_directives(t);
    let t = remove_comments(t, &mut out.comments, block);
    let t = trim_start(t);
    let t = encode_entities(t);
    let t = squeeze_after_braces(t);
    let mut t = t;
    // Mermaid appends a line break before parsing.
    let end = block.len();
    t.push_str("\n", end);
    out.text = t.finish(end);
    out
}

fn slice(t: &Mapped, from: usize, to: usize) -> Mapped {
    let mut m = Mapped::with_capacity(to - from);
    m.copy(t, from, to);
    let end = t.offset(to).unwrap_or(0);
    m.finish(end)
}

/// Whether front matter sets `config.flowchart.inheritDir: true`.
fn yaml_inherit_dir(s: &str) -> bool {
    let mut path: Vec<(usize, String)> = Vec::new();
    for line in s.split('\n') {
        let body = line.trim_start();
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let indent = line.len() - body.len();
        let Some((key, value)) = body.split_once(':') else {
            continue;
        };
        while path.last().is_some_and(|(i, _)| *i >= indent) {
            path.pop();
        }
        let key = key.trim().trim_matches(['"', '\'']).to_string();
        let keys: Vec<&str> = path.iter().map(|(_, k)| k.as_str()).collect();
        if key == "inheritDir" && keys == ["config", "flowchart"] {
            return value.trim().trim_matches(['"', '\'']) == "true";
        }
        path.push((indent, key));
    }
    false
}

/// Whether config text sets `inheritDir` to `true` (YAML or JSON).
fn mentions_inherit_dir(s: &str) -> bool {
    s.match_indices("inheritDir").any(|(k, _)| {
        let rest = s[k + "inheritDir".len()..].trim_start_matches(['"', '\'']);
        let rest = rest.trim_start();
        rest.strip_prefix(':').is_some_and(|r| {
            r.trim_start()
                .trim_start_matches(['"', '\''])
                .starts_with("true")
        })
    })
}

/// `\r\n` and lone `\r` become `\n`.
fn normalize_breaks(block: &str) -> Mapped {
    let mut m = Mapped::with_capacity(block.len());
    let b = block.as_bytes();
    let mut i = 0;
    let mut run = 0;
    while i < b.len() {
        // Jump to the next `\r` (most blocks have none).
        i = memchr::memchr(b'\r', &b[i..]).map_or(b.len(), |k| i + k);
        if i < b.len() {
            m.push_run(run, true, i - run);
            m.text.push_str(&block[run..i]);
            m.push_str("\n", i);
            i += if b.get(i + 1) == Some(&b'\n') { 2 } else { 1 };
            run = i;
        }
    }
    m.push_run(run, true, block.len() - run);
    m.text.push_str(&block[run..]);
    m.finish(block.len())
}

/// Inside `<tag ...>`, `attr="x"` becomes `attr='x'` (same length).
fn quote_tag_attributes(mut t: Mapped) -> Mapped {
    if !holds_byte(&t.text, b'<') {
        return t;
    }
    let mut bytes = std::mem::take(&mut t.text).into_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'<' {
            let mut j = i + 1;
            while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
                j += 1;
            }
            if j > i + 1 {
                let attr_start = j;
                while j < bytes.len() && bytes[j] != b'>' {
                    j += 1;
                }
                if j < bytes.len() {
                    // attributes are attr_start..j
                    let mut k = attr_start;
                    while k + 1 < j {
                        if bytes[k] == b'=' && bytes[k + 1] == b'"' {
                            if let Some(close) = bytes[k + 2..j].iter().position(|&c| c == b'"') {
                                bytes[k + 1] = b'\'';
                                bytes[k + 2 + close] = b'\'';
                                k = k + 3 + close;
                                continue;
                            }
                        }
                        k += 1;
                    }
                    i = j + 1;
                    continue;
                }
            }
        }
        i += 1;
    }
    // Only ASCII quotes were swapped for ASCII quotes, so this stays UTF-8.
    t.text = String::from_utf8(bytes).unwrap_or_default();
    t
}

struct FrontMatter {
    len: usize,
    title: Option<String>,
    /// The YAML error and the range (in the text given) it points at.
    error: Option<(String, usize, usize)>,
}

fn is_break(c: u8) -> bool {
    c == b'\n' || c == b'\r'
}

fn ws_byte(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C)
}

/// Mermaid's front matter matcher: `---` at the start (after an indent),
/// YAML, then a line `indent---`.
fn front_matter(t: &Mapped) -> Option<FrontMatter> {
    let s = t.text.as_bytes();
    let mut cursor = 0;
    while cursor < s.len() && ws_byte(s[cursor]) && !is_break(s[cursor]) {
        cursor += 1;
    }
    let indent = &t.text[..cursor];
    if !t.text[cursor..].starts_with("---") {
        return None;
    }
    let mut opening_ends = Vec::new();
    let mut i = cursor + 3;
    while i < s.len() && ws_byte(s[i]) {
        if is_break(s[i]) {
            opening_ends.push(i);
        }
        i += 1;
    }
    let first_open = *opening_ends.first()?;
    let closing = format!("{indent}---");
    let closing_end = |i: usize| -> Option<usize> {
        if i < s.len() && is_break(s[i]) && t.text[i + 1..].starts_with(closing.as_str()) {
            let mut idx = None;
            let mut k = i + 1 + closing.len();
            while k < s.len() && ws_byte(s[k]) {
                if is_break(s[k]) {
                    idx = Some(k);
                }
                k += 1;
            }
            idx
        } else {
            None
        }
    };
    let mut last_closing = None;
    for (i, &c) in s.iter().enumerate().skip(first_open + 1) {
        if c == b'\n' && closing_end(i).is_some() {
            last_closing = Some(i);
        }
    }
    let last_closing = last_closing?;
    let mut opening_end = first_open;
    for &c in &opening_ends {
        if c < last_closing {
            opening_end = c;
        }
    }
    let body_start = opening_end + 1;
    for i in body_start..=last_closing {
        if let Some(end) = closing_end(i) {
            let body = &t.text[body_start..i];
            let (title, error) = front_matter_title(body, indent);
            // Point at the line the YAML error names, else at the whole block.
            let error = error.map(|e| match e.rsplit_once(" (line ") {
                Some((msg, n)) => {
                    let n: usize = n.trim_end_matches(')').parse().unwrap_or(1);
                    let mut off = 0;
                    for l in body.split('\n').take(n.saturating_sub(1)) {
                        off += l.len() + 1;
                    }
                    let len = body[off.min(body.len())..]
                        .find('\n')
                        .unwrap_or(body.len() - off.min(body.len()));
                    let a = body_start + off.min(body.len());
                    (msg.to_string(), a, a + len)
                }
                None => (e, 0, end + 1),
            });
            return Some(FrontMatter {
                len: end + 1,
                title,
                error,
            });
        }
    }
    None
}

/// The `title:` of a front matter body (a small YAML subset: top-level
/// `key: value` lines).
fn front_matter_title(body: &str, indent: &str) -> (Option<String>, Option<String>) {
    let mut title = None;
    // An unclosed flow collection (`title: [`) is the YAML error seen in
    // practice; the full YAML grammar is not checked. A value that starts
    // with `[` or `{` opens one, which may span lines.
    let mut depth: i64 = 0;
    let mut in_flow = false;
    for line in body.split('\n') {
        let counted = if in_flow {
            line
        } else {
            match line.split_once(": ") {
                Some((_, v)) if v.trim_start().starts_with(['[', '{']) => v,
                _ => continue,
            }
        };
        for c in counted.chars() {
            match c {
                '[' | '{' => depth += 1,
                ']' | '}' => depth -= 1,
                _ => {}
            }
        }
        in_flow = depth > 0;
        if !in_flow {
            depth = 0;
        }
    }
    if let Err(e) = crate::flowchart::yaml::check_block(body) {
        return (None, Some(format!("invalid YAML in the front matter: {e}")));
    }
    if in_flow {
        return (
            None,
            Some("invalid YAML in the front matter: unclosed \"[\" or \"{\"".into()),
        );
    }
    let lines: Vec<&str> = body.split('\n').collect();
    for (n, line) in lines.iter().enumerate() {
        let line = line.strip_prefix(indent).unwrap_or(line);
        if line.trim().is_empty() || line.trim_start().starts_with('#') || line.trim() == "---" {
            continue;
        }
        if line.starts_with([' ', '\t']) {
            continue;
        }
        // (check_block above has vetted the structure.)
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        if key.trim() == "title" {
            let mut joined = value.trim().to_string();
            // A quoted title may go on over the next lines (folded with spaces).
            if let Some(q) = joined.chars().next().filter(|q| *q == '"' || *q == '\'') {
                let mut k = n + 1;
                while joined.len() < 2 || !joined.ends_with(q) {
                    let Some(next) = lines.get(k) else { break };
                    joined.push(' ');
                    joined.push_str(next.trim());
                    k += 1;
                }
            }
            let v = joined.as_str();
            let v = crate::flowchart::yaml::unquote(v).unwrap_or_else(|| v.to_string());
            if !v.is_empty() {
                title = Some(v);
            }
        }
    }
    (title, None)
}

/// Remove `%%{ ... }%%` directives anywhere.
fn remove_directives(t: Mapped) -> Mapped {
    if !holds(&t.text, "%%{") {
        return t;
    }
    let s = &t.text;
    let mut m = Mapped::with_capacity(s.len());
    let mut pos = 0;
    let mut search = 0;
    while let Some(rel) = s[search..].find("%%{") {
        let at = search + rel;
        // `%%{` + spaces + a word is needed for a directive.
        let after = &s[at + 3..];
        let ws = js_space_prefix(after);
        let word = after[ws..]
            .bytes()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_')
            .count();
        if word == 0 {
            search = at + 3;
            continue;
        }
        // `(\w+)\s*:` or `(\w+)`, then `\s*`, then a word or anything up
        // to `}%%`, then `\s*` and an optional `}%%` (Mermaid's regex).
        let word_w = |x: &str| {
            x.bytes()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_')
                .count()
        };
        let mut k = at + 3 + ws + word;
        let colon = k + js_space_prefix(&s[k..]);
        if s[colon..].starts_with(':') {
            k = colon + 1;
        }
        k += js_space_prefix(&s[k..]);
        let w = word_w(&s[k..]);
        if w > 0 {
            k += w;
        } else {
            k = s[k..].find("}%%").map_or(s.len(), |r| k + r);
        }
        k += js_space_prefix(&s[k..]);
        if s[k..].starts_with("}%%") {
            k += 3;
        }
        let end = k;
        m.copy(&t, pos, at);
        pos = end;
        search = end;
    }
    m.copy(&t, pos, s.len());
    m.finish(t.end)
}

/// Remove whole-line `%%` comments (and blank lines just before them),
/// recording each comment.
fn remove_comments(t: Mapped, comments: &mut Vec<Comment>, block: &str) -> Mapped {
    let s = &t.text;
    if !holds(s, "%%") {
        return t;
    }
    let b = s.as_bytes();
    let mut m = Mapped::with_capacity(s.len());
    let mut pos = 0; // copied up to here
    let mut line = 0; // current line start
    while line < b.len() {
        // skip whitespace, possibly over line breaks
        let rest = &s[line..];
        let q = line + (js_space_prefix(rest));
        let is_comment =
            s[q..].starts_with("%%") && b.get(q + 2).is_some_and(|&c| c != b'{' && c != b'\n');
        if is_comment {
            let eol = s[q..].find('\n').map(|r| q + r).unwrap_or(s.len());
            let text = s[q + 2..eol].trim().to_string();
            let span = t.span(q, eol);
            // Record the comment with the block text (it may hold entity codes).
            let text = block
                .get(span.start + 2..span.end)
                .map(|x| x.trim().to_string())
                .unwrap_or(text);
            comments.push(Comment { text, span });
            m.copy(&t, pos, line);
            let next = if eol < b.len() { eol + 1 } else { eol };
            pos = next;
            line = next;
        } else {
            match s[line..].find('\n') {
                Some(r) => line += r + 1,
                None => break,
            }
        }
    }
    m.copy(&t, pos, s.len());
    m.finish(t.end)
}

fn trim_start(t: Mapped) -> Mapped {
    let from = js_space_prefix(&t.text);
    if from == 0 {
        return t;
    }
    slice(&t, from, t.text.len())
}

/// Mermaid's `encodeEntities`: drop the last `;` of `style`/`classDef` lines
/// with a colour, then turn `#name;` into private marker characters.
fn encode_entities(t: Mapped) -> Mapped {
    let t = drop_style_semicolon(t, "style");
    let t = drop_style_semicolon(t, "classDef");
    if !holds_byte(&t.text, b'#') {
        return t;
    }
    let s = &t.text;
    let b = s.as_bytes();
    let mut m = Mapped::with_capacity(s.len() + 16);
    let mut pos = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'#' {
            let mut j = i + 1;
            while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                j += 1;
            }
            if j > i + 1 && j < b.len() && b[j] == b';' {
                m.copy(&t, pos, i);
                let inner = &s[i + 1..j];
                let marker = if inner.bytes().all(|c| c.is_ascii_digit()) {
                    "\u{FB02}\u{B0}\u{B0}"
                } else {
                    "\u{FB02}\u{B0}"
                };
                m.push_str(marker, t.offset(i).unwrap_or(0));
                m.copy(&t, i + 1, j);
                m.push_str("\u{B6}\u{DF}", t.offset(j).unwrap_or(0));
                pos = j + 1;
                i = j + 1;
                continue;
            }
        }
        i += 1;
    }
    m.copy(&t, pos, s.len());
    m.finish(t.end)
}

/// Turn Mermaid's entity markers back into the `#name;` the author wrote.
pub(crate) fn decode_entities(s: &str) -> Cow<'_, str> {
    // Every marker starts with U+FB02, whose UTF-8 starts with 0xEF: most
    // labels have no such byte, and a byte scan of a short label is cheaper
    // than a substring search. Most are ASCII, which `is_ascii` tells a
    // word at a time without the search's set-up.
    if s.is_ascii() || !s.as_bytes().contains(&0xEF) || !s.contains('\u{FB02}') {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.replace("\u{FB02}\u{B0}\u{B0}", "#")
            .replace("\u{FB02}\u{B0}", "#")
            .replace("\u{B6}\u{DF}", ";"),
    )
}

/// `/word.*:\S*#.*;/g`: on a line with `word`, then a `:` whose following
/// non-space run holds a `#`, then a `;`, the last `;` of the line goes.
fn drop_style_semicolon(t: Mapped, word: &str) -> Mapped {
    if !holds(&t.text, word) {
        return t;
    }
    let s = &t.text;
    let mut drop = Vec::new();
    let mut line_start = 0;
    for line in s.split('\n') {
        if let Some(w) = line.find(word) {
            let rest = &line[w + word.len()..];
            let mut hash_at = None;
            for (ci, _) in rest.match_indices(':') {
                let run = &rest[ci + 1..];
                let run_end = run.find(js_space).unwrap_or(run.len());
                if let Some(h) = run[..run_end].find('#') {
                    let abs = ci + 1 + h;
                    hash_at = Some(hash_at.map_or(abs, |x: usize| x.min(abs)));
                }
            }
            if let (Some(h), Some(semi)) = (hash_at, rest.rfind(';')) {
                if semi > h {
                    drop.push(line_start + w + word.len() + semi);
                }
            }
        }
        line_start += line.len() + 1;
    }
    if drop.is_empty() {
        return t;
    }
    let mut m = Mapped::with_capacity(s.len());
    let mut pos = 0;
    for d in drop {
        m.copy(&t, pos, d);
        pos = d + 1;
    }
    m.copy(&t, pos, s.len());
    m.finish(t.end)
}

/// `}` + whitespace + line break becomes `}` + line break.
fn squeeze_after_braces(t: Mapped) -> Mapped {
    if !holds_byte(&t.text, b'}') {
        return t;
    }
    let s = &t.text;
    let b = s.as_bytes();
    let mut m = Mapped::with_capacity(s.len());
    let mut pos = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'}' {
            let rest = &s[i + 1..];
            let ws_end = i + 1 + (js_space_prefix(rest));
            if let Some(nl) = s[i + 1..ws_end].rfind('\n') {
                let nl = i + 1 + nl;
                m.copy(&t, pos, i + 1);
                pos = nl;
                i = nl;
                continue;
            }
        }
        i += 1;
    }
    m.copy(&t, pos, s.len());
    m.finish(t.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_survive_crlf_and_comments() {
        let block = "flowchart LR\r\n%% note\r\nA-->B";
        let p = preprocess(block);
        assert_eq!(p.text.text, "flowchart LR\nA-->B\n");
        let a = p.text.text.find('A').unwrap();
        assert_eq!(p.text.offset(a), block.find('A'));
        assert_eq!(p.comments.len(), 1);
        assert_eq!(p.comments[0].text, "note");
    }

    #[test]
    fn every_cleaned_byte_maps_to_the_byte_it_came_from() {
        // Offsets are kept as runs; each clean-up step splits or joins them.
        let blocks = [
            "flowchart LR\r\n  A[#quot;x#35;] --> B\r\n%% note\r\n  B --> C\rC --> D",
            "---\ntitle: T\n---\n%%{init: {\"flowchart\": {}}}%%\nflowchart LR\n  \
             A[<b class=\"x\">y</b>] --> B\n  style A fill:#f9f;\n  \
             A@{ shape: rect }   \n\n  B\n",
            "\u{feff}\n\n  graph TD\n  %% a\n\n  %% b\n  classDef c fill:#fff;\n  X:::c\r\n",
            "",
        ];
        for block in blocks {
            let t = preprocess(block).text;
            let mut prev = 0;
            for (i, c) in t.text.bytes().enumerate() {
                let o = t.offset(i).expect("in range");
                assert!(o >= prev, "{block:?}: offsets go back at {i}");
                prev = o;
                if i + 1 == t.text.len() {
                    assert_eq!(o, block.len(), "the appended line break");
                    continue;
                }
                let b = block.as_bytes()[o];
                let rewritten = (c == b'\n' && b == b'\r')
                    || (c == b'\'' && b == b'"')
                    || (c >= 0x80 && matches!(b, b'#' | b';'));
                assert!(c == b || rewritten, "{block:?}: byte {i} maps to {o}");
            }
            assert_eq!(t.offset(t.text.len()), Some(block.len()));
            assert_eq!(t.offset(t.text.len() + 1), None);
        }
    }

    #[test]
    fn js_trim_matches_javascript_whitespace() {
        let s = "\u{feff}\u{3000} \t\r\n x\u{a0}y \u{2029}\u{b}";
        assert_eq!(js_trim(s), "x\u{a0}y");
        assert_eq!(js_trim(s), s.trim_matches(js_space));
        assert_eq!(
            js_space_prefix("\u{2003}\u{85}"),
            3,
            "U+0085 is no JS space"
        );
        assert_eq!(js_trim("é"), "é");
        assert_eq!(js_trim(" \u{a0} "), "");
    }

    #[test]
    fn ascii_js_space_agrees_with_js_space() {
        for c in 0..=0x7F_u8 {
            assert_eq!(ascii_js_space(c), js_space(c as char), "byte {c:#x}");
        }
    }

    #[test]
    fn front_matter_title_is_read() {
        let p = preprocess("---\ntitle: Hello\n---\nflowchart LR\nA");
        assert_eq!(p.title.as_deref(), Some("Hello"));
        assert!(p.text.text.starts_with("flowchart"));
    }

    #[test]
    fn entity_codes_round_trip() {
        let p = preprocess("graph LR\nA[#quot;x#35;]");
        assert_eq!(decode_entities(&p.text.text), "graph LR\nA[#quot;x#35;]\n");
    }
}
