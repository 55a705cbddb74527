//! The expression evaluator: Terraform's expressions over what is known before apply.
//!
//! Literals, templates and heredocs, lists and objects, `var.*`, `local.*`, `each.*`,
//! `count.index`, `for` expressions, conditionals, operators, splats, indexing and the
//! common functions ([`super::functions`]) evaluate to values with spans. Anything else —
//! resource attributes, data sources, variables without a value, functions not modelled —
//! is an [`Unknown`](super::value::Unknown) that says why. Evaluation never fails and never
//! recurses without bound: depth, collection sizes and string lengths are capped.

use std::cell::{Cell, RefCell};

use hcl_edit::expr::{
    BinaryOperator, Expression, ForExpr, ObjectKey, TraversalOperator, UnaryOperator,
};
use hcl_edit::template::{Directive, Element, Template};
use hcl_edit::Span as _;

use super::syntax::{hcl_at, At, Block, Expr};
use super::value::{Kind, Text, Unknown, Val};
use super::Files;
use crate::text::json::{self, Node};

/// The first id of the virtual files (templates inside `.tf.json` strings).
pub(crate) const VIRTUAL: usize = 1 << 30;

/// Deeper evaluation than this (locals naming locals, nested calls) gives up.
const MAX_DEPTH: usize = 64;
/// Larger collections are cut off (`range(1e9)` must not exhaust memory).
pub(crate) const MAX_ITEMS: usize = 10_000;
/// Longer strings are refused (`join` of a huge list, `format` padding).
pub(crate) const MAX_STRING: usize = 1 << 20;

/// A source file of the evaluation: module files first, then files read by `file()`.
#[derive(Debug)]
pub(crate) struct SourceFile {
    /// The path as the faces name it.
    pub(crate) name: String,
    pub(crate) text: String,
}

/// Everything an expression of one module can name.
pub(crate) struct Ctx<'m> {
    /// The module's files (ids `0..files.len()`).
    pub(crate) files: &'m [SourceFile],
    /// The module's directory, for `file()` (`""` for the current directory).
    pub(crate) dir: String,
    pub(crate) reader: &'m dyn Files,
    /// Input variables with a value.
    pub(crate) vars: Vec<(String, Val)>,
    /// `locals { name = expr }`, with their file.
    pub(crate) locals: Vec<(&'m str, Expr<'m>, usize)>,
    local_values: RefCell<Vec<Option<Val>>>,
    local_busy: RefCell<Vec<bool>>,
    /// `data "aws_iam_policy_document" NAME` blocks, by index, with their file.
    pub(crate) documents: Vec<(&'m str, Block<'m>, usize)>,
    /// Resources and data sources that resolve to known values: OIDC providers by URL,
    /// the caller's account, the partition, the region.
    pub(crate) known: Vec<(String, Val)>,
    /// Files read by `file()`/`templatefile()`, after the module's own (ids continue).
    pub(crate) extra: RefCell<Vec<SourceFile>>,
    /// The id of the module's first file.
    base: usize,
    /// The id of the first file `file()` reads (after the module's).
    pub(crate) first_extra: usize,
    /// Data sources another document names (`source_policy_documents`...): parts, not
    /// policies of their own.
    pub(crate) referenced: RefCell<Vec<usize>>,
    /// Templates written inside `.tf.json` strings, as files of their own: (file, offset of
    /// the string's content, the content). Their ids start at [`VIRTUAL`].
    pub(crate) virtuals: RefCell<Vec<(usize, usize, String)>>,
    depth: Cell<usize>,
}

/// Names bound by `for`, `dynamic`, `for_each`/`count` and `templatefile`.
#[derive(Debug, Default, Clone)]
pub(crate) struct Scope {
    pub(crate) names: Vec<(String, Val)>,
    /// `templatefile` sees only its own variables: no `var.*`, `local.*`...
    pub(crate) isolated: bool,
}

impl Scope {
    pub(crate) fn with(&self, name: &str, value: Val) -> Scope {
        let mut s = self.clone();
        s.names.retain(|(n, _)| n != name);
        s.names.push((name.to_string(), value));
        s
    }

    fn get(&self, name: &str) -> Option<&Val> {
        self.names
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }
}

impl<'m> Ctx<'m> {
    /// A context for the module made of `files`, whose ids start at `base` (ids are global
    /// over everything one read looks at, so values keep their file across module calls).
    pub(crate) fn new(
        files: &'m [SourceFile],
        base: usize,
        dir: &str,
        reader: &'m dyn Files,
    ) -> Ctx<'m> {
        Ctx {
            files,
            dir: dir.to_string(),
            reader,
            vars: Vec::new(),
            locals: Vec::new(),
            local_values: RefCell::new(Vec::new()),
            local_busy: RefCell::new(Vec::new()),
            documents: Vec::new(),
            known: Vec::new(),
            extra: RefCell::new(Vec::new()),
            base,
            first_extra: base + files.len(),
            virtuals: RefCell::new(Vec::new()),
            referenced: RefCell::new(Vec::new()),
            depth: Cell::new(0),
        }
    }

    pub(crate) fn set_locals(&mut self, locals: Vec<(&'m str, Expr<'m>, usize)>) {
        *self.local_values.borrow_mut() = vec![None; locals.len()];
        *self.local_busy.borrow_mut() = vec![false; locals.len()];
        self.locals = locals;
    }

    /// Evaluates an expression written in `file`.
    pub(crate) fn eval<'e>(&self, e: Expr<'e>, file: usize, scope: &Scope) -> Val {
        let depth = self.depth.get();
        if depth >= MAX_DEPTH {
            return Val::unknown("…", "nests deeper than oidc-trust evaluates", None);
        }
        self.depth.set(depth + 1);
        let v = match e {
            Expr::Hcl(x) => self.hcl(x, file, scope),
            Expr::Json(n) => self.json(n, file, scope),
        };
        self.depth.set(depth);
        v
    }

    // --- JSON syntax ---------------------------------------------------------------------

    fn json(&self, n: &Node, file: usize, scope: &Scope) -> Val {
        let at = Some(At {
            file,
            start: n.start,
            end: n.end,
        });
        match &n.kind {
            json::Kind::Null => Val::new(Kind::Null, at),
            json::Kind::Bool(b) => Val::new(Kind::Bool(*b), at),
            json::Kind::Number(x) => Val::new(Kind::Number(x.clone()), at),
            json::Kind::String(s) => {
                if !s.contains("${") && !s.contains("%{") {
                    return Val::string(s, at);
                }
                // A template: its spans are in the string's content, a virtual file that
                // maps back to where the string is written.
                let parsed = super::syntax::template_guard(s)
                    .ok()
                    .and_then(|()| hcl_edit::parser::parse_template(s).ok());
                match parsed {
                    Some(t) => {
                        let id = self.virtual_file(file, n.start + 1, s);
                        self.template(&t, id, scope, at)
                    }
                    None => Val::unknown(s.clone(), "is a template oidc-trust cannot read", at),
                }
            }
            json::Kind::Array(items) => Val::new(
                Kind::List(
                    items
                        .iter()
                        .take(MAX_ITEMS)
                        .map(|i| self.json(i, file, scope))
                        .collect(),
                ),
                at,
            ),
            json::Kind::Object(members) => Val::new(
                Kind::Map(
                    members
                        .iter()
                        .take(MAX_ITEMS)
                        .map(|m| {
                            (
                                m.key.clone(),
                                Some(At {
                                    file,
                                    start: m.key_start,
                                    end: m.key_end,
                                }),
                                self.json(&m.value, file, scope),
                            )
                        })
                        .collect(),
                ),
                at,
            ),
        }
    }

    // --- native syntax -------------------------------------------------------------------

    fn hcl(&self, e: &Expression, file: usize, scope: &Scope) -> Val {
        let at = Some(hcl_at(file, e));
        match e {
            Expression::Null(_) => Val::new(Kind::Null, at),
            Expression::Bool(b) => Val::new(Kind::Bool(*b.value()), at),
            // Integers exactly; any other number as written (never through a float, which
            // would print it differently and link float formatting into the wasm build).
            Expression::Number(n) => {
                let text = match (n.value().as_i64(), n.value().as_u64()) {
                    (Some(i), _) => i.to_string(),
                    (_, Some(u)) => u.to_string(),
                    _ => self.source_text(file, at),
                };
                Val::new(Kind::Number(text), at)
            }
            Expression::String(s) => {
                let mut v = Val::string(s.value(), at);
                // Map each byte through the escapes of the quoted literal.
                if let (Kind::Str(t), Some(a)) = (&mut v.kind, at) {
                    t.origin = align(&t.s, self.source(file), a.start, a.end, file);
                }
                v
            }
            Expression::Array(items) => Val::new(
                Kind::List(
                    items
                        .iter()
                        .take(MAX_ITEMS)
                        .map(|i| self.hcl(i, file, scope))
                        .collect(),
                ),
                at,
            ),
            Expression::Object(obj) => {
                let mut entries = Vec::new();
                for (k, v) in obj.iter().take(MAX_ITEMS) {
                    let key_at = Some(At {
                        file,
                        start: k.span().map(|r| r.start).unwrap_or(0),
                        end: k.span().map(|r| r.end).unwrap_or(0),
                    });
                    let key = match k {
                        ObjectKey::Ident(i) => i.as_str().to_string(),
                        ObjectKey::Expression(x) => {
                            // `(var.x) = ...` or `"key" = ...`: a computed key.
                            let kv = self.hcl(x, file, scope);
                            match kv.as_str() {
                                Some(s) => s.to_string(),
                                None => kv.to_text().s,
                            }
                        }
                    };
                    entries.push((key, key_at, self.hcl(v.expr(), file, scope)));
                }
                Val::new(Kind::Map(entries), at)
            }
            Expression::StringTemplate(t) => self.template(t, file, scope, at),
            Expression::HeredocTemplate(h) => self.template(&h.template, file, scope, at),
            Expression::Parenthesis(p) => self.hcl(p.inner(), file, scope),
            Expression::Variable(v) => self.variable(v.as_str(), scope, at),
            Expression::Conditional(c) => {
                let cond = self.hcl(&c.cond_expr, file, scope);
                match cond.as_bool() {
                    Some(true) => self.hcl(&c.true_expr, file, scope),
                    Some(false) => self.hcl(&c.false_expr, file, scope),
                    None => Val::unknown(
                        self.source_text(file, at),
                        "depends on a condition oidc-trust cannot decide",
                        at,
                    ),
                }
            }
            Expression::FuncCall(call) => {
                let name = call.name.name.as_str();
                let namespaced = call.name.is_namespaced();
                let args: Vec<Val> = call.args.iter().map(|a| self.hcl(a, file, scope)).collect();
                // `f(list...)`: the last argument's elements are the rest of the arguments.
                let args = if call.args.expand_final() {
                    let mut args = args;
                    match args.pop().map(|l| l.kind) {
                        Some(Kind::List(items)) => args.extend(items),
                        Some(other) => args.push(Val::new(other, None)),
                        None => {}
                    }
                    args
                } else {
                    args
                };
                if namespaced {
                    return Val::unknown(
                        self.source_text(file, at),
                        "is a provider function oidc-trust does not model",
                        at,
                    );
                }
                super::functions::call(self, name, args, at, file, scope)
            }
            Expression::Traversal(t) => {
                let mut base = self.traversal_root(&t.expr, &t.operators, file, scope, at);
                if let Some((v, consumed)) = base.take() {
                    let mut v = v;
                    for op in t.operators.iter().skip(consumed) {
                        v = self.step(v, op.value(), file, scope, at);
                    }
                    v
                } else {
                    Val::unknown(self.source_text(file, at), "is known only after apply", at)
                }
            }
            Expression::UnaryOp(u) => {
                let v = self.hcl(&u.expr, file, scope);
                match (u.operator.value(), &v.kind) {
                    (UnaryOperator::Not, _) => match v.as_bool() {
                        Some(b) => Val::new(Kind::Bool(!b), at),
                        None => self.opaque(file, at),
                    },
                    (UnaryOperator::Neg, Kind::Number(n)) => Val::new(
                        Kind::Number(match n.strip_prefix('-') {
                            Some(p) => p.to_string(),
                            None => format!("-{n}"),
                        }),
                        at,
                    ),
                    _ => self.opaque(file, at),
                }
            }
            Expression::BinaryOp(b) => {
                let l = self.hcl(&b.lhs_expr, file, scope);
                let r = self.hcl(&b.rhs_expr, file, scope);
                self.binary(*b.operator.value(), &l, &r, file, at)
            }
            Expression::ForExpr(f) => self.for_expr(f, file, scope, at),
        }
    }

    fn opaque(&self, file: usize, at: Option<At>) -> Val {
        Val::unknown(
            self.source_text(file, at),
            "depends on a value oidc-trust cannot know",
            at,
        )
    }

    fn binary(&self, op: BinaryOperator, l: &Val, r: &Val, file: usize, at: Option<At>) -> Val {
        use BinaryOperator as B;
        match op {
            B::Eq | B::NotEq => match l.same(r) {
                Some(eq) => Val::new(Kind::Bool(eq == (op == B::Eq)), at),
                None => self.opaque(file, at),
            },
            B::And | B::Or => match (l.as_bool(), r.as_bool()) {
                (Some(a), Some(b)) => {
                    Val::new(Kind::Bool(if op == B::And { a && b } else { a || b }), at)
                }
                (Some(false), None) if op == B::And => Val::new(Kind::Bool(false), at),
                (Some(true), None) if op == B::Or => Val::new(Kind::Bool(true), at),
                _ => self.opaque(file, at),
            },
            _ => {
                // Whole numbers only: trust policies compute indexes and counts, and a
                // fraction would need float formatting Terraform's way; it stays unknown.
                let (Some(a), Some(b)) = (number(l), number(r)) else {
                    return self.opaque(file, at);
                };
                let n = match op {
                    B::Plus => a.checked_add(b),
                    B::Minus => a.checked_sub(b),
                    B::Mul => a.checked_mul(b),
                    B::Div if b != 0 && a % b == 0 => Some(a / b),
                    B::Mod if b != 0 => Some(a % b),
                    B::Less => return Val::new(Kind::Bool(a < b), at),
                    B::Greater => return Val::new(Kind::Bool(a > b), at),
                    B::LessEq => return Val::new(Kind::Bool(a <= b), at),
                    B::GreaterEq => return Val::new(Kind::Bool(a >= b), at),
                    _ => None,
                };
                match n {
                    Some(n) => Val::new(Kind::Number(n.to_string()), at),
                    None => self.opaque(file, at),
                }
            }
        }
    }

    /// The value a traversal starts from, and how many of its operators that consumed:
    /// `var.x` consumes one (`.x`), `data.aws_iam_policy_document.d.json` three.
    fn traversal_root<'e>(
        &self,
        root: &'e Expression,
        ops: &'e [hcl_edit::Decorated<TraversalOperator>],
        file: usize,
        scope: &Scope,
        at: Option<At>,
    ) -> Option<(Val, usize)> {
        let Expression::Variable(v) = root else {
            return Some((self.hcl(root, file, scope), 0));
        };
        let name = v.as_str();
        let attr = |i: usize| match ops.get(i).map(|o| o.value()) {
            Some(TraversalOperator::GetAttr(a)) => Some(a.as_str()),
            _ => None,
        };
        if scope.get(name).is_some() {
            return Some((self.variable(name, scope, at), 0));
        }
        match name {
            "var" if !scope.isolated => {
                let n = attr(0)?;
                Some((
                    self.vars
                        .iter()
                        .find(|(k, _)| k == n)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_else(|| {
                            Val::unknown(
                                format!("var.{n}"),
                                "has no value (no default, no tfvars, no --var)",
                                at,
                            )
                        }),
                    1,
                ))
            }
            "local" if !scope.isolated => {
                let n = attr(0)?;
                Some((self.local(n, at), 1))
            }
            "path" => Some((
                // `path.module`, `path.root`, `path.cwd`: the module's folder, where
                // `file()` reads from.
                Val::string(".", at),
                1,
            )),
            "terraform" if attr(0) == Some("workspace") => Some((Val::string("default", at), 1)),
            "data" => {
                let (kind, name, field) = (attr(0)?, attr(1)?, attr(2));
                if kind == "aws_iam_policy_document"
                    && matches!(field, Some("json" | "minified_json"))
                {
                    if let Some(i) = self.documents.iter().position(|(d, _, _)| *d == name) {
                        return Some((Val::new(Kind::Document(i), at), 3));
                    }
                }
                self.known_attr(&format!("data.{kind}.{name}"), field, at)
                    .map(|v| (v, 3))
            }
            "module" | "each" | "count" | "self" => None,
            resource_type if !scope.isolated => {
                let (n, field) = (attr(0)?, attr(1));
                self.known_attr(&format!("{resource_type}.{n}"), field, at)
                    .map(|v| (v, 2))
            }
            _ => None,
        }
    }

    /// A known attribute of a resource or data source (`aws_iam_openid_connect_provider.x.arn`).
    fn known_attr(&self, address: &str, field: Option<&str>, at: Option<At>) -> Option<Val> {
        let field = field?;
        let (_, v) = self.known.iter().find(|(k, _)| k == address)?;
        let mut found = v.get(field)?.clone();
        found.at = at;
        Some(found)
    }

    fn local(&self, name: &str, at: Option<At>) -> Val {
        let Some(i) = self.locals.iter().position(|(n, _, _)| *n == name) else {
            return Val::unknown(format!("local.{name}"), "is not defined", at);
        };
        if let Some(v) = self.local_values.borrow().get(i).cloned().flatten() {
            return v;
        }
        if self.local_busy.borrow().get(i).copied().unwrap_or(true) {
            return Val::unknown(format!("local.{name}"), "refers to itself", at);
        }
        if let Some(b) = self.local_busy.borrow_mut().get_mut(i) {
            *b = true;
        }
        let (_, expr, file) = self.locals[i];
        let v = self.eval(expr, file, &Scope::default());
        if let Some(slot) = self.local_values.borrow_mut().get_mut(i) {
            *slot = Some(v.clone());
        }
        if let Some(b) = self.local_busy.borrow_mut().get_mut(i) {
            *b = false;
        }
        v
    }

    fn variable(&self, name: &str, scope: &Scope, at: Option<At>) -> Val {
        match scope.get(name) {
            Some(v) => v.clone(),
            None => Val::unknown(name, "is not defined here", at),
        }
    }

    /// One traversal step: `.attr`, `[index]`, `[*]`, `.*`.
    fn step(
        &self,
        v: Val,
        op: &TraversalOperator,
        file: usize,
        scope: &Scope,
        at: Option<At>,
    ) -> Val {
        if let Kind::Unknown(u) = &v.kind {
            let suffix = match op {
                TraversalOperator::GetAttr(a) => format!(".{}", a.as_str()),
                TraversalOperator::Index(_) | TraversalOperator::LegacyIndex(_) => "[…]".into(),
                _ => "[*]".into(),
            };
            return Val::unknown(format!("{}{suffix}", u.what), u.why, at);
        }
        match op {
            TraversalOperator::GetAttr(a) => match v.get(a.as_str()) {
                Some(x) => x.clone(),
                None => Val::unknown(a.as_str(), "is not an attribute of this value", at),
            },
            TraversalOperator::Index(i) => {
                let i = self.hcl(i, file, scope);
                index(&v, &i, at)
            }
            TraversalOperator::LegacyIndex(i) => {
                let i = Val::new(Kind::Number(i.value().to_string()), None);
                index(&v, &i, at)
            }
            TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => v,
        }
    }

    fn for_expr(&self, f: &ForExpr, file: usize, scope: &Scope, at: Option<At>) -> Val {
        let coll = self.hcl(&f.intro.collection_expr, file, scope);
        let items: Vec<(Val, Val)> = match coll.entries() {
            Some(items) => items,
            None => {
                return Val::unknown(
                    self.source_text(file, at),
                    "iterates over a collection oidc-trust cannot know",
                    at,
                )
            }
        };
        let value_var = f.intro.value_var.as_str();
        let key_var = f.intro.key_var.as_ref().map(|k| k.as_str());
        let mut list = Vec::new();
        let mut entries: Vec<(String, Option<At>, Val)> = Vec::new();
        for (k, v) in items.into_iter().take(MAX_ITEMS) {
            let mut s = scope.with(value_var, v);
            if let Some(kv) = key_var {
                s = s.with(kv, k);
            }
            if let Some(cond) = &f.cond {
                match self.hcl(&cond.expr, file, &s).as_bool() {
                    Some(true) => {}
                    Some(false) => continue,
                    None => {
                        return Val::unknown(
                            self.source_text(file, at),
                            "filters on a condition oidc-trust cannot decide",
                            at,
                        )
                    }
                }
            }
            let value = self.hcl(&f.value_expr, file, &s);
            match &f.key_expr {
                Some(ke) => {
                    let key = self.hcl(ke, file, &s);
                    let key_text = key.to_text().s;
                    if f.grouping {
                        match entries.iter_mut().find(|(k, _, _)| *k == key_text) {
                            Some((
                                _,
                                _,
                                Val {
                                    kind: Kind::List(l),
                                    ..
                                },
                            )) => l.push(value),
                            _ => entries.push((
                                key_text,
                                key.at,
                                Val::new(Kind::List(vec![value]), at),
                            )),
                        }
                    } else {
                        entries.retain(|(k, _, _)| *k != key_text);
                        entries.push((key_text, key.at, value));
                    }
                }
                None => list.push(value),
            }
        }
        if f.key_expr.is_some() {
            Val::new(Kind::Map(entries), at)
        } else {
            Val::new(Kind::List(list), at)
        }
    }

    // --- templates -------------------------------------------------------------------------

    /// Evaluates a template. A template of one interpolation and nothing else is that
    /// value, whatever its type.
    pub(crate) fn template(&self, t: &Template, file: usize, scope: &Scope, at: Option<At>) -> Val {
        let elements: Vec<&Element> = t.iter().collect();
        if let [Element::Interpolation(i)] = elements.as_slice() {
            return self.hcl(&i.expr, file, scope);
        }
        let mut out = Text::default();
        self.template_into(t, file, scope, &mut out);
        if out.s.len() > MAX_STRING {
            return Val::unknown("…", "is longer than oidc-trust reads", at);
        }
        Val::new(Kind::Str(out), at)
    }

    fn template_into(&self, t: &Template, file: usize, scope: &Scope, out: &mut Text) {
        for e in t.iter() {
            if out.s.len() > MAX_STRING {
                return;
            }
            match e {
                Element::Literal(l) => {
                    let span = l.span().unwrap_or(0..0);
                    let origin = align(l.value(), self.source(file), span.start, span.end, file);
                    out.s.push_str(l.value());
                    out.origin.extend(origin);
                }
                Element::Interpolation(i) => {
                    let v = self.hcl(&i.expr, file, scope);
                    let from = i.span().map(|r| (file, r.start)).unwrap_or((file, 0));
                    out.append(&v.to_text(), from);
                }
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(d) => {
                        match self.hcl(&d.if_expr.cond_expr, file, scope).as_bool() {
                            Some(true) => self.template_into(&d.if_expr.template, file, scope, out),
                            Some(false) => {
                                if let Some(e) = &d.else_expr {
                                    self.template_into(&e.template, file, scope, out);
                                }
                            }
                            None => {
                                let u = Unknown {
                                    what: "%{if}".into(),
                                    why: "depends on a condition oidc-trust cannot decide",
                                };
                                out.append(&super::value::placeholder(&u, (file, 0)), (file, 0));
                            }
                        }
                    }
                    Directive::For(d) => {
                        let f = &d.for_expr;
                        let coll = self.hcl(&f.collection_expr, file, scope);
                        let items: Vec<(Val, Val)> = match coll.entries() {
                            Some(items) => items,
                            None => {
                                let u = Unknown {
                                    what: "%{for}".into(),
                                    why: "iterates over a collection oidc-trust cannot know",
                                };
                                out.append(&super::value::placeholder(&u, (file, 0)), (file, 0));
                                continue;
                            }
                        };
                        for (k, v) in items.into_iter().take(MAX_ITEMS) {
                            let mut s = scope.with(f.value_var.as_str(), v);
                            if let Some(kv) = &f.key_var {
                                s = s.with(kv.as_str(), k);
                            }
                            self.template_into(&f.template, file, &s, out);
                            if out.s.len() > MAX_STRING {
                                return;
                            }
                        }
                    }
                },
            }
        }
    }

    // --- files -----------------------------------------------------------------------------

    /// A virtual file for a template inside a JSON string of `file` at `offset`.
    fn virtual_file(&self, file: usize, offset: usize, content: &str) -> usize {
        let mut v = self.virtuals.borrow_mut();
        v.push((file, offset, content.to_string()));
        VIRTUAL + v.len() - 1
    }

    /// The text of file `id` (module files, then files read by `file()`).
    pub(crate) fn source(&self, id: usize) -> String {
        if id >= VIRTUAL {
            return self
                .virtuals
                .borrow()
                .get(id - VIRTUAL)
                .map(|v| v.2.clone())
                .unwrap_or_default();
        }
        if id >= self.first_extra {
            return self
                .extra
                .borrow()
                .get(id - self.first_extra)
                .map(|f| f.text.clone())
                .unwrap_or_default();
        }
        self.module_source(id)
    }

    fn module_source(&self, id: usize) -> String {
        id.checked_sub(self.base)
            .and_then(|i| self.files.get(i))
            .map(|f| f.text.clone())
            .unwrap_or_default()
    }

    /// The written text of a span, for naming an unknown (`var.org`, `sha256(x)`).
    pub(crate) fn source_text(&self, file: usize, at: Option<At>) -> String {
        let Some(a) = at else { return "…".into() };
        let text = self.source(file);
        let s = text.get(a.start..a.end).unwrap_or("…");
        let s: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
        if s.chars().count() > 60 {
            format!("{}…", s.chars().take(59).collect::<String>())
        } else {
            s
        }
    }

    /// Reads a file next to the module (`file("policy.json")`), remembering it so that
    /// locations can point into it. Returns its id and text.
    pub(crate) fn read_file(&self, path: &str) -> Option<(usize, String)> {
        let full = join_path(&self.dir, path);
        if let Some(i) = self.extra.borrow().iter().position(|f| f.name == full) {
            let text = self.extra.borrow().get(i).map(|f| f.text.clone())?;
            return Some((self.first_extra + i, text));
        }
        let text = self.reader.read(&full)?;
        let mut extra = self.extra.borrow_mut();
        extra.push(SourceFile {
            name: full,
            text: text.clone(),
        });
        Some((self.first_extra + extra.len() - 1, text))
    }
}

/// A path relative to a module directory, with `./` and `..` folded where they can be.
pub(crate) fn join_path(dir: &str, path: &str) -> String {
    if path.starts_with('/') || dir.is_empty() || dir == "." {
        return normalize(path);
    }
    normalize(&format!("{dir}/{path}"))
}

fn normalize(path: &str) -> String {
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." if parts.last().is_some_and(|l| *l != "..") => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else if joined.is_empty() {
        ".".into()
    } else {
        joined
    }
}

fn number(v: &Val) -> Option<i64> {
    v.as_int()
}

fn index(v: &Val, i: &Val, at: Option<At>) -> Val {
    match (&v.kind, &i.kind) {
        (Kind::List(items), _) => match i.as_int().and_then(|n| usize::try_from(n).ok()) {
            Some(n) => items
                .get(n)
                .cloned()
                .unwrap_or_else(|| Val::unknown("[…]", "is past the end of the list", at)),
            None => Val::unknown("[…]", "is an index oidc-trust cannot know", at),
        },
        (Kind::Map(_), _) => match i.as_str() {
            Some(k) => v.get(k).cloned().unwrap_or_else(|| {
                Val::unknown(format!("[\"{k}\"]"), "is not a key of this map", at)
            }),
            None => Val::unknown("[…]", "is a key oidc-trust cannot know", at),
        },
        _ => Val::unknown("[…]", "indexes a value that is not a collection", at),
    }
}

/// The source offset of every byte of `value`, the unescaped text of the literal written
/// at `start..end` of `source`: escapes (`\"`, `\n`, `\u00e9`, `$${`, `%%{`) and the indent
/// a `<<-` heredoc strips are skipped over.
pub(crate) fn align(
    value: &str,
    source: String,
    start: usize,
    end: usize,
    file: usize,
) -> Vec<(usize, usize)> {
    let raw = source.get(start..end.min(source.len())).unwrap_or("");
    let raw_bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(value.len());
    let mut j = 0;
    for c in value.chars() {
        let mut at = None;
        while j < raw_bytes.len() {
            let rest = raw.get(j..).unwrap_or("");
            let mut chars = rest.chars();
            let Some(r) = chars.next() else { break };
            if r == c {
                at = Some(j);
                j += r.len_utf8();
                break;
            }
            // An escape that decodes to `c`.
            let decoded = if r == '\\' {
                match chars.next() {
                    Some('n') => Some(('\n', 2)),
                    Some('r') => Some(('\r', 2)),
                    Some('t') => Some(('\t', 2)),
                    Some('"') => Some(('"', 2)),
                    Some('\\') => Some(('\\', 2)),
                    Some('u') => rest
                        .get(2..6)
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .and_then(char::from_u32)
                        .map(|ch| (ch, 6)),
                    Some('U') => rest
                        .get(2..10)
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .and_then(char::from_u32)
                        .map(|ch| (ch, 10)),
                    _ => None,
                }
            } else if rest.starts_with("$${") || rest.starts_with("%%{") {
                Some((r, 1))
            } else {
                None
            };
            match decoded {
                Some((d, len)) if d == c => {
                    at = Some(j);
                    j += len;
                    break;
                }
                _ => j += r.len_utf8(),
            }
        }
        let offset = start + at.unwrap_or(j.min(raw_bytes.len()));
        out.extend(std::iter::repeat_n((file, offset), c.len_utf8()));
    }
    out
}
