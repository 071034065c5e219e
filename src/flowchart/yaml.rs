//! The small YAML subset Mermaid's `@{ ... }` node data uses: one mapping of
//! scalars, written as a flow mapping on one line or as block `key: value`
//! lines. Owns scalar typing (JSON schema: `true`, `false`, `null`, numbers,
//! else strings); reports malformed input as an error string.

use std::collections::HashSet;

/// A scalar value.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    /// A string.
    Str(String),
    /// A number, as written.
    Num(String),
    /// `true` / `false`.
    Bool(bool),
    /// `null`, `~` or nothing.
    Null,
    /// A nested mapping or sequence, as JavaScript would print it.
    Nested(String),
}

impl Value {
    /// The value as text, if it is a string or a number.
    pub fn as_text(&self) -> Option<String> {
        match self {
            Value::Str(s) | Value::Num(s) | Value::Nested(s) => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// JavaScript truthiness.
    pub fn truthy(&self) -> bool {
        match self {
            Value::Str(s) => !s.is_empty(),
            Value::Num(n) => n.parse::<f64>().map(|x| x != 0.0).unwrap_or(true),
            Value::Bool(b) => *b,
            Value::Null => false,
            Value::Nested(_) => true,
        }
    }
}

/// Strip one pair of YAML quotes (`"..."` with escapes, `'...'` with `''`).
pub(crate) fn unquote(s: &str) -> Option<String> {
    let s = s.trim();
    if s.len() >= 2 && s.starts_with('"') && s.ends_with('"') {
        let inner = &s[1..s.len() - 1];
        let mut out = String::with_capacity(inner.len());
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('r') => out.push('\r'),
                    Some('0') => out.push('\0'),
                    Some('b') => out.push('\u{8}'),
                    Some('f') => out.push('\u{C}'),
                    Some('v') => out.push('\u{B}'),
                    Some('e') => out.push('\u{1B}'),
                    Some(' ') => out.push(' '),
                    Some('t') => out.push('\t'),
                    Some('"') => out.push('"'),
                    Some('\\') => out.push('\\'),
                    Some('/') => out.push('/'),
                    Some(o) => {
                        out.push('\\');
                        out.push(o);
                    }
                    None => out.push('\\'),
                }
            } else {
                out.push(c);
            }
        }
        return Some(out);
    }
    if s.len() >= 2 && s.starts_with('\'') && s.ends_with('\'') {
        return Some(s[1..s.len() - 1].replace("''", "'"));
    }
    None
}

/// Parse a quoted scalar strictly: the closing quote must end the value
/// (only spaces or a ` #` comment may follow).
fn quoted(t: &str) -> Result<String, String> {
    let q = t.chars().next().unwrap_or('"');
    let body = &t[1..];
    let mut out = String::new();
    let mut chars = body.char_indices().peekable();
    let mut close = None;
    while let Some((i, c)) = chars.next() {
        if q == '\'' && c == '\'' {
            if chars.peek().map(|x| x.1) == Some('\'') {
                chars.next();
                out.push('\'');
                continue;
            }
            close = Some(i);
            break;
        }
        if q == '"' && c == '\\' {
            chars.next();
            continue;
        }
        if q == '"' && c == '"' {
            close = Some(i);
            break;
        }
        out.push(c);
    }
    let Some(close) = close else {
        return Err(format!("unterminated quoted value {t}"));
    };
    let rest = body[close + 1..].trim();
    if !rest.is_empty() && !rest.starts_with('#') {
        return Err(format!("unexpected text after a quoted value: {rest}"));
    }
    if q == '"' {
        return unquote(&t[..close + 2]).ok_or_else(|| format!("bad quoted value {t}"));
    }
    Ok(out)
}

/// The text JavaScript would show for a flow sequence of scalars
/// (`[a, b]` becomes `a,b`); other nested values show as written.
fn nested_text(t: &str) -> String {
    match t.strip_prefix('[').and_then(|x| x.strip_suffix(']')) {
        Some(inner) => split_top(inner, ',')
            .into_iter()
            .map(|x| {
                let x = x.trim();
                unquote(x).unwrap_or_else(|| x.to_string())
            })
            .collect::<Vec<_>>()
            .join(","),
        None => t.to_string(),
    }
}

fn scalar(raw: &str) -> Result<Value, String> {
    let t = raw.trim();
    // `&name value`: an anchor before the value.
    if let Some(rest) = t.strip_prefix('&') {
        if rest.is_empty() || rest.starts_with(char::is_whitespace) {
            return Err("name of an anchor node must contain at least one character".into());
        }
        let after = rest.find(char::is_whitespace).map_or("", |k| &rest[k..]);
        return scalar(after);
    }
    if t.is_empty() || t == "null" || t == "~" {
        return Ok(Value::Null);
    }
    if t.starts_with('"') || t.starts_with('\'') {
        return quoted(t).map(Value::Str);
    }
    if t.starts_with('{') || t.starts_with('[') {
        return Ok(Value::Nested(nested_text(t)));
    }
    // ` #` starts a comment after a plain value.
    let t = t.split(" #").next().unwrap_or(t).trim_end();
    match t {
        "true" => return Ok(Value::Bool(true)),
        "false" => return Ok(Value::Bool(false)),
        _ => {}
    }
    let num = t.strip_prefix('-').unwrap_or(t);
    if !num.is_empty()
        && num.bytes().next().is_some_and(|c| c.is_ascii_digit())
        && t.parse::<f64>().is_ok()
    {
        return Ok(Value::Num(t.to_string()));
    }
    Ok(Value::Str(t.to_string()))
}

fn key_of(raw: &str) -> String {
    let k = raw.trim();
    unquote(k).unwrap_or_else(|| k.to_string())
}

/// Split at top-level `sep`, outside quotes and brackets.
fn split_top(s: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                }
            }
            None => match c {
                '"' | '\'' => quote = Some(c),
                '{' | '[' => depth += 1,
                '}' | ']' => depth -= 1,
                _ if c == sep && depth == 0 => {
                    parts.push(&s[start..i]);
                    start = i + c.len_utf8();
                }
                _ => {}
            },
        }
    }
    parts.push(&s[start..]);
    parts
}

/// Find the `:` that separates key and value (followed by a space or the end).
fn key_colon(entry: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let b = entry.as_bytes();
    for (i, c) in entry.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => {
                if (c == '"' || c == '\'') && entry[..i].trim().is_empty() {
                    quote = Some(c);
                } else if c == ':'
                    && b.get(i + 1)
                        .map_or(true, |&n| n == b' ' || n == b'\t' || n == b'\n')
                {
                    return Some(i);
                }
            }
        }
    }
    None
}

/// Parse Mermaid's node data text (what stood between `@{` and `}`).
pub(crate) fn parse_node_data(text: &str) -> Result<Vec<(String, Value)>, String> {
    if !text.contains('\n') {
        parse_flow(text)
    } else {
        parse_block(text)
    }
}

/// Add `k: v` to a mapping, refusing a key it has (`seen`: its keys, a set
/// so that a mapping of 100,000 keys is not a quadratic scan).
fn push_unique(
    out: &mut Vec<(String, Value)>,
    seen: &mut HashSet<String>,
    k: String,
    v: Value,
) -> Result<(), String> {
    if !seen.insert(k.clone()) {
        return Err(format!("duplicated mapping key \"{k}\""));
    }
    out.push((k, v));
    Ok(())
}

/// Cut a one-line flow mapping at a ` #` comment outside quotes (the
/// comment runs to the end of the line, swallowing later entries).
fn cut_comment(text: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut prev_space = true;
    for (i, c) in text.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => {
                if c == '"' || c == '\'' {
                    quote = Some(c);
                } else if c == '#' && prev_space {
                    return &text[..i];
                }
            }
        }
        prev_space = c == ' ' || c == '\t';
    }
    text
}

fn parse_flow(text: &str) -> Result<Vec<(String, Value)>, String> {
    let text = cut_comment(text);
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    if text.matches('"').count() % 2 == 1 {
        return Err("unterminated quoted value".into());
    }
    let entries = split_top(text, ',');
    let n = entries.len();
    for (i, entry) in entries.into_iter().enumerate() {
        if entry.trim().is_empty() {
            // `{a: 1,}` is fine; `{, a: 1}` and `{a: 1,, b: 2}` are not.
            if i + 1 == n {
                continue;
            }
            return Err("expected the node content, but found \",\"".into());
        }
        match key_colon(entry) {
            Some(c) => {
                let v = &entry[c + 1..];
                let k = entry[..c].trim();
                let vt = v.trim();
                let plain_v = !vt.starts_with(['"', '\'', '[', '{']);
                let plain_k = !k.starts_with(['"', '\'']);
                let nested_open = !plain_v
                    && vt.starts_with(['[', '{'])
                    && vt.matches(['[', '{']).count() != vt.matches([']', '}']).count();
                if (plain_k && (k.contains(['[', ']', '{', '}']) || bad_plain_start(k)))
                    || (plain_v
                        && (vt.contains(['[', ']', '{', '}'])
                            || bad_plain_start(vt)
                            || key_colon(vt).is_some()
                            || vt.ends_with(" :")))
                    || nested_open
                {
                    return Err("missed comma between flow collection entries".into());
                }
                push_unique(&mut out, &mut seen, key_of(&entry[..c]), scalar(v)?)?;
            }
            None => {
                // A bare word in a flow mapping is a key with a null value.
                let k = entry.trim();
                if k.contains(['{', '}', '[', ']']) {
                    return Err(format!("unexpected \"{k}\""));
                }
                push_unique(&mut out, &mut seen, key_of(k), Value::Null)?;
            }
        }
    }
    Ok(out)
}

/// Where the quoted text that started before `s` ends in `s` (the index of
/// the closing quote), honouring `''` and `\"` escapes.
fn quote_end(s: &str, q: char) -> Option<usize> {
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if q == '"' && c == '\\' {
            chars.next();
            continue;
        }
        if c == q {
            if q == '\'' && chars.peek().map(|x| x.1) == Some('\'') {
                chars.next();
                continue;
            }
            return Some(i);
        }
    }
    None
}

/// Characters that cannot start a plain scalar (js-yaml's rule, minus the
/// block-scalar indicators `|` and `>` and the comment `#`).
fn bad_plain_start(v: &str) -> bool {
    // (`&` starts an anchor, which [`scalar`] skips.)
    v.starts_with(['%', '@', '`', '*', '!', '|', '>']) || v == "-" || v.starts_with("- ")
}

#[derive(PartialEq)]
enum Kind {
    Map,
    Scalar,
    Seq,
}

struct Level {
    indent: usize,
    kind: Kind,
    keys: HashSet<String>,
    /// The last entry had its value on the same line.
    inline_value: bool,
}

/// The nesting level a line opens: line content `c` at indent `i`, `key`
/// the offset of its key's colon. Also whether its value is still to come
/// on the lines below (a key with nothing after the colon).
fn open_level(i: usize, c: &str, key: Option<usize>) -> (Level, bool) {
    let kind = if is_seq_item(c) {
        Kind::Seq
    } else if key.is_some() {
        Kind::Map
    } else {
        Kind::Scalar
    };
    let mut level = Level {
        indent: i,
        kind,
        keys: HashSet::new(),
        inline_value: false,
    };
    let mut pending = false;
    if let Some(k) = key.filter(|_| level.kind == Kind::Map) {
        level.keys.insert(key_of(&c[..k]));
        let v = c[k + 1..].trim();
        pending = v.is_empty();
        level.inline_value = !v.is_empty();
    }
    (level, pending)
}

fn is_seq_item(c: &str) -> bool {
    c == "-" || c.starts_with("- ")
}

/// Check the block structure of a YAML document: indentation, tabs,
/// duplicate keys, and mappings that follow a scalar (what js-yaml rejects
/// in practice). Values are not interpreted.
pub(crate) fn check_block(text: &str) -> Result<(), String> {
    let mut stack: Vec<Level> = Vec::new();
    // indent of a `key:` line whose value is on the following lines
    let mut expecting: Option<usize> = None;
    let mut seen_content = false;
    let mut open_quote: Option<char> = None;
    for (n, line) in text.split('\n').enumerate() {
        if let Some(q) = open_quote {
            // Inside a quoted value that spans lines.
            if quote_end(line, q).is_some() {
                open_quote = None;
            }
            continue;
        }
        let content = line.trim();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        if line.trim_end() == "---" {
            // An explicit document start; a second document is an error.
            if seen_content {
                return Err("expected a single document in the stream".into());
            }
            continue;
        }
        seen_content = true;
        let lead = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
        if lead.contains('\t') {
            return Err(format!(
                "tab characters must not be used in indentation (line {})",
                n + 1
            ));
        }
        let i = lead.len();
        let c = line.trim_end().trim_start_matches([' ', '\t']);
        let key = key_colon(c);
        if key.is_none() {
            if let Some(q) = c.chars().next().filter(|q| *q == '"' || *q == '\'') {
                if quote_end(&c[1..], q).is_none() {
                    open_quote = Some(q);
                }
            }
        }
        if let Some(k) = key {
            let v = c[k + 1..].trim();
            if !v.starts_with(['"', '\'', '[', '{']) && key_colon(v).is_some() {
                return Err(format!(
                    "bad indentation of a mapping entry (line {})",
                    n + 1
                ));
            }
            if let Some(q) = v.chars().next().filter(|q| *q == '"' || *q == '\'') {
                if quote_end(&v[1..], q).is_none() {
                    open_quote = Some(q);
                }
            }
        }
        let bad = || {
            Err(format!(
                "bad indentation of a mapping entry (line {})",
                n + 1
            ))
        };
        if let Some(p) = expecting.take() {
            if i > p || (i == p && is_seq_item(c)) {
                let (level, pending) = open_level(i, c, key);
                if pending {
                    expecting = Some(i);
                }
                stack.push(level);
                continue;
            }
        }
        while stack.len() > 1 && stack.last().is_some_and(|t| i < t.indent) {
            stack.pop();
        }
        // A sequence at the indent of its key ends where a key follows.
        if stack.len() > 1
            && stack
                .last()
                .is_some_and(|t| t.kind == Kind::Seq && i == t.indent && !is_seq_item(c))
        {
            stack.pop();
        }
        let Some(top) = stack.last_mut() else {
            let (level, pending) = open_level(i, c, key);
            if pending {
                expecting = Some(i);
            }
            stack.push(level);
            continue;
        };
        if i < top.indent {
            return bad();
        }
        if i > top.indent {
            // Only a continuation of a multi-line plain value can be here.
            if key.is_some() {
                return bad();
            }
            continue;
        }
        match top.kind {
            Kind::Map => match key {
                Some(k) => {
                    let name = key_of(&c[..k]);
                    if top.keys.contains(&name) {
                        return Err(format!(
                            "duplicated mapping key \"{name}\" (line {})",
                            n + 1
                        ));
                    }
                    top.keys.insert(name);
                    let v = c[k + 1..].trim();
                    if !v.starts_with(['"', '\'', '[', '{']) && key_colon(v).is_some() {
                        return bad();
                    }
                    if v.is_empty() {
                        expecting = Some(i);
                    }
                    top.inline_value = !v.is_empty();
                }
                None => return bad(),
            },
            Kind::Scalar => {
                if key.is_some() {
                    return Err(format!(
                        "end of the stream or a document separator is expected (line {})",
                        n + 1
                    ));
                }
            }
            Kind::Seq => {
                if !is_seq_item(c) {
                    return bad();
                }
            }
        }
    }
    if open_quote.is_some() {
        return Err("unexpected end of the stream within a quoted scalar".into());
    }
    Ok(())
}

fn parse_block(text: &str) -> Result<Vec<(String, Value)>, String> {
    check_block(text)?;
    let mut out: Vec<(String, Value)> = Vec::new();
    let mut seen = HashSet::new();
    let mut indent: Option<usize> = None;
    for line in text.split('\n') {
        let body = line.trim_end();
        if body.trim().is_empty() || body.trim_start().starts_with('#') {
            continue;
        }
        let ind = body.len() - body.trim_start().len();
        let base = *indent.get_or_insert(ind);
        if ind > base {
            // Continuation of a plain multi-line value (or a nested block).
            if let Some((_, Value::Str(s))) = out.last_mut() {
                s.push(' ');
                s.push_str(body.trim());
            }
            continue;
        }
        let entry = body.trim();
        match key_colon(entry) {
            Some(c) => {
                let v = entry[c + 1..].trim();
                // A ` #` starts a comment in a plain value.
                let v = if v.starts_with(['"', '\'']) {
                    v
                } else {
                    v.split(" #").next().unwrap_or(v)
                };
                if bad_plain_start(v) || bad_plain_start(entry) {
                    return Err(format!("unexpected character in \"{entry}\""));
                }
                push_unique(&mut out, &mut seen, key_of(&entry[..c]), scalar(v)?)?;
            }
            // A document that is one plain scalar is valid YAML (no keys).
            None => return Ok(Vec::new()),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flow_and_block_forms() {
        let v = parse_node_data(" shape: cyl, label: \"Orders, DB\" ").unwrap();
        assert_eq!(v[0], ("shape".into(), Value::Str("cyl".into())));
        assert_eq!(v[1], ("label".into(), Value::Str("Orders, DB".into())));
        let v = parse_node_data("\n  shape: rect,\n  label: x\n").unwrap();
        assert_eq!(v[0].1, Value::Str("rect,".into()));
    }
}
