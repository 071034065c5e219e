//! The flowchart grammar over Mermaid's tokens: header, statements, vertex
//! chains, links, subgraphs (nested with an explicit stack, never by
//! recursion), styling and interaction statements. Owns the grammar and its
//! error messages; the semantics live in `builder.rs`. Each function's doc
//! comment starts with the `grammar/flowchart.ebnf` production it parses.

use super::builder::{js_trim_cow, Builder, Direction, LinkInfo, Member, Sym, TextObj};
use super::lexer::{Tok, Token, Tokens};
use super::preprocess::{js_space_prefix, js_trim, Mapped};
use crate::model::{Diagram, EdgeType, LabelType, Stroke};
use crate::span::Span;
use std::borrow::Cow;

/// A parse failure: where (cleaned-text offsets) and what.
#[derive(Debug)]
pub(crate) struct Fail {
    pub start: usize,
    pub end: usize,
    pub message: String,
    /// For an error at the end of the input (no token of its own): the
    /// block offset just after the last character, and how many line breaks
    /// were read after it (Mermaid reports the line after them).
    pub end_after: Option<(usize, usize)>,
}

/// Boxed: every grammar function returns a `PResult`, and with the
/// 64-byte failure inline each successful return moved that much too.
type PResult<T> = Result<T, Box<Fail>>;

/// What came before a node, for the "expected a node id" message.
#[derive(Clone, Copy)]
enum After {
    /// The start of a statement.
    Start,
    /// `&` in a group.
    Amp,
    /// The arrow (cleaned-text range).
    Arrow(usize, usize),
}

/// Node data waiting for Mermaid's reduction point.
struct Pending {
    target: Sym,
    target_span: Span,
    data: String,
    start: usize,
    end: usize,
}

/// An open subgraph on the stack.
struct Frame<'a> {
    id: Option<TextObj<'a>>,
    title: Option<TextObj<'a>>,
    same: bool,
    list: Vec<Member>,
    span: Span,
}

pub(crate) struct Parser<'a> {
    src: &'a str,
    toks: Tokens<'a>,
    map: &'a Mapped,
    b: Builder<'a>,
    /// Buffers of [`Parser::vertex_statement`].
    ids: Vec<(Sym, Span)>,
    starts: Vec<usize>,
}

fn is_id_token(k: Tok) -> bool {
    use Tok::*;
    matches!(
        k,
        Num | NodeString | Down | Minus | Default | Comma | Colon | Amp | Brkt | Mult | UnicodeText
    )
}

fn is_alnum_token(k: Tok) -> bool {
    use Tok::*;
    matches!(
        k,
        Num | UnicodeText | NodeString | Dir | Down | Minus | Comma | Colon | Amp | Brkt | Mult
    )
}

fn is_text_token(k: Tok) -> bool {
    matches!(
        k,
        Tok::Text | Tok::TagStart | Tok::TagEnd | Tok::UnicodeText
    )
}

fn is_text_no_tags_token(k: Tok) -> bool {
    use Tok::*;
    matches!(
        k,
        Num | NodeString
            | Space
            | Minus
            | Amp
            | UnicodeText
            | Colon
            | Mult
            | Brkt
            | Style
            | LinkStyle
            | ClassDef
            | Class
            | Click
            | Graph
            | Dir
            | Subgraph
            | End
            | Down
            | Up
            | StartLink
    )
}

fn is_style_component(k: Tok) -> bool {
    use Tok::*;
    matches!(k, Num | NodeString | Colon | Space | Brkt | Style)
}

fn is_shape_opener(k: Tok) -> bool {
    use Tok::*;
    matches!(
        k,
        Sqs | Ps
            | DiamondStart
            | StadiumStart
            | SubroutineStart
            | CylinderStart
            | DoubleCircleStart
            | EllipseStart
            | TrapStart
            | InvTrapStart
            | VertexWithPropsStart
            | ShapeData
    )
}

fn is_separator(k: Tok) -> bool {
    matches!(k, Tok::Newline | Tok::Semi | Tok::Eof)
}

/// Mermaid's `destructLink(end, start)`. The four arrows of nearly every
/// diagram (`-->`, `---`, `-.->`, `==>`, with the spaces around them and no
/// label opener) are answered from a table: the general reading cost about
/// 200 instructions an arrow, a tenth of a big diagram's parse per link.
fn destruct_link(end: &str, start: Option<&str>) -> (EdgeType, Stroke, Option<u8>) {
    if start.is_none() {
        let b = end.as_bytes();
        let lead = b.iter().take_while(|&&c| c == b' ').count();
        let tail = b[lead..].iter().rev().take_while(|&&c| c == b' ').count();
        let arrow = match &b[lead..b.len() - tail] {
            b"-->" => Some((EdgeType::ArrowPoint, Stroke::Normal)),
            b"---" => Some((EdgeType::ArrowOpen, Stroke::Normal)),
            b"-.->" => Some((EdgeType::ArrowPoint, Stroke::Dotted)),
            b"==>" => Some((EdgeType::ArrowPoint, Stroke::Thick)),
            _ => None,
        };
        if let Some((kind, stroke)) = arrow {
            return (kind, stroke, Some(1));
        }
    }
    destruct_link_general(end, start)
}

/// [`destruct_link`] for any link.
fn destruct_link_general(end: &str, start: Option<&str>) -> (EdgeType, Stroke, Option<u8>) {
    let s = js_trim(end);
    let mut line: &str = s.get(..s.len().saturating_sub(1)).unwrap_or("");
    let last = s.chars().last();
    let mut ty = "arrow_open";
    let mut double = false;
    match last {
        Some('x') => {
            ty = "arrow_cross";
            if s.starts_with('x') {
                double = true;
                line = line.get(1..).unwrap_or("");
            }
        }
        Some('>') => {
            ty = "arrow_point";
            if s.starts_with('<') {
                double = true;
                line = line.get(1..).unwrap_or("");
            }
        }
        Some('o') => {
            ty = "arrow_circle";
            if s.starts_with('o') {
                double = true;
                line = line.get(1..).unwrap_or("");
            }
        }
        _ => {}
    }
    let mut stroke = Stroke::Normal;
    // Characters of `line` (bytes but UTF-8 continuation bytes) and its
    // dots, counted on bytes: a link is a few ASCII bytes, and the `char`
    // iterators' set-up cost more than the count.
    let chars = line.bytes().filter(|&b| b & 0xC0 != 0x80).count();
    let mut length = chars as i64 - 1;
    if line.starts_with('=') {
        stroke = Stroke::Thick;
    }
    if line.starts_with('~') {
        stroke = Stroke::Invisible;
    }
    let dots = line.bytes().filter(|&b| b == b'.').count();
    if dots > 0 {
        stroke = Stroke::Dotted;
        length = dots as i64;
    }
    let end_type = edge_type(ty, double);
    let Some(start) = start else {
        return (end_type, stroke, Some(length.clamp(0, 10) as u8));
    };
    // destructStartLink
    let mut st = js_trim(start);
    let mut sty = "arrow_open";
    match st.chars().next() {
        Some('<') => {
            sty = "arrow_point";
            st = &st[1..];
        }
        Some('x') => {
            sty = "arrow_cross";
            st = &st[1..];
        }
        Some('o') => {
            sty = "arrow_circle";
            st = &st[1..];
        }
        _ => {}
    }
    let mut sstroke = Stroke::Normal;
    if st.as_bytes().contains(&b'=') {
        sstroke = Stroke::Thick;
    }
    if st.as_bytes().contains(&b'.') {
        sstroke = Stroke::Dotted;
    }
    if sstroke != stroke {
        return (EdgeType::Invalid, Stroke::Invalid, None);
    }
    let kind = if sty == "arrow_open" {
        end_type
    } else {
        if sty != ty || double {
            return (EdgeType::Invalid, Stroke::Invalid, None);
        }
        edge_type(sty, true)
    };
    (kind, stroke, Some(length.clamp(0, 10) as u8))
}

fn edge_type(ty: &str, double: bool) -> EdgeType {
    match (ty, double) {
        ("arrow_point", false) => EdgeType::ArrowPoint,
        ("arrow_cross", false) => EdgeType::ArrowCross,
        ("arrow_circle", false) => EdgeType::ArrowCircle,
        ("arrow_point", true) => EdgeType::DoubleArrowPoint,
        ("arrow_cross", true) => EdgeType::DoubleArrowCross,
        ("arrow_circle", true) => EdgeType::DoubleArrowCircle,
        _ => EdgeType::ArrowOpen,
    }
}

impl<'a> Parser<'a> {
    pub fn new(src: &'a str, map: &'a Mapped, inherit_dir: bool) -> Self {
        let mut b = Builder::for_text(src);
        b.inherit_dir = inherit_dir;
        Parser {
            src,
            toks: Tokens::new(src),
            map,
            b,
            ids: Vec::new(),
            starts: Vec::new(),
        }
    }

    /// Lift (or lower) the edge limit, for [`super::ParseOptions::max_edges`].
    pub fn with_max_edges(mut self, max_edges: usize) -> Self {
        self.b.max_edges = Some(max_edges);
        self
    }

    fn peek(&self) -> &Token {
        self.toks.peek()
    }

    fn kind(&self) -> Tok {
        self.toks.peek().kind
    }

    /// The kind of the token after the current one.
    fn kind_next(&self) -> Tok {
        self.toks.next_kind()
    }

    fn bump(&mut self) -> Token {
        self.toks.bump()
    }

    fn span_of(&self, start: usize, end: usize) -> Span {
        self.map.span(start, end)
    }

    /// The span of `start..end` without surrounding whitespace (link tokens
    /// carry the spaces and line breaks around the arrow).
    fn trimmed_span(&self, start: usize, end: usize) -> Span {
        let raw = self.src.get(start..end).unwrap_or("");
        let lead = js_space_prefix(raw);
        let body = js_trim(&raw[lead..]);
        self.map.span(start + lead, start + lead + body.len())
    }

    fn describe(&self, t: &Token) -> String {
        match t.kind {
            Tok::Newline => "the end of the line".into(),
            Tok::Space => "a space".into(),
            Tok::Eof | Tok::End0 => "the end of the diagram".into(),
            Tok::Str => format!("the string \"{}\"", self.toks.text(t)),
            _ => {
                let s = self.src.get(t.start..t.end).unwrap_or("").trim();
                let s: String = s.chars().take(30).collect();
                format!("\"{s}\"")
            }
        }
    }

    /// An error at the current token.
    fn fail<T>(&self, expected: &str) -> PResult<T> {
        let t = self.peek();
        let (start, end) = (t.start, t.end.max(t.start));
        let raw = self.src.get(t.start..).unwrap_or("");
        let message = if raw.trim_start_matches([' ', '\t']).starts_with("%%") {
            "a trailing \"%%\" comment is not allowed after a statement; put it on its own line"
                .to_string()
        } else if t.kind == Tok::LexError {
            let c: String = raw.chars().take(1).collect();
            format!("unexpected character \"{c}\"; {expected}")
        } else {
            format!("{expected}, found {}", self.describe(t))
        };
        let block_end = self.map.end();
        let at_end = matches!(t.kind, Tok::End0 | Tok::Eof)
            || self.map.offset(t.start).is_some_and(|o| o >= block_end);
        let end_after = at_end.then(|| self.end_position(t.start));
        Err(Box::new(Fail {
            start,
            end,
            message,
            end_after,
        }))
    }

    /// Where to report "unexpected end": the block offset just after the
    /// last character before `at`, and how many line breaks follow it.
    fn end_position(&self, at: usize) -> (usize, usize) {
        let map = self.map;
        let block_end = map.end();
        let before = self.src.get(..at).unwrap_or("");
        let p = before.trim_end_matches(super::preprocess::js_space).len();
        // Only line breaks inside tokens already read count (not the
        // offending token itself).
        let broke = self
            .src
            .get(p..at)
            .map_or(0, |gap| gap.matches('\n').count());
        let after = if p > 0 {
            map.offset(p - 1).map_or(block_end, |o| o + 1)
        } else {
            0
        };
        (after, broke)
    }

    /// An error at the current token with a message of its own.
    fn fail_with<T>(&self, message: &str) -> PResult<T> {
        let t = self.peek();
        self.semantic(t.start, t.end.max(t.start), message.to_string())
    }

    fn semantic<T>(&self, start: usize, end: usize, message: String) -> PResult<T> {
        Err(Box::new(Fail {
            start,
            end,
            message,
            end_after: None,
        }))
    }

    fn expect(&mut self, k: Tok, expected: &str) -> PResult<Token> {
        if self.kind() == k {
            Ok(self.bump())
        } else {
            self.fail(expected)
        }
    }

    /// Run the grammar; the diagram or the first error.
    pub fn parse(mut self) -> (Option<Diagram>, Option<Fail>, String, Span) {
        let mut header = String::new();
        let mut header_span = Span::default();
        let r = self.parse_all(&mut header, &mut header_span);
        match r {
            Ok(()) => {
                let mut d = self.b.finish();
                d.header = header.clone();
                d.header_span = header_span;
                (Some(d), None, header, header_span)
            }
            Err(f) => (None, Some(*f), header, header_span),
        }
    }

    /// `flowchart = { SPACE | NEWLINE } GRAPH ( NODIR | DIR first_sep ) document`
    fn parse_all(&mut self, header: &mut String, header_span: &mut Span) -> PResult<()> {
        while matches!(self.kind(), Tok::Space | Tok::Newline) {
            self.bump();
        }
        let g = self.expect(Tok::Graph, "expected \"flowchart\" or \"graph\"")?;
        *header = self.toks.text(&g).to_string();
        *header_span = self.span_of(g.start, g.end);
        match self.kind() {
            Tok::NoDir => {
                self.bump();
                self.b.set_direction("TB");
            }
            Tok::Dir => {
                let d = self.bump();
                self.b.set_direction(self.toks.text(&d));
                // first_sep = SEMI | NEWLINE | SPACE NEWLINE
                match self.kind() {
                    Tok::Semi | Tok::Newline => {
                        self.bump();
                    }
                    Tok::Space if self.kind_next() == Tok::Newline => {
                        self.bump();
                        self.bump();
                    }
                    Tok::Space => {
                        self.bump();
                        return self.fail("expected a line break after the header");
                    }
                    _ => return self.fail("expected a line break or \";\" after the direction"),
                }
            }
            Tok::LexError => {
                // Point at the word after the header, which is not a direction.
                let t = *self.peek();
                let rest = self.src.get(t.start..).unwrap_or("");
                let ws = rest.len() - rest.trim_start_matches([' ', '\t']).len();
                let word_len = rest[ws..]
                    .find(|c: char| c.is_whitespace() || c == ';')
                    .unwrap_or(rest.len() - ws);
                let word = &rest[ws..ws + word_len];
                let message = if word.is_empty() {
                    "expected a direction (TB, TD, BT, RL, LR) or a line break after the header"
                        .to_string()
                } else {
                    format!(
                        "unknown direction \"{word}\"; expected TB, TD, BT, RL or LR (upper case) or a line break"
                    )
                };
                return self.semantic(t.start + ws, t.start + ws + word_len.max(1), message);
            }
            _ => {
                return self.fail(
                    "expected a direction (TB, TD, BT, RL, LR) or a line break after the header",
                )
            }
        }
        self.document()
    }

    /// `document = { line } ; line = statement | SEMI | NEWLINE | SPACE | EOF`
    /// (subgraph bodies are pushed on an explicit stack).
    fn document(&mut self) -> PResult<()> {
        let mut stack: Vec<Frame> = Vec::new();
        // Members outside every subgraph: Mermaid lists them too, but no
        // subgraph takes them, so only the current statement's are kept (a
        // list of every mention of a big diagram cost more than building it).
        let mut top: Vec<Member> = Vec::new();
        loop {
            let t = self.peek();
            let t = *t;
            macro_rules! list {
                () => {
                    match stack.last_mut() {
                        Some(f) => &mut f.list,
                        None => {
                            top.clear();
                            &mut top
                        }
                    }
                };
            }
            match t.kind {
                Tok::Semi | Tok::Newline | Tok::Space | Tok::Eof => {
                    // Blank entries are dropped by Mermaid anyway; `;` is kept.
                    if t.kind == Tok::Semi {
                        let semi = self.b.intern(Cow::Borrowed(";"));
                        list!().push(Member::Id(semi));
                    }
                    self.bump();
                }
                Tok::End0 => {
                    if !stack.is_empty() {
                        return self.fail("expected \"end\" to close the subgraph");
                    }
                    return Ok(());
                }
                Tok::LexError => return self.fail("expected a statement"),
                Tok::End => {
                    let Some(f) = stack.pop() else {
                        return self.fail("expected a statement (\"end\" closes nothing here)");
                    };
                    let (Some(id), Some(title)) = (f.id, f.title) else {
                        return self.semantic(
                            t.start,
                            t.end,
                            "a subgraph needs a title or id after \"subgraph\"".into(),
                        );
                    };
                    let sid = self.b.add_subgraph(id, &title, f.same, f.list, f.span);
                    self.bump();
                    list!().push(Member::Id(sid));
                }
                Tok::Subgraph => {
                    let f = self.subgraph_header()?;
                    stack.push(f);
                }
                Tok::DirectionTb
                | Tok::DirectionBt
                | Tok::DirectionRl
                | Tok::DirectionLr
                | Tok::DirectionTd => {
                    let v = match t.kind {
                        Tok::DirectionTb => Direction::Tb,
                        Tok::DirectionBt => Direction::Bt,
                        Tok::DirectionRl => Direction::Rl,
                        Tok::DirectionLr => Direction::Lr,
                        _ => Direction::Td,
                    };
                    list!().push(Member::Dir(v));
                    self.bump();
                }
                Tok::AccTitle | Tok::AccDescr => {
                    self.bump();
                    let want = if t.kind == Tok::AccTitle {
                        Tok::AccTitleValue
                    } else {
                        Tok::AccDescrValue
                    };
                    let v = self.expect(want, "expected the accessibility text")?;
                    let s = js_trim_cow(self.token_text(v));
                    let s = self.b.intern(s);
                    list!().push(Member::Id(s));
                }
                Tok::AccDescrMultilineValue => {
                    let v = self.bump();
                    let s = js_trim_cow(self.token_text(v));
                    let s = self.b.intern(s);
                    list!().push(Member::Id(s));
                }
                Tok::Style => {
                    self.style_statement()?;
                    self.separator()?;
                }
                Tok::ClassDef => {
                    self.class_def_statement()?;
                    self.separator()?;
                }
                Tok::Class => {
                    self.class_statement()?;
                    self.separator()?;
                }
                Tok::LinkStyle => {
                    self.link_style_statement()?;
                    self.separator()?;
                }
                Tok::Click => {
                    self.click_statement()?;
                    self.separator()?;
                }
                k if is_id_token(k) => {
                    self.vertex_statement(list!())?;
                    self.separator()?;
                }
                _ => return self.fail("expected a statement"),
            }
        }
    }

    /// `separator = NEWLINE | SEMI | EOF`
    fn separator(&mut self) -> PResult<()> {
        if is_separator(self.kind()) {
            self.bump();
            Ok(())
        } else {
            self.fail("expected a line break or \";\" after the statement")
        }
    }

    /// `subgraph_header = "subgraph" ( SPACE text_no_tags [ SQS text SQE ] | ) separator`
    fn subgraph_header(&mut self) -> PResult<Frame<'a>> {
        let kw = self.bump();
        let line_end = |p: &Parser| p.peek().start;
        match self.kind() {
            Tok::Space => {
                self.bump();
                let id = self.text_no_tags()?;
                if self.kind() == Tok::Sqs {
                    self.bump();
                    let title = self.text("expected a subgraph title inside \"[ ]\"")?;
                    self.expect(Tok::Sqe, "expected \"]\" to close the subgraph title")?;
                    let span = self.trimmed_span(kw.start, line_end(self));
                    self.separator()?;
                    Ok(Frame {
                        id: Some(id),
                        title: Some(title),
                        same: false,
                        list: Vec::new(),
                        span,
                    })
                } else {
                    let span = self.trimmed_span(kw.start, line_end(self));
                    self.separator()?;
                    Ok(Frame {
                        id: Some(id.clone()),
                        title: Some(id),
                        same: true,
                        list: Vec::new(),
                        span,
                    })
                }
            }
            k if is_separator(k) => {
                let span = self.span_of(kw.start, kw.end);
                self.bump();
                Ok(Frame {
                    id: None,
                    title: None,
                    same: true,
                    list: Vec::new(),
                    span,
                })
            }
            _ => self.fail("expected a space and a title after \"subgraph\""),
        }
    }

    /// `text_no_tags = ( STR | MD_STR | no_tags_token ) { no_tags_token }`
    fn text_no_tags(&mut self) -> PResult<TextObj<'a>> {
        // Mermaid calls a quoted subgraph title `text`, not `string`.
        self.text_run(
            LabelType::Text,
            is_text_no_tags_token,
            "expected a subgraph title",
        )
    }

    /// `text = ( STR | MD_STR | text_token ) { text_token }`
    fn text(&mut self, expected: &str) -> PResult<TextObj<'a>> {
        self.text_run(LabelType::String, is_text_token, expected)
    }

    /// The shape both text productions share: a quoted string (label type
    /// `quoted`), a markdown string or a first token that `more` accepts,
    /// then a run of tokens that `more` accepts.
    fn text_run(
        &mut self,
        quoted: LabelType,
        more: fn(Tok) -> bool,
        expected: &str,
    ) -> PResult<TextObj<'a>> {
        let kind = match self.kind() {
            Tok::Str => quoted,
            Tok::MdStr => LabelType::Markdown,
            k if more(k) => LabelType::Text,
            _ => return self.fail(expected),
        };
        let (text, _, _) = self.gather(more);
        Ok(TextObj { text, kind })
    }

    /// The text of a token, borrowed from the cleaned text unless the lexer
    /// rewrote it.
    fn token_text(&self, t: Token) -> Cow<'a, str> {
        if t.has_value() {
            Cow::Owned(self.toks.text(&t).to_string())
        } else {
            Cow::Borrowed(self.src.get(t.start..t.end).unwrap_or(""))
        }
    }

    /// The current token and the run of tokens after it that `more` accepts:
    /// their text and range. The text borrows the cleaned text when the
    /// tokens are one unbroken run of it (the common case), else it is the
    /// tokens' texts joined.
    fn gather(&mut self, more: fn(Tok) -> bool) -> (Cow<'a, str>, usize, usize) {
        let first = self.bump();
        let (start, mut end) = (first.start, first.end);
        let mut text = self.token_text(first);
        while more(self.kind()) {
            let t = self.bump();
            if matches!(text, Cow::Borrowed(_)) && !t.has_value() && t.start == end {
                end = t.end;
                text = Cow::Borrowed(self.src.get(start..end).unwrap_or(""));
            } else {
                end = t.end;
                text.to_mut().push_str(self.toks.text(&t));
            }
        }
        (text, start, end)
    }

    /// `id_string = id_token { id_token }`
    fn id_string(&mut self, expected: &str) -> PResult<(Cow<'a, str>, usize, usize)> {
        if !is_id_token(self.kind()) {
            return self.fail(expected);
        }
        Ok(self.gather(is_id_token))
    }

    /// `alpha_num = alnum_token { alnum_token }`
    fn alpha_num(&mut self, expected: &str) -> PResult<String> {
        if !is_alnum_token(self.kind()) {
            return self.fail(expected);
        }
        let mut s = String::new();
        while is_alnum_token(self.kind()) {
            let t = self.bump();
            s.push_str(self.toks.text(&t));
        }
        Ok(s)
    }

    /// `styled_vertex = vertex [ ":::" id_string ]`
    /// `vertex = id_string [ shape ]`
    fn styled_vertex(&mut self, after: After) -> PResult<(Sym, Span)> {
        if !is_id_token(self.kind()) {
            // Build the message only when it is needed.
            let what = match after {
                After::Start => String::new(),
                After::Amp => " after \"&\"".to_string(),
                After::Arrow(a, b) => {
                    format!(" after \"{}\"", js_trim(self.src.get(a..b).unwrap_or("")))
                }
            };
            return self.fail(&format!("expected a node id{what}"));
        }
        let (id, s, e) = self.id_string("expected a node id")?;
        let id_span = self.span_of(s, e);
        let shape = self.shape()?;
        let sym = self.b.intern(id.clone());
        match shape {
            Some((text, name, end)) => {
                // The mention is the id; the definition includes the shape.
                let full = self.span_of(s, end);
                self.b
                    .add_vertex(sym, Some(text), Some(name), id_span, full);
            }
            None => self.b.add_vertex(sym, None, None, id_span, id_span),
        }
        if self.kind() == Tok::StyleSeparator {
            self.bump();
            let (class, _, _) = self.id_string("expected a class name after \":::\"")?;
            self.b.set_class(&id, &class);
        }
        Ok((sym, id_span))
    }

    /// `shape = SQS text SQE | PS PS text PE PE | PS text PE | ...` (every
    /// bracket form; see the EBNF).
    fn shape(&mut self) -> PResult<Option<(TextObj<'a>, &'static str, usize)>> {
        let open = self.kind();
        let simple = |k: Tok| -> Option<(Tok, &'static str, &'static str)> {
            Some(match k {
                Tok::Sqs => (Tok::Sqe, "square", "]"),
                Tok::DoubleCircleStart => (Tok::DoubleCircleEnd, "doublecircle", ")))"),
                Tok::EllipseStart => (Tok::EllipseEnd, "ellipse", "-)"),
                Tok::StadiumStart => (Tok::StadiumEnd, "stadium", "])"),
                Tok::SubroutineStart => (Tok::SubroutineEnd, "subroutine", "]]"),
                Tok::CylinderStart => (Tok::CylinderEnd, "cylinder", ")]"),
                Tok::TagEnd => (Tok::Sqe, "odd", "]"),
                _ => return None,
            })
        };
        if let Some((close, name, close_s)) = simple(open) {
            self.bump();
            let text = self.text("expected the node text")?;
            if self.kind() != close {
                return self.fail(&format!("expected \"{close_s}\" to close the node text"));
            }
            let c = self.bump();
            return Ok(Some((text, name, c.end)));
        }
        match open {
            Tok::Ps => {
                self.bump();
                if self.kind() == Tok::Ps {
                    self.bump();
                    let text = self.text("expected the node text")?;
                    self.expect(Tok::Pe, "expected \"))\" to close the node text")?;
                    let c = self.expect(Tok::Pe, "expected \"))\" to close the node text")?;
                    return Ok(Some((text, "circle", c.end)));
                }
                let text = self.text("expected the node text")?;
                let c = self.expect(Tok::Pe, "expected \")\" to close the node text")?;
                Ok(Some((text, "round", c.end)))
            }
            Tok::DiamondStart => {
                self.bump();
                if self.kind() == Tok::DiamondStart {
                    self.bump();
                    let text = self.text("expected the node text")?;
                    self.expect(Tok::DiamondStop, "expected \"}}\" to close the node text")?;
                    let c =
                        self.expect(Tok::DiamondStop, "expected \"}}\" to close the node text")?;
                    return Ok(Some((text, "hexagon", c.end)));
                }
                let text = self.text("expected the node text")?;
                let c = self.expect(Tok::DiamondStop, "expected \"}\" to close the node text")?;
                Ok(Some((text, "diamond", c.end)))
            }
            Tok::TrapStart | Tok::InvTrapStart => {
                self.bump();
                let text = self.text("expected the node text")?;
                let k = self.kind();
                let name = match (open, k) {
                    (Tok::TrapStart, Tok::TrapEnd) => "trapezoid",
                    (Tok::TrapStart, Tok::InvTrapEnd) => "lean_right",
                    (Tok::InvTrapStart, Tok::TrapEnd) => "lean_left",
                    (Tok::InvTrapStart, Tok::InvTrapEnd) => "inv_trapezoid",
                    _ => return self.fail("expected \"/]\" or \"\\]\" to close the node text"),
                };
                let c = self.bump();
                Ok(Some((text, name, c.end)))
            }
            Tok::VertexWithPropsStart => {
                self.bump();
                self.expect(Tok::NodeString, "expected a property name after \"[|\"")?;
                self.expect(Tok::Colon, "expected \":\" in the node property")?;
                self.expect(Tok::NodeString, "expected a property value")?;
                self.expect(Tok::Pipe, "expected \"|\" after the node property")?;
                let text = self.text("expected the node text")?;
                let c = self.expect(Tok::Sqe, "expected \"]\" to close the node text")?;
                Ok(Some((text, "rect", c.end)))
            }
            _ => Ok(None),
        }
    }

    /// `shape_data = SHAPE_DATA { SHAPE_DATA }` (the text of `@{ ... }`).
    /// Collected now, applied later: Mermaid runs the action only when the
    /// token after it has been read, so a syntax error there comes first.
    fn shape_data(&mut self, target: Sym, target_span: Span) -> Pending {
        let start = self.peek().start;
        let mut s = String::new();
        let mut end = start;
        while self.kind() == Tok::ShapeData {
            let t = self.bump();
            s.push_str(self.toks.text(&t));
            end = t.end;
        }
        Pending {
            target,
            target_span,
            data: s,
            start,
            end,
        }
    }

    /// Apply node data collected by [`Parser::shape_data`].
    fn apply(&mut self, p: Option<Pending>) -> PResult<()> {
        let Some(p) = p else {
            return Ok(());
        };
        if let Err(m) = self.b.add_vertex_data(p.target, &p.data, p.target_span) {
            // Point at the `shape:` entry when that is what is wrong.
            let raw = self.src.get(p.start..p.end).unwrap_or("");
            let (s0, e0) = match raw.find("shape") {
                Some(k) if m.contains("shape") => {
                    let line_end = raw[k..].find([',', '\n', '}']).map_or(raw.len(), |x| k + x);
                    (p.start + k, p.start + line_end)
                }
                _ => (p.start, p.end),
            };
            return self.semantic(s0, e0, m);
        }
        Ok(())
    }

    /// `node = styled_vertex { [ shape_data ] SPACE AMP SPACE styled_vertex } [ shape_data ]`
    /// Appends the ids to `ids`; returns the node data of the last one, not
    /// yet applied.
    fn node_group(&mut self, after: After, ids: &mut Vec<(Sym, Span)>) -> PResult<Option<Pending>> {
        ids.push(self.styled_vertex(after)?);
        loop {
            let mut pending = None;
            if self.kind() == Tok::ShapeData {
                let (last, sp) = ids.last().copied().unwrap_or_default();
                pending = Some(self.shape_data(last, sp));
            }
            if self.kind() == Tok::Space && self.kind_next() == Tok::Amp {
                self.bump();
                self.bump();
                self.expect(Tok::Space, "expected a space after \"&\"")?;
                ids.push(self.styled_vertex(After::Amp)?);
                self.apply(pending)?;
                continue;
            }
            return Ok(pending);
        }
    }

    /// Check the token that ends a node (what Mermaid reads before it acts
    /// on the node): `[ SPACE ] separator`, or a link.
    fn node_follower(&mut self) -> PResult<()> {
        match self.kind() {
            Tok::Link | Tok::StartLink | Tok::LinkId => Ok(()),
            k if is_separator(k) => Ok(()),
            Tok::Space => {
                let next = self.kind_next();
                if is_separator(next) || next == Tok::LinkId {
                    Ok(())
                } else {
                    self.bump();
                    if is_shape_opener(next) {
                        return self.fail_with(
                            "no space is allowed between a node id and its shape or \"@{\" (write \"A[text]\")",
                        );
                    }
                    self.fail("expected a line break or \";\" after the statement")
                }
            }
            _ => self.fail("expected a line break or \";\" after the statement"),
        }
    }

    /// `vertex_statement = node [ SPACE ] { link node [ SPACE ] }`
    /// Its ids go to `list` in Mermaid's order: the last group first.
    fn vertex_statement(&mut self, list: &mut Vec<Member>) -> PResult<()> {
        // The groups' ids one after the other, and where each group starts
        // (buffers kept from statement to statement).
        let mut ids = std::mem::take(&mut self.ids);
        let mut starts = std::mem::take(&mut self.starts);
        ids.clear();
        starts.clear();
        let r = self.vertex_chain(&mut ids, &mut starts);
        if r.is_ok() {
            let mut end = ids.len();
            for &start in starts.iter().rev() {
                list.extend(ids[start..end].iter().map(|&(id, _)| Member::Id(id)));
                end = start;
            }
        }
        self.ids = ids;
        self.starts = starts;
        r
    }

    /// The groups and links of [`Parser::vertex_statement`].
    fn vertex_chain(&mut self, ids: &mut Vec<(Sym, Span)>, starts: &mut Vec<usize>) -> PResult<()> {
        starts.push(0);
        let pending = self.node_group(After::Start, ids)?;
        self.node_follower()?;
        self.apply(pending)?;
        if self.kind() == Tok::Space {
            self.bump();
        }
        while matches!(self.kind(), Tok::Link | Tok::StartLink | Tok::LinkId) {
            let arrow_start = self.peek().start;
            let link = self.link()?;
            let arrow_end = self.toks.prev_end();
            let span = self.trimmed_span(arrow_start, arrow_end);
            let prev_start = starts.last().copied().unwrap_or(0);
            let next_start = ids.len();
            starts.push(next_start);
            let pending = self.node_group(After::Arrow(arrow_start, arrow_end), ids)?;
            self.node_follower()?;
            self.apply(pending)?;
            let (prev, next) = ids.split_at(next_start);
            if let Err(m) = self.b.add_link(&prev[prev_start..], next, &link, span) {
                return self.semantic(arrow_start, arrow_end, m);
            }
            if self.kind() == Tok::Space {
                self.bump();
            }
        }
        Ok(())
    }

    /// `link = [ LINK_ID ] LINK [ PIPE text PIPE [ SPACE ] ]
    ///       | [ LINK_ID ] START_LINK edge_text LINK`
    fn link(&mut self) -> PResult<LinkInfo<'a>> {
        let mut id = None;
        if self.kind() == Tok::LinkId {
            let t = self.bump();
            id = Some(self.toks.text(&t).replacen('@', "", 1));
        }
        match self.kind() {
            Tok::Link => {
                let t = self.bump();
                let (kind, stroke, length) = destruct_link(self.toks.text(&t), None);
                let mut text = None;
                if self.kind() == Tok::Pipe {
                    self.bump();
                    text = Some(self.text("expected the edge text after \"|\"")?);
                    self.expect(Tok::Pipe, "expected \"|\" to close the edge text")?;
                    if self.kind() == Tok::Space {
                        self.bump();
                    }
                }
                Ok(LinkInfo {
                    kind,
                    stroke,
                    length,
                    text,
                    id,
                })
            }
            Tok::StartLink => {
                let st = self.bump();
                let kind = match self.kind() {
                    Tok::Str => LabelType::String,
                    Tok::MdStr => LabelType::Markdown,
                    Tok::EdgeText | Tok::UnicodeText => LabelType::Text,
                    _ => return self.fail("expected the edge text"),
                };
                let edge_text = |k| matches!(k, Tok::EdgeText | Tok::UnicodeText);
                let (text, _, _) = self.gather(edge_text);
                let obj = TextObj { text, kind };
                if self.kind() != Tok::Link {
                    let opener = self.toks.text(&st).trim();
                    return self.fail(&format!(
                        "expected an arrow such as \"-->\" to end the edge label opened by \"{opener}\""
                    ));
                }
                let l = self.bump();
                let (kind, stroke, length) =
                    destruct_link(self.toks.text(&l), Some(self.toks.text(&st)));
                Ok(LinkInfo {
                    kind,
                    stroke,
                    length,
                    text: Some(obj),
                    id,
                })
            }
            _ => self.fail("expected an arrow after the edge id"),
        }
    }

    /// `style_statement = STYLE SPACE id_string SPACE styles`
    fn style_statement(&mut self) -> PResult<()> {
        self.bump();
        self.expect(Tok::Space, "expected a space after \"style\"")?;
        let (id, s, e) = self.id_string("expected a node id after \"style\"")?;
        self.expect(Tok::Space, "expected a space before the styles")?;
        self.styles()?;
        self.no_parentheses_in_styles()?;
        let span = self.span_of(s, e);
        let id = self.b.intern(id);
        self.b.add_vertex(id, None, None, span, span);
        Ok(())
    }

    /// `styles = style { COMMA style } ; style = style_component { style_component }`
    fn styles(&mut self) -> PResult<()> {
        loop {
            if !is_style_component(self.kind()) {
                return self.fail("expected a style such as \"fill:#f9f\"");
            }
            while is_style_component(self.kind()) {
                self.bump();
            }
            if self.kind() == Tok::Comma {
                self.bump();
                continue;
            }
            return Ok(());
        }
    }

    /// `class_def_statement = CLASSDEF SPACE id_string SPACE styles`
    fn class_def_statement(&mut self) -> PResult<()> {
        self.bump();
        self.expect(Tok::Space, "expected a space after \"classDef\"")?;
        self.id_string("expected a class name after \"classDef\"")?;
        self.expect(Tok::Space, "expected a space before the styles")?;
        self.styles()?;
        self.no_parentheses_in_styles()
    }

    /// Mermaid's style values take no parentheses (`rgb(...)` fails).
    fn no_parentheses_in_styles(&self) -> PResult<()> {
        if self.kind() == Tok::Ps {
            return self.fail_with(
                "parentheses are not allowed in style values; write colours as #rrggbb",
            );
        }
        Ok(())
    }

    /// `class_statement = CLASS SPACE id_string SPACE id_string`
    fn class_statement(&mut self) -> PResult<()> {
        self.bump();
        self.expect(Tok::Space, "expected a space after \"class\"")?;
        let (ids, _, _) = self.id_string("expected node ids after \"class\"")?;
        self.expect(Tok::Space, "expected a space before the class name")?;
        let (class, _, _) = self.id_string("expected a class name")?;
        self.b.set_class(&ids, &class);
        Ok(())
    }

    /// `link_style_statement = LINKSTYLE SPACE ( DEFAULT | num_list ) SPACE
    ///    ( INTERPOLATE SPACE alpha_num [ SPACE styles ] | styles )`
    fn link_style_statement(&mut self) -> PResult<()> {
        self.bump();
        self.expect(Tok::Space, "expected a space after \"linkStyle\"")?;
        let mut indices = Vec::new();
        if self.kind() == Tok::Default {
            self.bump();
        } else {
            loop {
                let t = self.expect(Tok::Num, "expected an edge index or \"default\"")?;
                indices.push(t);
                if self.kind() == Tok::Comma {
                    self.bump();
                    continue;
                }
                break;
            }
        }
        self.expect(Tok::Space, "expected a space after the edge indices")?;
        if self.kind() == Tok::Interpolate {
            self.bump();
            self.expect(Tok::Space, "expected a space after \"interpolate\"")?;
            self.alpha_num("expected a curve name after \"interpolate\"")?;
            if self.kind() == Tok::Space {
                self.bump();
                self.styles()?;
            }
        } else {
            self.styles()?;
        }
        let n = self.b.edge_count();
        for t in indices {
            let v: usize = self.toks.text(&t).parse().unwrap_or(usize::MAX);
            if v >= n {
                return self.semantic(
                    t.start,
                    t.end,
                    match n {
                        0 => format!(
                            "linkStyle index {} is out of range: the diagram has no edges yet",
                            self.toks.text(&t)
                        ),
                        _ => format!(
                            "linkStyle index {} is out of range: edges so far are numbered 0 to {}",
                            self.toks.text(&t),
                            n - 1
                        ),
                    },
                );
            }
        }
        Ok(())
    }

    /// `click_statement = CLICK ( CALLBACKNAME [ CALLBACKARGS ] [ SPACE STR ]
    ///    | HREF STR [ SPACE ( STR [ SPACE LINK_TARGET ] | LINK_TARGET ) ]
    ///    | STR [ SPACE ( STR [ SPACE LINK_TARGET ] | LINK_TARGET ) ]
    ///    | alpha_num [ SPACE STR ] )`
    fn click_statement(&mut self) -> PResult<()> {
        let ids = {
            let t = self.bump();
            self.toks.text(&t).to_string()
        };
        let tooltip_then_target = |p: &mut Parser| -> PResult<()> {
            if p.kind() == Tok::Space {
                p.bump();
                match p.kind() {
                    Tok::Str => {
                        p.bump();
                        if p.kind() == Tok::Space {
                            p.bump();
                            p.expect(Tok::LinkTarget, "expected a link target such as \"_blank\"")?;
                        }
                    }
                    Tok::LinkTarget => {
                        p.bump();
                    }
                    _ => return p.fail("expected a tooltip string or a link target"),
                }
            }
            Ok(())
        };
        match self.kind() {
            Tok::CallbackName => {
                self.bump();
                if self.kind() == Tok::CallbackArgs {
                    self.bump();
                }
                if self.kind() == Tok::Space {
                    self.bump();
                    self.expect(Tok::Str, "expected a tooltip string")?;
                }
            }
            Tok::Href => {
                self.bump();
                self.expect(Tok::Str, "expected a quoted URL after \"href\"")?;
                tooltip_then_target(self)?;
            }
            Tok::Str => {
                self.bump();
                tooltip_then_target(self)?;
            }
            k if is_alnum_token(k) => {
                self.alpha_num("expected a callback name")?;
                if self.kind() == Tok::Space {
                    self.bump();
                    self.expect(Tok::Str, "expected a tooltip string")?;
                }
            }
            _ => {
                return self
                    .fail("expected a callback, \"call\", \"href\" or a URL after the node id")
            }
        }
        self.b.set_class(&ids, "clickable");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_arrows_read_as_the_general_rule_reads_them() {
        for arrow in ["-->", "---", "-.->", "==>"] {
            for text in [
                arrow.to_string(),
                format!("  {arrow} "),
                format!("{arrow}  "),
            ] {
                assert_eq!(
                    destruct_link(&text, None),
                    destruct_link_general(&text, None),
                    "{text:?}"
                );
            }
        }
    }

    #[test]
    fn destruct_link_matches_mermaid() {
        assert_eq!(
            destruct_link("-->", None),
            (EdgeType::ArrowPoint, Stroke::Normal, Some(1))
        );
        assert_eq!(
            destruct_link(" x--> ", None),
            (EdgeType::ArrowPoint, Stroke::Normal, Some(2))
        );
        assert_eq!(
            destruct_link("-.->", None),
            (EdgeType::ArrowPoint, Stroke::Dotted, Some(1))
        );
        assert_eq!(
            destruct_link("-->", Some("x--")),
            (EdgeType::Invalid, Stroke::Invalid, None)
        );
        assert_eq!(
            destruct_link("-->", Some("<--")),
            (EdgeType::DoubleArrowPoint, Stroke::Normal, Some(1))
        );
    }
}
