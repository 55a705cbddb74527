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
        let Converted::Yaml { at, .. } = self else {
            return;
        };
        l.span = l.span.and_then(|s| {
            let i = at.partition_point(|(o, _, _)| *o < s.start.byte as usize);
            at.get(i)
                .filter(|(o, _, _)| *o == s.start.byte as usize)
                .map(|&(_, line, column)| {
                    let p = Position {
                        byte: 0,
                        line,
                        column,
                        utf16: 0,
                    };
                    Span {
                        start: p,
                        end: Position {
                            column: column + 1,
                            ..p
                        },
                    }
                })
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
        json: String::new(),
        at: Vec::new(),
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

struct Sink {
    json: String,
    at: Vec<(usize, u32, u32)>,
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

impl Sink {
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

impl MarkedEventReceiver for Sink {
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
                        self.string(&value);
                        self.json.push('}');
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
        let Converted::Yaml { json, at } = to_json_if_yaml(text).unwrap() else {
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

    #[test]
    fn json_stays_json_and_bad_yaml_is_located() {
        assert!(matches!(to_json_if_yaml("{\"a\": 1}"), Ok(Converted::Json)));
        let e = to_json_if_yaml("a: [1, 2\nb: 3\n").err().unwrap();
        assert_eq!(e.code, "yaml-syntax");
        assert!(e.location.span.is_some());
    }
}
