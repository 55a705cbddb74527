//! `data "aws_iam_policy_document"`, rendered the way the AWS provider renders it
//! (`internal/service/iam/policy_document_data_source.go` and `policy_model.go`, read at
//! provider v5.x/v6.x):
//!
//! - `version` defaults to `2012-10-17`, `effect` to `Allow`; an empty `sid` is left out;
//! - `actions`, `not_actions`, `resources`, `not_resources` and principal `identifiers` are
//!   sets: duplicates go, one element is written as a string, several are sorted in reverse;
//! - `principals` of one type are written under one key; a single `*` principal of type `*`
//!   is written `"Principal": "*"`;
//! - `condition` blocks are grouped by test, then variable; the values of one test and
//!   variable are appended in order (duplicates kept); a single value is a string;
//! - `&{` in values, resources and identifiers becomes `${` (an IAM policy variable);
//! - `source_policy_documents` are merged first, in order (a duplicate Sid among them is an
//!   error), then this document (a statement with a Sid replaces the earlier one with the
//!   same Sid, others are appended), then each of `override_policy_documents` the same way.
//!
//! The result is a value tree with the spans of what was written, so every finding points
//! at the HCL that produced it.

use super::eval::{Ctx, Scope, MAX_ITEMS};
use super::problem;
use super::syntax::{At, Block, Body, Expr};
use super::value::{sort_by_text, Entry, Kind, Text, Val};
use crate::text::json;

/// How deep documents may name documents (`source_policy_documents` of a data source whose
/// own sources...) before the reader stops.
const MAX_NESTING: usize = 8;

/// Renders the data source `block` of file `file`. `nesting` counts documents rendered on
/// the way here (cycles end as unknown values).
pub(crate) fn render(
    ctx: &Ctx<'_>,
    block: &Block<'_>,
    file: usize,
    nesting: usize,
    problems: &mut Vec<(At, &'static str, String)>,
) -> Val {
    let scope = Scope::default();
    let body = &block.body;
    let at = Some(block.at);
    let mut merged: Vec<Val> = Vec::new();
    let mut version: Option<Val> = None;
    let mut id: Option<Val> = None;
    // 1. source_policy_documents, in order, Sids unique among them.
    if let Some(a) = body.attr("source_policy_documents") {
        let docs = ctx.eval(a.expr, file, &scope);
        let mut sids: Vec<String> = Vec::new();
        for d in list_items(&docs) {
            let Some(doc) = as_document(ctx, &d, nesting, problems) else {
                continue;
            };
            for s in statements(&doc) {
                if let Some(sid) = s.get("Sid").and_then(Val::as_str).filter(|s| !s.is_empty()) {
                    if sids.iter().any(|x| x == sid) {
                        problems.push(problem("duplicate-sid", s.at.unwrap_or(a.at), format!("duplicate Sid `{sid}` in source_policy_documents: Terraform refuses this data source")));
                    }
                    sids.push(sid.to_string());
                }
            }
            merge(&mut merged, &mut version, &mut id, &doc);
        }
    }
    // 2. This document.
    let own_version = body
        .attr("version")
        .map(|a| ctx.eval(a.expr, file, &scope))
        .unwrap_or_else(|| Val::string("2012-10-17", at));
    let mut own: Vec<Val> = Vec::new();
    let mut sids: Vec<String> = Vec::new();
    for sb in expand(ctx, body, "statement", file, &scope) {
        let s = statement(ctx, &sb.0, file, &sb.1, sb.2);
        if let Some(sid) = s.get("Sid").and_then(Val::as_str) {
            if sids.iter().any(|x| x == sid) {
                problems.push(problem(
                    "duplicate-sid",
                    s.at.unwrap_or(block.at),
                    format!("duplicate Sid `{sid}`: Terraform refuses this data source"),
                ));
            }
            sids.push(sid.to_string());
        }
        own.push(s);
    }
    let mut own_doc = vec![("Version".to_string(), own_version.at, own_version.clone())];
    if let Some(a) = body.attr("policy_id") {
        let v = ctx.eval(a.expr, file, &scope);
        own_doc.push(("Id".to_string(), Some(a.at), v));
    }
    own_doc.push(("Statement".to_string(), at, Val::new(Kind::List(own), at)));
    merge(
        &mut merged,
        &mut version,
        &mut id,
        &Val::new(Kind::Map(own_doc), at),
    );
    // 3. override_policy_documents, in order.
    if let Some(a) = body.attr("override_policy_documents") {
        let docs = ctx.eval(a.expr, file, &scope);
        for d in list_items(&docs) {
            if let Some(doc) = as_document(ctx, &d, nesting, problems) {
                merge(&mut merged, &mut version, &mut id, &doc);
            }
        }
    }
    let mut out: Vec<Entry> = Vec::new();
    if let Some(v) = version {
        out.push(("Version".into(), v.at, v));
    }
    if let Some(i) = id {
        out.push(("Id".into(), i.at, i));
    }
    out.push(("Statement".into(), at, Val::new(Kind::List(merged), at)));
    Val::new(Kind::Map(out), at)
}

/// The statements of a document value.
fn statements(doc: &Val) -> Vec<Val> {
    match doc.get("Statement").map(|s| &s.kind) {
        Some(Kind::List(items)) => items.clone(),
        Some(_) => doc.get("Statement").cloned().into_iter().collect(),
        None => Vec::new(),
    }
}

/// `IAMPolicyDoc.Merge`: adopt the newer Id and the greater Version; a statement with a
/// Sid replaces the existing one with that Sid, any other is appended.
fn merge(into: &mut Vec<Val>, version: &mut Option<Val>, id: &mut Option<Val>, doc: &Val) {
    if let Some(i) = doc.get("Id").filter(|i| i.as_str() != Some("")) {
        *id = Some(i.clone());
    }
    if let Some(v) = doc.get("Version") {
        let newer = match (version.as_ref().and_then(Val::as_str), v.as_str()) {
            (None, _) => true,
            (Some(old), Some(new)) => new > old,
            _ => false,
        };
        if newer {
            *version = Some(v.clone());
        }
    }
    for s in statements(doc) {
        let sid = s
            .get("Sid")
            .and_then(Val::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        match sid.and_then(|sid| {
            into.iter()
                .position(|e| e.get("Sid").and_then(Val::as_str) == Some(sid.as_str()))
        }) {
            Some(i) => {
                if let Some(slot) = into.get_mut(i) {
                    *slot = s;
                }
            }
            None => into.push(s),
        }
    }
}

/// A document given as a value: a rendered data source, a JSON string, or an object
/// (`jsonencode({...})`).
fn as_document(
    ctx: &Ctx<'_>,
    v: &Val,
    nesting: usize,
    problems: &mut Vec<(At, &'static str, String)>,
) -> Option<Val> {
    match &v.kind {
        Kind::Document(i) if nesting < MAX_NESTING => {
            ctx.referenced.borrow_mut().push(*i);
            super::document_value(ctx, *i, nesting + 1, problems)
        }
        Kind::Str(t) => parse_json_text(t, v.at),
        Kind::Map(_) => Some(v.clone()),
        Kind::Json(inner) => as_document(ctx, inner, nesting, problems),
        _ => None,
    }
}

/// A JSON text (its bytes with their origins) as a value tree with spans.
pub(crate) fn parse_json_text(t: &Text, at: Option<At>) -> Option<Val> {
    let node = json::parse(&t.s).ok()?;
    Some(from_node(&node, t, at))
}

fn from_node(n: &json::Node, t: &Text, fallback: Option<At>) -> Val {
    let span = |start: usize, end: usize| -> Option<At> {
        match (t.origin.get(start), t.origin.get(end.saturating_sub(1))) {
            (Some(&(f, s)), Some(&(f2, e))) if f == f2 && e >= s => Some(At {
                file: f,
                start: s,
                end: e + 1,
            }),
            (Some(&(f, s)), _) => Some(At {
                file: f,
                start: s,
                end: s + 1,
            }),
            _ => fallback,
        }
    };
    let at = span(n.start, n.end);
    match &n.kind {
        json::Kind::Null => Val::new(Kind::Null, at),
        json::Kind::Bool(b) => Val::new(Kind::Bool(*b), at),
        json::Kind::Number(x) => Val::new(Kind::Number(x.clone()), at),
        json::Kind::String(s) => {
            // The unknowns of the text, where their placeholders fall in this string.
            let mut text = Text::plain(s, at);
            text.unknown = t
                .unknown
                .iter()
                .filter(|u| s.contains(&format!("<{}>", u.what)))
                .cloned()
                .collect();
            Val::new(Kind::Str(text), at)
        }
        json::Kind::Array(items) => Val::new(
            Kind::List(items.iter().map(|i| from_node(i, t, fallback)).collect()),
            at,
        ),
        json::Kind::Object(members) => Val::new(
            Kind::Map(
                members
                    .iter()
                    .map(|m| {
                        (
                            m.key.clone(),
                            span(m.key_start, m.key_end),
                            from_node(&m.value, t, fallback),
                        )
                    })
                    .collect(),
            ),
            at,
        ),
    }
}

/// The blocks of `kind` in `body`, static and from `dynamic "kind"` blocks, in source
/// order, each with the scope its content sees and its file.
pub(crate) fn expand<'m>(
    ctx: &Ctx<'_>,
    body: &Body<'m>,
    kind: &str,
    file: usize,
    scope: &Scope,
) -> Vec<(Body<'m>, Scope, usize)> {
    let mut out = Vec::new();
    for b in &body.blocks {
        if b.kind == kind {
            out.push((b.body.clone(), scope.clone(), file));
        } else if b.kind == "dynamic" && b.labels.first() == Some(&kind) {
            let Some(content) = b.body.blocks_of("content").next() else {
                continue;
            };
            let iterator = b
                .body
                .attr("iterator")
                .and_then(|a| match a.expr {
                    Expr::Hcl(hcl_edit::expr::Expression::Variable(v)) => {
                        Some(v.as_str().to_string())
                    }
                    _ => None,
                })
                .unwrap_or_else(|| kind.to_string());
            let coll = b
                .body
                .attr("for_each")
                .map(|a| ctx.eval(a.expr, file, scope))
                .unwrap_or_else(|| Val::new(Kind::List(Vec::new()), None));
            let items: Vec<(Val, Val)> = match coll.entries() {
                Some(items) => items,
                // Not knowable: one block whose iterator is unknown, so what it writes shows
                // as unresolved rather than silently vanishing.
                None => vec![(
                    Val::unknown(
                        format!("{iterator}.key"),
                        "iterates over a collection oidc-trust cannot know",
                        coll.at,
                    ),
                    Val::unknown(
                        format!("{iterator}.value"),
                        "iterates over a collection oidc-trust cannot know",
                        coll.at,
                    ),
                )],
            };
            for (k, v) in items.into_iter().take(MAX_ITEMS) {
                let it = Val::new(
                    Kind::Map(vec![("key".into(), k.at, k), ("value".into(), v.at, v)]),
                    None,
                );
                out.push((content.body.clone(), scope.with(&iterator, it), file));
            }
        }
    }
    out
}

/// The values of an attribute as a list: a list, a single value as one, an unknown as one
/// opaque element.
fn list_items(v: &Val) -> Vec<Val> {
    match &v.kind {
        Kind::List(items) => items.clone(),
        Kind::Null => Vec::new(),
        _ => vec![v.clone()],
    }
}

/// `&{` is the data source's way to write an IAM policy variable.
fn iam_vars(v: Val) -> Val {
    match v.kind {
        Kind::Str(mut t) if t.s.contains("&{") => {
            t.s = t.s.replace("&{", "${");
            Val::new(Kind::Str(t), v.at)
        }
        _ => v,
    }
}

/// A set of strings as the provider writes it: unique, one as a string, several in
/// reverse order.
pub(super) fn string_set(values: Vec<Val>, at: Option<At>) -> Val {
    let mut unique: Vec<Val> = Vec::new();
    for v in values {
        if !unique.iter().any(|u| u.to_text().s == v.to_text().s) {
            unique.push(v);
        }
    }
    if unique.len() == 1 {
        return unique.remove(0);
    }
    sort_by_text(&mut unique, |v| v.to_text().s);
    unique.reverse();
    Val::new(Kind::List(unique), at)
}

fn statement(ctx: &Ctx<'_>, body: &Body<'_>, file: usize, scope: &Scope, _: usize) -> Val {
    let at = body
        .attrs
        .first()
        .map(|a| a.at)
        .or_else(|| body.blocks.first().map(|b| b.at));
    let attr = |name: &str| {
        body.attr(name)
            .map(|a| (ctx.eval(a.expr, file, scope), a.at))
    };
    let mut out: Vec<Entry> = Vec::new();
    if let Some((sid, a)) = attr("sid") {
        if sid.as_str() != Some("") && !matches!(sid.kind, Kind::Null) {
            out.push(("Sid".into(), Some(a), sid));
        }
    }
    match attr("effect") {
        Some((e, a)) => out.push(("Effect".into(), Some(a), e)),
        None => out.push(("Effect".into(), at, Val::string("Allow", at))),
    }
    for (name, key) in [
        ("actions", "Action"),
        ("not_actions", "NotAction"),
        ("resources", "Resource"),
        ("not_resources", "NotResource"),
    ] {
        if let Some((v, a)) = attr(name) {
            let items = list_items(&v);
            // `&{` is replaced in resources only, not in actions.
            let items: Vec<Val> = if name.contains("resources") {
                items.into_iter().map(iam_vars).collect()
            } else {
                items
            };
            if !items.is_empty() {
                out.push((key.into(), Some(a), string_set(items, Some(a))));
            }
        }
    }
    for (kind, key) in [
        ("principals", "Principal"),
        ("not_principals", "NotPrincipal"),
    ] {
        let blocks = expand(ctx, body, kind, file, scope);
        if blocks.is_empty() {
            continue;
        }
        let mut types: Vec<Entry> = Vec::new();
        let mut key_at = None;
        for (pb, s, f) in &blocks {
            let ty = pb.attr("type").map(|a| (ctx.eval(a.expr, *f, s), a.at));
            let ids = pb
                .attr("identifiers")
                .map(|a| (ctx.eval(a.expr, *f, s), a.at));
            let (Some((ty, ty_at)), Some((ids, ids_at))) = (ty, ids) else {
                continue;
            };
            key_at = key_at.or(Some(ty_at));
            let name = ty.to_text().s;
            let ids: Vec<Val> = list_items(&ids).into_iter().map(iam_vars).collect();
            let rendered = string_set(ids, Some(ids_at));
            match types.iter_mut().find(|(n, _, _)| *n == name) {
                Some((_, _, existing)) => {
                    let mut all = list_items(existing);
                    all.extend(list_items(&rendered));
                    *existing = Val::new(Kind::List(all), Some(ids_at));
                }
                None => types.push((name, Some(ty_at), rendered)),
            }
        }
        sort_by_text(&mut types, |t| t.0.clone());
        let principal = match types.as_slice() {
            [(t, _, v)] if t == "*" && v.as_str() == Some("*") => v.clone(),
            _ => Val::new(Kind::Map(types), key_at),
        };
        out.push((key.into(), key_at, principal));
    }
    let conditions = expand(ctx, body, "condition", file, scope);
    if !conditions.is_empty() {
        let mut tests: Vec<(String, Option<At>, Vec<Entry>)> = Vec::new();
        let mut seen: Vec<(String, String, String)> = Vec::new();
        for (cb, s, f) in &conditions {
            let get = |n: &str| cb.attr(n).map(|a| (ctx.eval(a.expr, *f, s), a.at));
            let (Some((test, test_at)), Some((var, var_at)), Some((values, values_at))) =
                (get("test"), get("variable"), get("values"))
            else {
                continue;
            };
            let (test_s, var_s) = (test.to_text().s, var.to_text().s);
            let items: Vec<Val> = list_items(&values).into_iter().map(iam_vars).collect();
            // Identical condition blocks are one element of the provider's set.
            let fingerprint = items
                .iter()
                .map(|v| v.to_text().s)
                .collect::<Vec<_>>()
                .join("\u{0}");
            if seen
                .iter()
                .any(|(t, v, f)| *t == test_s && *v == var_s && *f == fingerprint)
            {
                continue;
            }
            seen.push((test_s.clone(), var_s.clone(), fingerprint));
            let slot = match tests.iter_mut().position(|(t, _, _)| *t == test_s) {
                Some(i) => i,
                None => {
                    tests.push((test_s.clone(), Some(test_at), Vec::new()));
                    tests.len() - 1
                }
            };
            let Some((_, _, vars)) = tests.get_mut(slot) else {
                continue;
            };
            match vars.iter_mut().find(|(v, _, _)| *v == var_s) {
                // Same test and variable: the values are appended.
                Some((_, _, existing)) => {
                    let mut all = list_items(existing);
                    all.extend(items);
                    *existing = Val::new(Kind::List(all), Some(values_at));
                }
                None => {
                    let v = if items.len() == 1 {
                        items
                            .into_iter()
                            .next()
                            .unwrap_or(Val::new(Kind::Null, None))
                    } else {
                        Val::new(Kind::List(items), Some(values_at))
                    };
                    vars.push((var_s, Some(var_at), v));
                }
            }
        }
        sort_by_text(&mut tests, |t| t.0.clone());
        let mut entries: Vec<Entry> = Vec::new();
        for (t, a, mut vars) in tests {
            sort_by_text(&mut vars, |x| x.0.clone());
            entries.push((t, a, Val::new(Kind::Map(vars), a)));
        }
        let cat = entries.first().and_then(|e| e.1);
        out.push(("Condition".into(), cat, Val::new(Kind::Map(entries), cat)));
    }
    Val::new(Kind::Map(out), at)
}
