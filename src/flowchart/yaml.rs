//! The small YAML subset Mermaid's `@{ ... }` node data uses: one mapping of
//! scalars, written as a flow mapping on one line or as block `key: value`
//! lines. Owns scalar typing (JSON schema: `true`, `false`, `null`, numbers,
//! else strings); reports malformed input as an error string.

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
    /// A nested mapping or sequence (kept as written; unused).
    Nested,
}

impl Value {
    /// The value as text, if it is a string or a number.
    pub fn as_text(&self) -> Option<String> {
        match self {
            Value::Str(s) | Value::Num(s) => Some(s.clone()),
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
            Value::Nested => true,
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

fn scalar(raw: &str) -> Result<Value, String> {
    let t = raw.trim();
    if t.is_empty() || t == "null" || t == "~" {
        return Ok(Value::Null);
    }
    if t.starts_with('"') || t.starts_with('\'') {
        return unquote(t)
            .map(Value::Str)
            .ok_or_else(|| format!("unterminated quoted value {t}"));
    }
    if t.starts_with('{') || t.starts_with('[') {
        return Ok(Value::Nested);
    }
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

fn push_unique(out: &mut Vec<(String, Value)>, k: String, v: Value) -> Result<(), String> {
    if out.iter().any(|(x, _)| *x == k) {
        return Err(format!("duplicated mapping key \"{k}\""));
    }
    out.push((k, v));
    Ok(())
}

fn parse_flow(text: &str) -> Result<Vec<(String, Value)>, String> {
    let mut out = Vec::new();
    if text.matches('"').count() % 2 == 1 {
        return Err("unterminated quoted value".into());
    }
    for entry in split_top(text, ',') {
        if entry.trim().is_empty() {
            continue;
        }
        match key_colon(entry) {
            Some(c) => {
                let v = &entry[c + 1..];
                if v.trim_start().starts_with(['}', ']']) {
                    return Err(format!("unexpected {} in value", v.trim()));
                }
                push_unique(&mut out, key_of(&entry[..c]), scalar(v)?)?;
            }
            None => {
                // A bare word in a flow mapping is a key with a null value.
                let k = entry.trim();
                if k.contains(['{', '}', '[', ']']) {
                    return Err(format!("unexpected \"{k}\""));
                }
                push_unique(&mut out, key_of(k), Value::Null)?;
            }
        }
    }
    Ok(out)
}

fn parse_block(text: &str) -> Result<Vec<(String, Value)>, String> {
    let mut out: Vec<(String, Value)> = Vec::new();
    let mut indent: Option<usize> = None;
    for line in text.split('\n') {
        let body = line.trim_end();
        if body.trim().is_empty() || body.trim_start().starts_with('#') {
            continue;
        }
        let ind = body.len() - body.trim_start().len();
        let base = *indent.get_or_insert(ind);
        if ind > base {
            // Continuation of a plain multi-line value.
            if let Some((_, Value::Str(s))) = out.last_mut() {
                s.push(' ');
                s.push_str(body.trim());
                continue;
            }
            return Err(format!(
                "bad indentation of a mapping entry: {}",
                body.trim()
            ));
        }
        if ind < base {
            return Err(format!(
                "bad indentation of a mapping entry: {}",
                body.trim()
            ));
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
                push_unique(&mut out, key_of(&entry[..c]), scalar(v)?)?;
            }
            None => return Err(format!("expected \"key: value\", found \"{entry}\"")),
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
