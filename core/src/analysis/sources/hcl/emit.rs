//! A found policy written out as JSON, every value and key remembering where in which file
//! it was written (as CloudFormation objects are written out again).

use super::syntax::At;
use super::value::{Kind, Val};
use crate::analysis::sources::{Embedded, Mapping, NodeAt};
use crate::text::json::push_json_string;
use crate::text::source::push_pointer;

/// The policy value `v` of `resource`, written in file `file` at `fallback`.
pub(crate) fn embedded(v: &Val, fallback: At, resource: String) -> Embedded {
    let mut e = Emitter {
        out: String::new(),
        nodes: Vec::new(),
        unresolved: Vec::new(),
    };
    e.value(v, "", fallback);
    Embedded {
        resource,
        pointer: String::new(),
        text: e.out,
        map: Mapping::Nodes(e.nodes),
        unresolved: e.unresolved,
        notes: Vec::new(),
        file: fallback.file,
        role: None,
    }
}

struct Emitter {
    out: String,
    nodes: Vec<NodeAt>,
    unresolved: Vec<(String, String, String)>,
}

impl Emitter {
    fn node(&mut self, at: At, pointer: Option<String>) {
        self.nodes.push(NodeAt {
            inner: self.out.len(),
            file: at.file,
            start: at.start,
            end: at.end,
            pointer,
        });
    }

    fn value(&mut self, v: &Val, pointer: &str, parent: At) {
        let at = v.at.unwrap_or(parent);
        self.node(at, Some(pointer.to_string()));
        match &v.kind {
            Kind::Null => self.out.push_str("null"),
            Kind::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            // Terraform's number text is JSON's; anything else stays a string.
            Kind::Number(n) if super::value::is_number_text(n) => self.out.push_str(n.trim()),
            Kind::Number(n) => push_json_string(&mut self.out, n),
            Kind::Str(t) => {
                push_json_string(&mut self.out, &t.s);
                for u in &t.unknown {
                    self.unresolved
                        .push((pointer.to_string(), u.what.clone(), u.why.to_string()));
                }
            }
            Kind::Unknown(u) => {
                push_json_string(&mut self.out, &format!("<{}>", u.what));
                self.unresolved
                    .push((pointer.to_string(), u.what.clone(), u.why.to_string()));
            }
            Kind::Document(_) => push_json_string(&mut self.out, "<document>"),
            Kind::Json(inner) => {
                let t = super::value::json_text(inner);
                push_json_string(&mut self.out, &t.s);
            }
            Kind::List(items) => {
                self.out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.value(item, &format!("{pointer}/{i}"), at);
                }
                self.out.push(']');
            }
            Kind::Map(entries) => {
                self.out.push('{');
                for (i, (k, key_at, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.node(key_at.unwrap_or(at), None);
                    push_json_string(&mut self.out, k);
                    self.out.push(':');
                    self.value(value, &push_pointer(pointer, k), at);
                }
                self.out.push('}');
            }
        }
    }
}
