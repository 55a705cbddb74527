//! CloudFormation templates (JSON; the CLI turns YAML into JSON first): every
//! `AWS::IAM::Role`'s `AssumeRolePolicyDocument`, written as an object (intrinsics become
//! placeholders) or as a string.

use super::{from_string, member, re_emit, string, Embedded, Mapping, STAND_IN_ACCOUNT};
use crate::text::json::{Kind, Node};

pub(super) fn cloudformation(node: &Node, text: &str, out: &mut Vec<Embedded>) {
    let Some(Kind::Object(resources)) = member(node, "Resources").map(|n| &n.kind) else {
        return;
    };
    let known = Known::of(node, resources);
    for m in resources {
        if string(member(&m.value, "Type")) != Some("AWS::IAM::Role") {
            continue;
        }
        let Some(doc) =
            member(&m.value, "Properties").and_then(|p| member(p, "AssumeRolePolicyDocument"))
        else {
            continue;
        };
        let pointer = format!(
            "/Resources/{}/Properties/AssumeRolePolicyDocument",
            crate::text::source::push_pointer("", &m.key).trim_start_matches('/')
        );
        match &doc.kind {
            // JSON text, in a string or a YAML block scalar.
            Kind::String(_) => out.push(from_string(doc, text, m.key.clone(), pointer, false)),
            // `!Sub` over JSON text: `{"Fn::Sub": "..."}` or `{"Fn::Sub": ["...", {...}]}`.
            Kind::Object(members) if members.len() == 1 && members[0].key == "Fn::Sub" => {
                match sub_text(&members[0].value, text, &known) {
                    Some(mut e) => {
                        e.resource = m.key.clone();
                        e.pointer = pointer;
                        out.push(e);
                    }
                    None => out.push(re_emit(doc, m.key.clone(), pointer, Some(&known))),
                }
            }
            _ => out.push(re_emit(doc, m.key.clone(), pointer, Some(&known))),
        }
    }
}

/// What a template knows before deploy: `Ref` to its OIDC providers (their ARN, in a
/// stand-in account), its parameters' defaults, and the pseudo parameters.
#[derive(Debug, Clone, Default)]
pub(super) struct Known {
    refs: Vec<(String, String)>,
    defaults: Vec<(String, String)>,
}

/// A name resolved: its value, and whether it is a parameter's default (which a deployment
/// may override).
pub(super) enum Resolved {
    Value(String),
    Default(String),
    Unknown,
}

impl Known {
    fn of(template: &Node, resources: &[crate::text::json::Member]) -> Known {
        let refs = resources
            .iter()
            .filter(|m| string(member(&m.value, "Type")) == Some("AWS::IAM::OIDCProvider"))
            .filter_map(|m| {
                let url = string(member(&m.value, "Properties").and_then(|p| member(p, "Url")))?;
                let host = url.trim_start_matches("https://").trim_end_matches('/');
                Some((
                    m.key.clone(),
                    format!("arn:aws:iam::{STAND_IN_ACCOUNT}:oidc-provider/{host}"),
                ))
            })
            .collect();
        let defaults = match member(template, "Parameters").map(|p| &p.kind) {
            Some(Kind::Object(params)) => params
                .iter()
                .filter_map(|p| {
                    let d = member(&p.value, "Default")?;
                    let v = match &d.kind {
                        Kind::String(s) => s.clone(),
                        Kind::Number(n) => n.clone(),
                        Kind::Bool(b) => b.to_string(),
                        _ => return None,
                    };
                    Some((p.key.clone(), v))
                })
                .collect(),
            _ => Vec::new(),
        };
        Known { refs, defaults }
    }

    #[cfg(test)]
    pub(super) fn for_test(refs: &[(&str, &str)], defaults: &[(&str, &str)]) -> Known {
        let own = |v: &[(&str, &str)]| {
            v.iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect()
        };
        Known {
            refs: own(refs),
            defaults: own(defaults),
        }
    }

    pub(super) fn resolve(&self, name: &str) -> Resolved {
        if let Some((_, v)) = self.refs.iter().find(|(k, _)| k == name) {
            return Resolved::Value(v.clone());
        }
        if let Some(v) = pseudo(name) {
            return Resolved::Value(v.to_string());
        }
        match self.defaults.iter().find(|(k, _)| k == name) {
            Some((_, v)) => Resolved::Default(v.clone()),
            None => Resolved::Unknown,
        }
    }
}

/// `Fn::Sub` over JSON text: the text with `${Name}` substituted (from the variables map,
/// then the template's parameters, providers and pseudo parameters), the unknown ones
/// opaque (`<Name>`); every byte keeps its offset in the file.
fn sub_text(value: &Node, text: &str, known: &Known) -> Option<Embedded> {
    let (template, vars) = match &value.kind {
        Kind::String(_) => (value, None),
        Kind::Array(items) => match items.as_slice() {
            [t @ Node {
                kind: Kind::String(_),
                ..
            }, v @ Node {
                kind: Kind::Object(_),
                ..
            }] => (t, Some(v)),
            [t @ Node {
                kind: Kind::String(_),
                ..
            }] => (t, None),
            _ => return None,
        },
        _ => return None,
    };
    let raw = text.get(template.start + 1..template.end.saturating_sub(1))?;
    let (decoded, offsets) = super::unescape(raw, template.start + 1);
    // A JSON policy, not some other string.
    if !decoded.trim_start().starts_with('{') {
        return None;
    }
    let mut out = String::new();
    let mut out_offsets: Vec<usize> = Vec::new();
    let mut unknown: Vec<String> = Vec::new();
    let mut defaults: Vec<(String, String)> = Vec::new();
    let mut i = 0;
    let bytes = decoded.as_bytes();
    let push = |out: &mut String, offs: &mut Vec<usize>, s: &str, at: usize| {
        out.push_str(s);
        offs.extend(std::iter::repeat_n(at, s.len()));
    };
    while i < bytes.len() {
        let at = offsets.get(i).copied().unwrap_or(template.start);
        let rest = decoded.get(i..).unwrap_or("");
        if let Some(after) = rest.strip_prefix("${") {
            let Some(end) = after.find('}') else {
                push(&mut out, &mut out_offsets, "${", at);
                i += 2;
                continue;
            };
            let name = &after[..end];
            if let Some(literal) = name.strip_prefix('!') {
                // `${!Literal}` is the text `${Literal}`.
                push(&mut out, &mut out_offsets, &format!("${{{literal}}}"), at);
            } else {
                let given = vars.and_then(|v| member(v, name));
                let resolved = match given.map(|g| &g.kind) {
                    Some(Kind::String(s)) => Resolved::Value(s.clone()),
                    Some(Kind::Object(m)) if m.len() == 1 && m[0].key == "Ref" => {
                        match &m[0].value.kind {
                            Kind::String(r) => known.resolve(r),
                            _ => Resolved::Unknown,
                        }
                    }
                    Some(_) => Resolved::Unknown,
                    None => known.resolve(name),
                };
                match resolved {
                    Resolved::Value(v) => push(&mut out, &mut out_offsets, &v, at),
                    Resolved::Default(v) => {
                        defaults.push((name.to_string(), v.clone()));
                        push(&mut out, &mut out_offsets, &v, at);
                    }
                    Resolved::Unknown => {
                        unknown.push(name.to_string());
                        push(&mut out, &mut out_offsets, &format!("<{name}>"), at);
                    }
                }
            }
            i += 2 + end + 1;
        } else {
            let c = rest.chars().next()?;
            let mut buf = [0u8; 4];
            push(&mut out, &mut out_offsets, c.encode_utf8(&mut buf), at);
            i += c.len_utf8();
        }
    }
    // Each opaque value and default, at the policy values it landed in.
    let parsed = crate::text::json::parse(&out).ok();
    let pointers = |needle: &str| -> Vec<String> {
        let mut found = Vec::new();
        if let Some(n) = &parsed {
            strings_with(n, "", needle, &mut found);
        }
        if found.is_empty() {
            found.push(String::new());
        }
        found
    };
    let mut unresolved = Vec::new();
    for name in &unknown {
        for p in pointers(&format!("<{name}>")) {
            unresolved.push((
                p,
                format!("${{{name}}}"),
                "is known only at deploy time".to_string(),
            ));
        }
    }
    let mut notes = Vec::new();
    for (name, value) in &defaults {
        for p in pointers(value) {
            notes.push((p, format!("`${{{name}}}` is a template parameter: evaluated with its default `{value}`; a deployment may give another value")));
        }
    }
    Some(Embedded {
        resource: String::new(),
        pointer: String::new(),
        text: out,
        map: Mapping::Bytes(out_offsets),
        unresolved,
        notes,
        file: 0,
        role: None,
    })
}

/// The pointers of the string values (and keys' values) that contain `needle`.
fn strings_with(n: &Node, pointer: &str, needle: &str, out: &mut Vec<String>) {
    match &n.kind {
        Kind::String(s) if s.contains(needle) => out.push(pointer.to_string()),
        Kind::Object(members) => {
            for m in members {
                strings_with(
                    &m.value,
                    &crate::text::source::push_pointer(pointer, &m.key),
                    needle,
                    out,
                );
            }
        }
        Kind::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                strings_with(item, &format!("{pointer}/{i}"), needle, out);
            }
        }
        _ => {}
    }
}

pub(super) fn is_intrinsic(key: &str) -> bool {
    key == "Ref" || key.starts_with("Fn::")
}

/// Pseudo parameters with a value that cannot change a trust decision.
pub(super) fn pseudo(name: &str) -> Option<&'static str> {
    match name {
        "AWS::AccountId" => Some(STAND_IN_ACCOUNT),
        "AWS::Partition" => Some("aws"),
        "AWS::URLSuffix" => Some("amazonaws.com"),
        "AWS::Region" => Some("us-east-1"),
        _ => None,
    }
}

/// `Fn::Sub` text with `${Param}` resolved where `known` can, else made opaque (`<Param>`,
/// since `${...}` would read as an IAM policy variable). Also the names left opaque and the
/// parameters evaluated with their defaults.
pub(super) fn placeholders(
    template: &str,
    known: &Known,
) -> (String, Vec<String>, Vec<(String, String)>) {
    let mut out = String::new();
    let mut unknown = Vec::new();
    let mut defaults = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find('}') {
            Some(end) if !after.starts_with('!') => {
                let name = &after[..end];
                match known.resolve(name) {
                    Resolved::Value(v) => out.push_str(&v),
                    Resolved::Default(v) => {
                        out.push_str(&v);
                        defaults.push((name.to_string(), v));
                    }
                    Resolved::Unknown => {
                        unknown.push(name.to_string());
                        out.push('<');
                        out.push_str(name);
                        out.push('>');
                    }
                }
                rest = &after[end + 1..];
            }
            _ => {
                out.push_str("${");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    (out, unknown, defaults)
}
