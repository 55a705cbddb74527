//! Reading a trust policy: JSON text → [`Policy`] plus diagnostics.
//!
//! What IAM refuses in a trust policy is an error (no policy comes back); what it
//! accepts but is odd or risky is a warning. Parsing never fails with `Err`: bad input
//! is data (`Parsed { policy: None, diagnostics }`).

use serde::Serialize;

use crate::policy::model::*;
use crate::policy::operator::{Family, Operator};
use crate::policy::pattern::Template;
use crate::policy::value::{decode_base64, parse_bool, parse_date, parse_number, IpRange};
use crate::text::diagnostic::{suggest, Diagnostic, Reporter};
use crate::text::json::{self, Kind, Member, Node};
use crate::text::source::{push_pointer, Location};

/// The largest policy text accepted, in bytes. IAM's own ceiling is a few thousand
/// characters; this leaves room for pretty-printed and commented-out copies.
pub const MAX_POLICY_BYTES: usize = 256 * 1024;

/// The default role trust policy quota, in characters, whitespace not counted.
pub const TRUST_POLICY_QUOTA: usize = 2048;

/// The largest resource control policy AWS Organizations accepts, in characters, whitespace
/// included (domain.md §8.1).
pub const RCP_QUOTA: usize = 5120;

/// Which kind of document is read: the rules differ (domain.md §8.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DocKind {
    Trust,
    Rcp,
}

/// The result of [`parse_policy`]: the policy when it has no errors, and every diagnostic.
#[derive(Debug, Clone, Serialize)]
pub struct Parsed {
    /// The policy, absent when any diagnostic is an error.
    #[serde(skip)]
    pub policy: Option<Policy>,
    /// Errors and warnings, in document order.
    pub diagnostics: Vec<Diagnostic>,
}

/// Why a policy cannot be evaluated: its first error, and every diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// The first error in document order.
    pub error: Diagnostic,
    /// Every error and warning, in document order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    /// The policy with its warnings, or why it is refused. A face that must either
    /// evaluate or report calls this instead of matching on [`Parsed::policy`].
    ///
    /// # Example
    /// ```
    /// let refused = oidc_trust::parse_policy("{}").into_result().unwrap_err();
    /// assert_eq!(refused.error.code, "missing-statement");
    /// ```
    pub fn into_result(self) -> Result<(Policy, Vec<Diagnostic>), Refused> {
        match self.policy {
            Some(policy) => Ok((policy, self.diagnostics)),
            None => {
                let error = self.diagnostics.iter().find(|d| d.is_error()).cloned();
                // INVARIANT: the parser refuses a policy only with an error; the fallback
                // keeps the faces' promise (a located, coded error) even if that breaks.
                let error = error.unwrap_or_else(|| Diagnostic {
                    input: "policy",
                    ..Diagnostic::options(
                        "invalid-policy",
                        "the policy is invalid".into(),
                        "this is a bug in oidc-trust: please report it with the policy",
                        "",
                    )
                });
                Err(Refused {
                    error,
                    diagnostics: self.diagnostics,
                })
            }
        }
    }
}

/// Parses a trust policy document. Never fails: what IAM refuses is an error diagnostic
/// (then there is no policy), what it accepts but is odd a warning.
///
/// # Example
/// ```
/// let text = r#"{
///   "Version": "2012-10-17",
///   "Statement": [{
///     "Effect": "Allow",
///     "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
///     "Action": "sts:AssumeRoleWithWebIdentity",
///     "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/api:*"}}
///   }]
/// }"#;
/// let parsed = oidc_trust::parse_policy(text);
/// assert!(parsed.diagnostics.is_empty());
/// let policy = parsed.policy.expect("IAM accepts it"); // ok: a doc example on a literal input
/// assert_eq!(policy.statements[0].conditions[0].values[0].text, "repo:acme/api:*");
///
/// let broken = oidc_trust::parse_policy(&text.replace("\"Allow\"", "\"allow\""));
/// assert!(broken.policy.is_none());
/// let error = &broken.diagnostics[0];
/// assert_eq!((error.code, error.location.pointer.as_str()), ("invalid-effect", "/Statement/0/Effect"));
/// assert_eq!(error.location.span.map(|s| (s.start.line, s.start.column)), Some((4, 15)));
/// ```
pub fn parse_policy(text: &str) -> Parsed {
    parse_document(text, DocKind::Trust)
}

/// Parses a resource control policy (an AWS Organizations guardrail). What Organizations
/// refuses in an RCP is an error: an `Allow` other than the AWS-managed `RCPFullAWSAccess`,
/// a `Principal` other than `"*"`, `NotPrincipal`, `NotAction`, `"Action": "*"`, a
/// missing `Resource`, a `Version` other than `2012-10-17`, more than [`RCP_QUOTA`]
/// characters. Evaluate the result with a trust policy through [`Policy::guarded_by`].
///
/// # Example
/// ```
/// let rcp = r#"{
///   "Version": "2012-10-17",
///   "Statement": [{
///     "Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRoleWithWebIdentity", "Resource": "*",
///     "Condition": {
///       "StringNotLikeIfExists": {"token.actions.githubusercontent.com:sub": "repo:acme/*"},
///       "Null": {"token.actions.githubusercontent.com:sub": "false"}
///     }
///   }]
/// }"#;
/// assert!(oidc_trust::parse_rcp(rcp).policy.is_some());
/// let refused = oidc_trust::parse_rcp(&rcp.replace("Deny", "Allow")).into_result().unwrap_err(); // ok: a doc example on a literal input
/// assert_eq!((refused.error.code, refused.error.location.pointer.as_str()), ("rcp-allow", "/Statement/0/Effect"));
/// ```
pub fn parse_rcp(text: &str) -> Parsed {
    parse_document(text, DocKind::Rcp)
}

fn parse_document(text: &str, kind: DocKind) -> Parsed {
    let input = match kind {
        DocKind::Trust => "policy",
        DocKind::Rcp => "rcp",
    };
    let mut r = Reporter::new(text, input);
    if text.len() > MAX_POLICY_BYTES {
        r.error(
            "input-too-large",
            format!("the policy is {} bytes; oidc-trust reads policies of up to {MAX_POLICY_BYTES} bytes", text.len()),
            "a role trust policy is at most a few thousand characters; check that this is the policy and not a whole template or plan",
            "",
            (0, 0),
        );
        return Parsed {
            policy: None,
            diagnostics: r.diagnostics,
        };
    }
    let root = match json::parse(text) {
        Ok(root) => root,
        Err(e) => {
            r.error("json-syntax", e.message, e.help, "", (e.at, e.at));
            return Parsed {
                policy: None,
                diagnostics: r.diagnostics,
            };
        }
    };
    check_characters(text, &mut r);
    let mut reader = Reader {
        r,
        assumptions: Vec::new(),
        kind,
    };
    let policy = reader.policy(&root, text);
    let Reader { r, assumptions, .. } = reader;
    let mut diagnostics = r.diagnostics;
    diagnostics.sort_by_key(|d| d.location.span.map(|s| s.start.byte).unwrap_or(0));
    let has_errors = diagnostics.iter().any(Diagnostic::is_error);
    let policy = policy.filter(|_| !has_errors).map(|mut p| {
        p.assumptions = assumptions;
        p
    });
    Parsed {
        policy,
        diagnostics,
    }
}

/// IAM accepts only TAB, LF, CR and U+0020–U+00FF in policy documents (domain.md §1.7).
fn check_characters(text: &str, r: &mut Reporter<'_>) {
    if let Some((at, c)) = text.char_indices().find(|(i, c)| {
        let allowed = matches!(c, '\t' | '\n' | '\r') || ('\u{20}'..='\u{ff}').contains(c);
        let bom = *i == 0 && *c == '\u{feff}';
        !(allowed || bom)
    }) {
        r.error(
            "disallowed-character",
            format!("IAM refuses the character U+{:04X} `{}` in a policy document", u32::from(c), c.escape_default()),
            "policy documents may contain only tab, line breaks and characters U+0020 to U+00FF; replace it (typographic quotes and dashes are common culprits)",
            "",
            (at, at + c.len_utf8()),
        );
    }
}

struct Reader<'a> {
    r: Reporter<'a>,
    assumptions: Vec<ParseAssumption>,
    kind: DocKind,
}

fn type_name(node: &Node) -> &'static str {
    node.kind.describe()
}

impl Reader<'_> {
    fn loc(&self, pointer: &str, node: &Node) -> Location {
        self.r.location(pointer, node.start, node.end)
    }

    /// The members of an object, one per key (the last of duplicates, as evaluated),
    /// warning about every duplicate.
    fn members<'n>(&mut self, members: &'n [Member], pointer: &str) -> Vec<&'n Member> {
        let mut out: Vec<&Member> = Vec::with_capacity(members.len());
        for m in members {
            if let Some(slot) = out.iter_mut().find(|seen| seen.key == m.key) {
                let child = push_pointer(pointer, &m.key);
                self.r.warning(
                    "duplicate-key",
                    format!("`{}` appears more than once in this object; IAM keeps only one of them", m.key),
                    "merge the two into one; AWS does not document which one it keeps, and oidc-trust evaluates the last",
                    &child,
                    (m.key_start, m.key_end),
                );
                self.assumptions.push(ParseAssumption {
                    code: "duplicate-key-last-wins",
                    message: format!("`{}` appears twice at `{pointer}`; evaluated with the last one, as AWS does not document which one it keeps", m.key),
                    pointer: child,
                });
                *slot = m;
            } else {
                out.push(m);
            }
        }
        out
    }

    fn unknown_member(&mut self, m: &Member, pointer: &str, known: &[&str], what: &str) {
        let child = push_pointer(pointer, &m.key);
        let help = match suggest(&m.key, known.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? element names are case-sensitive"),
            None => format!(
                "{what} may contain {}",
                known
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        self.r.error(
            "unknown-element",
            format!("`{}` is not an element of {what}", m.key),
            help,
            &child,
            (m.key_start, m.key_end),
        );
    }

    fn policy(&mut self, root: &Node, text: &str) -> Option<Policy> {
        let Kind::Object(members) = &root.kind else {
            self.r.error(
                "policy-not-object",
                format!("a policy is a JSON object, found {}", type_name(root)),
                "a trust policy looks like {\"Version\": \"2012-10-17\", \"Statement\": [...]}",
                "",
                (root.start, root.end),
            );
            return None;
        };
        let rcp = self.kind == DocKind::Rcp;
        let all_chars = text.chars().count();
        if rcp && all_chars > RCP_QUOTA {
            self.r.error(
                "rcp-size-quota",
                format!("the RCP has {all_chars} characters, above the {RCP_QUOTA} AWS Organizations accepts (whitespace counts)"),
                "remove the whitespace outside quotation marks, drop statements for issuers the organisation does not use, or split it into several RCPs (up to five per target)",
                "",
                (root.start, root.start),
            );
        }
        let non_ws = text.chars().filter(|c| !c.is_whitespace()).count();
        if !rcp && non_ws > TRUST_POLICY_QUOTA {
            self.r.warning(
                "policy-size-quota",
                format!("the policy has {non_ws} characters (whitespace not counted), above the default role trust policy quota of {TRUST_POLICY_QUOTA}"),
                "IAM refuses it unless the account's quota was raised; shorten it, or split the trust across roles",
                "",
                (root.start, root.start),
            );
        }
        let mut version = PolicyVersion::Missing;
        let mut statements = None;
        let mut saw_statement = false;
        for m in self.members(members, "") {
            let pointer = push_pointer("", &m.key);
            match m.key.as_str() {
                "Version" => match &m.value.kind {
                    Kind::String(s) if s == "2012-10-17" => version = PolicyVersion::V2012,
                    _ if rcp => self.r.error(
                        "rcp-version",
                        format!("an RCP's `Version` must be \"2012-10-17\", found {}", show(&m.value)),
                        "write \"Version\": \"2012-10-17\"",
                        &pointer,
                        (m.value.start, m.value.end),
                    ),
                    Kind::String(s) if s == "2008-10-17" => version = PolicyVersion::V2008,
                    _ => self.r.error(
                        "invalid-version",
                        format!("`Version` must be \"2012-10-17\" or \"2008-10-17\", found {}", show(&m.value)),
                        "write \"Version\": \"2012-10-17\" (the version is a fixed date, not today's date)",
                        &pointer,
                        (m.value.start, m.value.end),
                    ),
                },
                "Id" if rcp => self.r.warning(
                    "rcp-id",
                    "`Id` is not among the elements AWS documents for RCPs".into(),
                    "AWS Organizations may refuse it: remove it",
                    &pointer,
                    (m.key_start, m.key_end),
                ),
                "Id" => {
                    if !matches!(m.value.kind, Kind::String(_)) {
                        self.r.error("wrong-type", format!("`Id` must be a string, found {}", type_name(&m.value)), "write \"Id\": \"my-policy\" or remove it", &pointer, (m.value.start, m.value.end));
                    }
                }
                "Statement" => {
                    saw_statement = true;
                    statements = self.statements(&m.value, &pointer, version_hint(members));
                }
                _ => self.unknown_member(m, "", &["Version", "Id", "Statement"], "a policy"),
            }
        }
        if !saw_statement {
            self.r.error("missing-statement", "the policy has no `Statement`".into(), "add \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {...}, \"Action\": \"sts:AssumeRoleWithWebIdentity\"}]", "", (root.start, root.start + 1));
        }
        if version == PolicyVersion::Missing && rcp {
            self.r.error(
                "rcp-version",
                "the RCP has no `Version`; every RCP must say \"2012-10-17\"".into(),
                "add \"Version\": \"2012-10-17\"",
                "",
                (root.start, root.start + 1),
            );
        } else if version == PolicyVersion::Missing {
            self.r.warning(
                "missing-version",
                "the policy has no `Version`, so the 2008-10-17 rules apply".into(),
                "add \"Version\": \"2012-10-17\"; without it `${...}` policy variables are literal text",
                "",
                (root.start, root.start + 1),
            );
        }
        self.check_sids(statements.as_deref().unwrap_or(&[]));
        Some(Policy {
            version,
            statements: statements?,
            assumptions: Vec::new(),
            role: None,
        })
    }

    fn check_sids(&mut self, statements: &[Statement]) {
        for (i, s) in statements.iter().enumerate() {
            let Some(sid) = &s.sid else { continue };
            if statements
                .iter()
                .take(i)
                .any(|o| o.sid.as_deref() == Some(sid))
            {
                let pointer = push_pointer(&s.location.pointer, "Sid");
                let span = s.location.span;
                let d = Diagnostic {
                    code: "duplicate-sid",
                    severity: crate::text::diagnostic::Severity::Warning,
                    message: format!("the `Sid` `{sid}` is used by more than one statement"),
                    help: "give each statement its own Sid; Access Analyzer reports duplicates"
                        .into(),
                    input: "policy",
                    location: Location {
                        pointer,
                        span,
                        file: None,
                    },
                };
                self.r.diagnostics.push(d);
            }
        }
    }

    fn statements(
        &mut self,
        node: &Node,
        pointer: &str,
        version: PolicyVersion,
    ) -> Option<Vec<Statement>> {
        match &node.kind {
            Kind::Object(_) => Some(vec![self.statement(node, pointer, 0, version)?]),
            Kind::Array(items) => {
                if items.is_empty() {
                    self.r.warning(
                        "empty-list",
                        "`Statement` is an empty list: the policy allows nothing".into(),
                        "add a statement, or delete the role",
                        pointer,
                        (node.start, node.end),
                    );
                }
                let mut out = Vec::with_capacity(items.len());
                let mut ok = true;
                for (i, item) in items.iter().enumerate() {
                    match self.statement(item, &push_pointer(pointer, &i.to_string()), i, version) {
                        Some(s) => out.push(s),
                        None => ok = false,
                    }
                }
                ok.then_some(out)
            }
            _ => {
                self.r.error(
                    "wrong-type",
                    format!(
                        "`Statement` must be an object or an array of objects, found {}",
                        type_name(node)
                    ),
                    "write \"Statement\": [{...}]",
                    pointer,
                    (node.start, node.end),
                );
                None
            }
        }
    }

    fn statement(
        &mut self,
        node: &Node,
        pointer: &str,
        index: usize,
        version: PolicyVersion,
    ) -> Option<Statement> {
        let Kind::Object(members) = &node.kind else {
            self.r.error("wrong-type", format!("a statement must be an object, found {}", type_name(node)), "each statement looks like {\"Effect\": \"Allow\", \"Principal\": {...}, \"Action\": \"...\"}", pointer, (node.start, node.end));
            return None;
        };
        let location = self.loc(pointer, node);
        let mut sid = None;
        let mut effect = None;
        let mut principal = None;
        let mut action: Option<ActionSpec> = None;
        let mut resource: Option<ResourceSpec> = None;
        let mut condition_node = None;
        let mut ok = true;
        let rcp = self.kind == DocKind::Rcp;
        const KNOWN: [&str; 9] = [
            "Sid",
            "Effect",
            "Principal",
            "NotPrincipal",
            "Action",
            "NotAction",
            "Resource",
            "NotResource",
            "Condition",
        ];
        for m in self.members(members, pointer) {
            let p = push_pointer(pointer, &m.key);
            let range = (m.value.start, m.value.end);
            match m.key.as_str() {
                "Sid" => {
                    match &m.value.kind {
                        Kind::String(s) => {
                            if !s.chars().all(|c| c.is_ascii_alphanumeric()) {
                                self.r.warning("invalid-sid", format!("the `Sid` `{s}` has characters other than A-Z, a-z and 0-9"), "IAM policies allow only ASCII letters and digits in a Sid", &p, range);
                            }
                            sid = Some(s.clone());
                        }
                        _ => {
                            self.r.error(
                                "wrong-type",
                                format!("`Sid` must be a string, found {}", type_name(&m.value)),
                                "write \"Sid\": \"AllowGitHubDeploy\"",
                                &p,
                                range,
                            );
                            ok = false;
                        }
                    }
                }
                "Effect" => match &m.value.kind {
                    Kind::String(s) if s == "Allow" => effect = Some(Effect::Allow),
                    Kind::String(s) if s == "Deny" => effect = Some(Effect::Deny),
                    other => {
                        let help = match other {
                            Kind::String(s)
                                if s.eq_ignore_ascii_case("allow")
                                    || s.eq_ignore_ascii_case("deny") =>
                            {
                                "`Effect` is case-sensitive: write \"Allow\" or \"Deny\""
                                    .to_string()
                            }
                            _ => "write \"Effect\": \"Allow\" or \"Effect\": \"Deny\"".to_string(),
                        };
                        self.r.error(
                            "invalid-effect",
                            format!(
                                "`Effect` must be \"Allow\" or \"Deny\", found {}",
                                show(&m.value)
                            ),
                            help,
                            &p,
                            range,
                        );
                        ok = false;
                    }
                },
                "Principal" if rcp => {
                    if matches!(&m.value.kind, Kind::String(s) if s == "*") {
                        principal = self.principal(&m.value, &p);
                    } else {
                        self.r.error(
                            "rcp-principal",
                            format!("an RCP's `Principal` must be \"*\", found {}", show(&m.value)),
                            "write \"Principal\": \"*\" and narrow who the statement is about with conditions",
                            &p,
                            range,
                        );
                        ok = false;
                    }
                }
                "NotPrincipal" | "NotAction" if rcp => {
                    self.r.error(
                        "rcp-unsupported-element",
                        format!("RCPs do not support `{}`", m.key),
                        if m.key == "NotPrincipal" {
                            "write \"Principal\": \"*\" and exclude principals with a condition (e.g. StringNotEqualsIfExists on aws:PrincipalOrgID)"
                        } else {
                            "list the actions the statement denies in `Action`, e.g. \"sts:AssumeRoleWithWebIdentity\""
                        },
                        &p,
                        (m.key_start, m.key_end),
                    );
                    ok = false;
                }
                "Principal" => principal = self.principal(&m.value, &p),
                "NotPrincipal" => {
                    self.r.error(
                        "not-principal-in-trust-policy",
                        "`NotPrincipal` cannot be used in a role trust policy".into(),
                        "IAM refuses it; name the federated principal in `Principal` instead",
                        &p,
                        (m.key_start, m.key_end),
                    );
                    ok = false;
                }
                "Action" | "NotAction" => {
                    if let Some(previous) = &action {
                        let (a, b) = if previous.negated {
                            ("NotAction", "Action")
                        } else {
                            ("Action", "NotAction")
                        };
                        if a != m.key {
                            self.r.error("action-and-not-action", format!("a statement has either `Action` or `NotAction`, not both (found `{b}` after `{a}`)"), "keep `Action` with sts:AssumeRoleWithWebIdentity", &p, (m.key_start, m.key_end));
                            ok = false;
                            continue;
                        }
                    }
                    action = self.action(&m.value, &p, m.key == "NotAction");
                    ok &= action.is_some();
                }
                "Resource" | "NotResource" if rcp => {
                    if resource.is_some() {
                        self.r.error(
                            "resource-and-not-resource",
                            "a statement has either `Resource` or `NotResource`, not both".into(),
                            "keep \"Resource\": \"*\"",
                            &p,
                            (m.key_start, m.key_end),
                        );
                        ok = false;
                        continue;
                    }
                    resource = self.resource(&m.value, &p, m.key == "NotResource");
                    ok &= resource.is_some();
                }
                "Resource" | "NotResource" => {
                    self.r.error(
                        "resource-in-trust-policy",
                        format!("a role trust policy cannot contain `{}`", m.key),
                        "IAM refuses it with \"Has prohibited field Resource\": the role itself is the resource; delete the element",
                        &p,
                        (m.key_start, m.key_end),
                    );
                    ok = false;
                }
                "Condition" => condition_node = Some((m, p)),
                _ => {
                    self.unknown_member(m, pointer, &KNOWN, "a statement");
                    ok = false;
                }
            }
        }
        let open = (node.start, node.start + 1);
        if effect.is_none() && !members.iter().any(|m| m.key == "Effect") {
            self.r.error(
                "missing-effect",
                "the statement has no `Effect`".into(),
                "add \"Effect\": \"Allow\" or \"Effect\": \"Deny\"",
                pointer,
                open,
            );
        }
        if rcp
            && !members
                .iter()
                .any(|m| m.key == "Principal" || m.key == "NotPrincipal")
        {
            self.r.error(
                "missing-principal",
                "the statement has no `Principal`; every RCP statement says \"Principal\": \"*\""
                    .into(),
                "add \"Principal\": \"*\"",
                pointer,
                open,
            );
        } else if principal.is_none()
            && !members
                .iter()
                .any(|m| m.key == "Principal" || m.key == "NotPrincipal")
        {
            self.r.error("missing-principal", "the statement has no `Principal`; a role trust policy must name who may assume the role".into(), format!("add \"Principal\": {{\"Federated\": \"arn:aws:iam::ACCOUNT:oidc-provider/{}\"}}", crate::ci::github::ISSUER), pointer, open);
        }
        if action.is_none()
            && !members
                .iter()
                .any(|m| m.key == "Action" || m.key == "NotAction")
        {
            self.r.error(
                "missing-action",
                "the statement has no `Action`".into(),
                "add \"Action\": \"sts:AssumeRoleWithWebIdentity\"",
                pointer,
                open,
            );
        }
        if rcp
            && resource.is_none()
            && !members
                .iter()
                .any(|m| m.key == "Resource" || m.key == "NotResource")
        {
            self.r.error(
                "rcp-missing-resource",
                "the statement has no `Resource`; every RCP statement needs `Resource` or `NotResource`".into(),
                "add \"Resource\": \"*\"",
                pointer,
                open,
            );
        }
        let has_condition = condition_node.is_some();
        let conditions = match condition_node {
            Some((m, p)) => self.conditions(&m.value, &p, version, principal.as_ref()),
            None => Some(Vec::new()),
        };
        if rcp && ok {
            ok = self.check_rcp_effect(
                effect,
                action.as_ref(),
                resource.as_ref(),
                has_condition,
                members,
                pointer,
            );
        }
        if !ok {
            return None;
        }
        Some(Statement {
            index,
            sid,
            effect: effect?,
            location,
            principal: principal?,
            action: action?,
            conditions: conditions?,
            resource,
            rcp: None,
        })
    }

    /// An RCP statement's `Effect` and `Action` as Organizations accepts them: `Allow` only
    /// as the AWS-managed `RCPFullAWSAccess` (everything, unconditionally), and never
    /// `"Action": "*"` in a Deny (domain.md §8.1). Reports and returns whether they are.
    fn check_rcp_effect(
        &mut self,
        effect: Option<Effect>,
        action: Option<&ActionSpec>,
        resource: Option<&ResourceSpec>,
        has_condition: bool,
        members: &[Member],
        pointer: &str,
    ) -> bool {
        let everything = |texts: &mut dyn Iterator<Item = &str>| {
            let all: Vec<&str> = texts.collect();
            all == ["*"]
        };
        let all_actions = action.is_some_and(|a| {
            !a.negated && everything(&mut a.patterns.iter().map(|p| p.text.as_str()))
        });
        let at = |key: &str| {
            members
                .iter()
                .find(|m| m.key == key)
                .map(|m| (push_pointer(pointer, key), (m.value.start, m.value.end)))
        };
        match effect {
            Some(Effect::Allow) => {
                let full_access = all_actions
                    && !has_condition
                    && resource.is_some_and(|r| {
                        !r.negated && everything(&mut r.patterns.iter().map(|p| p.text.as_str()))
                    });
                if !full_access {
                    let (p, range) = at("Effect").unwrap_or_default();
                    self.r.error(
                        "rcp-allow",
                        "an RCP statement that you write must be `Deny`: `Allow` exists only in the AWS-managed `RCPFullAWSAccess`".into(),
                        "write \"Effect\": \"Deny\" and turn the conditions around (e.g. StringLike → StringNotLikeIfExists): RCPFullAWSAccess already lets everything else through",
                        &p,
                        range,
                    );
                }
                full_access
            }
            Some(Effect::Deny) if all_actions => {
                let (p, range) = at("Action").unwrap_or_default();
                self.r.error(
                    "rcp-action-star",
                    "an RCP that you write cannot deny `\"Action\": \"*\"`; name the service"
                        .into(),
                    "write \"Action\": \"sts:AssumeRoleWithWebIdentity\" (or \"sts:*\")",
                    &p,
                    range,
                );
                false
            }
            _ => true,
        }
    }

    fn resource(&mut self, node: &Node, pointer: &str, negated: bool) -> Option<ResourceSpec> {
        let what = if negated {
            "`NotResource`"
        } else {
            "`Resource`"
        };
        let location = self.loc(pointer, node);
        let patterns = self
            .strings(node, pointer, what)?
            .into_iter()
            .map(|(text, p, v)| ResourcePattern {
                glob: Template::parse(&text, true, false),
                location: self.loc(&p, v),
                text,
            })
            .collect();
        Some(ResourceSpec {
            negated,
            location,
            patterns,
        })
    }

    fn principal(&mut self, node: &Node, pointer: &str) -> Option<PrincipalSpec> {
        let location = self.loc(pointer, node);
        match &node.kind {
            Kind::String(s) if s == "*" => Some(PrincipalSpec {
                location,
                any: true,
                values: Vec::new(),
            }),
            Kind::Object(members) => {
                let mut values = Vec::new();
                let mut ok = true;
                for m in self.members(members, pointer) {
                    let p = push_pointer(pointer, &m.key);
                    let kind = match m.key.as_str() {
                        "Federated" => PrincipalKind::Federated,
                        "AWS" => PrincipalKind::Aws,
                        "Service" => PrincipalKind::Service,
                        "CanonicalUser" => PrincipalKind::CanonicalUser,
                        _ => {
                            self.unknown_member(
                                m,
                                pointer,
                                &["Federated", "AWS", "Service", "CanonicalUser"],
                                "`Principal`",
                            );
                            ok = false;
                            continue;
                        }
                    };
                    for (text, vp, v) in
                        self.strings(&m.value, &p, &format!("`Principal.{}`", m.key))?
                    {
                        values.push(PrincipalValue {
                            kind,
                            value: text,
                            location: self.loc(&vp, v),
                        });
                    }
                }
                if members.is_empty() {
                    self.r.error("empty-principal", "`Principal` is an empty object".into(), "name the OIDC provider: {\"Federated\": \"arn:aws:iam::ACCOUNT:oidc-provider/HOST\"}", pointer, (node.start, node.end));
                    ok = false;
                }
                ok.then_some(PrincipalSpec {
                    location,
                    any: false,
                    values,
                })
            }
            _ => {
                self.r.error(
                    "invalid-principal",
                    format!("`Principal` must be \"*\" or an object, found {}", show(node)),
                    format!("write \"Principal\": {{\"Federated\": \"arn:aws:iam::ACCOUNT:oidc-provider/{}\"}}", crate::ci::github::ISSUER),
                    pointer,
                    (node.start, node.end),
                );
                None
            }
        }
    }

    /// A string or a list of strings; each with its pointer and node.
    fn strings<'n>(
        &mut self,
        node: &'n Node,
        pointer: &str,
        what: &str,
    ) -> Option<Vec<(String, String, &'n Node)>> {
        match &node.kind {
            Kind::String(s) => Some(vec![(s.clone(), pointer.to_string(), node)]),
            Kind::Array(items) => {
                if items.is_empty() {
                    self.r.warning(
                        "empty-list",
                        format!("{what} is an empty list: it matches nothing"),
                        "add a value or remove the element",
                        pointer,
                        (node.start, node.end),
                    );
                }
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let p = push_pointer(pointer, &i.to_string());
                    match &item.kind {
                        Kind::String(s) => out.push((s.clone(), p, item)),
                        _ => {
                            self.r.error(
                                "wrong-type",
                                format!(
                                    "each value of {what} must be a string, found {}",
                                    type_name(item)
                                ),
                                "quote the value",
                                &p,
                                (item.start, item.end),
                            );
                            return None;
                        }
                    }
                }
                Some(out)
            }
            _ => {
                self.r.error(
                    "wrong-type",
                    format!(
                        "{what} must be a string or a list of strings, found {}",
                        type_name(node)
                    ),
                    "write a string, or [\"a\", \"b\"]",
                    pointer,
                    (node.start, node.end),
                );
                None
            }
        }
    }

    fn action(&mut self, node: &Node, pointer: &str, negated: bool) -> Option<ActionSpec> {
        let what = if negated { "`NotAction`" } else { "`Action`" };
        let location = self.loc(pointer, node);
        let mut patterns = Vec::new();
        let mut ok = true;
        for (text, p, v) in self.strings(node, pointer, what)? {
            if text != "*"
                && !text
                    .split_once(':')
                    .is_some_and(|(svc, act)| !svc.is_empty() && !act.is_empty())
            {
                self.r.error(
                    "invalid-action",
                    format!("`{text}` is not an action: actions are written `service:Action`"),
                    "write \"sts:AssumeRoleWithWebIdentity\"",
                    &p,
                    (v.start, v.end),
                );
                ok = false;
                continue;
            }
            let glob = Template::parse(&text.to_ascii_lowercase(), true, false);
            patterns.push(ActionPattern {
                text,
                location: self.loc(&p, v),
                glob,
            });
        }
        ok.then_some(ActionSpec {
            negated,
            location,
            patterns,
        })
    }

    fn conditions(
        &mut self,
        node: &Node,
        pointer: &str,
        version: PolicyVersion,
        principal: Option<&PrincipalSpec>,
    ) -> Option<Vec<Condition>> {
        let Kind::Object(operators) = &node.kind else {
            self.r.error(
                "wrong-type",
                format!("`Condition` must be an object, found {}", type_name(node)),
                "write \"Condition\": {\"StringEquals\": {\"KEY\": \"VALUE\"}}",
                pointer,
                (node.start, node.end),
            );
            return None;
        };
        let mut out = Vec::new();
        let mut ok = true;
        for op_member in self.members(operators, pointer) {
            let op_pointer = push_pointer(pointer, &op_member.key);
            let operator = match Operator::parse(&op_member.key) {
                Ok(op) => op,
                Err(e) => {
                    // A key where an operator belongs is a common mistake: say so.
                    let help = if op_member.key.contains(':') && !op_member.key.starts_with("For") {
                        format!("`{}` looks like a condition key; put it inside an operator: {{\"StringEquals\": {{\"{}\": ...}}}}", op_member.key, op_member.key)
                    } else {
                        e.help
                    };
                    self.r.error(
                        "unknown-operator",
                        e.message,
                        help,
                        &op_pointer,
                        (op_member.key_start, op_member.key_end),
                    );
                    ok = false;
                    continue;
                }
            };
            let Kind::Object(keys) = &op_member.value.kind else {
                self.r.error(
                    "wrong-type",
                    format!(
                        "the operator `{}` must map condition keys to values, found {}",
                        op_member.key,
                        type_name(&op_member.value)
                    ),
                    format!(
                        "write \"{}\": {{\"{}:sub\": \"...\"}}",
                        op_member.key,
                        crate::ci::github::ISSUER
                    ),
                    &op_pointer,
                    (op_member.value.start, op_member.value.end),
                );
                ok = false;
                continue;
            };
            if keys.is_empty() {
                self.r.warning(
                    "empty-operator",
                    format!(
                        "the operator `{}` has no keys: it constrains nothing",
                        op_member.key
                    ),
                    "add a key or remove the operator",
                    &op_pointer,
                    (op_member.value.start, op_member.value.end),
                );
            }
            let kept = self.members(keys, &op_pointer);
            for (i, key_member) in kept.iter().enumerate() {
                let key_pointer = push_pointer(&op_pointer, &key_member.key);
                if let Some(first) = kept
                    .iter()
                    .take(i)
                    .find(|k| k.key.eq_ignore_ascii_case(&key_member.key))
                {
                    self.r.warning(
                        "duplicate-key-case",
                        format!(
                            "the key `{}` appears again as `{}`; key names are case-insensitive",
                            first.key, key_member.key
                        ),
                        "merge the values under one key; both are evaluated (AND)",
                        &key_pointer,
                        (key_member.key_start, key_member.key_end),
                    );
                }
                if key_member.key.is_empty() {
                    self.r.error(
                        "empty-key",
                        "a condition key is empty".into(),
                        format!("write a key such as `{}:sub`", crate::ci::github::ISSUER),
                        &key_pointer,
                        (key_member.key_start, key_member.key_end),
                    );
                    ok = false;
                    continue;
                }
                self.check_key_issuer(
                    &key_member.key,
                    principal,
                    &key_pointer,
                    (key_member.key_start, key_member.key_end),
                );
                match self.condition_values(&key_member.value, &key_pointer, operator, version) {
                    Some(values) => out.push(Condition {
                        operator,
                        operator_text: op_member.key.clone(),
                        operator_location: self.r.location(
                            &op_pointer,
                            op_member.key_start,
                            op_member.key_end,
                        ),
                        key: key_member.key.clone(),
                        key_location: self.r.location(
                            &key_pointer,
                            key_member.key_start,
                            key_member.key_end,
                        ),
                        values,
                        key_lower: key_member.key.to_ascii_lowercase(),
                    }),
                    None => ok = false,
                }
            }
        }
        ok.then_some(out)
    }

    /// Warns when a key names an identity provider that the statement does not trust.
    fn check_key_issuer(
        &mut self,
        key: &str,
        principal: Option<&PrincipalSpec>,
        pointer: &str,
        range: (usize, usize),
    ) {
        let Some(principal) = principal else { return };
        let Some((prefix, _)) = crate::policy::model::split_key(key) else {
            return;
        };
        if !prefix.contains('.') {
            return; // aws:, sts:, ... are service keys, not issuer keys.
        }
        let providers: Vec<&str> = principal
            .values
            .iter()
            .filter(|v| v.kind == PrincipalKind::Federated)
            .map(|v| crate::policy::arn::named_issuer(&v.value))
            .collect();
        if providers.is_empty() || providers.iter().any(|p| p.eq_ignore_ascii_case(prefix)) {
            return;
        }
        self.r.warning(
            "key-for-other-issuer",
            format!("the key `{key}` belongs to the issuer `{prefix}`, which this statement's principal does not name"),
            format!("tokens from {} never carry this key, so a positive condition on it never matches; use `{}:...`", providers.join(", "), providers.first().copied().unwrap_or("")),
            pointer,
            range,
        );
    }

    fn condition_values(
        &mut self,
        node: &Node,
        pointer: &str,
        operator: Operator,
        version: PolicyVersion,
    ) -> Option<Vec<ConditionValue>> {
        let items: Vec<(&Node, String)> = match &node.kind {
            Kind::Array(items) => {
                if items.is_empty() {
                    self.r.warning(
                        "empty-list",
                        "this condition has an empty list of values".into(),
                        "an empty list never matches a positive operator and always passes a negated one; add the intended values",
                        pointer,
                        (node.start, node.end),
                    );
                }
                items
                    .iter()
                    .enumerate()
                    .map(|(i, n)| (n, push_pointer(pointer, &i.to_string())))
                    .collect()
            }
            _ => vec![(node, pointer.to_string())],
        };
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (item, p) in items {
            let text = match &item.kind {
                Kind::String(s) => s.clone(),
                Kind::Bool(b) => b.to_string(),
                Kind::Number(n) => n.clone(),
                other => {
                    self.r.error(
                        "wrong-type",
                        format!(
                            "a condition value must be a string, number or boolean, found {}",
                            other.describe()
                        ),
                        "write the value as a string, or a list of strings",
                        &p,
                        (item.start, item.end),
                    );
                    ok = false;
                    continue;
                }
            };
            match compile(&text, operator, version) {
                Ok(compiled) => out.push(ConditionValue {
                    text,
                    location: self.loc(&p, item),
                    compiled,
                }),
                Err(help) => {
                    self.r.error(
                        "invalid-condition-value",
                        format!("`{text}` is not a valid value for `{}`", operator.name()),
                        help,
                        &p,
                        (item.start, item.end),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }
}

fn compile(text: &str, operator: Operator, version: PolicyVersion) -> Result<Compiled, String> {
    let base = operator.base;
    let vars = version.substitutes_variables() && base.supports_variables();
    Ok(match base.family() {
        Family::String => Compiled::Text(Template::parse(text, base.has_wildcards(), vars)),
        Family::Numeric => Compiled::Number(
            parse_number(text)
                .ok_or("numeric operators take integers or decimals, like \"10\" or \"1.5\"")?,
        ),
        Family::Date => Compiled::Date(parse_date(text).ok_or(
            "date operators take ISO 8601 dates like \"2026-01-31T12:00:00Z\" or epoch seconds",
        )?),
        Family::Bool => {
            Compiled::Bool(parse_bool(text).ok_or("`Bool` takes \"true\" or \"false\"")?)
        }
        Family::Null => Compiled::Null(parse_bool(text).ok_or(
            "`Null` takes \"true\" (the key is absent) or \"false\" (the key is present)",
        )?),
        Family::Binary => Compiled::Binary(
            decode_base64(text).ok_or("`BinaryEquals` takes base64-encoded bytes")?,
        ),
        Family::Ip => Compiled::Ip(
            IpRange::parse(text)
                .ok_or("IP operators take an address or a CIDR range, like \"203.0.113.0/24\"")?,
        ),
        Family::Arn => Compiled::Arn(
            text.splitn(6, ':')
                .map(|seg| Template::parse(seg, true, vars))
                .collect(),
        ),
    })
}

/// The `Version` value, looked up before statements are read so that conditions know
/// whether to substitute variables wherever `Version` stands in the object.
fn version_hint(members: &[Member]) -> PolicyVersion {
    match members
        .iter()
        .rev()
        .find(|m| m.key == "Version")
        .map(|m| &m.value.kind)
    {
        Some(Kind::String(s)) if s == "2012-10-17" => PolicyVersion::V2012,
        Some(Kind::String(s)) if s == "2008-10-17" => PolicyVersion::V2008,
        _ => PolicyVersion::Missing,
    }
}

fn show(node: &Node) -> String {
    match &node.kind {
        Kind::String(s) => format!("\"{s}\""),
        Kind::Number(n) => n.clone(),
        Kind::Bool(b) => b.to_string(),
        other => other.describe().to_string(),
    }
}
