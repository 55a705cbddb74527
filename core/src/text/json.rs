//! A small JSON reader that keeps the byte span of every value and every object key.
//!
//! `serde_json` gives no positions, and IAM users need "line 7, column 12" for every
//! finding, so policies, claims and tokens are read with this parser. It also keeps
//! duplicate object keys (IAM accepts them and silently drops one), enforces a nesting
//! limit, and never panics: every failure is a [`JsonError`] with a byte offset.

/// The deepest nesting accepted. Trust policies nest five levels; tokens two or three.
pub(crate) const MAX_DEPTH: usize = 64;

/// A parsed JSON value with its span (`start..end` in bytes).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub(crate) kind: Kind,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// The shape of a [`Node`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    Null,
    Bool(bool),
    /// The number exactly as written, so that `1.0` and `1` can be reported as written.
    Number(String),
    String(String),
    Array(Vec<Node>),
    Object(Vec<Member>),
}

/// One `"key": value` pair of an object, in document order (duplicates kept).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Member {
    pub(crate) key: String,
    pub(crate) key_start: usize,
    pub(crate) key_end: usize,
    pub(crate) value: Node,
}

/// Why a text is not JSON, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JsonError {
    pub(crate) message: String,
    pub(crate) help: String,
    pub(crate) at: usize,
}

impl Kind {
    /// The JSON type name used in messages ("a string", "an array"...).
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Bool(_) => "a boolean",
            Kind::Number(_) => "a number",
            Kind::String(_) => "a string",
            Kind::Array(_) => "an array",
            Kind::Object(_) => "an object",
        }
    }
}

impl Node {
    /// The value at a JSON pointer (RFC 6901), if there is one.
    pub(crate) fn at_pointer(&self, pointer: &str) -> Option<&Node> {
        let mut node = self;
        for raw in pointer.split('/').skip(1) {
            let token = raw.replace("~1", "/").replace("~0", "~");
            node = match &node.kind {
                Kind::Object(members) => &members.iter().find(|m| m.key == token)?.value,
                Kind::Array(items) => items.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }
}

/// Parses a whole document; anything but whitespace after the value is an error.
pub(crate) fn parse(text: &str) -> Result<Node, JsonError> {
    parse_keeping(text, None)
}

/// [`parse`], but when the document is an object, the members whose key `keep` refuses are
/// read and checked as usual and then left out, without building their values: the same
/// document is accepted or refused with the same error, at a fraction of the allocations
/// when a caller needs a few members of a large object (a decision on a token's claims).
pub(crate) fn parse_keeping(
    text: &str,
    keep: Option<&dyn Fn(&str) -> bool>,
) -> Result<Node, JsonError> {
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        keep,
        build: true,
    };
    // A UTF-8 byte-order mark is harmless and common in files saved on Windows.
    if text.starts_with('\u{feff}') {
        parser.pos = 3;
    }
    parser.skip_ws();
    if parser.pos >= parser.bytes.len() {
        return Err(parser.error(
            "the document is empty",
            "paste a JSON object, starting with `{`",
        ));
    }
    let node = parser.value(0)?;
    parser.skip_ws();
    if parser.pos < parser.bytes.len() {
        return Err(parser.error(
            "unexpected text after the end of the JSON value",
            "a document holds exactly one JSON value; remove what follows it, or join the values into an array",
        ));
    }
    Ok(node)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// Which members of a top-level object to keep (see [`parse_keeping`]).
    keep: Option<&'a dyn Fn(&str) -> bool>,
    /// Whether values are built: off while a left-out member is read, which then checks
    /// the text exactly as when building (same path, same errors) but allocates nothing
    /// beyond object keys (which an error message may quote).
    build: bool,
}

impl Parser<'_> {
    fn error(&self, message: &str, help: &str) -> JsonError {
        JsonError {
            message: message.to_string(),
            help: help.to_string(),
            at: self.pos,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn found(&self) -> String {
        match self
            .text
            .get(self.pos..)
            .and_then(|rest| rest.chars().next())
        {
            Some(c) => format!("`{c}`"),
            None => "the end of the text".to_string(),
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.error(
                &format!("the document nests deeper than {MAX_DEPTH} levels"),
                "a trust policy nests five levels deep; this input is not a policy or is malformed",
            ));
        }
        let start = self.pos;
        let kind = match self.peek() {
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => {
                let text = self.string()?;
                if self.build {
                    Kind::String(text)
                } else {
                    Kind::Null
                }
            }
            Some(b't') => self.literal("true", Kind::Bool(true))?,
            Some(b'f') => self.literal("false", Kind::Bool(false))?,
            Some(b'n') => self.literal("null", Kind::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(b'\'') => {
                return Err(self.error(
                    "strings must use double quotes",
                    "JSON strings are written \"like this\", not 'like this'",
                ))
            }
            _ => {
                let msg = format!("expected a JSON value, found {}", self.found());
                return Err(self.error(
                    &msg,
                    "a value is an object, array, string, number, true, false or null",
                ));
            }
        };
        Ok(Node {
            kind,
            start,
            end: self.pos,
        })
    }

    fn literal(&mut self, word: &str, kind: Kind) -> Result<Kind, JsonError> {
        if self.bytes.get(self.pos..self.pos + word.len()) == Some(word.as_bytes()) {
            self.pos += word.len();
            Ok(kind)
        } else {
            let msg = format!("expected a JSON value, found {}", self.found());
            Err(self.error(
                &msg,
                "literals are lower-case `true`, `false` and `null`; text must be quoted",
            ))
        }
    }

    fn number(&mut self) -> Result<Kind, JsonError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => {
                return Err(self.error("a number needs digits after `-`", "write for example `-1`"))
            }
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.error(
                    "a number needs digits after the decimal point",
                    "write `1.0`, not `1.`",
                ));
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.error(
                    "a number needs digits in its exponent",
                    "write `1e3`, not `1e`",
                ));
            }
            self.digits();
        }
        if matches!(self.peek(), Some(b'0'..=b'9')) {
            return Err(self.error(
                "numbers must not have leading zeros",
                "write `7`, not `07`; quote the value if it is an identifier",
            ));
        }
        if !self.build {
            return Ok(Kind::Null);
        }
        Ok(Kind::Number(
            self.text.get(start..self.pos).unwrap_or("").to_string(),
        ))
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
    }

    /// A string's value; empty when values are not built (see `build`).
    fn string(&mut self) -> Result<String, JsonError> {
        self.string_as(self.build)
    }

    fn string_as(&mut self, build: bool) -> Result<String, JsonError> {
        let open = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let run_start = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            if build {
                out.push_str(self.text.get(run_start..self.pos).unwrap_or(""));
            }
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let c = self.escape()?;
                    if build {
                        out.push(c);
                    }
                }
                Some(b'\n') | None => {
                    let mut err = self.error(
                        "this string is not closed",
                        "add the closing `\"`; a string cannot span lines (write `\\n` for a line break)",
                    );
                    err.at = open;
                    return Err(err);
                }
                Some(_) => {
                    return Err(self.error(
                        "control characters must be escaped inside strings",
                        "write a tab as `\\t` and a line break as `\\n`",
                    ))
                }
            }
        }
    }

    /// The character an escape stands for (after its `\\`).
    fn escape(&mut self) -> Result<char, JsonError> {
        let c = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.pos += 1;
                let first = self.hex4()?;
                let c = if (0xD800..0xDC00).contains(&first) {
                    if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
                        return Err(self.error(
                            "a UTF-16 high surrogate must be followed by a low surrogate",
                            "write the character itself, or both halves as `\\uD83D\\uDE00`",
                        ));
                    }
                    self.pos += 2;
                    let second = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&second) {
                        return Err(self.error(
                            "a UTF-16 high surrogate must be followed by a low surrogate",
                            "write the character itself",
                        ));
                    }
                    char::from_u32(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))
                } else {
                    char::from_u32(first)
                };
                return c.ok_or_else(|| {
                    self.error(
                        "this `\\u` escape is a lone surrogate",
                        "write the character itself",
                    )
                });
            }
            _ => {
                let msg = format!("unknown escape `\\{}`", self.found().trim_matches('`'));
                return Err(self.error(&msg, "valid escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX; write a literal backslash as `\\\\`"));
            }
        };
        self.pos += 1;
        Ok(c)
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let digits = self.text.get(self.pos..self.pos + 4).unwrap_or("");
        match u32::from_str_radix(digits, 16) {
            Ok(v) if digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_hexdigit()) => {
                self.pos += 4;
                Ok(v)
            }
            _ => Err(self.error(
                "`\\u` must be followed by four hexadecimal digits",
                "write for example `\\u00e9`",
            )),
        }
    }

    fn array(&mut self, depth: usize) -> Result<Kind, JsonError> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Kind::Array(items));
        }
        loop {
            self.skip_ws();
            if self.peek() == Some(b']') {
                return Err(self.error(
                    "trailing comma before `]`",
                    "JSON does not allow a comma after the last element; remove it",
                ));
            }
            let item = self.value(depth + 1)?;
            if self.build {
                items.push(item);
            }
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Kind::Array(items));
                }
                _ => {
                    let msg = format!("expected `,` or `]` in this array, found {}", self.found());
                    return Err(self.error(
                        &msg,
                        "separate elements with commas and close the array with `]`",
                    ));
                }
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Kind, JsonError> {
        self.pos += 1;
        let mut members = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Kind::Object(members));
        }
        loop {
            self.skip_ws();
            match self.peek() {
                Some(b'"') => {}
                Some(b'}') => {
                    return Err(self.error(
                        "trailing comma before `}`",
                        "JSON does not allow a comma after the last member; remove it",
                    ))
                }
                _ => {
                    let msg = format!("expected a quoted key, found {}", self.found());
                    return Err(self.error(
                        &msg,
                        "object keys are strings in double quotes, like \"Effect\"",
                    ));
                }
            }
            let key_start = self.pos;
            // Keys are built even when values are not: the error below quotes them.
            let key = self.string_as(true)?;
            let key_end = self.pos;
            self.skip_ws();
            if self.peek() != Some(b':') {
                let msg = format!(
                    "expected `:` after the key \"{key}\", found {}",
                    self.found()
                );
                return Err(self.error(&msg, "write `\"key\": value`"));
            }
            self.pos += 1;
            self.skip_ws();
            let building = self.build;
            let left_out = depth == 0 && self.keep.is_some_and(|keep| !keep(&key));
            self.build = building && !left_out;
            let value = self.value(depth + 1);
            self.build = building;
            let value = value?;
            if building && !left_out {
                members.push(Member {
                    key,
                    key_start,
                    key_end,
                    value,
                });
            }
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Kind::Object(members));
                }
                _ => {
                    let msg = format!(
                        "expected `,` or `}}` in this object, found {}",
                        self.found()
                    );
                    return Err(self.error(
                        &msg,
                        "separate members with commas and close the object with `}`",
                    ));
                }
            }
        }
    }
}

/// Appends `s` to `out` as a JSON string literal (quotes and escapes included). Shared by
/// every place that writes JSON without a serialiser (re-emitted policies, YAML input).
pub fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// JSON text laid out two spaces per level, one member or element per line, keys in their
/// order (Terraform and the RCP generator write compact JSON); empty containers stay on one
/// line, whitespace between tokens is dropped.
pub fn indent_json(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut depth = 0usize;
    let (mut in_string, mut escaped) = (false, false);
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    };
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                // Empty containers stay on one line.
                if matches!(chars.peek(), Some('}' | ']')) {
                    continue;
                }
                depth += 1;
                newline(&mut out, depth);
            }
            '}' | ']' => {
                if !out.ends_with(['{', '[']) {
                    depth = depth.saturating_sub(1);
                    newline(&mut out, depth);
                }
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> JsonError {
        parse(text).unwrap_err()
    }

    #[test]
    fn parses_values_with_spans() {
        let node = parse(r#" {"a": [1, "x\u00e9", true, null], "a": {}} "#).unwrap();
        let Kind::Object(members) = &node.kind else {
            panic!("not an object")
        };
        assert_eq!(members.len(), 2, "duplicate keys are kept");
        assert_eq!((node.start, node.end), (1, 43));
        let Kind::Array(items) = &members[0].value.kind else {
            panic!("not an array")
        };
        assert_eq!(items[1].kind, Kind::String("xé".into()));
        assert_eq!(items[0].kind, Kind::Number("1".into()));
    }

    #[test]
    fn errors_say_where() {
        assert_eq!(err("{\"a\": 1,}").at, 8);
        assert!(err("{\"a\": 1,}").message.contains("trailing comma"));
        assert!(err("[1 2]").message.contains("expected `,` or `]`"));
        assert!(err("{'a': 1}").message.contains("quoted key"));
        assert_eq!(err("{\"a\": \"open").at, 6);
        assert!(err("").message.contains("empty"));
        assert!(err("{} x").message.contains("after the end"));
        assert!(err("[01]").message.contains("leading zeros"));
        assert!(err("\"\\ud800\"").message.contains("surrogate"));
    }

    #[test]
    fn left_out_members_are_checked_as_when_built() {
        let keep = |k: &str| k == "sub" || k == "aud";
        let documents = [
            r#"{"sub": "a", "x": {"y": [1, 2.5e3, "\u00e9\n", true, null]}, "aud": ["b"]}"#,
            r#"{"x": "\ud83d\ude00", "sub": "a", "sub": "b"}"#,
            // Each error inside a left-out member, and one after it.
            r#"{"x": "\ud800", "sub": "a"}"#,
            r#"{"x": "\q"}"#,
            r#"{"x": "\u12"}"#,
            r#"{"x": 01}"#,
            r#"{"x": -}"#,
            r#"{"x": 1.}"#,
            r#"{"x": "open"#,
            "{\"x\": \"a\tb\"}",
            r#"{"x": {"k" 1}}"#,
            r#"{"x": {"k": 1,}}"#,
            r#"{"x": [1,]}"#,
            r#"{"x": [1 2]}"#,
            r#"{"x": tru}"#,
            r#"{"x": 'a'}"#,
            r#"{"x": 1 "sub": "a"}"#,
            r#"{"x": 1} trailing"#,
            // Not an object: read whole.
            r#"["sub", {"x": 1}]"#,
        ];
        let deep = format!(
            r#"{{"x": {}1{}, "sub": "a"}}"#,
            "[".repeat(70),
            "]".repeat(70)
        );
        for text in documents.iter().copied().chain([deep.as_str()]) {
            let whole = parse(text);
            let kept = parse_keeping(text, Some(&keep));
            match (whole, kept) {
                (Ok(whole), Ok(kept)) => {
                    let expected = match whole.kind {
                        Kind::Object(members) => {
                            Kind::Object(members.into_iter().filter(|m| keep(&m.key)).collect())
                        }
                        kind => kind,
                    };
                    assert_eq!(kept.kind, expected, "{text}");
                    assert_eq!((kept.start, kept.end), (whole.start, whole.end), "{text}");
                }
                (Err(whole), Err(kept)) => assert_eq!(kept, whole, "{text}"),
                (whole, kept) => panic!("{text}: whole {whole:?}, kept {kept:?}"),
            }
        }
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let text = "[".repeat(100_000);
        assert!(err(&text).message.contains("deeper"));
    }
}
