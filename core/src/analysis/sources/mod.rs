//! Trust policies where they live: a policy file, a Terraform plan or state
//! (`terraform show -json`), a CloudFormation template (JSON), or the output of
//! `aws iam get-account-authorization-details` (every role of an account), or `aws iam
//! get-role` / `list-roles` output.
//!
//! Each policy found is linted on its own, and every location is mapped back into the
//! file the user gave: the JSON pointer stays the policy's own, the line and column become
//! the file's. Two mappings: a policy embedded as a JSON object is re-emitted with a table
//! of where each value and key came from (which also lets CloudFormation intrinsics such
//! as `Fn::Sub` be replaced by opaque placeholders); a policy embedded as a string (JSON
//! in a string, or URL-encoded) is decoded with the source offset of every byte.

use serde::Serialize;

use crate::analysis::lint::{lint, Finding, LintOptions, LintReport};
use crate::analysis::replay::Replay;
use crate::eval::trace::Evaluation;
use crate::text::diagnostic::{Diagnostic, Reporter, Severity as DiagnosticSeverity};
use crate::text::json::{self, Kind, Node};
use crate::text::note::Note;
use crate::text::severity::FindingSeverity;
use crate::text::source::{LineIndex, Location, Span};

mod account;
mod cloudformation;
mod hcl;
mod plan;
mod rcp;

pub use rcp::find_rcps;

pub use hcl::{
    is_terraform_file, read_terraform, read_terraform_text, Files, TerraformOptions, TerraformRead,
    MAX_TF_BYTES,
};

/// The account that `AWS::AccountId`, `data.aws_caller_identity` and modules' callers stand
/// for: any valid id will do, since the provider and the policy name the same one.
pub(super) const STAND_IN_ACCOUNT: &str = "000000000000";

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
    /// `aws iam get-role`, `create-role` or `update-assume-role-policy`'s role (`{"Role": …}`),
    /// or `aws iam list-roles` (`{"Roles": […]}`).
    Role,
}

/// The lint of one policy found in a file.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentLint {
    /// Which resource holds it: a Terraform address, a logical id, a role name.
    pub resource: Option<String>,
    /// The file it is written in, when the read spanned several (a Terraform module).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
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

/// The trust policies in a file's text, whatever kind of file it is: the file itself when
/// it is a policy, or every policy of a Terraform plan or state, a CloudFormation template
/// (JSON) or account authorization details. An error when the text is not JSON.
///
/// ```
/// use oidc_trust::{find_policies, SourceKind};
///
/// let template = r#"{"Resources": {"Deploy": {"Type": "AWS::IAM::Role", "Properties": {
///   "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
///     "Principal": {"Federated": {"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com"}},
///     "Action": "sts:AssumeRoleWithWebIdentity"}]}}}}}"#;
/// let (kind, found) = find_policies(template).unwrap(); // ok: a doc example on a literal input
/// assert_eq!(kind, SourceKind::Cloudformation);
/// assert_eq!(found[0].resource.as_deref(), Some("Deploy"));
/// // No `sub` condition: the lint says so, at the statement's place in the template.
/// let report = found[0].lint(&Default::default());
/// let missing = report.findings.iter().find(|f| f.code == "missing-sub").unwrap(); // ok: a doc example on a literal input
/// assert_eq!(missing.location.span.unwrap().start.line, 2); // ok: a doc example on a literal input
/// ```
pub fn find_policies(text: &str) -> Result<(SourceKind, Vec<FoundPolicy>), Diagnostic> {
    let r = Reporter::new(text, "policy");
    if text.len() > MAX_SOURCE_BYTES {
        return Err(r.make(
            DiagnosticSeverity::Error,
            "input-too-large",
            format!(
                "the file is {} bytes; oidc-trust reads up to {MAX_SOURCE_BYTES}",
                text.len()
            ),
            "split the file",
            "",
            (0, 0),
        ));
    }
    let node = json::parse(text).map_err(|e| {
        r.make(
            DiagnosticSeverity::Error,
            "json-syntax",
            e.message,
            &e.help,
            "",
            (e.at, e.at),
        )
    })?;
    let kind = detect(&node);
    Ok((kind, found_in(&node, text, kind)))
}

/// Lints every trust policy in `text`, whatever kind of file it is.
pub fn lint_source(text: &str, options: &LintOptions) -> SourceLint {
    lint_source_with(text, options, &mut |_, _| {})
}

/// [`lint_source`], handing each policy found and its report to `each` as it is linted:
/// for callers that want more of a policy than its findings (the layer-3 check reads its
/// values) without finding the policies in the file a second time. `each` may also trim
/// the report before it is kept: a caller that writes only findings drops the replay,
/// which is most of a report's memory (an account dump holds thousands of roles).
pub fn lint_source_with(
    text: &str,
    options: &LintOptions,
    each: &mut dyn FnMut(&FoundPolicy, &mut LintReport),
) -> SourceLint {
    let (kind, found) = match find_policies(text) {
        Ok(x) => x,
        Err(d) => {
            return SourceLint {
                kind: SourceKind::Policy,
                documents: Vec::new(),
                diagnostics: vec![d],
            }
        }
    };
    let documents: Vec<DocumentLint> = found
        .into_iter()
        .map(|p| {
            let mut report = p.lint(options);
            each(&p, &mut report);
            DocumentLint {
                report,
                resource: p.resource,
                file: None,
                pointer: p.pointer,
            }
        })
        .collect();
    let mut diagnostics = Vec::new();
    if documents.is_empty() && kind != SourceKind::Policy {
        let r = Reporter::new(text, "policy");
        diagnostics.push(r.make(DiagnosticSeverity::Warning, "no-trust-policy", format!("no trust policy found in this {}", kind_name(kind)), "roles whose policy is only known after apply have none in a plan: lint the aws_iam_policy_document data source, or the state", "", (0, 0)));
    }
    SourceLint {
        kind,
        documents,
        diagnostics,
    }
}

/// The policies of a parsed file of `kind`.
fn found_in(node: &Node, text: &str, kind: SourceKind) -> Vec<FoundPolicy> {
    let mut found = Vec::new();
    match kind {
        // The file is the policy: its locations are already right.
        SourceKind::Policy => return vec![FoundPolicy::whole(text)],
        SourceKind::Terraform => plan::terraform(node, text, &mut found),
        SourceKind::Cloudformation => cloudformation::cloudformation(node, text, &mut found),
        SourceKind::AccountAuthorizationDetails => account::account(node, text, &mut found),
        SourceKind::Role => account::roles(node, text, &mut found),
    }
    let files = FileIndex {
        names: vec!["(this file)"],
        indexes: vec![LineIndex::new(text)],
    };
    found.into_iter().map(|e| e.resolve(&files)).collect()
}

fn kind_name(kind: SourceKind) -> &'static str {
    match kind {
        SourceKind::Policy => "policy",
        SourceKind::Terraform => "Terraform plan or state",
        SourceKind::Cloudformation => "CloudFormation template",
        SourceKind::AccountAuthorizationDetails => "account authorization details",
        SourceKind::Role => "`aws iam` role output",
    }
}

pub(super) fn member<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    match &node.kind {
        Kind::Object(members) => members
            .iter()
            .rev()
            .find(|m| m.key == key)
            .map(|m| &m.value),
        _ => None,
    }
}

pub(super) fn string(node: Option<&Node>) -> Option<&str> {
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
    } else if member(node, "Role").is_some() || member(node, "Roles").is_some() {
        SourceKind::Role
    } else {
        SourceKind::Policy
    }
}

/// A policy found inside a file, with the way back to the file's positions.
pub(super) struct Embedded {
    pub(super) resource: String,
    pub(super) pointer: String,
    pub(super) text: String,
    pub(super) map: Mapping,
    /// Values replaced by placeholders: (policy pointer, what, why).
    pub(super) unresolved: Vec<(String, String, String)>,
    /// Values evaluated with a default a deployment may change: (policy pointer, message).
    pub(super) notes: Vec<(String, String)>,
    /// The file the policy is written in (an index into the files of the read).
    pub(super) file: usize,
    /// The ARN of the role, when the file says it (account dumps, `get-role`).
    pub(super) role: Option<String>,
}

/// One re-emitted value or key: where it starts in the policy text, where it is in which
/// file, and (for values) its pointer in the policy.
pub(super) struct NodeAt {
    pub(super) inner: usize,
    pub(super) file: usize,
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) pointer: Option<String>,
}

pub(super) enum Mapping {
    /// Re-emitted: every value and key.
    Nodes(Vec<NodeAt>),
    /// Decoded from a string in the policy's file: the offset of every policy byte.
    Bytes(Vec<usize>),
}

/// A trust policy found in a file (a Terraform plan, a CloudFormation template, `.tf`
/// source...), as JSON text, with the way back: [`FoundPolicy::locate`] turns a location in
/// the policy (a finding's, a trace's) into one in the file it was written in.
///
/// It serialises whole, way back included, so that a reader loaded on its own (the
/// playground's lazily loaded Terraform reader) can hand its policies to the engine.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct FoundPolicy {
    /// The resource that holds it: a Terraform address, a logical id, a role name.
    pub resource: Option<String>,
    /// The file it is written in, when the read spanned several (a Terraform module).
    pub file: Option<String>,
    /// Where the policy is in the file, as a JSON pointer (empty for HCL and whole files).
    pub pointer: String,
    /// The policy, JSON text.
    pub text: String,
    /// The ARN of the role the policy belongs to, when the file says it (account details,
    /// `get-role`): RCP `Resource` elements are matched against it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    map: Resolved,
    /// Values replaced by opaque placeholders: (policy pointer, what, why).
    unresolved: Vec<(String, String, String)>,
    /// Values evaluated with a default a deployment may change: (policy pointer, message).
    notes: Vec<(String, String)>,
}

/// The mapping with every position worked out.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
enum Resolved {
    /// The policy is the file: locations are already right.
    Same,
    /// (inner offset, pointer for values, where it is written).
    Nodes(Vec<(usize, Option<String>, Location)>),
    /// The position of every policy byte in the file.
    Bytes(Vec<crate::text::source::Position>),
}

impl FoundPolicy {
    /// A whole file that is a policy.
    pub(super) fn whole(text: &str) -> FoundPolicy {
        FoundPolicy {
            resource: None,
            file: None,
            pointer: String::new(),
            text: text.to_string(),
            map: Resolved::Same,
            unresolved: Vec::new(),
            role: None,
            notes: Vec::new(),
        }
    }

    /// Where a location of the policy is in the file.
    pub fn locate(&self, inner: &Location) -> Location {
        let found = match (&self.map, inner.span) {
            (Resolved::Same, _) => return inner.clone(),
            (Resolved::Nodes(table), Some(s)) => table
                .iter()
                .find(|(at, _, _)| *at == s.start.byte as usize)
                .map(|(_, _, l)| l.clone()),
            (Resolved::Nodes(table), None) => table
                .iter()
                .find(|(_, p, _)| p.as_deref() == Some(inner.pointer.as_str()))
                .map(|(_, _, l)| l.clone()),
            (Resolved::Bytes(positions), Some(s)) => {
                let at = |b: u32| positions.get(b as usize).copied();
                match (at(s.start.byte), at(s.end.byte.saturating_sub(1))) {
                    (Some(start), Some(mut last)) => {
                        // The end is just past the last byte.
                        last.byte += 1;
                        last.column += 1;
                        last.utf16 += 1;
                        Some(Location {
                            pointer: String::new(),
                            span: Some(Span { start, end: last }),
                            file: None,
                        })
                    }
                    _ => None,
                }
            }
            // A pointer alone (a note on a substituted value): find it in the policy text.
            (Resolved::Bytes(_), None) => {
                let node = crate::text::json::parse(&self.text).ok();
                let span = node
                    .as_ref()
                    .and_then(|n| n.at_pointer(&inner.pointer))
                    .map(|n| crate::text::source::LineIndex::new(&self.text).span(n.start, n.end));
                return match span {
                    Some(span) => self.locate(&Location {
                        pointer: inner.pointer.clone(),
                        span: Some(span),
                        file: None,
                    }),
                    None => Location {
                        pointer: inner.pointer.clone(),
                        span: self.whole_location().and_then(|l| l.span),
                        file: self.whole_location().and_then(|l| l.file),
                    },
                };
            }
        };
        let found = found.or_else(|| self.whole_location());
        Location {
            pointer: inner.pointer.clone(),
            span: found.as_ref().and_then(|l| l.span),
            file: found.and_then(|l| l.file),
        }
    }

    /// Where the whole policy is.
    fn whole_location(&self) -> Option<Location> {
        match &self.map {
            Resolved::Same => None,
            Resolved::Nodes(t) => t.first().map(|(_, _, l)| l.clone()),
            Resolved::Bytes(p) => match (p.first(), p.last()) {
                (Some(&start), Some(&end)) => Some(Location {
                    pointer: String::new(),
                    span: Some(Span { start, end }),
                    file: None,
                }),
                _ => None,
            },
        }
    }

    /// Moves every location of an evaluation of this policy into the file.
    ///
    /// It also notes what the source left unsure, because the verdict holds only for it:
    /// values known at deploy time (evaluated as opaque text), parameters read at their
    /// default, and the stand-in account of a provider the same source creates.
    pub fn relocate(&self, evaluation: &mut Evaluation) {
        if self.map == Resolved::Same {
            return;
        }
        evaluation.for_each_location(&mut |l| *l = self.locate(l));
        evaluation.notes.extend(self.source_notes());
    }

    /// What the source left unsure, as evaluation notes: values known at deploy time,
    /// parameters read at their default, the stand-in account (empty for a plain policy).
    pub fn source_notes(&self) -> Vec<Note> {
        let mut notes = Vec::new();
        for (pointer, what, why) in &self.unresolved {
            let mut note = Note::warning(
                "unresolved-value",
                format!("`{what}` {why}: evaluated as the opaque text it was replaced with, which matches only itself; the deployed policy may decide otherwise"),
            );
            note.pointer = Some(pointer.clone());
            notes.push(note);
        }
        for (pointer, message) in &self.notes {
            let mut note = Note::warning("parameter-default", message.clone());
            note.pointer = Some(pointer.clone());
            notes.push(note);
        }
        if self.map != Resolved::Same && self.text.contains(&format!(":{STAND_IN_ACCOUNT}:")) {
            notes.push(Note::info(
                "stand-in-account",
                format!("the account of an OIDC provider created by the same source is known only at deploy time; `{STAND_IN_ACCOUNT}` stands in for it"),
            ));
        }
        notes
    }

    /// Moves the replay's culprits into the file.
    pub fn relocate_replays(&self, replays: &mut [Replay]) {
        if self.map == Resolved::Same {
            return;
        }
        for a in replays.iter_mut().flat_map(|r| r.attempts.iter_mut()) {
            if let Some(l) = a.culprit.as_mut() {
                *l = self.locate(l);
            }
        }
    }

    /// The lint of this policy, every location in the file; `unresolved-value` findings for
    /// the values replaced by placeholders.
    pub fn lint(&self, options: &LintOptions) -> LintReport {
        // The role's own ARN (an account dump names each role's) wins over a global one.
        let mut report = match (&self.role, &options.role) {
            (Some(role), _) => lint(
                &self.text,
                &LintOptions {
                    role: Some(role.clone()),
                    ..options.clone()
                },
            ),
            _ => lint(&self.text, options),
        };
        if self.map == Resolved::Same {
            return report;
        }
        for f in &mut report.findings {
            f.location = self.locate(&f.location);
        }
        for d in &mut report.diagnostics {
            d.location = self.locate(&d.location);
        }
        self.relocate_replays(&mut report.replays);
        report.findings.extend(self.source_findings());
        report
    }

    /// What the source left unsure, as findings located in the file: `unresolved-value`
    /// for each value known at deploy time, `parameter-default` for each parameter read at
    /// its default. [`FoundPolicy::lint`] adds them to the policy's own findings.
    pub fn source_findings(&self) -> Vec<Finding> {
        let mut findings = Vec::new();
        for (pointer, what, why) in &self.unresolved {
            findings.push(Finding {
                code: "unresolved-value",
                severity: FindingSeverity::Info,
                message: format!("`{what}` {why}; it was evaluated as an opaque value"),
                help: "findings that involve this value are uncertain: its real value could make the policy wider or narrower".into(),
                fix: "give the value (a default, tfvars, --var) or lint the deployed policy (`aws iam get-role`) to be sure".into(),
                location: self.locate(&Location::pointer_only(pointer.clone())),
                statement: None,
                scenario: None,
                blocked_by: None,
            });
        }
        for (pointer, message) in &self.notes {
            findings.push(Finding {
                code: "parameter-default",
                severity: FindingSeverity::Info,
                message: message.clone(),
                help: "the findings judge the policy with this default; a stack deployed with another value gets another policy".into(),
                fix: "lint the deployed policy (`aws iam get-role`) for each value you deploy with, or drop the parameter from the trust policy".into(),
                location: self.locate(&Location::pointer_only(pointer.clone())),
                statement: None,
                scenario: None,
                blocked_by: None,
            });
        }
        findings
    }
}

/// The files of one read, for turning offsets into positions.
pub(super) struct FileIndex<'t> {
    pub(super) names: Vec<&'t str>,
    pub(super) indexes: Vec<LineIndex<'t>>,
}

impl Embedded {
    /// Works every position out, in `files` (the policy's own file's name is left out of
    /// its locations).
    pub(super) fn resolve(self, files: &FileIndex<'_>) -> FoundPolicy {
        let own = self.file;
        let location = |file: usize, start: usize, end: usize| Location {
            pointer: String::new(),
            span: files.indexes.get(file).map(|i| i.span(start, end)),
            file: (file != own)
                .then(|| files.names.get(file).map(|n| (*n).to_string()))
                .flatten(),
        };
        let map = match self.map {
            Mapping::Nodes(table) => Resolved::Nodes(
                table
                    .into_iter()
                    .map(|n| (n.inner, n.pointer, location(n.file, n.start, n.end)))
                    .collect(),
            ),
            Mapping::Bytes(offsets) => match files.indexes.get(own) {
                Some(index) => {
                    Resolved::Bytes(offsets.iter().map(|&o| index.span(o, o).start).collect())
                }
                None => Resolved::Bytes(Vec::new()),
            },
        };
        FoundPolicy {
            resource: Some(self.resource),
            file: (files.names.len() > 1)
                .then(|| files.names.get(own).map(|n| (*n).to_string()))
                .flatten(),
            pointer: self.pointer,
            text: self.text,
            map,
            unresolved: self.unresolved,
            role: self.role,
            notes: self.notes,
        }
    }
}

// --- the two mappings ----------------------------------------------------------------------

/// A policy held in a JSON string (optionally URL-encoded inside it).
pub(super) fn from_string(
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
        notes: Vec::new(),
        file: 0,
        unresolved: Vec::new(),
        role: None,
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

/// A policy held as a JSON object: emitted again, each value and key remembering where it
/// came from. With `intrinsics` (a template's resolvable `Ref`s), CloudFormation functions
/// become placeholders.
fn re_emit(
    node: &Node,
    resource: String,
    pointer: String,
    intrinsics: Option<&cloudformation::Known>,
) -> Embedded {
    let mut e = Emitter {
        out: String::new(),
        table: Vec::new(),
        unresolved: Vec::new(),
        notes: Vec::new(),
        intrinsics: intrinsics.cloned(),
    };
    e.node(node, "");
    Embedded {
        resource,
        pointer,
        text: e.out,
        map: Mapping::Nodes(e.table),
        file: 0,
        unresolved: e.unresolved,
        notes: e.notes,
        role: None,
    }
}

struct Emitter {
    out: String,
    table: Vec<NodeAt>,
    unresolved: Vec<(String, String, String)>,
    notes: Vec<(String, String)>,
    /// CloudFormation mode, with what the template itself resolves.
    intrinsics: Option<cloudformation::Known>,
}

impl Emitter {
    fn node(&mut self, node: &Node, pointer: &str) {
        self.table.push(NodeAt {
            inner: self.out.len(),
            file: 0,
            start: node.start,
            end: node.end,
            pointer: Some(pointer.to_string()),
        });
        match &node.kind {
            Kind::Object(members)
                if self.intrinsics.is_some()
                    && members.len() == 1
                    && cloudformation::is_intrinsic(&members[0].key) =>
            {
                let m = &members[0];
                let Some(known) = self.intrinsics.clone() else {
                    return;
                };
                let (shown, unknown, defaults) = match (&m.key[..], &m.value.kind) {
                    ("Fn::Sub", Kind::String(s)) => cloudformation::placeholders(s, &known),
                    ("Ref", Kind::String(s)) => match known.resolve(s) {
                        cloudformation::Resolved::Value(v) => (v, Vec::new(), Vec::new()),
                        cloudformation::Resolved::Default(v) => {
                            (v.clone(), Vec::new(), vec![(s.clone(), v)])
                        }
                        cloudformation::Resolved::Unknown => {
                            (format!("<Ref {s}>"), vec![s.clone()], Vec::new())
                        }
                    },
                    (k, _) => (format!("<{k}>"), vec![k.to_string()], Vec::new()),
                };
                if !unknown.is_empty() {
                    self.unresolved.push((
                        pointer.to_string(),
                        m.key.clone(),
                        "is computed at deploy time".to_string(),
                    ));
                }
                for (name, value) in defaults {
                    self.notes.push((pointer.to_string(), format!("`{name}` is a template parameter: evaluated with its default `{value}`; a deployment may give another value")));
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
                        file: 0,
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
    fn sub_parameters_become_opaque_defaults_are_noted_and_pseudo_parameters_resolve() {
        let known = cloudformation::Known::for_test(&[], &[("Org", "acme")]);
        assert_eq!(
            cloudformation::placeholders("repo:${Org}/${Repo}:*", &known),
            (
                "repo:acme/<Repo>:*".into(),
                vec!["Repo".to_string()],
                vec![("Org".to_string(), "acme".to_string())]
            )
        );
        assert_eq!(
            cloudformation::placeholders("${!Literal}", &known),
            ("${!Literal}".into(), vec![], vec![])
        );
        assert_eq!(
            cloudformation::placeholders(
                "arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/x",
                &known
            ),
            (
                "arn:aws:iam::000000000000:oidc-provider/x".into(),
                vec![],
                vec![]
            )
        );
    }
}
