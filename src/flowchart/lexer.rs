//! Mermaid's flowchart lexer: a stack of lexer states, and in each state an
//! ordered list of token rules of which the *first* that matches wins (not
//! the longest), exactly as Mermaid's generated lexer works. Owns the token
//! set; the grammar is in `parser.rs`.
//!
//! Token rules are direct scans of the input (keywords, link shapes, runs
//! of a character class, `[^"]+`, rest of the line), nom `complete` parsers
//! for the few rare ones where a combinator reads better (the
//! accessibility keywords); each helper's doc comment gives its pattern,
//! and `grammar/flowchart.ebnf` lists them all.

use super::preprocess::{js_space, js_space_prefix};
use super::unicode::is_unicode_letter;
use nom::bytes::complete::tag;
use nom::sequence::preceded;
use nom::{IResult, Parser};

/// Token kinds (Mermaid's terminal names).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tok {
    AccTitle,
    AccTitleValue,
    AccDescr,
    AccDescrValue,
    AccDescrMultilineValue,
    ShapeData,
    CallbackName,
    CallbackArgs,
    Str,
    MdStr,
    Style,
    Default,
    LinkStyle,
    Interpolate,
    ClassDef,
    Class,
    Href,
    Click,
    Graph,
    Subgraph,
    End,
    LinkTarget,
    NoDir,
    Dir,
    DirectionTb,
    DirectionBt,
    DirectionRl,
    DirectionLr,
    DirectionTd,
    LinkId,
    Num,
    Brkt,
    StyleSeparator,
    Colon,
    Amp,
    Semi,
    Comma,
    Mult,
    Link,
    StartLink,
    EdgeText,
    EllipseEnd,
    Text,
    EllipseStart,
    StadiumEnd,
    StadiumStart,
    SubroutineEnd,
    SubroutineStart,
    VertexWithPropsStart,
    TagEnd,
    CylinderEnd,
    CylinderStart,
    DoubleCircleEnd,
    DoubleCircleStart,
    TrapEnd,
    InvTrapEnd,
    TrapStart,
    InvTrapStart,
    TagStart,
    Up,
    Sep,
    Down,
    NodeString,
    Minus,
    UnicodeText,
    Pipe,
    Pe,
    Ps,
    Sqe,
    Sqs,
    DiamondStop,
    DiamondStart,
    Quote,
    Newline,
    Space,
    /// Mermaid's `EOF` token (the `$` rule).
    Eof,
    /// End of the token stream.
    End0,
    /// No rule matched here.
    LexError,
}

/// One token: its kind and its byte range in the cleaned text. Where
/// Mermaid rewrites `yytext` (rarely: node data strings), `value` indexes
/// the rewritten text in the lexer's list (see [`Tokens::text`]). A small
/// `Copy` record, not one holding an `Option<String>`: every token moves
/// through the lookahead, and moving 48 bytes with drop glue (and the rule
/// results that carried the same `Option<String>`) was a share of the
/// lexer's instructions.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Token {
    pub kind: Tok,
    /// Index into the rewritten texts, or [`NO_VALUE`].
    value: u32,
    pub start: usize,
    pub end: usize,
}

/// [`Token::value`] of a token whose text is its range.
const NO_VALUE: u32 = u32::MAX;

impl Token {
    /// Whether the lexer rewrote the token's text.
    pub fn has_value(&self) -> bool {
        self.value != NO_VALUE
    }

    /// The token's text when the lexer did not rewrite it.
    fn raw<'a>(&self, src: &'a str) -> &'a str {
        src.get(self.start..self.end).unwrap_or("")
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Initial,
    Str,
    MdStr,
    AccTitle,
    AccDescr,
    AccDescrMultiline,
    Dir,
    Text,
    EllipseText,
    TrapText,
    EdgeText,
    ThickEdgeText,
    DottedEdgeText,
    Click,
    CallbackName,
    CallbackArgs,
    ShapeData,
    ShapeDataStr,
}

type R<'a> = IResult<&'a str, &'a str>;

fn sp0(i: &str) -> R<'_> {
    let n = js_space_prefix(i);
    Ok((&i[n..], &i[..n]))
}

fn word_boundary_after(rest: &str) -> bool {
    !rest
        .bytes()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
}

/// `word\b`
#[inline]
fn keyword(i: &str, word: &str) -> Option<usize> {
    let rest = i.strip_prefix(word)?;
    word_boundary_after(rest).then_some(word.len())
}

/// Where the first byte of `set` (all ASCII) is in `i`, else `i.len()`:
/// `[^...]+` runs, searched by byte (an ASCII byte never occurs inside a
/// multi-byte UTF-8 character).
fn find_ascii(i: &str, set: &[u8]) -> usize {
    i.bytes().position(|b| set.contains(&b)).unwrap_or(i.len())
}

/// A 256-entry membership table of the ASCII bytes in `set`, for runs the
/// lexer scans on every token (one load a byte, not a search of the set).
const fn byte_table(set: &[u8]) -> [bool; 256] {
    let mut t = [false; 256];
    let mut k = 0;
    while k < set.len() {
        t[set[k] as usize] = true;
        k += 1;
    }
    t
}

/// The bytes that end a `[^\[\](){}|"]+` text run.
static TEXT_STOP: [bool; 256] = byte_table(b"[](){}|\"");

/// [`find_ascii`] with a [`byte_table`].
#[inline]
fn find_in_table(i: &str, table: &[bool; 256]) -> usize {
    i.bytes().position(|b| table[b as usize]).unwrap_or(i.len())
}

/// The words that start a keyword rule (rules 0–44) beginning with an ASCII
/// letter: such a rule matches only where the run of `[A-Za-z0-9_]` at the
/// position is one of these (each is followed by a space, `:`, `-` or a
/// word boundary in its rule).
fn may_be_keyword(i: &str) -> bool {
    let b = i.as_bytes();
    // The first two letters of every word below: most ids (`lb1`, `app`,
    // `db2`) differ there, which saves scanning their word.
    let two = (
        b.first().copied().unwrap_or(0),
        b.get(1).copied().unwrap_or(0),
    );
    if !matches!(
        two,
        (b'a', b'c')
            | (b'c', b'a' | b'l')
            | (b's', b't' | b'w' | b'u')
            | (b'd', b'e')
            | (b'l', b'i')
            | (b'i', b'n')
            | (b'h', b'r')
            | (b'f', b'l')
            | (b'g', b'r')
            | (b'e', b'n')
    ) {
        return false;
    }
    let w = b
        .iter()
        .position(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))
        .unwrap_or(b.len());
    matches!(
        &b[..w],
        b"accTitle"
            | b"accDescr"
            | b"call"
            | b"classDef"
            | b"class"
            | b"click"
            | b"style"
            | b"swimlane"
            | b"subgraph"
            | b"default"
            | b"linkStyle"
            | b"interpolate"
            | b"href"
            | b"flowchart"
            | b"graph"
            | b"end"
    )
}

/// `\s*[xo<]?--+[-xo>]\s*`
fn normal_link(i: &str) -> Option<usize> {
    run_link(i, b'-')
}

/// `\s*[xo<]?==+[=xo>]\s*`
fn thick_link(i: &str) -> Option<usize> {
    run_link(i, b'=')
}

fn run_link(i: &str, c: u8) -> Option<usize> {
    let lead = js_space_prefix(i);
    let r = &i[lead..];
    let try_from = |r: &str| -> Option<usize> {
        let b = r.as_bytes();
        let n = b.iter().take_while(|&&x| x == c).count();
        if n < 2 {
            return None;
        }
        let after = match b.get(n) {
            Some(b'x' | b'o' | b'>') => n + 1,
            Some(&x) if x == c => n + 1,
            _ if n >= 3 => n,
            _ => return None,
        };
        Some(after)
    };
    let with_marker = r
        .strip_prefix(['x', 'o', '<'])
        .and_then(|r2| try_from(r2).map(|n| n + 1));
    let n = with_marker.or_else(|| try_from(r))?;
    let consumed = lead + n;
    Some(consumed + js_space_prefix(&i[consumed..]))
}

/// `\s*[xo<]?--\s*` (and `==`, `-.`): the opener of an inline edge label.
/// Measured byte by byte like [`run_link`]: through nom, the three openers
/// and the dotted link a dotted arrow is tried against cost about 700
/// instructions a dotted arrow.
fn start_link(i: &str, opener: &str) -> Option<usize> {
    let b = i.as_bytes();
    let mut k = js_space_prefix(i);
    if matches!(b.get(k), Some(b'x' | b'o' | b'<')) {
        k += 1;
    }
    let n = b
        .get(k..)?
        .starts_with(opener.as_bytes())
        .then_some(opener.len())?;
    Some(k + n + js_space_prefix(i.get(k + n..)?))
}

/// `\s*[xo<]?-?\.+-[xo>]?\s*`
fn dotted_link(i: &str) -> Option<usize> {
    // `-?\.+-[xo>]?` from `k`: where it ends.
    let body = |b: &[u8], mut k: usize| -> Option<usize> {
        if b.get(k) == Some(&b'-') {
            k += 1;
        }
        let dots = b.get(k..)?.iter().take_while(|&&c| c == b'.').count();
        if dots == 0 || b.get(k + dots) != Some(&b'-') {
            return None;
        }
        k += dots + 1;
        if matches!(b.get(k), Some(b'x' | b'o' | b'>')) {
            k += 1;
        }
        Some(k)
    };
    let b = i.as_bytes();
    let lead = js_space_prefix(i);
    let end = match b.get(lead) {
        Some(b'x' | b'o' | b'<') => body(b, lead + 1),
        _ => None,
    };
    let end = end.or_else(|| body(b, lead))?;
    Some(end + js_space_prefix(i.get(end..)?))
}

/// `\s*~~[~]+\s*`
fn invisible_link(i: &str) -> Option<usize> {
    let lead = js_space_prefix(i);
    let b = i.as_bytes().get(lead..)?;
    let n = b.iter().take_while(|&&c| c == b'~').count();
    if n < 3 {
        return None;
    }
    Some(lead + n + js_space_prefix(i.get(lead + n..)?))
}

/// The bytes that are always `NODE_STRING` characters (`-` depends on the
/// byte after it).
static NODE_CHAR: [bool; 256] = {
    let mut t = byte_table(b"!\"#$%&'*+.`?\\_/");
    let mut c = 0;
    while c < 256 {
        if (c as u8).is_ascii_alphanumeric() {
            t[c] = true;
        }
        c += 1;
    }
    t
};

#[inline]
fn node_string_char(b: &[u8], k: usize) -> bool {
    match b[k] {
        c if NODE_CHAR[c as usize] => true,
        b'-' => b
            .get(k + 1)
            .is_some_and(|&n| n != b'>' && n != b'-' && n != b'.'),
        _ => false,
    }
}

/// `([A-Za-z0-9!"#$%&'*+.`?\\_/]|-(?=[^>\-.]))+`
fn node_string(i: &str) -> Option<usize> {
    let b = i.as_bytes();
    let mut k = 0;
    while k < b.len() && node_string_char(b, k) {
        k += 1;
    }
    (k > 0).then_some(k)
}

/// `[0-9]+`
fn num(i: &str) -> Option<usize> {
    let n = i.bytes().take_while(u8::is_ascii_digit).count();
    (n > 0).then_some(n)
}

fn lit(i: &str, s: &str) -> Option<usize> {
    i.starts_with(s).then_some(s.len())
}

/// The `direction` occurrences of one line: (line start, line end,
/// [(start, token, match end)]).
type DirCache = (usize, usize, Vec<(usize, Tok, usize)>);

/// The tokens as the grammar reads them: the current one and one of
/// lookahead, lexed on demand. Mermaid's lexer runs as its parser asks, and
/// a list of every token of a big diagram cost more to fill and to page in
/// than lexing itself. The last token (the end, or a lexical error) stays
/// current however often it is consumed.
pub(crate) struct Tokens<'a> {
    lexer: Lexer<'a>,
    cur: Token,
    /// The token after `cur`; `None` when `cur` is the last.
    next: Option<Token>,
    /// The end of the token consumed last.
    prev_end: usize,
}

fn is_last(t: &Token) -> bool {
    matches!(t.kind, Tok::End0 | Tok::LexError)
}

impl<'a> Tokens<'a> {
    /// The tokens of the cleaned text `src`.
    pub fn new(src: &'a str) -> Self {
        let mut lexer = Lexer::new(src);
        let cur = lexer.next_token();
        let next = (!is_last(&cur)).then(|| lexer.next_token());
        Tokens {
            lexer,
            cur,
            next,
            prev_end: 0,
        }
    }

    /// The current token.
    pub fn peek(&self) -> &Token {
        &self.cur
    }

    /// The kind of the token after the current one ([`Tok::End0`] at the end).
    pub fn next_kind(&self) -> Tok {
        self.next.as_ref().map_or(Tok::End0, |t| t.kind)
    }

    /// The end of the token consumed last.
    pub fn prev_end(&self) -> usize {
        self.prev_end
    }

    /// The text of `t` (`yytext`): the rewritten text if the lexer made
    /// one, else its range of the cleaned text.
    pub fn text(&self, t: &Token) -> &str {
        self.lexer.text(t)
    }

    /// Consume the current token and return it.
    pub fn bump(&mut self) -> Token {
        let Some(next) = self.next.take() else {
            return self.cur;
        };
        let t = std::mem::replace(&mut self.cur, next);
        self.prev_end = t.end;
        if !is_last(&self.cur) {
            self.next = Some(self.lexer.next_token());
        }
        t
    }
}

/// The lexer.
pub(crate) struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    stack: Vec<State>,
    first_graph: bool,
    done: bool,
    /// Cache for the `direction` rules: (line start, line end, occurrences).
    dir_cache: Option<DirCache>,
    /// Cache for the `LINK_ID` rule: (run start, run end, last usable `@`).
    link_id_cache: Option<(usize, usize, Option<usize>)>,
    /// The next `direction` at or after the position last asked about
    /// (`usize::MAX`: none): the direction rules need one, and most
    /// diagrams have none, so most tokens skip them at once.
    direction_ahead: usize,
    /// The same for `@`, which the `LINK_ID` rule needs.
    at_ahead: usize,
    /// Texts of tokens Mermaid rewrites (see [`Token::value`]).
    values: Vec<String>,
    /// The rewritten text of the token the current rule matched.
    pending: Option<String>,
}

impl<'a> Lexer<'a> {
    /// A lexer over the cleaned text.
    pub fn new(src: &'a str) -> Self {
        Lexer {
            src,
            pos: 0,
            stack: vec![State::Initial],
            first_graph: true,
            done: false,
            dir_cache: None,
            link_id_cache: None,
            direction_ahead: memchr::memmem::find(src.as_bytes(), b"direction")
                .unwrap_or(usize::MAX),
            at_ahead: memchr::memchr(b'@', src.as_bytes()).unwrap_or(usize::MAX),
            values: Vec::new(),
            pending: None,
        }
    }

    /// See [`Tokens::text`]. Rewritten texts are kept for the whole parse
    /// (the parser may read a token after the next has been lexed); they
    /// are only node data strings, so few.
    fn text(&self, t: &Token) -> &str {
        match self.values.get(t.value as usize) {
            Some(v) => v,
            None => t.raw(self.src),
        }
    }

    /// All tokens up to the end (or the first lexical error).
    #[cfg(test)]
    pub fn tokenize(mut self) -> Vec<Token> {
        let mut out = Vec::with_capacity(self.src.len() / 4 + 8);
        loop {
            let t = self.next_token();
            let k = t.kind;
            out.push(t);
            if k == Tok::End0 || k == Tok::LexError {
                break;
            }
        }
        out
    }

    fn state(&self) -> State {
        *self.stack.last().unwrap_or(&State::Initial)
    }

    fn push(&mut self, s: State) {
        self.stack.push(s);
    }

    fn pop(&mut self) {
        if self.stack.len() > 1 {
            self.stack.pop();
        }
    }

    fn next_token(&mut self) -> Token {
        loop {
            if self.done {
                return self.tok(Tok::End0, self.pos, self.pos);
            }
            if self.pos >= self.src.len() {
                self.done = true;
            }
            match self.rule() {
                Some((len, kind)) => {
                    let start = self.pos;
                    self.pos += len;
                    let value = match self.pending.take() {
                        Some(v) => {
                            self.values.push(v);
                            (self.values.len() - 1) as u32
                        }
                        None => NO_VALUE,
                    };
                    if let Some(kind) = kind {
                        return Token {
                            kind,
                            value,
                            start,
                            end: self.pos,
                        };
                    }
                    if len == 0 && self.done {
                        return self.tok(Tok::End0, self.pos, self.pos);
                    }
                }
                None => {
                    if self.pos >= self.src.len() {
                        return self.tok(Tok::End0, self.pos, self.pos);
                    }
                    let len = self.src[self.pos..]
                        .chars()
                        .next()
                        .map(char::len_utf8)
                        .unwrap_or(1);
                    return self.tok(Tok::LexError, self.pos, self.pos + len);
                }
            }
        }
    }

    fn tok(&self, kind: Tok, start: usize, end: usize) -> Token {
        Token {
            kind,
            value: NO_VALUE,
            start,
            end,
        }
    }

    /// The rules of the current state, in Mermaid's order. Returns the match
    /// length and the token (None: no token, keep lexing).
    fn rule(&mut self) -> Option<(usize, Option<Tok>)> {
        let i = &self.src[self.pos..];
        let st = self.state();
        macro_rules! ret {
            ($len:expr, $tok:expr) => {
                return Some(($len, $tok))
            };
        }
        // State-specific rules that come before the shared ones.
        match st {
            State::AccTitle | State::AccDescr => {
                let n = i.find('\n').unwrap_or(i.len());
                self.pop();
                let t = if st == State::AccTitle {
                    Tok::AccTitleValue
                } else {
                    Tok::AccDescrValue
                };
                ret!(n, Some(t));
            }
            State::AccDescrMultiline => {
                if i.starts_with('}') {
                    self.pop();
                    ret!(1, None);
                }
                let n = i.find('}').unwrap_or(i.len());
                ret!(n, Some(Tok::AccDescrMultilineValue));
            }
            State::ShapeData => {
                if i.starts_with('"') {
                    self.push(State::ShapeDataStr);
                    ret!(1, Some(Tok::ShapeData));
                }
                let n = find_ascii(i, b"}^\"");
                if n > 0 {
                    ret!(n, Some(Tok::ShapeData));
                }
                if i.starts_with('}') {
                    self.pop();
                    ret!(1, None);
                }
            }
            State::ShapeDataStr => {
                if i.starts_with('"') {
                    self.pop();
                    ret!(1, Some(Tok::ShapeData));
                }
                let n = i.find('"').unwrap_or(i.len());
                if n > 0 {
                    self.pending = Some(replace_breaks(&i[..n]));
                    return Some((n, Some(Tok::ShapeData)));
                }
            }
            State::CallbackName => {
                if let Some(rest) = i.strip_prefix('(') {
                    let ws = js_space_prefix(rest);
                    if rest[ws..].starts_with(')') {
                        self.pop();
                        ret!(1 + ws + 1, None);
                    }
                    self.pop();
                    self.push(State::CallbackArgs);
                    ret!(1, None);
                }
                let n = i.find('(').unwrap_or(i.len());
                ret!(n, Some(Tok::CallbackName));
            }
            State::CallbackArgs => {
                if i.starts_with(')') {
                    self.pop();
                    ret!(1, None);
                }
                let n = i.find(')').unwrap_or(i.len());
                ret!(n, Some(Tok::CallbackArgs));
            }
            State::MdStr => {
                let n = find_ascii(i, b"`\"");
                if n > 0 {
                    ret!(n, Some(Tok::MdStr));
                }
                if i.starts_with("`\"") {
                    self.pop();
                    ret!(2, None);
                }
            }
            _ => {}
        }
        // Strings (`<*>` rules 21 and 24, and the `string` state's own).
        if st == State::Str {
            if i.starts_with("\"`") {
                self.push(State::MdStr);
                ret!(2, None);
            }
            let n = i.find('"').unwrap_or(i.len());
            if n > 0 {
                ret!(n, Some(Tok::Str));
            }
            if i.starts_with('"') {
                self.pop();
                ret!(1, None);
            }
        }
        if i.starts_with("\"`") {
            self.push(State::MdStr);
            ret!(2, None);
        }
        if i.starts_with('"') {
            self.push(State::Str);
            ret!(1, None);
        }
        match st {
            State::Initial => return self.initial_rules(),
            State::Click => {
                if let Some(c) = i.chars().next() {
                    if js_space(c) {
                        self.pop();
                        ret!(c.len_utf8(), None);
                    }
                }
                let n = i.find(js_space).unwrap_or(i.len());
                ret!(n, Some(Tok::Click));
            }
            State::Dir => {
                // (\r?\n)*\s*\n  -- whitespace up to its last line break
                let ws = js_space_prefix(i);
                if let Some(nl) = i[..ws].rfind('\n') {
                    self.pop();
                    ret!(nl + 1, Some(Tok::NoDir));
                }
                let after_ws = &i[ws..];
                for d in ["LR", "RL", "TB", "BT", "TD", "BR"] {
                    if let Some(n) = keyword(after_ws, d) {
                        self.pop();
                        ret!(ws + n, Some(Tok::Dir));
                    }
                }
                for d in ["<", ">", "^"] {
                    if after_ws.starts_with(d) {
                        self.pop();
                        ret!(ws + 1, Some(Tok::Dir));
                    }
                }
                if let Some(n) = keyword(after_ws, "v") {
                    self.pop();
                    ret!(ws + n, Some(Tok::Dir));
                }
            }
            State::EdgeText => {
                if let Some(n) = normal_link(i) {
                    self.pop();
                    ret!(n, Some(Tok::Link));
                }
                if let Some(c) = i.chars().next() {
                    if c != '-' || !i[1..].starts_with('-') {
                        ret!(c.len_utf8(), Some(Tok::EdgeText));
                    }
                }
            }
            State::ThickEdgeText => {
                if let Some(n) = thick_link(i) {
                    self.pop();
                    ret!(n, Some(Tok::Link));
                }
                if let Some(c) = i.chars().next() {
                    if c != '=' {
                        ret!(c.len_utf8(), Some(Tok::EdgeText));
                    }
                }
            }
            State::DottedEdgeText => {
                if let Some(n) = dotted_link(i) {
                    self.pop();
                    ret!(n, Some(Tok::Link));
                }
                if let Some(c) = i.chars().next() {
                    if c != '.' {
                        ret!(c.len_utf8(), Some(Tok::EdgeText));
                    }
                }
            }
            _ => {}
        }
        self.shared_rules(st)
    }

    /// Rules 79..117 as they apply in non-initial states.
    fn shared_rules(&mut self, st: State) -> Option<(usize, Option<Tok>)> {
        let i = &self.src[self.pos..];
        macro_rules! ret {
            ($len:expr, $tok:expr) => {
                return Some(($len, Some($tok)))
            };
        }
        // Fast path for label text: a first byte that is ASCII, not a space,
        // not `~` and not one of `[](){}|"` fails every rule below but the
        // text run (each starts with a space, `~` or one of those bytes).
        if st == State::Text {
            let b0 = i.as_bytes().first().copied().unwrap_or(b'[');
            if b0.is_ascii() && !TEXT_STOP[b0 as usize] && b0 != b'~' && !js_space(b0 as char) {
                ret!(find_in_table(i, &TEXT_STOP), Tok::Text);
            }
        }
        // The closers of label text, with the rules below that can match
        // their first byte, in their order (none of the rules between
        // starts with one of these bytes).
        if st == State::Text {
            match i.as_bytes().first() {
                Some(b']') => {
                    self.pop();
                    match i.as_bytes().get(1) {
                        Some(b')') => ret!(2, Tok::StadiumEnd),
                        Some(b']') => ret!(2, Tok::SubroutineEnd),
                        _ => ret!(1, Tok::Sqe),
                    }
                }
                Some(b')') => {
                    self.pop();
                    if i.starts_with(")]") {
                        ret!(2, Tok::CylinderEnd);
                    }
                    if i.starts_with(")))") {
                        ret!(3, Tok::DoubleCircleEnd);
                    }
                    ret!(1, Tok::Pe);
                }
                Some(b'}') => {
                    self.pop();
                    ret!(1, Tok::DiamondStop);
                }
                Some(b'|') => {
                    self.pop();
                    ret!(1, Tok::Pipe);
                }
                _ => {}
            }
        }
        if let Some(n) = invisible_link(i) {
            ret!(n, Tok::Link);
        }
        if st == State::EllipseText {
            let b = i.as_bytes();
            if b.len() >= 2 && matches!(b[0], b'-' | b'/' | b')') && b[1] == b')' {
                self.pop();
                ret!(2, Tok::EllipseEnd);
            }
            if let Some(c) = i.chars().next() {
                if !matches!(c, '(' | ')' | '[' | ']' | '{' | '}') {
                    ret!(c.len_utf8(), Tok::Text);
                }
            }
        }
        if i.starts_with("(-") {
            self.push(State::EllipseText);
            ret!(2, Tok::EllipseStart);
        }
        if st == State::Text && i.starts_with("])") {
            self.pop();
            ret!(2, Tok::StadiumEnd);
        }
        if i.starts_with("([") {
            self.push(State::Text);
            ret!(2, Tok::StadiumStart);
        }
        if st == State::Text && i.starts_with("]]") {
            self.pop();
            ret!(2, Tok::SubroutineEnd);
        }
        if i.starts_with("[[") {
            self.push(State::Text);
            ret!(2, Tok::SubroutineStart);
        }
        if st == State::Text && i.starts_with(")]") {
            self.pop();
            ret!(2, Tok::CylinderEnd);
        }
        if i.starts_with("[(") {
            self.push(State::Text);
            ret!(2, Tok::CylinderStart);
        }
        if st == State::Text && i.starts_with(")))") {
            self.pop();
            ret!(3, Tok::DoubleCircleEnd);
        }
        if i.starts_with("(((") {
            self.push(State::Text);
            ret!(3, Tok::DoubleCircleStart);
        }
        if st == State::TrapText {
            let b = i.as_bytes();
            if b.len() >= 2 && matches!(b[0], b'\\' | b'(' | b'?' | b'=' | b']') && b[1] == b']' {
                self.pop();
                ret!(2, Tok::TrapEnd);
            }
            if i.starts_with("/]") {
                self.pop();
                ret!(2, Tok::InvTrapEnd);
            }
            if (b.first() == Some(&b'/') || b.first() == Some(&b'\\')) && b.get(1) != Some(&b']') {
                ret!(1, Tok::Text);
            }
            let n = find_ascii(i, b"\\[](){}/");
            if n > 0 {
                ret!(n, Tok::Text);
            }
        }
        if i.starts_with("[/") {
            self.push(State::TrapText);
            ret!(2, Tok::TrapStart);
        }
        if i.starts_with("[\\") {
            self.push(State::TrapText);
            ret!(2, Tok::InvTrapStart);
        }
        if i.starts_with('|') {
            if st == State::Text {
                self.pop();
            } else {
                self.push(State::Text);
            }
            ret!(1, Tok::Pipe);
        }
        if i.starts_with(')') && st == State::Text {
            self.pop();
            ret!(1, Tok::Pe);
        }
        if i.starts_with('(') {
            self.push(State::Text);
            ret!(1, Tok::Ps);
        }
        if i.starts_with(']') && st == State::Text {
            self.pop();
            ret!(1, Tok::Sqe);
        }
        if i.starts_with('[') {
            self.push(State::Text);
            ret!(1, Tok::Sqs);
        }
        if i.starts_with('}') && st == State::Text {
            self.pop();
            ret!(1, Tok::DiamondStop);
        }
        if i.starts_with('{') {
            self.push(State::Text);
            ret!(1, Tok::DiamondStart);
        }
        if st == State::Text {
            let n = find_in_table(i, &TEXT_STOP);
            if n > 0 {
                ret!(n, Tok::Text);
            }
        }
        None
    }

    /// The direction rules: `.*direction\s+TB[^\n]*` and friends.
    fn direction_rule(&mut self) -> Option<(usize, Tok)> {
        let pos = self.pos;
        let src = self.src;
        if self.direction_ahead < pos {
            self.direction_ahead = memchr::memmem::find(&src.as_bytes()[pos..], b"direction")
                .map_or(usize::MAX, |k| pos + k);
        }
        if self.direction_ahead == usize::MAX {
            return None;
        }
        let fresh = !matches!(&self.dir_cache, Some((ls, le, _)) if *ls <= pos && pos <= *le);
        if fresh {
            let line_start = src[..pos].rfind('\n').map(|x| x + 1).unwrap_or(0);
            let line_end = src[pos..].find('\n').map(|x| pos + x).unwrap_or(src.len());
            let mut occ = Vec::new();
            let line = &src[line_start..line_end];
            if line.contains("direction") {
                for (k, _) in line.match_indices("direction") {
                    let abs = line_start + k;
                    let after = &src[abs + 9..];
                    let ws = js_space_prefix(after);
                    if ws == 0 {
                        continue;
                    }
                    let d = &after[ws..];
                    let kind = if d.starts_with("TB") {
                        Tok::DirectionTb
                    } else if d.starts_with("BT") {
                        Tok::DirectionBt
                    } else if d.starts_with("RL") {
                        Tok::DirectionRl
                    } else if d.starts_with("LR") {
                        Tok::DirectionLr
                    } else if d.starts_with("TD") {
                        Tok::DirectionTd
                    } else {
                        continue;
                    };
                    let from = abs + 9 + ws + 2;
                    // `[^\n]*` runs to the end of this line, unless `\s+`
                    // crossed a line break (then to the end of that line).
                    let end = if after[..ws].contains('\n') {
                        src[from..]
                            .find('\n')
                            .map(|x| from + x)
                            .unwrap_or(src.len())
                    } else {
                        line_end
                    };
                    occ.push((abs, kind, end));
                }
            }
            self.dir_cache = Some((line_start, line_end, occ));
        }
        let occ = &self.dir_cache.as_ref()?.2;
        if occ.is_empty() {
            return None;
        }
        for kind in [
            Tok::DirectionTb,
            Tok::DirectionBt,
            Tok::DirectionRl,
            Tok::DirectionLr,
            Tok::DirectionTd,
        ] {
            if let Some(&(_, k, end)) = occ.iter().rev().find(|(s, k, _)| *k == kind && *s >= pos) {
                return Some((end - pos, k));
            }
        }
        None
    }

    /// `[^\s"\[\](){}|]+@(?=[^{"])`
    fn link_id_rule(&mut self) -> Option<usize> {
        let pos = self.pos;
        let src = self.src;
        if self.at_ahead < pos {
            self.at_ahead =
                memchr::memchr(b'@', &src.as_bytes()[pos..]).map_or(usize::MAX, |k| pos + k);
        }
        if self.at_ahead == usize::MAX {
            return None;
        }
        let stop =
            |c: char| js_space(c) || matches!(c, '"' | '[' | ']' | '(' | ')' | '{' | '}' | '|');
        let cached = matches!(self.link_id_cache, Some((s, e, _)) if s <= pos && pos < e);
        if !cached {
            let rest = &src[pos..];
            let n = rest.find(stop).unwrap_or(rest.len());
            let run_end = pos + n;
            let mut last = None;
            for (k, _) in src[pos..run_end].match_indices('@') {
                let at = pos + k;
                let next = src[at + 1..].chars().next();
                if next.is_some_and(|c| c != '{' && c != '"') {
                    last = Some(at);
                }
            }
            self.link_id_cache = Some((pos, run_end.max(pos + 1), last));
        }
        let (_, _, last) = self.link_id_cache?;
        match last {
            Some(at) if at > pos => Some(at + 1 - pos),
            _ => None,
        }
    }

    /// Rules 0–44: accessibility, node data, `call`, keywords, header,
    /// `subgraph`/`end` and link targets. Out of line: few tokens get here,
    /// and inlined it made every token's frame larger.
    #[inline(never)]
    fn keyword_rules(&mut self, i: &str) -> Option<(usize, Option<Tok>)> {
        macro_rules! ret {
            ($len:expr, $tok:expr) => {
                return Some(($len, $tok))
            };
        }
        // Rules with different first bytes never both match, so only the
        // ones for this byte are tried, in Mermaid's order.
        match i.as_bytes().first() {
            Some(b'a') => {
                if let Some(r) = preceded(tag::<_, _, nom::error::Error<&str>>("accTitle"), sp0)
                    .parse(i)
                    .ok()
                    .and_then(|(r, _)| r.strip_prefix(':'))
                {
                    let (r2, _) = sp0(r).ok()?;
                    self.push(State::AccTitle);
                    ret!(i.len() - r2.len(), Some(Tok::AccTitle));
                }
                if let Ok((r, _)) =
                    preceded(tag::<_, _, nom::error::Error<&str>>("accDescr"), sp0).parse(i)
                {
                    if let Some(r) = r.strip_prefix(':') {
                        let (r2, _) = sp0(r).ok()?;
                        self.push(State::AccDescr);
                        ret!(i.len() - r2.len(), Some(Tok::AccDescr));
                    }
                    if let Some(r) = r.strip_prefix('{') {
                        let (r2, _) = sp0(r).ok()?;
                        self.push(State::AccDescrMultiline);
                        ret!(i.len() - r2.len(), None);
                    }
                }
            }
            Some(b'@') if i.starts_with("@{") => {
                self.push(State::ShapeData);
                self.pending = Some(String::new());
                return Some((2, Some(Tok::ShapeData)));
            }
            Some(b'c') => {
                if let Some(r) = i.strip_prefix("call") {
                    let n = js_space_prefix(r);
                    if n > 0 {
                        self.push(State::CallbackName);
                        ret!(4 + n, None);
                    }
                }
                // (strings were handled by the caller)
                for (w, t) in [("classDef", Tok::ClassDef), ("class", Tok::Class)] {
                    if let Some(n) = keyword(i, w) {
                        ret!(n, Some(t));
                    }
                }
                if let Some(r) = i.strip_prefix("click") {
                    let n = js_space_prefix(r);
                    if n > 0 {
                        self.push(State::Click);
                        ret!(5 + n, None);
                    }
                }
            }
            Some(b's') => {
                if let Some(n) = keyword(i, "style") {
                    ret!(n, Some(Tok::Style));
                }
                if let Some(n) = keyword(i, "swimlane-beta") {
                    ret!(n, Some(self.graph_keyword()));
                }
                if let Some(n) = keyword(i, "subgraph") {
                    ret!(n, Some(Tok::Subgraph));
                }
            }
            Some(b'd') => {
                if let Some(n) = keyword(i, "default") {
                    ret!(n, Some(Tok::Default));
                }
            }
            Some(b'l') => {
                if let Some(n) = keyword(i, "linkStyle") {
                    ret!(n, Some(Tok::LinkStyle));
                }
            }
            Some(b'i') => {
                if let Some(n) = keyword(i, "interpolate") {
                    ret!(n, Some(Tok::Interpolate));
                }
            }
            Some(b'h') => {
                if let Some(r) = i.strip_prefix("href") {
                    if r.chars().next().is_some_and(js_space) {
                        let n = r.chars().next().map(char::len_utf8).unwrap_or(1);
                        ret!(4 + n, Some(Tok::Href));
                    }
                }
            }
            Some(b'f' | b'g') => {
                for w in ["flowchart-elk", "graph", "flowchart"] {
                    if let Some(n) = keyword(i, w) {
                        ret!(n, Some(self.graph_keyword()));
                    }
                }
            }
            Some(b'e') => {
                if let Some(n) = keyword(i, "end") {
                    let r = &i[n..];
                    let ws = js_space_prefix(r);
                    ret!(n + ws, Some(Tok::End));
                }
            }
            Some(b'_') => {
                for w in ["_self", "_blank", "_parent", "_top"] {
                    if let Some(n) = keyword(i, w) {
                        ret!(n, Some(Tok::LinkTarget));
                    }
                }
            }
            _ => {}
        }
        None
    }

    /// The header keyword: the first one also opens the direction state.
    fn graph_keyword(&mut self) -> Tok {
        if self.first_graph {
            self.first_graph = false;
            self.push(State::Dir);
        }
        Tok::Graph
    }

    fn initial_rules(&mut self) -> Option<(usize, Option<Tok>)> {
        let i = &self.src[self.pos..];
        macro_rules! ret {
            ($len:expr, $tok:expr) => {
                return Some(($len, $tok))
            };
        }
        // Rules 0–44 start with one of these; skip them all otherwise (most
        // ids do not).
        let b0 = i.as_bytes().first().copied().unwrap_or(0);
        let keyword_start = matches!(
            b0,
            b'a' | b'c' | b'd' | b'e' | b'f' | b'g' | b'h' | b'i' | b'l' | b's' | b'_' | b'@'
        );
        if keyword_start && (!b0.is_ascii_alphabetic() || may_be_keyword(i)) {
            if let Some(r) = self.keyword_rules(i) {
                return Some(r);
            }
        }
        if let Some((n, t)) = self.direction_rule() {
            ret!(n, Some(t));
        }
        if let Some(n) = self.link_id_rule() {
            ret!(n, Some(Tok::LinkId));
        }
        // Fast path for ids: after the rules above, a letter other than `v`
        // (a direction), `x` and `o` (link markers) fails every rule before
        // `NODE_STRING`, which then matches.
        if b0.is_ascii_alphabetic() && !matches!(b0, b'v' | b'x' | b'o') {
            if let Some(n) = node_string(i) {
                ret!(n, Some(Tok::NodeString));
            }
        }
        if let Some(n) = num(i) {
            ret!(n, Some(Tok::Num));
        }
        let single = [
            (":::", Tok::StyleSeparator),
            ("#", Tok::Brkt),
            (":", Tok::Colon),
            ("&", Tok::Amp),
            (";", Tok::Semi),
            (",", Tok::Comma),
            ("*", Tok::Mult),
        ];
        // `#` comes before `:::` in Mermaid's list, but they never overlap.
        if matches!(b0, b':' | b'#' | b'&' | b';' | b',' | b'*') {
            for (s, t) in single {
                if let Some(n) = lit(i, s) {
                    ret!(n, Some(t));
                }
            }
        }
        // Every link rule starts with optional whitespace and then one of
        // these characters; skip them all otherwise (a fast path only).
        let first = match i.as_bytes().first() {
            Some(&b) if b.is_ascii_graphic() => Some(b),
            _ => i[js_space_prefix(i)..].bytes().next(),
        };
        let may_link = matches!(first, Some(b'-' | b'=' | b'.' | b'~' | b'x' | b'o' | b'<'));
        if may_link {
            if let Some(r) = self.link_rules(i) {
                return Some(r);
            }
        }
        self.bracket_rules(i)
    }

    /// Rules 70–79: links and the openers of inline edge labels.
    fn link_rules(&mut self, i: &str) -> Option<(usize, Option<Tok>)> {
        macro_rules! ret {
            ($len:expr, $tok:expr) => {
                return Some(($len, $tok))
            };
        }
        if let Some(n) = normal_link(i) {
            ret!(n, Some(Tok::Link));
        }
        if let Some(n) = start_link(i, "--") {
            self.push(State::EdgeText);
            ret!(n, Some(Tok::StartLink));
        }
        if let Some(n) = thick_link(i) {
            ret!(n, Some(Tok::Link));
        }
        if let Some(n) = start_link(i, "==") {
            self.push(State::ThickEdgeText);
            ret!(n, Some(Tok::StartLink));
        }
        if let Some(n) = dotted_link(i) {
            ret!(n, Some(Tok::Link));
        }
        if let Some(n) = start_link(i, "-.") {
            self.push(State::DottedEdgeText);
            ret!(n, Some(Tok::StartLink));
        }
        if let Some(n) = invisible_link(i) {
            ret!(n, Some(Tok::Link));
        }
        None
    }

    /// Rules 82–121: brackets, ids, punctuation, line breaks and spaces.
    fn bracket_rules(&mut self, i: &str) -> Option<(usize, Option<Tok>)> {
        macro_rules! ret {
            ($len:expr, $tok:expr) => {
                return Some(($len, $tok))
            };
        }
        macro_rules! push_ret {
            ($s:expr, $state:expr, $tok:expr) => {
                if i.starts_with($s) {
                    self.push($state);
                    ret!($s.len(), Some($tok));
                }
            };
        }
        // Fast paths for the commonest tokens: no rule before `NODE_STRING`
        // can match an ASCII letter or digit but `v`, and none before the
        // line break and space rules can match those.
        match i.as_bytes().first() {
            Some(&b) if b.is_ascii_alphanumeric() && b != b'v' => {
                if let Some(n) = node_string(i) {
                    ret!(n, Some(Tok::NodeString));
                }
            }
            Some(b'\n') => {
                let nl = i.bytes().take_while(|&c| c == b'\n').count();
                ret!(nl, Some(Tok::Newline));
            }
            Some(b' ' | b'\t') => ret!(space_run(i), Some(Tok::Space)),
            // The openers, each with the rules below that can match its
            // first byte, in their order (the others all need another).
            Some(b'[') => {
                push_ret!("[[", State::Text, Tok::SubroutineStart);
                if i.starts_with("[|") {
                    ret!(2, Some(Tok::VertexWithPropsStart));
                }
                push_ret!("[(", State::Text, Tok::CylinderStart);
                push_ret!("[/", State::TrapText, Tok::TrapStart);
                push_ret!("[\\", State::TrapText, Tok::InvTrapStart);
                push_ret!("[", State::Text, Tok::Sqs);
            }
            Some(b'(') => {
                push_ret!("(-", State::EllipseText, Tok::EllipseStart);
                push_ret!("([", State::Text, Tok::StadiumStart);
                push_ret!("(((", State::Text, Tok::DoubleCircleStart);
                push_ret!("(", State::Text, Tok::Ps);
            }
            Some(b'{') => push_ret!("{", State::Text, Tok::DiamondStart),
            Some(b'|') => push_ret!("|", State::Text, Tok::Pipe),
            _ => {}
        }
        // The rest, in Mermaid's order; the openers, `|`, `\n` and ` `/tab
        // always matched above, so their rules are not repeated.
        push_ret!(">", State::Text, Tok::TagEnd);
        if i.starts_with('<') {
            ret!(1, Some(Tok::TagStart));
        }
        if i.starts_with('^') {
            ret!(1, Some(Tok::Up));
        }
        if i.starts_with("\\|") {
            ret!(2, Some(Tok::Sep));
        }
        if let Some(n) = keyword(i, "v") {
            ret!(n, Some(Tok::Down));
        }
        for (s, t) in [("*", Tok::Mult), ("#", Tok::Brkt), ("&", Tok::Amp)] {
            if let Some(n) = lit(i, s) {
                ret!(n, Some(t));
            }
        }
        if let Some(n) = node_string(i) {
            ret!(n, Some(Tok::NodeString));
        }
        if i.starts_with('-') {
            ret!(1, Some(Tok::Minus));
        }
        if let Some(c) = i.chars().next().filter(|c| !c.is_ascii()) {
            if is_unicode_letter(c) {
                ret!(c.len_utf8(), Some(Tok::UnicodeText));
            }
        }
        if i.starts_with('"') {
            ret!(1, Some(Tok::Quote));
        }
        // Other white space than ` ` and tab (`\r`, U+00A0, ...).
        let sp = space_run(i);
        if sp > 0 {
            ret!(sp, Some(Tok::Space));
        }
        if i.is_empty() {
            ret!(0, Some(Tok::Eof));
        }
        None
    }
}

/// The length of the run of [`js_space`] but line breaks at the start of
/// `i` (the `SPACE` rule). ASCII bytes are judged as bytes.
fn space_run(i: &str) -> usize {
    let b = i.as_bytes();
    let mut k = 0;
    while let Some(&c) = b.get(k) {
        match c {
            b' ' | b'\t' | 0x0B | 0x0C => k += 1,
            0..=0x7F => return k,
            _ => {
                let rest = i[k..]
                    .chars()
                    .take_while(|&c| js_space(c) && c != '\n' && c != '\r')
                    .map(char::len_utf8)
                    .sum::<usize>();
                return k + rest;
            }
        }
    }
    k
}

/// `\n\s*` becomes `<br/>` inside quoted node data.
fn replace_breaks(s: &str) -> String {
    if !s.contains('\n') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut rest = s;
    while let Some(k) = rest.find('\n') {
        out.push_str(&rest[..k]);
        out.push_str("<br/>");
        rest = rest[k + 1..].trim_start_matches(js_space);
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_char_table_is_the_node_string_class() {
        // `[A-Za-z0-9!"#$%&'*+.`?\\_/]`; `-` is decided by its lookahead.
        for c in 0..=255_u8 {
            let want = c.is_ascii_alphanumeric() || b"!\"#$%&'*+.`?\\_/".contains(&c);
            assert_eq!(NODE_CHAR[c as usize], want, "byte {c:#x}");
        }
        assert_eq!(node_string("a-b-->c"), Some(3));
        assert_eq!(node_string("-x"), Some(2));
        assert_eq!(node_string("-."), None);
    }

    #[test]
    fn keyword_prefilter_lets_every_keyword_through() {
        for w in [
            "accTitle",
            "accDescr",
            "call",
            "classDef",
            "class",
            "click",
            "style",
            "swimlane",
            "subgraph",
            "default",
            "linkStyle",
            "interpolate",
            "href",
            "flowchart",
            "graph",
            "end",
        ] {
            assert!(may_be_keyword(w), "{w}");
            assert!(may_be_keyword(&format!("{w} x")), "{w}");
        }
        assert!(!may_be_keyword("lb1"));
        assert!(!may_be_keyword("classes"));
    }

    fn kinds(s: &str) -> Vec<Tok> {
        Lexer::new(s)
            .tokenize()
            .into_iter()
            .map(|t| t.kind)
            .collect()
    }

    #[test]
    fn circle_end_is_glued_to_the_arrow() {
        use Tok::*;
        assert_eq!(
            kinds("graph LR\nA---oB\n"),
            vec![Graph, Dir, Newline, NodeString, Link, NodeString, Newline, Eof, End0]
        );
    }

    #[test]
    fn lengths_of_link_tokens() {
        assert_eq!(normal_link("--->x"), Some(4));
        assert_eq!(normal_link("--x"), Some(3));
        assert_eq!(normal_link("-- x"), None);
        assert_eq!(dotted_link(" -.-> "), Some(6));
        assert_eq!(dotted_link(".->"), Some(3));
        assert_eq!(thick_link("===>"), Some(4));
        assert_eq!(dotted_link("x-..-o  B"), Some(8));
        assert_eq!(dotted_link("o.-"), Some(3));
        assert_eq!(dotted_link("<-.>"), None);
        assert_eq!(dotted_link("x-"), None);
        assert_eq!(start_link("  x-- label", "--"), Some(6));
        assert_eq!(start_link("-.text", "-."), Some(2));
        assert_eq!(start_link("x=", "=="), None);
        assert_eq!(start_link(" \u{A0}<== t", "=="), Some(7));
        assert_eq!(invisible_link(" ~~~~ B"), Some(6));
        assert_eq!(invisible_link("~~ B"), None);
    }
}
