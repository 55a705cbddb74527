//! Trust policies where they live: a policy file, a Terraform plan or state
//! (`terraform show -json`), a CloudFormation template (JSON), or the output of
//! `aws iam get-account-authorization-details` (every role of an account).
//!
//! Each policy found is linted on its own, and every location is mapped back into the
//! file the user gave: the JSON pointer stays the policy's own, the line and column become
//! the file's. Two mappings: a policy embedded as a JSON object is re-emitted with a table
//! of where each value and key came from (which also lets CloudFormation intrinsics such
//! as `Fn::Sub` be replaced by opaque placeholders); a policy embedded as a string (JSON
//! in a string, or URL-encoded) is decoded with the source offset of every byte.

use serde::Serialize;

use crate::analysis::lint::{lint, Finding, LintOptions, LintReport};
use crate::text::diagnostic::{Diagnostic, Reporter, Severity as DiagnosticSeverity};
use crate::text::json::{self, Kind, Node};
use crate::text::severity::FindingSeverity;
use crate::text::source::{LineIndex, Location, Span};

/// Container files larger than this are refused (policies are small; accounts are not).
pub const MAX_SOURCE_BYTES: usize = 64 * 1024 * 1024;

/// What kind of file a text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// A trust policy document.
    Policy,
    /// `terraform show -json` of a plan or a state.
    Terraform,
    /// A CloudFormation template (JSON; the CLI turns YAML into JSON first).
    Cloudformation,
    /// `aws iam get-account-authorization-details`.
    AccountAuthorizationDetails,
}

/// The lint of one policy found in a file.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentLint {
    /// Which resource holds it: a Terraform address, a logical id, a role name.
    pub resource: Option<String>,
    /// Where the policy is in the file (JSON pointer).
    pub pointer: String,
    /// The report; spans are in the file, pointers in the policy.
    pub report: LintReport,
}

/// The lint of one file.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceLint {
    /// What the file was read as.
    pub kind: SourceKind,
    /// One entry per trust policy found.
    pub documents: Vec<DocumentLint>,
    /// Problems with the file itself (unreadable, no policy found).
    pub diagnostics: Vec<Diagnostic>,
}

/// Lints every trust policy in `text`, whatever kind of file it is.
pub fn lint_source(text: &str, options: &LintOptions) -> SourceLint {
    let r = Reporter::new(text, "policy");
    let fail = |kind, code, message: String, help: &str, at: (usize, usize)| SourceLint {
        kind,
        documents: Vec::new(),
        diagnostics: vec![r.make(DiagnosticSeverity::Error, code, message, help, "", at)],
    };
    if text.len() > MAX_SOURCE_BYTES {
        return fail(
            SourceKind::Policy,
            "input-too-large",
            format!(
                "the file is {} bytes; oidc-trust reads up to {MAX_SOURCE_BYTES}",
                text.len()
            ),
            "split the file",
            (0, 0),
        );
    }
    let node = match json::parse(text) {
        Ok(n) => n,
        Err(e) => {
            return fail(
                SourceKind::Policy,
                "json-syntax",
                e.message,
                &e.help,
                (e.at, e.at),
            )
        }
    };
    let kind = detect(&node);
    if kind == SourceKind::Policy {
        // The file is the policy: lint it as is, locations already right.
        return SourceLint {
            kind,
            documents: vec![DocumentLint {
                resource: None,
                pointer: String::new(),
                report: lint(text, options),
            }],
            diagnostics: Vec::new(),
        };
    }
    let mut found = Vec::new();
    match kind {
        SourceKind::Terraform => terraform(&node, text, &mut found),
        SourceKind::Cloudformation => cloudformation(&node, text, &mut found),
        SourceKind::AccountAuthorizationDetails => account(&node, text, &mut found),
        SourceKind::Policy => {}
    }
    let index = LineIndex::new(text);
    let documents = found
        .into_iter()
        .map(|e| {
            let mut report = lint(&e.text, options);
            for f in &mut report.findings {
                f.location = e.outer(&f.location, &index);
            }
            for d in &mut report.diagnostics {
                d.location = e.outer(&d.location, &index);
            }
            for (pointer, what) in &e.unresolved {
                report.findings.push(Finding {
                    code: "unresolved-value",
                    severity: FindingSeverity::Info,
                    message: format!("`{what}` is computed at deploy time; it was evaluated as an opaque value"),
                    help: "findings that involve this value are uncertain: a parameter could make it wider or narrower".into(),
                    fix: "lint the deployed policy (`aws iam get-role`) or the rendered template to be sure".into(),
                    location: e.outer(&Location::pointer_only(pointer.clone()), &index),
                    statement: None,
                    scenario: None,
                });
            }
            DocumentLint {
                resource: Some(e.resource),
                pointer: e.pointer,
                report,
            }
        })
        .collect::<Vec<_>>();
    let mut diagnostics = Vec::new();
    if documents.is_empty() {
        diagnostics.push(r.make(DiagnosticSeverity::Warning, "no-trust-policy", format!("no trust policy found in this {}", kind_name(kind)), "roles whose policy is only known after apply have none in a plan: lint the aws_iam_policy_document data source, or the state", "", (0, 0)));
    }
    SourceLint {
        kind,
        documents,
        diagnostics,
    }
}

fn kind_name(kind: SourceKind) -> &'static str {
    match kind {
        SourceKind::Policy => "policy",
        SourceKind::Terraform => "Terraform plan or state",
        SourceKind::Cloudformation => "CloudFormation template",
        SourceKind::AccountAuthorizationDetails => "account authorization details",
    }
}

fn member<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    match &node.kind {
        Kind::Object(members) => members
            .iter()
            .rev()
            .find(|m| m.key == key)
            .map(|m| &m.value),
        _ => None,
    }
}

fn string(node: Option<&Node>) -> Option<&str> {
    match node.map(|n| &n.kind) {
        Some(Kind::String(s)) => Some(s),
        _ => None,
    }
}

fn detect(node: &Node) -> SourceKind {
    if member(node, "Statement").is_some()
        || member(node, "Version").is_some() && member(node, "Resources").is_none()
    {
        SourceKind::Policy
    } else if member(node, "format_version").is_some()
        && (member(node, "planned_values").is_some()
            || member(node, "values").is_some()
            || member(node, "resource_changes").is_some())
    {
        SourceKind::Terraform
    } else if member(node, "Resources").is_some()
        || member(node, "AWSTemplateFormatVersion").is_some()
    {
        SourceKind::Cloudformation
    } else if member(node, "RoleDetailList").is_some() {
        SourceKind::AccountAuthorizationDetails
    } else {
        SourceKind::Policy
    }
}

/// A policy found inside a file, with the way back to the file's positions.
struct Embedded {
    resource: String,
    pointer: String,
    text: String,
    map: Mapping,
    /// (policy pointer, what) of values replaced by placeholders.
    unresolved: Vec<(String, String)>,
}

/// One re-emitted value or key: where it starts in the policy text, where it is in the file,
/// and (for values) its pointer in the policy.
struct NodeAt {
    inner: usize,
    start: usize,
    end: usize,
    pointer: Option<String>,
}

enum Mapping {
    /// Re-emitted: every value and key.
    Nodes(Vec<NodeAt>),
    /// Decoded from a string: the file offset of every policy byte.
    Bytes(Vec<usize>),
}

impl Embedded {
    fn outer(&self, inner: &Location, index: &LineIndex) -> Location {
        let span = match (&self.map, inner.span) {
            (Mapping::Nodes(table), Some(s)) => table
                .iter()
                .find(|n| n.inner == s.start.byte as usize)
                .map(|n| index.span(n.start, n.end)),
            (Mapping::Bytes(offsets), Some(s)) => {
                let at = |b: u32| offsets.get(b as usize).copied();
                match (at(s.start.byte), at(s.end.byte.saturating_sub(1))) {
                    (Some(start), Some(last)) => Some(index.span(start, last + 1)),
                    _ => None,
                }
            }
            // A pointer alone: the value it names.
            (Mapping::Nodes(table), None) => table
                .iter()
                .find(|n| n.pointer.as_deref() == Some(inner.pointer.as_str()))
                .map(|n| index.span(n.start, n.end)),
            _ => None,
        };
        Location {
            pointer: inner.pointer.clone(),
            span: span.or_else(|| self.fallback(index)),
        }
    }

    /// Where the whole policy is, when a finding has no span of its own.
    fn fallback(&self, index: &LineIndex) -> Option<Span> {
        match &self.map {
            Mapping::Nodes(t) => t.first().map(|n| index.span(n.start, n.end)),
            Mapping::Bytes(o) => match (o.first(), o.last()) {
                (Some(&s), Some(&e)) => Some(index.span(s, e + 1)),
                _ => None,
            },
        }
    }
}

// --- Terraform ------------------------------------------------------------------------

fn terraform(node: &Node, text: &str, out: &mut Vec<Embedded>) {
    let mut seen: Vec<String> = Vec::new();
    for (root, base) in [
        (member(node, "planned_values"), "/planned_values"),
        (member(node, "values"), "/values"),
        (
            member(node, "prior_state").and_then(|p| member(p, "values")),
            "/prior_state/values",
        ),
    ] {
        if let Some(module) = root.and_then(|r| member(r, "root_module")) {
            tf_module(module, &format!("{base}/root_module"), text, &mut seen, out);
        }
    }
}

fn tf_module(
    module: &Node,
    pointer: &str,
    text: &str,
    seen: &mut Vec<String>,
    out: &mut Vec<Embedded>,
) {
    if let Some(Kind::Array(resources)) = member(module, "resources").map(|n| &n.kind) {
        for (i, r) in resources.iter().enumerate() {
            let address = string(member(r, "address")).unwrap_or("?").to_string();
            let kind = string(member(r, "type")).unwrap_or("");
            let values = member(r, "values");
            let (attr, is_doc) = match kind {
                "aws_iam_role" => ("assume_role_policy", false),
                "aws_iam_policy_document" => ("json", true),
                _ => continue,
            };
            let Some(value) = values.and_then(|v| member(v, attr)) else {
                continue;
            };
            if seen.contains(&address) {
                continue;
            }
            let Kind::String(policy) = &value.kind else {
                continue;
            };
            // A policy document data source may be a permissions policy: only trust
            // policies (a Principal and an sts:AssumeRole* action) are linted.
            if is_doc && !(policy.contains("\"Principal\"") && policy.contains("sts:AssumeRole")) {
                continue;
            }
            seen.push(address.clone());
            out.push(from_string(
                value,
                text,
                address,
                format!("{pointer}/resources/{i}/values/{attr}"),
                false,
            ));
        }
    }
    if let Some(Kind::Array(children)) = member(module, "child_modules").map(|n| &n.kind) {
        for (i, child) in children.iter().enumerate() {
            tf_module(
                child,
                &format!("{pointer}/child_modules/{i}"),
                text,
                seen,
                out,
            );
        }
    }
}

// --- CloudFormation -----------------------------------------------------------------------

fn cloudformation(node: &Node, text: &str, out: &mut Vec<Embedded>) {
    let Some(Kind::Object(resources)) = member(node, "Resources").map(|n| &n.kind) else {
        return;
    };
    // `Ref` to an OIDC provider of the same template is its ARN (in a stand-in account).
    let refs: Vec<(String, String)> = resources
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
            Kind::String(_) => out.push(from_string(doc, text, m.key.clone(), pointer, false)),
            _ => out.push(re_emit(doc, m.key.clone(), pointer, Some(&refs))),
        }
    }
}

// --- aws iam get-account-authorization-details ---------------------------------------------------

fn account(node: &Node, text: &str, out: &mut Vec<Embedded>) {
    let Some(Kind::Array(roles)) = member(node, "RoleDetailList").map(|n| &n.kind) else {
        return;
    };
    for (i, role) in roles.iter().enumerate() {
        let name = string(member(role, "RoleName"))
            .or(string(member(role, "Arn")))
            .unwrap_or("?")
            .to_string();
        let Some(doc) = member(role, "AssumeRolePolicyDocument") else {
            continue;
        };
        let pointer = format!("/RoleDetailList/{i}/AssumeRolePolicyDocument");
        match &doc.kind {
            // The raw API returns the document URL-encoded; the CLI decodes it to an object.
            Kind::String(s) => out.push(from_string(
                doc,
                text,
                name,
                pointer,
                s.contains('%') && !s.trim_start().starts_with('{'),
            )),
            _ => out.push(re_emit(doc, name, pointer, None)),
        }
    }
}

// --- the two mappings ----------------------------------------------------------------------

/// A policy held in a JSON string (optionally URL-encoded inside it).
fn from_string(
    node: &Node,
    text: &str,
    resource: String,
    pointer: String,
    url_encoded: bool,
) -> Embedded {
    // The raw literal between the quotes; every decoded byte remembers its offset.
    let raw = text
        .get(node.start + 1..node.end.saturating_sub(1))
        .unwrap_or("");
    let (mut decoded, mut offsets) = unescape(raw, node.start + 1);
    if url_encoded {
        (decoded, offsets) = percent_decode(&decoded, &offsets);
    }
    Embedded {
        resource,
        pointer,
        text: decoded,
        map: Mapping::Bytes(offsets),
        unresolved: Vec::new(),
    }
}

/// Decodes a JSON string literal's body; `offsets[i]` is the file offset of decoded byte i.
fn unescape(raw: &str, base: usize) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(raw.len());
    let mut offsets = Vec::with_capacity(raw.len());
    let bytes = raw.as_bytes();
    let mut i = 0;
    let push = |out: &mut String, offsets: &mut Vec<usize>, c: char, at: usize| {
        for _ in 0..c.len_utf8() {
            offsets.push(base + at);
        }
        out.push(c);
    };
    while i < bytes.len() {
        if bytes[i] == b'\\' && i + 1 < bytes.len() {
            let c = match bytes[i + 1] {
                b'n' => '\n',
                b't' => '\t',
                b'r' => '\r',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'u' => {
                    let hex = raw
                        .get(i + 2..i + 6)
                        .and_then(|h| u32::from_str_radix(h, 16).ok());
                    let c = hex.and_then(char::from_u32).unwrap_or('\u{fffd}');
                    push(&mut out, &mut offsets, c, i);
                    i += 6;
                    continue;
                }
                other => other as char,
            };
            push(&mut out, &mut offsets, c, i);
            i += 2;
        } else {
            let c = raw
                .get(i..)
                .and_then(|r| r.chars().next())
                .unwrap_or('\u{fffd}');
            push(&mut out, &mut offsets, c, i);
            i += c.len_utf8().max(1);
        }
    }
    (out, offsets)
}

fn percent_decode(text: &str, offsets: &[usize]) -> (String, Vec<usize>) {
    let bytes = text.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut outs = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let at = offsets.get(i).copied().unwrap_or(0);
        if bytes[i] == b'%' {
            if let Some(b) = text
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                outs.push(at);
                i += 3;
                continue;
            }
        }
        out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
        outs.push(at);
        i += 1;
    }
    (String::from_utf8_lossy(&out).into_owned(), outs)
}

/// The account CloudFormation's `AWS::AccountId` stands for: any valid id will do, since
/// the provider and the policy name the same one.
const STAND_IN_ACCOUNT: &str = "000000000000";

/// A policy held as a JSON object: emitted again, each value and key remembering where it
/// came from. With `intrinsics` (a template's resolvable `Ref`s), CloudFormation functions
/// become placeholders.
fn re_emit(
    node: &Node,
    resource: String,
    pointer: String,
    intrinsics: Option<&[(String, String)]>,
) -> Embedded {
    let mut e = Emitter {
        out: String::new(),
        table: Vec::new(),
        unresolved: Vec::new(),
        intrinsics: intrinsics.map(<[_]>::to_vec),
    };
    e.node(node, "");
    Embedded {
        resource,
        pointer,
        text: e.out,
        map: Mapping::Nodes(e.table),
        unresolved: e.unresolved,
    }
}

struct Emitter {
    out: String,
    table: Vec<NodeAt>,
    unresolved: Vec<(String, String)>,
    /// CloudFormation mode, with the `Ref`s the template itself resolves.
    intrinsics: Option<Vec<(String, String)>>,
}

impl Emitter {
    fn node(&mut self, node: &Node, pointer: &str) {
        self.table.push(NodeAt {
            inner: self.out.len(),
            start: node.start,
            end: node.end,
            pointer: Some(pointer.to_string()),
        });
        match &node.kind {
            Kind::Object(members)
                if self.intrinsics.is_some()
                    && members.len() == 1
                    && is_intrinsic(&members[0].key) =>
            {
                let m = &members[0];
                let known = |name: &str| {
                    self.intrinsics
                        .as_deref()
                        .and_then(|refs| refs.iter().find(|(k, _)| k == name))
                        .map(|(_, v)| v.clone())
                        .or_else(|| pseudo(name).map(str::to_string))
                };
                let (shown, resolved) = match (&m.key[..], &m.value.kind) {
                    ("Fn::Sub", Kind::String(s)) => placeholders(s, &known),
                    ("Ref", Kind::String(s)) => match known(s) {
                        Some(v) => (v, true),
                        None => (format!("<Ref {s}>"), false),
                    },
                    (k, _) => (format!("<{k}>"), false),
                };
                if !resolved {
                    self.unresolved.push((pointer.to_string(), m.key.clone()));
                }
                self.string(&shown);
            }
            Kind::Object(members) => {
                self.out.push('{');
                for (i, m) in members.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.table.push(NodeAt {
                        inner: self.out.len(),
                        start: m.key_start,
                        end: m.key_end,
                        pointer: None,
                    });
                    self.string(&m.key);
                    self.out.push(':');
                    self.node(
                        &m.value,
                        &crate::text::source::push_pointer(pointer, &m.key),
                    );
                }
                self.out.push('}');
            }
            Kind::Array(items) => {
                self.out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.node(item, &format!("{pointer}/{i}"));
                }
                self.out.push(']');
            }
            Kind::String(s) => self.string(s),
            Kind::Number(n) => self.out.push_str(n),
            Kind::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            Kind::Null => self.out.push_str("null"),
        }
    }

    fn string(&mut self, s: &str) {
        json::push_json_string(&mut self.out, s);
    }
}

fn is_intrinsic(key: &str) -> bool {
    key == "Ref" || key.starts_with("Fn::")
}

/// Pseudo parameters with a value that cannot change a trust decision.
fn pseudo(name: &str) -> Option<&'static str> {
    match name {
        "AWS::AccountId" => Some(STAND_IN_ACCOUNT),
        "AWS::Partition" => Some("aws"),
        "AWS::URLSuffix" => Some("amazonaws.com"),
        "AWS::Region" => Some("us-east-1"),
        _ => None,
    }
}

/// `Fn::Sub` text with `${Param}` resolved where `known` can, else made opaque (`<Param>`,
/// since `${...}` would read as an IAM policy variable). Also says whether all resolved.
fn placeholders(template: &str, known: &dyn Fn(&str) -> Option<String>) -> (String, bool) {
    let mut out = String::new();
    let mut all = true;
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find('}') {
            Some(end) if !after.starts_with('!') => {
                let name = &after[..end];
                match known(name) {
                    Some(v) => out.push_str(&v),
                    None => {
                        all = false;
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
    (out, all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unescape_keeps_the_offset_of_every_byte() {
        let raw = r#"{\"a\":\"\u00e9x\"}"#;
        let (text, offsets) = unescape(raw, 10);
        assert_eq!(text, "{\"a\":\"éx\"}");
        assert_eq!(offsets.len(), text.len());
        let x = text.find('x').unwrap();
        assert_eq!(&raw[offsets[x] - 10..offsets[x] - 10 + 1], "x");
    }

    #[test]
    fn sub_parameters_become_opaque_and_pseudo_parameters_resolve() {
        let none = |_: &str| None;
        assert_eq!(
            placeholders("repo:${Org}/${Repo}:*", &none),
            ("repo:<Org>/<Repo>:*".into(), false)
        );
        assert_eq!(
            placeholders("${!Literal}", &none),
            ("${!Literal}".into(), true)
        );
        let known = |n: &str| pseudo(n).map(str::to_string);
        assert_eq!(
            placeholders(
                "arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/x",
                &known
            ),
            ("arn:aws:iam::000000000000:oidc-provider/x".into(), true)
        );
    }
}
