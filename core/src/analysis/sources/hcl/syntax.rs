//! One view over Terraform's two syntaxes: native HCL (`.tf`, parsed by `hcl-edit` with
//! spans) and JSON (`.tf.json`, parsed by our own reader with spans). The evaluator sees
//! blocks, attributes and expressions; it never asks which syntax they came from.

use hcl_edit::expr::Expression;
use hcl_edit::structure::{Body as HclBody, Structure};
use hcl_edit::Span as _;

use crate::text::json::{Kind, Node};

/// Where something was written: a file of the module and a byte range in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct At {
    pub(crate) file: usize,
    pub(crate) start: usize,
    pub(crate) end: usize,
}

/// A parsed source file.
#[derive(Debug)]
pub(crate) enum Syntax {
    /// `.tf`, `.tfvars`
    Hcl(HclBody),
    /// `.tf.json`, `.tfvars.json`
    Json(Node),
}

/// An expression of either syntax.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Expr<'m> {
    Hcl(&'m Expression),
    /// A JSON value whose strings are templates (`"${var.x}"`).
    Json(&'m Node),
}

/// An attribute: `name = expr`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Attr<'m> {
    pub(crate) name: &'m str,
    pub(crate) expr: Expr<'m>,
    pub(crate) at: At,
}

/// A block: `kind "label" "label" { body }`.
#[derive(Debug, Clone)]
pub(crate) struct Block<'m> {
    pub(crate) kind: &'m str,
    pub(crate) labels: Vec<&'m str>,
    pub(crate) body: Body<'m>,
    pub(crate) at: At,
}

/// A body: attributes and nested blocks, in source order.
#[derive(Debug, Clone)]
pub(crate) struct Body<'m> {
    pub(crate) attrs: Vec<Attr<'m>>,
    pub(crate) blocks: Vec<Block<'m>>,
}

impl<'m> Body<'m> {
    pub(crate) fn attr(&self, name: &str) -> Option<&Attr<'m>> {
        self.attrs.iter().find(|a| a.name == name)
    }

    pub(crate) fn blocks_of<'s>(&'s self, kind: &'s str) -> impl Iterator<Item = &'s Block<'m>> {
        self.blocks.iter().filter(move |b| b.kind == kind)
    }
}

fn at(file: usize, span: Option<std::ops::Range<usize>>) -> At {
    let r = span.unwrap_or(0..0);
    At {
        file,
        start: r.start,
        end: r.end,
    }
}

/// The spans of an HCL expression.
pub(crate) fn hcl_at(file: usize, e: &Expression) -> At {
    at(file, e.span())
}

/// Views an HCL body.
pub(crate) fn hcl_body(file: usize, body: &HclBody) -> Body<'_> {
    let mut out = Body {
        attrs: Vec::new(),
        blocks: Vec::new(),
    };
    for s in body.iter() {
        match s {
            Structure::Attribute(a) => out.attrs.push(Attr {
                name: a.key.as_str(),
                expr: Expr::Hcl(&a.value),
                at: at(file, a.span()),
            }),
            Structure::Block(b) => out.blocks.push(Block {
                kind: b.ident.as_str(),
                labels: b.labels.iter().map(|l| l.as_str()).collect(),
                body: hcl_body(file, &b.body),
                at: at(file, b.span()),
            }),
        }
    }
    out
}

/// The block kinds that nest inside the bodies oidc-trust reads from `.tf.json`: in JSON,
/// only the schema tells a nested block from an attribute holding an object.
const JSON_BLOCKS: [&str; 6] = [
    "statement",
    "principals",
    "not_principals",
    "condition",
    "dynamic",
    "content",
];

/// Views a `.tf.json` document: `{"resource": {"TYPE": {"NAME": {...}}}, "variable": ...}`.
pub(crate) fn json_root(file: usize, node: &Node) -> Body<'_> {
    let mut out = Body {
        attrs: Vec::new(),
        blocks: Vec::new(),
    };
    let Kind::Object(members) = &node.kind else {
        return out;
    };
    for m in members {
        // Labels per top-level kind: resource/data TYPE NAME; module/variable/output NAME;
        // locals and terraform none.
        let depth = match m.key.as_str() {
            "resource" | "data" => 2,
            "module" | "variable" | "output" | "provider" => 1,
            "locals" | "terraform" => 0,
            _ => continue,
        };
        json_labelled(file, &m.key, &m.value, depth, Vec::new(), &mut out.blocks);
    }
    out
}

fn json_labelled<'m>(
    file: usize,
    kind: &'m str,
    node: &'m Node,
    depth: usize,
    labels: Vec<&'m str>,
    out: &mut Vec<Block<'m>>,
) {
    if depth == 0 {
        // A body, or a list of bodies (the same block written several times).
        match &node.kind {
            Kind::Array(items) => {
                for item in items {
                    json_labelled(file, kind, item, 0, labels.clone(), out);
                }
            }
            _ => out.push(Block {
                kind,
                labels,
                body: json_body(file, node),
                at: at(file, Some(node.start..node.end)),
            }),
        }
        return;
    }
    let Kind::Object(members) = &node.kind else {
        return;
    };
    for m in members {
        let mut l = labels.clone();
        l.push(&m.key);
        json_labelled(file, kind, &m.value, depth - 1, l, out);
    }
}

/// A block body in JSON: known nested block kinds become blocks (`dynamic` takes a label),
/// every other member an attribute.
pub(crate) fn json_body(file: usize, node: &Node) -> Body<'_> {
    let mut out = Body {
        attrs: Vec::new(),
        blocks: Vec::new(),
    };
    let Kind::Object(members) = &node.kind else {
        return out;
    };
    for m in members {
        if m.key == "//" {
            continue; // a comment, in Terraform's JSON syntax
        }
        if JSON_BLOCKS.contains(&m.key.as_str()) {
            let depth = usize::from(m.key == "dynamic");
            json_labelled(file, &m.key, &m.value, depth, Vec::new(), &mut out.blocks);
        } else {
            out.attrs.push(Attr {
                name: &m.key,
                expr: Expr::Json(&m.value),
                at: at(file, Some(m.key_start..m.value.end)),
            });
        }
    }
    out
}

/// A syntax's top-level body.
pub(crate) fn root(file: usize, syntax: &Syntax) -> Body<'_> {
    match syntax {
        Syntax::Hcl(b) => hcl_body(file, b),
        Syntax::Json(n) => json_root(file, n),
    }
}

/// The deepest nesting of `[` the HCL parser is given. `hcl-edit` backtracks through
/// nested index brackets, its time growing about 1.8× per level (a 1 KB fuzzer input with
/// 28 took longer than any user waits); real configurations nest lists a few levels deep.
pub(crate) const MAX_BRACKET_DEPTH: usize = 12;

/// Refuses, before `hcl-edit` sees it, text nesting `[` deeper than [`MAX_BRACKET_DEPTH`]:
/// `(offset, message, help)` of the bracket that goes too deep. Brackets count everywhere
/// but in comments (interpolations in strings and heredocs are parsed too); strings and
/// heredocs are followed only so that a `#` in them is not read as a comment.
pub(crate) fn bracket_guard(text: &str) -> Result<(), (usize, String, String)> {
    guard(text, false)
}

/// The same for a template (a `templatefile` file, a `.tf.json` string): no comments.
pub(crate) fn template_guard(text: &str) -> Result<(), (usize, String, String)> {
    guard(text, true)
}

fn guard(text: &str, template: bool) -> Result<(), (usize, String, String)> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    // Inside a quoted string; inside a heredoc, until the line holding this marker.
    let mut string = false;
    let mut heredoc: Option<&str> = None;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let code = !template && !string && heredoc.is_none();
        match b {
            b'[' => {
                depth += 1;
                if depth > MAX_BRACKET_DEPTH {
                    return Err((
                        i,
                        format!("`[` nested more than {MAX_BRACKET_DEPTH} levels deep"),
                        "oidc-trust reads Terraform expressions up to that depth (its HCL parser slows down exponentially beyond it); check for unclosed brackets here".into(),
                    ));
                }
            }
            b']' => depth = depth.saturating_sub(1),
            b'\\' if string => i += 1,
            b'"' if heredoc.is_none() && !template => string = !string,
            b'\n' => {
                string = false;
                if let Some(marker) = heredoc {
                    let next = line_end(bytes, i + 1);
                    if text.get(i + 1..next).is_some_and(|l| l.trim() == marker) {
                        heredoc = None;
                        i = next;
                        continue;
                    }
                }
            }
            b'#' if code => i = line_end(bytes, i).saturating_sub(1),
            b'/' if code && bytes.get(i + 1) == Some(&b'/') => {
                i = line_end(bytes, i).saturating_sub(1)
            }
            b'/' if code && bytes.get(i + 1) == Some(&b'*') => {
                i = text
                    .get(i + 2..)
                    .and_then(|rest| rest.find("*/"))
                    .map_or(bytes.len(), |at| i + 2 + at + 1);
            }
            b'<' if code && bytes.get(i + 1) == Some(&b'<') => {
                // `<<EOF` or `<<-EOF`: the text up to the line that holds the marker alone.
                let start = i + 2 + usize::from(bytes.get(i + 2) == Some(&b'-'));
                let end = line_end(bytes, start);
                let marker = text.get(start..end).unwrap_or("").trim();
                if !marker.is_empty()
                    && marker
                        .bytes()
                        .all(|c| c.is_ascii_alphanumeric() || c == b'_')
                {
                    heredoc = Some(marker);
                    i = end;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// The offset of the end of the line that holds `i`.
fn line_end(bytes: &[u8], i: usize) -> usize {
    bytes
        .get(i..)
        .and_then(|rest| rest.iter().position(|&c| c == b'\n'))
        .map_or(bytes.len(), |at| i + at)
}

#[cfg(test)]
mod guard_tests {
    use super::*;

    #[test]
    fn brackets_in_text_do_not_count_and_deep_ones_are_refused() {
        let deep = format!("x = {}1{}", "[".repeat(13), "]".repeat(13));
        assert_eq!(bracket_guard(&deep).map_err(|e| e.0), Err(16));
        let fine = format!("x = {}1{}", "[".repeat(12), "]".repeat(12));
        assert!(bracket_guard(&fine).is_ok());
        // Comments do not count; a `#` in a string or a heredoc is no comment.
        let text = "a = \"#\" # [[[[[[[[[[[[[[\n// [[[[[[[[[[[[[\n/* [[[[[[[[[[[[[[ */\nb = <<EOF\n#[[1]]\nEOF\nc = [[1]]\n";
        assert!(bracket_guard(text).is_ok());
        let hidden = format!("a = \"#${{{}1{}}}\"", "x[".repeat(13), "]".repeat(13));
        assert!(bracket_guard(&hidden).is_err(), "interpolations count");
        let heredoc = format!(
            "a = <<EOF\n# ${{{}1{}}}\nEOF\n",
            "x[".repeat(13),
            "]".repeat(13)
        );
        assert!(bracket_guard(&heredoc).is_err(), "heredocs count");
        assert!(template_guard(&"[".repeat(13)).is_err());
        // Siblings are not nesting.
        assert!(bracket_guard(&"[1] ".repeat(100)).is_ok());
    }
}
