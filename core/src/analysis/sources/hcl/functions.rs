//! The Terraform functions the reader evaluates: those trust policies are written with
//! (`jsonencode`, `format`, `join`, `concat`, `replace`, `lower`, `tolist`, `toset`,
//! `flatten`, `file`, `templatefile`...). Any other function, or one given an unknown
//! argument, gives an unknown value that names the call.

use super::eval::{Ctx, Scope, MAX_ITEMS, MAX_STRING};
use super::syntax::At;
use super::value::{sort_by_text, Kind, Text, Val};
use crate::text::json::{self, Node};

/// Calls `name` with evaluated arguments.
pub(crate) fn call(
    ctx: &Ctx<'_>,
    name: &str,
    args: Vec<Val>,
    at: Option<At>,
    file: usize,
    scope: &Scope,
) -> Val {
    // `try` and `can` look at whether an argument could be evaluated, not at its value.
    match name {
        "try" => {
            return args
                .iter()
                .find(|a| !a.has_unknown())
                .cloned()
                .or_else(|| args.last().cloned())
                .unwrap_or_else(|| unknown(ctx, file, at, "has no argument"));
        }
        "can" => {
            return match args.first() {
                Some(a) if !a.has_unknown() => Val::new(Kind::Bool(true), at),
                _ => unknown(ctx, file, at, "depends on a value oidc-trust cannot know"),
            }
        }
        "coalesce" => {
            return args
                .iter()
                .find(|a| !matches!(a.kind, Kind::Null) && a.as_str() != Some(""))
                .cloned()
                .unwrap_or_else(|| unknown(ctx, file, at, "has no non-empty argument"));
        }
        _ => {}
    }
    // Below, an unknown argument makes the result unknown — except where the function only
    // moves values around (lists, maps, jsonencode), which keeps the unknowns in place.
    let passes_unknowns = matches!(
        name,
        "jsonencode"
            | "concat"
            | "tolist"
            | "toset"
            | "flatten"
            | "distinct"
            | "compact"
            | "merge"
            | "tomap"
            | "coalescelist"
            | "element"
            | "lookup"
            | "format"
            | "join"
            | "formatlist"
            | "trimprefix"
            | "trimsuffix"
            | "replace"
            | "lower"
            | "upper"
            | "trimspace"
            | "reverse"
            | "values"
            | "slice"
            | "one"
            | "tostring"
    );
    if !passes_unknowns && args.iter().any(|a| a.is_unknown()) {
        return unknown(ctx, file, at, "depends on a value oidc-trust cannot know");
    }
    let s = |i: usize| args.get(i).and_then(|a| a.as_str().map(str::to_string));
    let text = |i: usize| args.get(i).map(Val::to_text);
    let out = match name {
        "jsonencode" => args
            .into_iter()
            .next()
            .map(|v| Val::new(Kind::Json(Box::new(v)), at)),
        "jsondecode" => s(0).and_then(|t| decode(&t, at)),
        "tostring" => args.into_iter().next().map(|v| match v.kind {
            Kind::Number(_) | Kind::Bool(_) => Val::new(Kind::Str(v.to_text()), v.at),
            _ => v,
        }),
        "tonumber" => s(0)
            .filter(|t| super::value::is_number_text(t))
            .map(|t| Val::new(Kind::Number(t.trim().to_string()), at)),
        "tobool" => s(0)
            .and_then(|t| match t.as_str() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            })
            .map(|b| Val::new(Kind::Bool(b), at)),
        // Case mapping of ASCII text only: other letters would need Unicode's case tables,
        // some 30 KB of the WebAssembly build, for names that are ASCII in practice. Such a
        // text becomes a value known only at deploy time rather than a wrong one.
        "lower" | "upper" | "title" if text(0).is_some_and(|t| !t.s.is_ascii()) => Some(unknown(
            ctx,
            file,
            at,
            "changes the case of non-ASCII text, which oidc-trust does not model",
        )),
        "lower" | "upper" | "trimspace" | "title" => text(0).map(|t| {
            let mapped = match name {
                "lower" => t.s.to_ascii_lowercase(),
                "upper" => t.s.to_ascii_uppercase(),
                "title" => title(&t.s),
                _ => t.s.trim().to_string(),
            };
            string_like(&t, mapped, at)
        }),
        "trimprefix" | "trimsuffix" => match (text(0), s(1)) {
            (Some(t), Some(p)) => Some(if name == "trimprefix" {
                match t.s.strip_prefix(&p) {
                    Some(_) => slice_text(&t, p.len(), t.s.len(), at),
                    None => Val::new(Kind::Str(t), at),
                }
            } else {
                match t.s.strip_suffix(&p) {
                    Some(rest) => slice_text(&t, 0, rest.len(), at),
                    None => Val::new(Kind::Str(t), at),
                }
            }),
            _ => None,
        },
        "replace" => match (text(0), s(1), s(2)) {
            (Some(t), Some(from), Some(to))
                if !(from.starts_with('/') && from.ends_with('/') && from.len() > 1) =>
            {
                replace_text(&t, &from, &to, at)
            }
            _ => None,
        },
        "substr" => match (
            text(0),
            args.get(1).and_then(Val::as_int),
            args.get(2).and_then(Val::as_int),
        ) {
            (Some(t), Some(off), Some(len)) => {
                let chars: Vec<(usize, char)> = t.s.char_indices().collect();
                let n = chars.len() as i64;
                let start = if off < 0 {
                    (n + off).max(0)
                } else {
                    off.min(n)
                } as usize;
                let end = if len < 0 {
                    n as usize
                } else {
                    (start + len as usize).min(n as usize)
                };
                let b = |i: usize| chars.get(i).map(|(b, _)| *b).unwrap_or(t.s.len());
                Some(slice_text(&t, b(start), b(end), at))
            }
            _ => None,
        },
        "format" => format(&args, at),
        "formatlist" => formatlist(&args, at),
        "join" => match (s(0), args.get(1)) {
            (Some(sep), Some(_)) => {
                let mut out = Text::default();
                let mut first = true;
                for list in args.iter().skip(1) {
                    for item in list.as_list().unwrap_or(&[]) {
                        if !first {
                            out.push_str(&sep, from(at));
                        }
                        first = false;
                        out.append(&item.to_text(), from(item.at));
                        if out.s.len() > MAX_STRING {
                            return unknown(ctx, file, at, "is longer than oidc-trust reads");
                        }
                    }
                }
                Some(Val::new(Kind::Str(out), at))
            }
            _ => None,
        },
        "split" => match (s(0), text(1)) {
            (Some(sep), Some(t)) if !sep.is_empty() => {
                let mut items = Vec::new();
                let mut start = 0;
                for (i, _) in t.s.match_indices(sep.as_str()) {
                    items.push(slice_text(&t, start, i, at));
                    start = i + sep.len();
                }
                items.push(slice_text(&t, start, t.s.len(), at));
                Some(list(items, at))
            }
            _ => None,
        },
        "concat" => {
            let mut items = Vec::new();
            for a in &args {
                match &a.kind {
                    Kind::List(l) => items.extend(l.iter().cloned()),
                    Kind::Unknown(_) => items.push(a.clone()),
                    _ => return unknown(ctx, file, at, "is given something other than lists"),
                }
            }
            Some(list(items, at))
        }
        "tolist" => args.into_iter().next().map(|v| match v.kind {
            Kind::List(_) | Kind::Unknown(_) => v,
            Kind::Map(_) => {
                Val::unknown("tolist(…)", "converts a map, which Terraform refuses", at)
            }
            _ => v,
        }),
        "toset" => args.into_iter().next().map(|v| match v.kind {
            // Sets of strings iterate in lexical order, without duplicates.
            Kind::List(items) => list(sorted_unique(items), v.at),
            _ => v,
        }),
        "tomap" => args.into_iter().next(),
        "flatten" => args.first().map(|v| list(flatten(v, 0), at)),
        "distinct" => args.first().and_then(Val::as_list).map(|items| {
            let mut out: Vec<Val> = Vec::new();
            for i in items {
                if !out.iter().any(|o| o.same(i) == Some(true)) {
                    out.push(i.clone());
                }
            }
            list(out, at)
        }),
        "compact" => args.first().and_then(Val::as_list).map(|items| {
            list(
                items
                    .iter()
                    .filter(|i| !matches!(i.kind, Kind::Null) && i.as_str() != Some(""))
                    .cloned()
                    .collect(),
                at,
            )
        }),
        "coalescelist" => args
            .iter()
            .find(|a| a.as_list().is_some_and(|l| !l.is_empty()))
            .cloned(),
        "reverse" => args
            .first()
            .and_then(Val::as_list)
            .map(|items| list(items.iter().rev().cloned().collect(), at)),
        "sort" => args.first().and_then(Val::as_list).map(|items| {
            let mut v = items.to_vec();
            sort_by_text(&mut v, |x| x.to_text().s);
            list(v, at)
        }),
        "slice" => match (
            args.first().and_then(Val::as_list),
            args.get(1).and_then(Val::as_int),
            args.get(2).and_then(Val::as_int),
        ) {
            (Some(items), Some(a), Some(b)) => {
                let a = usize::try_from(a).unwrap_or(0).min(items.len());
                let b = usize::try_from(b).unwrap_or(0).min(items.len());
                Some(list(items.get(a..b.max(a)).unwrap_or(&[]).to_vec(), at))
            }
            _ => None,
        },
        "length" => match args.first().map(|a| &a.kind) {
            Some(Kind::List(l)) => Some(number(l.len(), at)),
            Some(Kind::Map(m)) => Some(number(m.len(), at)),
            Some(Kind::Str(t)) if t.unknown.is_empty() => Some(number(t.s.chars().count(), at)),
            _ => None,
        },
        "element" => match (args.first(), args.get(1).and_then(Val::as_int)) {
            (
                Some(Val {
                    kind: Kind::List(l),
                    ..
                }),
                Some(i),
            ) if !l.is_empty() => {
                let n = l.len() as i64;
                l.get(i.rem_euclid(n) as usize).cloned()
            }
            _ => None,
        },
        "one" => match args.first().map(|a| &a.kind) {
            Some(Kind::List(l)) if l.len() <= 1 => {
                Some(l.first().cloned().unwrap_or(Val::new(Kind::Null, at)))
            }
            _ => None,
        },
        "index" => match (args.first().and_then(Val::as_list), args.get(1)) {
            (Some(items), Some(x)) => items
                .iter()
                .position(|i| i.same(x) == Some(true))
                .map(|p| number(p, at)),
            _ => None,
        },
        "contains" => match (args.first().and_then(Val::as_list), args.get(1)) {
            (Some(items), Some(x)) => Some(Val::new(
                Kind::Bool(items.iter().any(|i| i.same(x) == Some(true))),
                at,
            )),
            _ => None,
        },
        "startswith" | "endswith" | "strcontains" => match (s(0), s(1)) {
            (Some(a), Some(b)) => Some(Val::new(
                Kind::Bool(match name {
                    "startswith" => a.starts_with(&b),
                    "endswith" => a.ends_with(&b),
                    _ => a.contains(&b),
                }),
                at,
            )),
            _ => None,
        },
        "keys" => match args.first().map(|a| &a.kind) {
            Some(Kind::Map(m)) => {
                let mut keys: Vec<Val> = m.iter().map(|(k, a, _)| Val::string(k, *a)).collect();
                sort_by_text(&mut keys, |x| x.to_text().s);
                Some(list(keys, at))
            }
            _ => None,
        },
        "values" => match args.first().map(|a| &a.kind) {
            Some(Kind::Map(m)) => {
                let mut entries = m.clone();
                sort_by_text(&mut entries, |e| e.0.clone());
                Some(list(entries.into_iter().map(|(_, _, v)| v).collect(), at))
            }
            _ => None,
        },
        "lookup" => match (args.first(), s(1)) {
            (Some(m), Some(k)) => m.get(&k).cloned().or_else(|| args.get(2).cloned()),
            _ => None,
        },
        "merge" => {
            let mut entries: Vec<(String, Option<At>, Val)> = Vec::new();
            for a in &args {
                match &a.kind {
                    Kind::Map(m) => {
                        for (k, ka, v) in m {
                            entries.retain(|(e, _, _)| e != k);
                            entries.push((k.clone(), *ka, v.clone()));
                        }
                    }
                    Kind::Null => {}
                    _ => return unknown(ctx, file, at, "merges something other than maps"),
                }
            }
            Some(Val::new(Kind::Map(entries), at))
        }
        "zipmap" => match (
            args.first().and_then(Val::as_list),
            args.get(1).and_then(Val::as_list),
        ) {
            (Some(k), Some(v)) if k.len() == v.len() => Some(Val::new(
                Kind::Map(
                    k.iter()
                        .zip(v)
                        .map(|(k, v)| (k.to_text().s, k.at, v.clone()))
                        .collect(),
                ),
                at,
            )),
            _ => None,
        },
        "range" => {
            let n: Vec<i64> = args.iter().filter_map(Val::as_int).collect();
            let (start, end, step) = match n.as_slice() {
                [e] => (0, *e, 1),
                [s, e] => (*s, *e, if s <= e { 1 } else { -1 }),
                [s, e, st] if *st != 0 => (*s, *e, *st),
                _ => return unknown(ctx, file, at, "has arguments oidc-trust cannot read"),
            };
            let mut out = Vec::new();
            let mut i = start;
            while (step > 0 && i < end) || (step < 0 && i > end) {
                out.push(Val::new(Kind::Number(i.to_string()), at));
                if out.len() >= MAX_ITEMS {
                    break;
                }
                i += step;
            }
            Some(list(out, at))
        }
        "min" | "max" => {
            let n: Option<Vec<i64>> = args.iter().map(Val::as_int).collect();
            let v = match n {
                Some(n) if name == "min" => n.into_iter().min(),
                Some(n) => n.into_iter().max(),
                None => None,
            };
            v.map(|v| Val::new(Kind::Number(v.to_string()), at))
        }
        "abspath" | "pathexpand" => args.into_iter().next(),
        "basename" => s(0).map(|p| Val::string(p.rsplit('/').next().unwrap_or(""), at)),
        "dirname" => {
            s(0).map(|p| Val::string(p.rsplit_once('/').map(|(d, _)| d).unwrap_or("."), at))
        }
        "file" => s(0).and_then(|path| {
            let (id, content) = ctx.read_file(&path)?;
            let origin = (0..content.len()).map(|i| (id, i)).collect();
            Some(Val::new(
                Kind::Str(Text {
                    s: content,
                    origin,
                    unknown: Vec::new(),
                }),
                at,
            ))
        }),
        "templatefile" => match (s(0), args.get(1)) {
            (Some(path), Some(vars)) => templatefile(ctx, &path, vars, at),
            _ => None,
        },
        _ => {
            return Val::unknown(
                ctx.source_text(file, at),
                "is a function oidc-trust does not model",
                at,
            )
        }
    };
    let _ = scope;
    out.unwrap_or_else(|| unknown(ctx, file, at, "has arguments oidc-trust cannot evaluate"))
}

fn unknown(ctx: &Ctx<'_>, file: usize, at: Option<At>, why: &'static str) -> Val {
    Val::unknown(ctx.source_text(file, at), why, at)
}

fn from(at: Option<At>) -> (usize, usize) {
    at.map(|a| (a.file, a.start)).unwrap_or((0, 0))
}

fn number(n: usize, at: Option<At>) -> Val {
    Val::new(Kind::Number(n.to_string()), at)
}

fn list(items: Vec<Val>, at: Option<At>) -> Val {
    Val::new(Kind::List(items), at)
}

fn title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        out.push(if start { c.to_ascii_uppercase() } else { c });
        start = !c.is_ascii_alphanumeric();
    }
    out
}

/// A string made from `t` whose bytes keep their origins where the length did not change.
fn string_like(t: &Text, s: String, at: Option<At>) -> Val {
    let origin = if s.len() == t.origin.len() {
        t.origin.clone()
    } else {
        vec![from(at); s.len()]
    };
    Val::new(
        Kind::Str(Text {
            s,
            origin,
            unknown: t.unknown.clone(),
        }),
        at,
    )
}

fn slice_text(t: &Text, start: usize, end: usize, at: Option<At>) -> Val {
    let s = t.s.get(start..end).unwrap_or("").to_string();
    let origin = t
        .origin
        .get(start..end)
        .map(<[_]>::to_vec)
        .unwrap_or_else(|| vec![from(at); s.len()]);
    Val::new(
        Kind::Str(Text {
            s,
            origin,
            unknown: t.unknown.clone(),
        }),
        at,
    )
}

fn replace_text(t: &Text, pattern: &str, to: &str, at: Option<At>) -> Option<Val> {
    if pattern.is_empty() {
        return Some(Val::new(Kind::Str(t.clone()), at));
    }
    let mut out = Text {
        unknown: t.unknown.clone(),
        ..Text::default()
    };
    let mut last = 0;
    for (i, _) in t.s.match_indices(pattern) {
        let part = t.s.get(last..i).unwrap_or("");
        out.s.push_str(part);
        out.origin
            .extend(t.origin.get(last..i).unwrap_or(&[]).iter().copied());
        let here = t.origin.get(i).copied().unwrap_or(from(at));
        out.push_str(to, here);
        last = i + pattern.len();
        if out.s.len() > MAX_STRING {
            return None;
        }
    }
    out.s.push_str(t.s.get(last..).unwrap_or(""));
    out.origin
        .extend(t.origin.get(last..).unwrap_or(&[]).iter().copied());
    if out.origin.len() != out.s.len() {
        out.origin = vec![from(at); out.s.len()];
    }
    Some(Val::new(Kind::Str(out), at))
}

/// `format("repo:%s/%s:*", org, repo)`: `%s`, `%d`, `%v`, `%q` and `%%`.
fn format(args: &[Val], at: Option<At>) -> Option<Val> {
    let spec = args.first()?.as_str()?.to_string();
    let mut out = Text::default();
    let mut next = 1;
    let mut chars = spec.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if c != '%' {
            let mut b = [0u8; 4];
            out.push_str(c.encode_utf8(&mut b), from(args.first()?.at));
            continue;
        }
        // Flags and width are read past; the verb decides.
        let mut verb = None;
        for (_, v) in chars.by_ref() {
            if v.is_ascii_alphabetic() || v == '%' {
                verb = Some(v);
                break;
            }
        }
        match verb? {
            '%' => out.push_str("%", from(at)),
            'q' => {
                let v = args.get(next)?;
                next += 1;
                let mut q = Text::default();
                q.push_str("\"", from(v.at));
                q.append(&v.to_text(), from(v.at));
                q.push_str("\"", from(v.at));
                out.append(&q, from(v.at));
            }
            _ => {
                let v = args.get(next)?;
                next += 1;
                out.append(&v.to_text(), from(v.at));
            }
        }
        if out.s.len() > MAX_STRING {
            return None;
        }
    }
    Some(Val::new(Kind::Str(out), at))
}

/// `formatlist(spec, list...)`: `format` over lists (and single values) in step.
fn formatlist(args: &[Val], at: Option<At>) -> Option<Val> {
    let spec = args.first()?.clone();
    let n = args
        .iter()
        .skip(1)
        .filter_map(Val::as_list)
        .map(<[Val]>::len)
        .max()
        .unwrap_or(1);
    let mut out = Vec::new();
    for i in 0..n.min(MAX_ITEMS) {
        let mut row = vec![spec.clone()];
        for a in args.iter().skip(1) {
            row.push(match a.as_list() {
                Some(l) => l.get(i)?.clone(),
                None => a.clone(),
            });
        }
        out.push(format(&row, at)?);
    }
    Some(list(out, at))
}

fn flatten(v: &Val, depth: usize) -> Vec<Val> {
    match &v.kind {
        Kind::List(items) if depth < 16 => {
            items.iter().flat_map(|i| flatten(i, depth + 1)).collect()
        }
        _ if depth == 0 => Vec::new(),
        _ => vec![v.clone()],
    }
}

fn sorted_unique(items: Vec<Val>) -> Vec<Val> {
    let mut out: Vec<Val> = Vec::new();
    for i in items {
        if !out.iter().any(|o| o.same(&i) == Some(true)) {
            out.push(i);
        }
    }
    // Unknowns stay where they are: their order is not knowable.
    if out.iter().all(|v| !v.has_unknown()) {
        sort_by_text(&mut out, |x| x.to_text().s);
    }
    out
}

/// `jsondecode`: a JSON text as a value (its spans are those of the whole string).
fn decode(text: &str, at: Option<At>) -> Option<Val> {
    let node = json::parse(text).ok()?;
    Some(from_json(&node, at))
}

fn from_json(n: &Node, at: Option<At>) -> Val {
    match &n.kind {
        json::Kind::Null => Val::new(Kind::Null, at),
        json::Kind::Bool(b) => Val::new(Kind::Bool(*b), at),
        json::Kind::Number(x) => Val::new(Kind::Number(x.clone()), at),
        json::Kind::String(s) => Val::string(s, at),
        json::Kind::Array(items) => list(items.iter().map(|i| from_json(i, at)).collect(), at),
        json::Kind::Object(m) => Val::new(
            Kind::Map(
                m.iter()
                    .map(|m| (m.key.clone(), at, from_json(&m.value, at)))
                    .collect(),
            ),
            at,
        ),
    }
}

/// `templatefile(path, vars)`: the file read as a template whose only names are `vars`.
fn templatefile(ctx: &Ctx<'_>, path: &str, vars: &Val, at: Option<At>) -> Option<Val> {
    let (id, content) = ctx.read_file(path)?;
    let Kind::Map(entries) = &vars.kind else {
        return None;
    };
    let mut scope = Scope {
        names: Vec::new(),
        isolated: true,
    };
    for (k, _, v) in entries {
        scope = scope.with(k, v.clone());
    }
    super::syntax::template_guard(&content).ok()?;
    let template = hcl_edit::parser::parse_template(&content).ok()?;
    Some(ctx.template(&template, id, &scope, at))
}
