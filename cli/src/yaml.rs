//! YAML input (CloudFormation templates): turned into JSON text for the core, with the
//! YAML position of every JSON value kept so findings point into the file the user gave.
//! Short-form intrinsics (`!Sub`, `!Ref`, `!GetAtt`...) become their long form
//! (`{"Fn::Sub": ...}`), which the core reads as values known only at deploy time.

use oidc_trust::{Diagnostic, Location, Position, Severity, SourceLint, Span};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// The input as the core reads it.
pub(crate) enum Converted {
    /// Already JSON.
    Json,
    /// YAML, as JSON text, with the YAML start of every JSON value.
    Yaml {
        json: String,
        /// (JSON byte offset of a value, its YAML line, its YAML column), by offset.
        at: Vec<(usize, u32, u32)>,
        /// The same for every character inside the strings that may hold JSON text (a
        /// policy in a block scalar), so that a finding inside it points at its value.
        inner: Vec<(usize, u32, u32)>,
    },
}

impl Converted {
    /// The text to lint.
    pub(crate) fn json<'a>(&'a self, original: &'a str) -> &'a str {
        match self {
            Converted::Json => original,
            Converted::Yaml { json, .. } => json,
        }
    }

    /// Moves one location from the JSON text back to the YAML file.
    pub(crate) fn relocate_location(&self, l: &mut Location) {
        let Converted::Yaml { at, inner, .. } = self else {
            return;
        };
        let exact = |table: &[(usize, u32, u32)], byte: usize| {
            let i = table.partition_point(|(o, _, _)| *o < byte);
            table
                .get(i)
                .filter(|(o, _, _)| *o == byte)
                .map(|&(_, line, column)| Position {
                    byte: 0,
                    line,
                    column,
                    utf16: 0,
                })
        };
        l.span = l.span.and_then(|s| {
            let start = s.start.byte as usize;
            if let Some(p) = exact(at, start) {
                return Some(Span {
                    start: p,
                    end: Position {
                        column: p.column + 1,
                        ..p
                    },
                });
            }
            // Inside a string: the span's first and last characters, each where it is.
            let p = exact(inner, start)?;
            let end = exact(inner, (s.end.byte as usize).saturating_sub(1))
                .filter(|e| e.line > p.line || (e.line == p.line && e.column >= p.column))
                .map(|e| Position {
                    column: e.column + 1,
                    ..e
                })
                .unwrap_or(Position {
                    column: p.column + 1,
                    ..p
                });
            Some(Span { start: p, end })
        });
    }

    /// Moves every span of `source` from the JSON text back to the YAML file.
    pub(crate) fn relocate(&self, source: &mut SourceLint) {
        let fix = |l: &mut Location| self.relocate_location(l);
        for d in &mut source.documents {
            d.report
                .findings
                .iter_mut()
                .for_each(|f| fix(&mut f.location));
            d.report
                .diagnostics
                .iter_mut()
                .for_each(|x| fix(&mut x.location));
        }
        source
            .diagnostics
            .iter_mut()
            .for_each(|x| fix(&mut x.location));
    }
}

fn error(message: String, line: usize, column: usize) -> Diagnostic {
    let p = Position {
        byte: 0,
        line: line as u32,
        column: column as u32,
        utf16: 0,
    };
    Diagnostic {
        code: "yaml-syntax",
        severity: Severity::Error,
        message,
        help: "fix the YAML, or give the template as JSON".into(),
        input: "policy",
        location: Location {
            pointer: String::new(),
            span: Some(Span { start: p, end: p }),
            file: None,
        },
    }
}

/// Text that does not start like JSON is read as YAML and becomes JSON.
pub(crate) fn to_json_if_yaml(text: &str) -> Result<Converted, Diagnostic> {
    // JSON is YAML too, but the JSON reader keeps exact positions: anything that starts
    // like JSON is read as JSON (and its errors are JSON errors), whatever the file name.
    let looks_json = text.trim_start().starts_with(['{', '[']);
    if looks_json || text.trim().is_empty() {
        return Ok(Converted::Json);
    }
    let mut sink = Sink {
        lines: text.lines().collect(),
        json: String::new(),
        at: Vec::new(),
        inner: Vec::new(),
        stack: Vec::new(),
        documents: 0,
        error: None,
    };
    let mut parser = Parser::new_from_str(text);
    if let Err(e) = parser.load(&mut sink, false) {
        let m = e.marker();
        return Err(error(
            format!("not YAML: {}", e.info()),
            m.line(),
            m.col() + 1,
        ));
    }
    if let Some(d) = sink.error {
        return Err(d);
    }
    Ok(Converted::Yaml {
        json: sink.json,
        at: sink.at,
        inner: sink.inner,
    })
}

/// Where the emitter is: in a mapping (expecting a key or a value) or a sequence.
enum Frame {
    Map {
        first: bool,
        want_key: bool,
        close: &'static str,
    },
    Seq {
        first: bool,
        close: &'static str,
    },
}

struct Sink<'a> {
    /// The YAML text's lines, to place the characters of a string.
    lines: Vec<&'a str>,
    json: String,
    at: Vec<(usize, u32, u32)>,
    inner: Vec<(usize, u32, u32)>,
    stack: Vec<Frame>,
    documents: usize,
    error: Option<Diagnostic>,
}

/// The long form of a CloudFormation short-form tag (`!Sub` → `Fn::Sub`).
fn intrinsic(tag: &Option<Tag>) -> Option<String> {
    let t = tag.as_ref()?;
    if t.handle != "!" {
        return None;
    }
    Some(match t.suffix.as_str() {
        "Ref" => "Ref".to_string(),
        "Condition" => "Condition".to_string(),
        other => format!("Fn::{other}"),
    })
}

impl Sink<'_> {
    /// Writes what comes before a value (comma, key quoting) and records its position.
    fn before_value(&mut self, mark: Marker, is_key_scalar: bool) -> bool {
        let mut is_key = false;
        match self.stack.last_mut() {
            Some(Frame::Map {
                first, want_key, ..
            }) => {
                if *want_key {
                    if !*first {
                        self.json.push(',');
                    }
                    *first = false;
                    *want_key = false;
                    is_key = true;
                } else {
                    self.json.push(':');
                    *want_key = true;
                }
            }
            Some(Frame::Seq { first, .. }) => {
                if !*first {
                    self.json.push(',');
                }
                *first = false;
            }
            None => {}
        }
        if is_key && !is_key_scalar && self.error.is_none() {
            self.error = Some(error(
                "a mapping key that is not a plain value".into(),
                mark.line(),
                mark.col() + 1,
            ));
        }
        // Keys too: findings about a condition point at its operator or key.
        self.at
            .push((self.json.len(), mark.line() as u32, mark.col() as u32 + 1));
        is_key
    }

    fn string(&mut self, s: &str) {
        oidc_trust::support::push_json_string(&mut self.json, s);
    }

    /// A string scalar that may hold JSON text: written like [`Self::string`], with the YAML
    /// position of each of its characters recorded. Literal block scalars (`|`) and
    /// single-line scalars are placed exactly; any other (folded, multi-line flow) keeps
    /// only its start, since its line breaks were rewritten.
    fn text_scalar(&mut self, value: &str, style: TScalarStyle, mark: Marker) {
        let start = self.json.len();
        self.string(value);
        if !value.contains('{') {
            return;
        }
        let Some(places) = self.places(value, style, mark) else {
            return;
        };
        // The JSON offset of each character, as `push_json_string` escapes it.
        let mut at = start + 1;
        let mut entries = Vec::with_capacity(places.len());
        for (c, (line, column)) in value.chars().zip(places) {
            entries.push((at, line, column));
            at += match c {
                '"' | '\\' | '\n' | '\r' | '\t' => 2,
                c if (c as u32) < 0x20 => 6,
                c => c.len_utf8(),
            };
        }
        // Written as predicted, or not recorded at all.
        if at + 1 == self.json.len() {
            self.inner.extend(entries);
        }
    }

    /// The places of a literal block scalar's characters if its content starts on line
    /// `first` (0-based) of the text.
    fn literal_places(&self, value: &str, first: usize) -> Option<Vec<(u32, u32)>> {
        let indent = self
            .lines
            .get(first..)?
            .iter()
            .find(|l| !l.trim().is_empty())
            .map(|l| l.len() - l.trim_start_matches(' ').len())?;
        let mut out = Vec::with_capacity(value.len());
        for (k, part) in value.split('\n').enumerate() {
            let line = self.lines.get(first + k).copied().unwrap_or("");
            if !part.is_empty() && line.get(indent..) != Some(part) {
                return None;
            }
            // Each character, then the line break.
            let line = (first + k + 1) as u32;
            let from = indent as u32 + 1;
            out.extend((from..=from + part.chars().count() as u32).map(|column| (line, column)));
        }
        out.truncate(value.chars().count());
        Some(out)
    }

    /// The YAML (line, column) of each character of a scalar's value, when they can be
    /// known for sure (the text at those places is the value).
    fn places(&self, value: &str, style: TScalarStyle, mark: Marker) -> Option<Vec<(u32, u32)>> {
        let mut out = Vec::with_capacity(value.len());
        match style {
            TScalarStyle::Literal => {
                // The parser marks a block scalar at its content or at its `|` header,
                // depending on the version: try both, keep the one whose lines are the value.
                let line = mark.line();
                out = [line.saturating_sub(1), line]
                    .into_iter()
                    .find_map(|first| self.literal_places(value, first))?;
            }
            TScalarStyle::Plain | TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted
                if !value.contains('\n') =>
            {
                let skip = usize::from(style != TScalarStyle::Plain);
                let line = self.lines.get(mark.line().checked_sub(1)?)?;
                let from = line.char_indices().nth(mark.col() + skip).map(|(b, _)| b)?;
                if !line[from..].starts_with(value) {
                    return None;
                }
                let from = (mark.col() + skip) as u32 + 1;
                let count = value.chars().count() as u32;
                out.extend((from..from + count).map(|column| (mark.line() as u32, column)));
            }
            _ => return None,
        }
        Some(out)
    }

    /// Opens a sequence or mapping (inside `{"Fn::X": ...}` when tagged); returns what
    /// closes it.
    fn open(
        &mut self,
        mark: Marker,
        tag: &Option<Tag>,
        open: char,
        plain: &'static str,
        tagged: &'static str,
    ) -> &'static str {
        self.before_value(mark, false);
        let close = match intrinsic(tag) {
            Some(name) => {
                self.json.push('{');
                self.string(&name);
                self.json.push(':');
                tagged
            }
            None => plain,
        };
        self.json.push(open);
        close
    }

    fn scalar(&mut self, value: &str, style: TScalarStyle, is_key: bool) {
        if is_key || style != TScalarStyle::Plain {
            return self.string(value);
        }
        // YAML 1.2 core schema, as CloudFormation reads plain scalars.
        match value {
            "true" | "True" | "TRUE" => self.json.push_str("true"),
            "false" | "False" | "FALSE" => self.json.push_str("false"),
            "null" | "Null" | "NULL" | "~" | "" => self.json.push_str("null"),
            v if is_number(v) => self.json.push_str(v),
            v => self.string(v),
        }
    }
}

fn is_number(v: &str) -> bool {
    let digits = v.strip_prefix('-').unwrap_or(v);
    // JSON numbers only; leading zeros (account ids like 0123...) stay strings.
    !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && digits.bytes().filter(|b| *b == b'.').count() <= 1
        && !digits.starts_with('.')
        && !digits.ends_with('.')
        && !(digits.len() > 1 && digits.starts_with('0') && !digits.starts_with("0."))
}

impl MarkedEventReceiver for Sink<'_> {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        match ev {
            Event::DocumentStart => {
                self.documents += 1;
                if self.documents > 1 && self.error.is_none() {
                    self.error = Some(error(
                        "more than one YAML document".into(),
                        mark.line(),
                        mark.col() + 1,
                    ));
                }
            }
            Event::Scalar(value, style, _, tag) => {
                let is_key = self.before_value(mark, true);
                match intrinsic(&tag).filter(|_| !is_key) {
                    Some(name) => {
                        self.json.push('{');
                        self.string(&name);
                        self.json.push(':');
                        self.text_scalar(&value, style, mark);
                        self.json.push('}');
                    }
                    None if !is_key && style != TScalarStyle::Plain => {
                        self.text_scalar(&value, style, mark)
                    }
                    None => self.scalar(&value, style, is_key),
                }
            }
            Event::SequenceStart(_, tag) => {
                let close = self.open(mark, &tag, '[', "]", "]}");
                self.stack.push(Frame::Seq { first: true, close });
            }
            Event::MappingStart(_, tag) => {
                let close = self.open(mark, &tag, '{', "}", "}}");
                self.stack.push(Frame::Map {
                    first: true,
                    want_key: true,
                    close,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some(Frame::Seq { close, .. } | Frame::Map { close, .. }) = self.stack.pop()
                {
                    self.json.push_str(close);
                }
            }
            Event::Alias(_) => {
                self.before_value(mark, false);
                self.json.push_str("null");
                if self.error.is_none() {
                    self.error = Some(error(
                        "YAML aliases are not supported in templates".into(),
                        mark.line(),
                        mark.col() + 1,
                    ));
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_becomes_json_with_positions_and_long_form_intrinsics() {
        let text = "Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Sub: !Sub 'repo:${Org}/api:*'\n    N: 12\n    Id: '0123'\n";
        let Converted::Yaml { json, at, .. } = to_json_if_yaml(text).unwrap() else {
            panic!("not converted")
        };
        assert_eq!(
            json,
            r#"{"Resources":{"Role":{"Type":"AWS::IAM::Role","Sub":{"Fn::Sub":"repo:${Org}/api:*"},"N":12,"Id":"0123"}}}"#
        );
        let sub = json.find("{\"Fn::Sub\"").unwrap();
        let (_, line, column) = at.iter().find(|(o, _, _)| *o == sub).unwrap();
        assert_eq!((*line, *column), (4, 15), "the quoted value after the tag");
    }

    /// The YAML (line, column) that a span of the JSON text lands on.
    fn place(c: &Converted, json: &str, needle: &str, skip: usize) -> (u32, u32) {
        let start = json.find(needle).unwrap() + skip;
        // Relocation reads byte offsets only.
        let at = |byte: usize| Position {
            byte: byte as u32,
            line: 0,
            column: 0,
            utf16: 0,
        };
        let mut l = Location {
            pointer: String::new(),
            span: Some(Span {
                start: at(start),
                end: at(start + needle.len()),
            }),
            file: None,
        };
        c.relocate_location(&mut l);
        let s = l.span.unwrap();
        (s.start.line, s.start.column)
    }

    #[test]
    fn json_in_a_block_scalar_keeps_each_character_in_place() {
        let text = "Resources:\n  Role:\n    Policy: |\n      {\n        \"sub\": \"repo:acme/*\",\n        \"q\": \"a\\\"b\"\n      }\n    Sub: !Sub '{\"x\": \"repo:${Org}/*\"}'\n";
        let c = to_json_if_yaml(text).unwrap();
        let Converted::Yaml { json, .. } = &c else {
            panic!("not converted")
        };
        // `repo:acme/*` on line 5, after eight spaces and `"sub": "`.
        assert_eq!(place(&c, json, "repo:acme/*", 0), (5, 17));
        // After an escaped quote (`a\"b` is `a\\\"b` in the JSON text), still in step.
        assert_eq!(place(&c, json, "a\\\\\\\"b", 5), (6, 18));
        // A single-line quoted scalar after a tag.
        assert_eq!(place(&c, json, "repo:${Org}", 0), (8, 23));
    }

    #[test]
    fn json_stays_json_and_bad_yaml_is_located() {
        assert!(matches!(to_json_if_yaml("{\"a\": 1}"), Ok(Converted::Json)));
        let e = to_json_if_yaml("a: [1, 2\nb: 3\n").err().unwrap();
        assert_eq!(e.code, "yaml-syntax");
        assert!(e.location.span.is_some());
    }
}
