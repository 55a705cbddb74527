//! Terraform values as the reader evaluates them: every value remembers where it was
//! written, strings remember where each byte came from, and what is not known before apply
//! is an `Unknown` that says why.

use super::syntax::At;

/// A value and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Val {
    pub(crate) kind: Kind,
    pub(crate) at: Option<At>,
}

/// A map entry: key, where the key was written, value.
pub(crate) type Entry = (String, Option<At>, Val);

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    Null,
    Bool(bool),
    /// A number, as Terraform would print it.
    Number(String),
    Str(Text),
    /// A list, tuple or set.
    List(Vec<Val>),
    /// An object or map, keys in order.
    Map(Vec<Entry>),
    /// `data.aws_iam_policy_document.NAME.json`: the rendered document of the module's
    /// data source with this index.
    Document(usize),
    /// `jsonencode(value)`: the value, as JSON text where a string is needed. Kept as a
    /// structure so that a policy written with `jsonencode` keeps the span of every value.
    Json(Box<Val>),
    /// Not known before apply, or not modelled.
    Unknown(Unknown),
}

/// Why a value is unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unknown {
    /// What stands for it, as written: `var.org`, `aws_iam_role.x.arn`, `sha256(...)`.
    pub(crate) what: String,
    /// Why oidc-trust cannot know it, for the note: "has no value", "is known only after
    /// apply", "is a function oidc-trust does not model".
    pub(crate) why: &'static str,
}

/// A string with the source of every byte (`origin[i]` for byte `i`), and the unknowns
/// written into it as `<what>` placeholders.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Text {
    pub(crate) s: String,
    pub(crate) origin: Vec<(usize, usize)>,
    pub(crate) unknown: Vec<Unknown>,
}

impl Text {
    /// Text with every byte from `at`'s start (or without origin).
    pub(crate) fn plain(s: &str, at: Option<At>) -> Text {
        let origin = match at {
            Some(a) => vec![(a.file, a.start); s.len()],
            None => Vec::new(),
        };
        Text {
            s: s.to_string(),
            origin,
            unknown: Vec::new(),
        }
    }

    /// Appends `s`, every byte attributed to `from`.
    pub(crate) fn push_str(&mut self, s: &str, from: (usize, usize)) {
        self.s.push_str(s);
        self.origin.extend(std::iter::repeat_n(from, s.len()));
    }

    pub(crate) fn append(&mut self, other: &Text, fallback: (usize, usize)) {
        self.s.push_str(&other.s);
        if other.origin.len() == other.s.len() {
            self.origin.extend_from_slice(&other.origin);
        } else {
            self.origin
                .extend(std::iter::repeat_n(fallback, other.s.len()));
        }
        self.unknown.extend(other.unknown.iter().cloned());
    }
}

impl Val {
    pub(crate) fn new(kind: Kind, at: Option<At>) -> Val {
        Val { kind, at }
    }

    pub(crate) fn unknown(what: impl Into<String>, why: &'static str, at: Option<At>) -> Val {
        // The name becomes the placeholder text `<what>` inside the policy: printable ASCII
        // only, so that it never makes the policy one IAM refuses (`disallowed-character`).
        let what: String = what
            .into()
            .replace('…', "...")
            .chars()
            .map(|c| {
                if c.is_ascii_graphic() || c == ' ' {
                    c
                } else {
                    '?'
                }
            })
            .collect();
        Val::new(Kind::Unknown(Unknown { what, why }), at)
    }

    pub(crate) fn string(s: &str, at: Option<At>) -> Val {
        Val::new(Kind::Str(Text::plain(s, at)), at)
    }

    pub(crate) fn is_unknown(&self) -> bool {
        matches!(self.kind, Kind::Unknown(_))
    }

    /// The string, when this is a known string.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(t) if t.unknown.is_empty() => Some(&t.s),
            _ => None,
        }
    }

    /// The elements, when this is a list (a known one).
    pub(crate) fn as_list(&self) -> Option<&[Val]> {
        match &self.kind {
            Kind::List(items) => Some(items),
            _ => None,
        }
    }

    pub(crate) fn get(&self, key: &str) -> Option<&Val> {
        match &self.kind {
            Kind::Map(entries) => entries.iter().find(|(k, _, _)| k == key).map(|(_, _, v)| v),
            _ => None,
        }
    }

    /// The value as template text: strings as they are, numbers and booleans as written;
    /// anything else becomes an unknown placeholder.
    pub(crate) fn to_text(&self) -> Text {
        let from = self.at.map(|a| (a.file, a.start)).unwrap_or((0, 0));
        match &self.kind {
            Kind::Str(t) => t.clone(),
            Kind::Number(n) => Text::plain(n, self.at),
            Kind::Bool(b) => Text::plain(if *b { "true" } else { "false" }, self.at),
            Kind::Unknown(u) => placeholder(u, from),
            Kind::Null => placeholder(
                &Unknown {
                    what: "null".into(),
                    why: "is null, which a string cannot hold",
                },
                from,
            ),
            Kind::Json(inner) => json_text(inner),
            Kind::List(_) | Kind::Map(_) | Kind::Document(_) => placeholder(
                &Unknown {
                    what: "a collection".into(),
                    why: "is a list or object where a string belongs",
                },
                from,
            ),
        }
    }

    /// Truthiness for conditions: known booleans (and `"true"`/`"false"` strings).
    pub(crate) fn as_bool(&self) -> Option<bool> {
        match &self.kind {
            Kind::Bool(b) => Some(*b),
            Kind::Str(t) if t.unknown.is_empty() && t.s == "true" => Some(true),
            Kind::Str(t) if t.unknown.is_empty() && t.s == "false" => Some(false),
            _ => None,
        }
    }

    /// The value as an integer (numbers, and strings of digits, as Terraform converts).
    pub(crate) fn as_int(&self) -> Option<i64> {
        match &self.kind {
            Kind::Number(n) => canonical_number(n).parse().ok(),
            Kind::Str(t) if t.unknown.is_empty() => canonical_number(&t.s).parse().ok(),
            _ => None,
        }
    }

    /// What iterating over the value gives (`for`, `%{for}`, `dynamic`): (index, element)
    /// of a list, (key, value) of a map; `None` when it is no known collection.
    pub(crate) fn entries(&self) -> Option<Vec<(Val, Val)>> {
        match &self.kind {
            Kind::List(items) => Some(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (Val::new(Kind::Number(i.to_string()), None), v.clone()))
                    .collect(),
            ),
            Kind::Map(entries) => Some(
                entries
                    .iter()
                    .map(|(k, at, v)| (Val::string(k, *at), v.clone()))
                    .collect(),
            ),
            _ => None,
        }
    }

    /// Whether the value, anywhere inside, holds something unknown.
    pub(crate) fn has_unknown(&self) -> bool {
        match &self.kind {
            Kind::Unknown(_) => true,
            Kind::Json(inner) => inner.has_unknown(),
            Kind::Str(t) => !t.unknown.is_empty(),
            Kind::List(items) => items.iter().any(Val::has_unknown),
            Kind::Map(entries) => entries.iter().any(|(_, _, v)| v.has_unknown()),
            _ => false,
        }
    }

    /// Equality as Terraform's `==` sees it, when both sides are known.
    pub(crate) fn same(&self, other: &Val) -> Option<bool> {
        if self.has_unknown() || other.has_unknown() {
            return None;
        }
        Some(match (&self.kind, &other.kind) {
            (Kind::Str(a), Kind::Str(b)) => a.s == b.s,
            (Kind::Number(a), Kind::Number(b)) => canonical_number(a) == canonical_number(b),
            (Kind::Bool(a), Kind::Bool(b)) => a == b,
            (Kind::Null, Kind::Null) => true,
            (Kind::Json(a), Kind::Json(b)) => a.same(b) == Some(true),
            (Kind::List(a), Kind::List(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same(y) == Some(true))
            }
            (Kind::Map(a), Kind::Map(b)) => {
                a.len() == b.len()
                    && a.iter().all(|(k, _, v)| {
                        b.iter()
                            .any(|(k2, _, v2)| k == k2 && v.same(v2) == Some(true))
                    })
            }
            _ => false,
        })
    }
}

/// An unknown written into a string: `<what>` (not `${...}`, which IAM would read as a
/// policy variable), matching only itself.
pub(crate) fn placeholder(u: &Unknown, from: (usize, usize)) -> Text {
    let mut t = Text::default();
    t.push_str(&format!("<{}>", u.what), from);
    t.unknown.push(u.clone());
    t
}

/// A value as compact JSON text (`jsonencode` where a string is needed), every byte
/// attributed to where its value was written.
pub(crate) fn json_text(v: &Val) -> Text {
    let mut out = Text::default();
    write_json(v, &mut out, (0, 0));
    out
}

fn write_json(v: &Val, out: &mut Text, parent: (usize, usize)) {
    let from = v.at.map(|a| (a.file, a.start)).unwrap_or(parent);
    let quoted = |s: &str, out: &mut Text| {
        let mut q = String::new();
        crate::text::json::push_json_string(&mut q, s);
        out.push_str(&q, from);
    };
    match &v.kind {
        Kind::Null => out.push_str("null", from),
        Kind::Bool(b) => out.push_str(if *b { "true" } else { "false" }, from),
        Kind::Number(n) => out.push_str(n, from),
        Kind::Str(t) => {
            let mut q = String::new();
            crate::text::json::push_json_string(&mut q, &t.s);
            if q.len() == t.s.len() + 2 && t.origin.len() == t.s.len() && !t.s.is_empty() {
                // No escape: each byte keeps its origin, the quotes their neighbours'.
                let first = t.origin.first().copied().unwrap_or(from);
                let last = t.origin.last().copied().unwrap_or(from);
                out.push_str("\"", first);
                out.s.push_str(&t.s);
                out.origin.extend_from_slice(&t.origin);
                out.push_str("\"", (last.0, last.1 + 1));
            } else {
                quoted(&t.s, out);
            }
            out.unknown.extend(t.unknown.iter().cloned());
        }
        Kind::Unknown(u) => {
            quoted(&format!("<{}>", u.what), out);
            out.unknown.push(u.clone());
        }
        Kind::Json(inner) => {
            let t = json_text(inner);
            quoted(&t.s, out);
            out.unknown.extend(t.unknown);
        }
        Kind::Document(_) => quoted("<document>", out),
        Kind::List(items) => {
            out.push_str("[", from);
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(",", from);
                }
                write_json(item, out, from);
            }
            out.push_str("]", from);
        }
        Kind::Map(entries) => {
            out.push_str("{", from);
            for (i, (k, key_at, value)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(",", from);
                }
                let key_from = key_at.map(|a| (a.file, a.start)).unwrap_or(from);
                let mut q = String::new();
                crate::text::json::push_json_string(&mut q, k);
                out.push_str(&q, key_from);
                out.push_str(":", from);
                write_json(value, out, from);
            }
            out.push_str("}", from);
        }
    }
}

/// Sorts `v` stably by a text key. Every sort of the reader goes through here: the
/// WebAssembly build then carries one copy of the sort, not one per call site (each
/// `sort_by` closure is its own copy, some 2 KB each).
pub(crate) fn sort_by_text<T>(v: &mut Vec<T>, key: impl Fn(&T) -> String) {
    let mut keyed: Vec<(String, usize)> = v.iter().map(key).zip(0..).collect();
    sort_keyed(&mut keyed);
    let mut slots: Vec<Option<T>> = std::mem::take(v).into_iter().map(Some).collect();
    v.extend(
        keyed
            .iter()
            .filter_map(|(_, i)| slots.get_mut(*i).and_then(Option::take)),
    );
}

/// The index breaks ties, so an unstable sort is stable here.
#[inline(never)]
fn sort_keyed(keyed: &mut [(String, usize)]) {
    keyed.sort_unstable();
}

/// A decimal number's text with the zeros that do not change its value dropped (`1.50` and
/// `1.5`, `2.0` and `2`), so that equal numbers compare equal without a float.
pub(crate) fn canonical_number(n: &str) -> String {
    let n = n.trim();
    match n.split_once('.') {
        Some((whole, fraction)) if !fraction.contains(['e', 'E']) => {
            let fraction = fraction.trim_end_matches('0');
            if fraction.is_empty() {
                whole.to_string()
            } else {
                format!("{whole}.{fraction}")
            }
        }
        _ => n.to_string(),
    }
}

/// Whether `t` is a number as JSON (and Terraform's `tonumber`) writes one.
pub(crate) fn is_number_text(t: &str) -> bool {
    matches!(
        crate::text::json::parse(t.trim()).map(|n| n.kind),
        Ok(crate::text::json::Kind::Number(_))
    )
}
