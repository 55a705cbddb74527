//! Lint: where a stranger gets in, and which conditions do not do what they read as.
//!
//! Two kinds of rules. Holes are judged by the attacker replay ([`crate::analysis::replay`]): a rule
//! fires only when an attacker token is actually allowed by the whole policy, so a Deny
//! statement or another key that closes the hole means no alarm, and a finding points at
//! the value that let the token in. Mistakes are read off the policy: conditions that can
//! never match (the role is broken), or always pass (they protect nothing), and the
//! document-level problems the parser reports. Every rule is listed in `docs/lint.md`.

use serde::Serialize;

use crate::analysis::guardrails;
use crate::analysis::replay::{replay, trusted_issuers, Replay};
use crate::ci::{self, Provider};
use crate::eval::trace::Decision;
use crate::policy::arn::named_issuer;
use crate::policy::model::{Condition, Effect, Policy, PrincipalKind, Rcp, Statement};
use crate::policy::operator::{BaseOperator, Family, SetQualifier};
use crate::policy::parse::parse_policy;
use crate::request::catalog::{exposed_claims, exposure, CatalogVersion, Exposure};
use crate::text::diagnostic::{suggest, Diagnostic};
use crate::text::severity::FindingSeverity;
use crate::text::source::Location;

/// The lint report format version.
pub const LINT_VERSION: u32 = 1;

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// Stable rule code, e.g. `missing-sub` or `admits-pull-request`.
    pub code: &'static str,
    /// How bad.
    pub severity: FindingSeverity,
    /// What is wrong, in one line.
    pub message: String,
    /// Why it matters.
    pub help: String,
    /// What to change.
    pub fix: String,
    /// The exact offending value (or element) in the policy.
    pub location: Location,
    /// The statement it is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<usize>,
    /// The attacker scenario that proved it, for replay findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scenario: Option<&'static str>,
    /// For a hole that the organisation's RCPs close: the RCP statement that denies its
    /// attacker tokens (`RCP `name` statement N`). The finding stays listed at severity info.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocked_by: Option<String>,
}

/// Options of a lint run.
#[derive(Debug, Clone, Default)]
pub struct LintOptions {
    /// The account that should own the OIDC provider; others are flagged.
    pub account: Option<String>,
    /// The key catalog used to decide which claims are condition keys.
    pub catalog: CatalogVersion,
    /// The organisation's resource control policies: holes they close are marked, issuers
    /// they leave open and identities they lock out are reported.
    pub rcps: Vec<Rcp>,
    /// The ARN of the role, for RCP statements that name particular roles.
    pub role: Option<String>,
}

/// The result of linting one policy document.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LintReport {
    /// Always [`LINT_VERSION`].
    pub version: u32,
    /// Findings, most severe first, then in document order.
    pub findings: Vec<Finding>,
    /// Parser diagnostics. With errors there are no findings: IAM refuses the document.
    pub diagnostics: Vec<Diagnostic>,
    /// The attacker replay behind the hole findings.
    pub replays: Vec<Replay>,
}

impl LintReport {
    /// The most severe finding's severity.
    pub fn worst(&self) -> Option<FindingSeverity> {
        self.findings.iter().map(|f| f.severity).max()
    }
}

/// Lints policy text: the holes an attacker token gets through (judged by the evaluator on
/// the whole policy) and the conditions that do not do what they read as.
///
/// # Example
/// ```
/// let policy = r#"{
///   "Version": "2012-10-17",
///   "Statement": [{
///     "Effect": "Allow",
///     "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
///     "Action": "sts:AssumeRoleWithWebIdentity",
///     "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/api:*"}}
///   }]
/// }"#;
/// let report = oidc_trust::lint(policy, &oidc_trust::LintOptions::default());
/// let pr = report.findings.iter().find(|f| f.code == "admits-pull-request").expect("found"); // ok: a doc example on a literal input
/// assert_eq!(pr.severity, oidc_trust::FindingSeverity::High);
/// assert_eq!(pr.location.pointer, "/Statement/0/Condition/StringLike/token.actions.githubusercontent.com:sub");
/// ```
pub fn lint(text: &str, options: &LintOptions) -> LintReport {
    let parsed = parse_policy(text);
    let Some(policy) = &parsed.policy else {
        return LintReport {
            version: LINT_VERSION,
            findings: Vec::new(),
            diagnostics: parsed.diagnostics,
            replays: Vec::new(),
        };
    };
    let mut replays = replay(policy);
    let holes = |p: &Policy, r: &[Replay]| {
        let mut out = Vec::new();
        hole_findings(p, r, &mut out);
        template_findings(p, r, &mut out);
        out
    };
    let trust_holes = holes(policy, &replays);
    let mut findings = trust_holes.clone();
    for s in &policy.statements {
        statement_findings(policy, s, options, &mut findings);
    }
    missing_aud(policy, &mut findings);
    document_findings(&parsed.diagnostics, &mut findings);
    for r in &replays {
        if r.intended_decision == Decision::Deny {
            findings.push(Finding {
                code: "intended-identity-denied",
                severity: FindingSeverity::Info,
                message: format!("the identity this policy names for `{}` is itself denied", r.issuer),
                help: "a token built from the policy's own values does not get in: check case, wildcards under StringEquals, and conditions that can never match".into(),
                fix: "evaluate a real token with `oidc-trust eval` to see which condition fails".into(),
                location: Location::pointer_only("/Statement"),
                statement: None,
                scenario: None,
                blocked_by: None,
            });
        }
    }
    if !options.rcps.is_empty() {
        let mut policy = policy.clone();
        policy.role = options.role.clone();
        replays = judge_with_rcps(
            &policy,
            &options.rcps,
            &holes,
            (&replays, &trust_holes),
            &mut findings,
        );
    }
    // Most severe first; stable within a severity (document order of rules).
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    LintReport {
        version: LINT_VERSION,
        findings,
        diagnostics: parsed.diagnostics,
        replays,
    }
}

/// The hole findings of a policy judged on some replays (the lint's replay rules).
type HoleRules<'a> = &'a dyn Fn(&Policy, &[Replay]) -> Vec<Finding>;

/// Re-judges the trust policy's hole findings with `rcps` in force. `before` is the trust
/// policy's own replay and the hole findings `holes` drew from it (already in `findings`);
/// they are replaced by those that still hold, plus, at severity info, those the RCPs close.
/// Returns the replays judged with the RCPs, which the report carries.
fn judge_with_rcps(
    policy: &Policy,
    rcps: &[Rcp],
    holes: HoleRules<'_>,
    (replays, before): (&[Replay], &[Finding]),
    findings: &mut Vec<Finding>,
) -> Vec<Replay> {
    let guarded_replays = guardrails::guarded_replays(policy, rcps);
    let after = holes(policy, &guarded_replays);
    let same = |a: &Finding, b: &Finding| {
        a.code == b.code && a.statement == b.statement && a.location.pointer == b.location.pointer
    };
    findings.retain(|f| !before.iter().any(|b| b == f));
    for b in before {
        if after.iter().any(|a| same(a, b)) {
            continue;
        }
        // Credited to an RCP only when the attacker token behind it is denied by one; a
        // finding that changed for another reason (or has no scenario) stays as it was.
        let by = guarded_replays
            .iter()
            .flat_map(|r| &r.attempts)
            .filter(|a| b.scenario == Some(a.scenario))
            .find_map(|a| a.blocked_by.clone());
        let Some(by) = by else {
            findings.push(b.clone());
            continue;
        };
        let mut closed = b.clone();
        closed.message = format!("{} — blocked by {by}", b.message);
        closed.severity = FindingSeverity::Info;
        closed.blocked_by = Some(by);
        findings.push(closed);
    }
    findings.extend(after);
    for (r, g) in replays.iter().zip(&guarded_replays) {
        if r.intended_decision == Decision::Allow && g.intended_decision == Decision::Deny {
            findings.push(finding(
                "rcp-locks-out",
                FindingSeverity::Medium,
                format!("the RCPs deny the identity this policy names for `{}`: the role's own jobs cannot assume it", r.issuer),
                "a token built from the policy's own values is allowed by the trust policy and denied by an RCP: tightening the guardrail this way breaks the role's deploys",
                "evaluate the role's real token with `oidc-trust eval --rcp ...` to see which RCP statement denies it, then widen that statement or change the role",
                &Location::pointer_only("/Statement"),
                None,
            ));
        }
    }
    for issuer in trusted_issuers(policy) {
        if guardrails::leaves_open(&issuer, rcps, policy.role.as_deref()) {
            let principal = policy
                .statements
                .iter()
                .filter(|s| s.effect == Effect::Allow)
                .flat_map(|s| &s.principal.values)
                .find(|v| {
                    v.kind == PrincipalKind::Federated
                        && named_issuer(&v.value).eq_ignore_ascii_case(&issuer)
                });
            let location = principal
                .map(|p| p.location.clone())
                .unwrap_or_else(|| Location::pointer_only("/Statement"));
            findings.push(finding(
                "rcp-leaves-issuer-open",
                FindingSeverity::Low,
                format!("the RCPs given constrain no token of `{issuer}`, which this role trusts: its own conditions are all that stand"),
                "an organisation guardrail is the net under every role's trust policy; for this issuer there is none, so a loose role here is open to every tenant the issuer serves",
                &format!("add an RCP statement like AWS's sample: Deny sts:AssumeRoleWithWebIdentity when StringNotLikeIfExists `{issuer}:sub` is not your organisation's prefix and Null `{issuer}:sub` is false (`oidc-trust generate --rcp` writes one)"),
                &location,
                None,
            ));
        }
    }
    guarded_replays
}

pub(crate) fn finding(
    code: &'static str,
    severity: FindingSeverity,
    message: String,
    help: &str,
    fix: &str,
    location: &Location,
    statement: Option<usize>,
) -> Finding {
    Finding {
        code,
        severity,
        message,
        help: help.into(),
        fix: fix.into(),
        location: location.clone(),
        statement,
        scenario: None,
        blocked_by: None,
    }
}

fn trusts(s: &Statement, issuer: &str) -> bool {
    s.principal.values.iter().any(|p| {
        p.kind == PrincipalKind::Federated && named_issuer(&p.value).eq_ignore_ascii_case(issuer)
    })
}

fn positive_sub(s: &Statement, issuer: &str) -> bool {
    let key = format!("{issuer}:sub");
    s.conditions.iter().any(|c| {
        c.key_lower == key
            && !c.operator.base.is_negated()
            && !c.operator.if_exists
            && c.operator.qualifier != Some(SetQualifier::ForAllValues)
            && c.operator.base.family() == Family::String
    })
}

/// What a hole finding adds when the replay minted its tokens under a customised subject
/// template: which one, and what the default template makes of the value.
fn template_note(r: &Replay) -> String {
    match &r.subject_template {
        None => String::new(),
        Some(t) if !t.context => format!(" (assuming the subject template `{}`; with GitHub's default template no token has this subject and the role is unusable)", t.keys),
        Some(t) => format!(" (with the subject template `{}`)", t.keys),
    }
}

/// `custom-subject-template`: a subject only a template without `context` produces.
fn template_findings(policy: &Policy, replays: &[Replay], out: &mut Vec<Finding>) {
    for r in replays {
        let Some(t) = r.subject_template.as_ref().filter(|t| !t.context) else {
            continue;
        };
        let key = format!("{}:sub", r.issuer);
        let value = policy
            .statements
            .iter()
            .filter(|s| s.effect == Effect::Allow)
            .flat_map(|s| s.conditions.iter().map(move |c| (s, c)))
            .find(|(_, c)| c.key_lower == key && !c.operator.base.is_negated())
            .and_then(|(s, c)| c.values.first().map(|v| (s, v)));
        let Some((s, v)) = value else { continue };
        out.push(finding(
            "custom-subject-template",
            FindingSeverity::Info,
            format!("`{}` is a subject only the customised template `{}` produces", v.text, t.keys),
            "GitHub writes `repo:OWNER/REPO:CONTEXT` (the ref, environment or `pull_request`) unless the repository sets include_claim_keys: with the default template no token matches this value and the role is unusable; with the template it implies, every ref, environment and pull request of the repository gets the same subject (the other findings assume that template)",
            "write the default form, e.g. `repo:OWNER/REPO:ref:refs/heads/main`; or check the template with `gh api repos/OWNER/REPO/actions/oidc/customization/sub`",
            &v.location,
            Some(s.index),
        ));
    }
}

fn hole_findings(policy: &Policy, replays: &[Replay], out: &mut Vec<Finding>) {
    for r in replays {
        let note = template_note(r);
        // Statements without a usable sub condition: one finding for the missing key,
        // carrying the worst hole it opens.
        let mut missing_sub: Vec<usize> = Vec::new();
        for s in policy
            .statements
            .iter()
            .filter(|s| s.effect == Effect::Allow && trusts(s, &r.issuer))
        {
            if positive_sub(s, &r.issuer) {
                continue;
            }
            let via: Vec<_> = r
                .attempts
                .iter()
                .filter(|a| a.decision == Decision::Allow && a.statements.contains(&s.index))
                .collect();
            let worst = via.iter().map(|a| a.severity).max();
            let shared = Provider::is_shared_issuer(&r.issuer);
            if worst.is_none() && !shared {
                continue;
            }
            missing_sub.push(s.index);
            // The first of the worst: scenarios are ordered broadest first.
            let first_worst = via.iter().min_by_key(|a| std::cmp::Reverse(a.severity));
            let reach = first_worst
                .map(|a| format!(": {} can assume the role", a.who))
                .unwrap_or_default();
            let location = s
                .conditions
                .first()
                .map(|c| Location::pointer_only(parent(&c.operator_location.pointer)))
                .map(|l| Location {
                    span: s.conditions.first().and_then(|c| c.operator_location.span),
                    ..l
                })
                .unwrap_or_else(|| s.location.clone());
            out.push(Finding {
                code: "missing-sub",
                severity: worst.unwrap_or(FindingSeverity::Low),
                message: format!("no condition on `{}:sub`{reach}{note}", r.issuer),
                help: if shared {
                    format!("`{}` is shared by every tenant of the CI service: the subject is what says whose job this is. AWS refuses to create or update such a role today (identity-provider controls, June 2025), but roles made earlier still work", r.issuer)
                } else {
                    "the subject is what says whose job this is".into()
                },
                fix: format!("add StringEquals `{}:sub` with the exact subject, e.g. `repo:OWNER/REPO:ref:refs/heads/main`", r.issuer),
                location,
                statement: Some(s.index),
                scenario: first_worst.map(|a| a.scenario),
                blocked_by: None,
            });
        }
        let admitted = |id: &str| {
            r.attempts
                .iter()
                .any(|a| a.scenario == id && a.decision == Decision::Allow)
        };
        for a in r.attempts.iter().filter(|a| a.decision == Decision::Allow) {
            // Folded into missing-sub when that statement alone lets it in.
            if a.statements.iter().all(|i| missing_sub.contains(i)) {
                continue;
            }
            // A look-alike name adds nothing when any name gets in.
            let broader = match a.scenario {
                "look-alike-org" => "other-org",
                "look-alike-repo" => "sibling-repo",
                "look-alike-branch" => "other-branch",
                "look-alike-environment" => "other-environment",
                "look-alike-group" => "other-group",
                "look-alike-project" => "sibling-project",
                "look-alike-workspace" => "other-workspace",
                _ => "",
            };
            if !broader.is_empty() && admitted(broader) {
                continue;
            }
            let (code, help, fix) = ci::advice(a.scenario);
            out.push(Finding {
                code,
                severity: a.severity,
                message: format!("{} can assume the role{note}", capitalise(&a.who)),
                help: help.into(),
                fix: fix.into(),
                location: a
                    .culprit
                    .clone()
                    .unwrap_or_else(|| Location::pointer_only("/Statement")),
                statement: a.statements.first().copied(),
                scenario: Some(a.scenario),
                blocked_by: None,
            });
        }
    }
}

fn parent(pointer: &str) -> &str {
    pointer.rsplit_once('/').map(|(p, _)| p).unwrap_or("")
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn statement_findings(
    policy: &Policy,
    s: &Statement,
    options: &LintOptions,
    out: &mut Vec<Finding>,
) {
    let allow = s.effect == Effect::Allow;
    if allow && s.principal.any {
        out.push(finding("principal-any", FindingSeverity::Critical, "`Principal: \"*\"` lets anyone try to assume the role".into(), "with `*`, only the conditions stand between the role and every AWS account and identity provider", "name the OIDC provider: `\"Principal\": {\"Federated\": \"arn:aws:iam::ACCOUNT:oidc-provider/ISSUER\"}`", &s.principal.location, Some(s.index)));
    }
    for p in &s.principal.values {
        if allow && p.kind == PrincipalKind::Aws && p.value == "*" {
            out.push(finding(
                "principal-any",
                FindingSeverity::Critical,
                "`{\"AWS\": \"*\"}` lets every AWS account try to assume the role".into(),
                "only the conditions stand between the role and every AWS principal",
                "name the OIDC provider as a Federated principal",
                &p.location,
                Some(s.index),
            ));
        }
        if let (Some(account), PrincipalKind::Federated) = (&options.account, p.kind) {
            let arn_account = p.value.split(':').nth(4).unwrap_or("");
            if p.value.starts_with("arn:") && !arn_account.is_empty() && arn_account != account {
                out.push(finding(
                    "other-account-provider",
                    FindingSeverity::High,
                    format!(
                        "the OIDC provider belongs to account `{arn_account}`, not `{account}`"
                    ),
                    "a provider in another account is administered by someone else",
                    "use the provider registered in your account",
                    &p.location,
                    Some(s.index),
                ));
            }
        }
    }
    if allow && s.action.negated {
        out.push(finding("allow-not-action", FindingSeverity::Medium, "Allow with `NotAction` grants every action not listed".into(), "NotAction in an Allow statement also grants actions added to STS later (e.g. sts:TagSession, sts:SetSourceIdentity)", "list the actions: `\"Action\": \"sts:AssumeRoleWithWebIdentity\"`", &s.action.location, Some(s.index)));
    }
    let issuers = trusted_issuers(policy);
    for c in &s.conditions {
        condition_findings(s, c, allow, &issuers, options, out);
    }
}

fn condition_findings(
    s: &Statement,
    c: &Condition,
    allow: bool,
    issuers: &[String],
    options: &LintOptions,
    out: &mut Vec<Finding>,
) {
    let op = c.operator.base;
    let string = op.family() == Family::String;
    if string && !op.has_wildcards() {
        for v in &c.values {
            if v.text.contains(['*', '?']) && !v.text.contains("${") {
                let (severity, effect) = if allow {
                    (
                        FindingSeverity::Low,
                        "the condition never matches a real token, so this statement never allows",
                    )
                } else {
                    (
                        FindingSeverity::Medium,
                        "this Deny never applies, so it closes nothing",
                    )
                };
                out.push(finding(
                    "wildcard-in-string-equals",
                    severity,
                    format!(
                        "`{}` treats `*` and `?` in `{}` literally",
                        c.operator_text, v.text
                    ),
                    effect,
                    "use StringLike for a pattern, or remove the wildcard",
                    &v.location,
                    Some(s.index),
                ));
            }
        }
    }
    if op == BaseOperator::StringLike
        && !c.values.is_empty()
        && c.values.iter().all(|v| !v.text.contains(['*', '?']))
    {
        out.push(finding(
            "like-without-wildcard",
            FindingSeverity::Info,
            format!("`{}` has no wildcard in its values", c.operator_text),
            "StringLike without `*` or `?` is an exact match: StringEquals says so",
            "use StringEquals",
            &c.operator_location,
            Some(s.index),
        ));
    }
    let Some((prefix, claim)) = c.key.split_once(':') else {
        return;
    };
    let Some(issuer) = issuers
        .iter()
        .find(|i| i.eq_ignore_ascii_case(prefix) || c.key_lower.starts_with(&format!("{i}:")))
    else {
        return;
    };
    let claim = if c.key_lower.starts_with(&format!("{issuer}:")) {
        &c.key[issuer.len() + 1..]
    } else {
        claim
    };
    // Condition key names are case-insensitive (domain.md §2): `:Aud` is `:aud`, as the
    // evaluator reads it.
    let claim_lower = claim.to_ascii_lowercase();
    let claim = claim_lower.as_str();
    let passes_when_absent = c.operator.if_exists
        || c.operator.qualifier == Some(SetQualifier::ForAllValues)
        || op.is_negated();
    if op != BaseOperator::Null && exposure(options.catalog, issuer, claim) == Exposure::No {
        let (severity, message, help) = if passes_when_absent {
            (FindingSeverity::High, format!("`{}` is not a condition key, so `{}` always passes", c.key, c.operator_text), "AWS never puts this claim in the request context; a negated, IfExists or ForAllValues condition on an absent key is true: it protects nothing")
        } else if allow {
            (FindingSeverity::Medium, format!("`{}` is not a condition key, so this condition never matches", c.key), "AWS never puts this claim in the request context: this statement can never allow (the role is unusable through it)")
        } else {
            (
                FindingSeverity::High,
                format!(
                    "`{}` is not a condition key, so this Deny never applies",
                    c.key
                ),
                "AWS never puts this claim in the request context: the Deny closes nothing",
            )
        };
        let fix = "condition on a key AWS exposes (sub, aud, and the provider keys such as repository_id), or move the claim into a customised sub";
        // A near miss of a key AWS does expose is most likely a typo (`sbu`, `Sub`).
        let fix = match suggest(claim, exposed_claims(options.catalog, issuer)) {
            Some(near) => format!(
                "did you mean `{}:{near}`? Otherwise {fix}",
                &c.key[..c.key.len() - claim.len() - 1]
            ),
            None => fix.to_string(),
        };
        out.push(finding(
            "unexposed-claim-key",
            severity,
            message,
            help,
            &fix,
            &c.key_location,
            Some(s.index),
        ));
    }
    if c.operator.qualifier == Some(SetQualifier::ForAllValues)
        && !ci::multivalued(claim)
        && !op.is_negated()
        && allow
    {
        out.push(finding(
            "forallvalues-single-valued",
            FindingSeverity::High,
            format!(
                "`{}` on the single-valued key `{}` passes when the claim is absent",
                c.operator_text, c.key
            ),
            "ForAllValues is true for an empty set: a token without this claim satisfies it",
            "drop the ForAllValues: qualifier (or add a Null condition with false for the key)",
            &c.operator_location,
            Some(s.index),
        ));
    }
    if c.operator.qualifier == Some(SetQualifier::ForAnyValue) && !ci::multivalued(claim) {
        out.push(finding(
            "foranyvalue-single-valued",
            FindingSeverity::Info,
            format!("`{}` on the single-valued key `{}`", c.operator_text, c.key),
            "a set qualifier on a single-valued key adds nothing and misleads readers",
            "drop the ForAnyValue: qualifier",
            &c.operator_location,
            Some(s.index),
        ));
    }
    let provider = Provider::of_issuer(issuer);
    if provider == Provider::GitHub && claim == "job_workflow_ref" && !op.is_negated() {
        for v in &c.values {
            let at = ci::github::workflow_ref_of(&v.text);
            let (severity, why) = match at {
                None => (
                    FindingSeverity::Medium,
                    "it has no `@ref`, so it never matches a real token (which always carries one)",
                ),
                Some(r) if r.contains(['*', '?']) && op.has_wildcards() => (
                    FindingSeverity::Medium,
                    "its ref is a wildcard: the workflow file from any branch qualifies",
                ),
                Some(r) if r.starts_with("refs/heads/") => (
                    FindingSeverity::Info,
                    "a branch is a mutable pin: whoever can push to it changes the workflow",
                ),
                _ => continue,
            };
            out.push(finding("job-workflow-ref-unpinned", severity, format!("job_workflow_ref `{}`: {why}", v.text), "the workflow's ref decides which code runs with the role", "pin a protected branch or a commit SHA: `OWNER/REPO/.github/workflows/FILE.yml@<40-hex sha>`", &v.location, Some(s.index)));
        }
    }
    if allow && claim == "aud" && !op.is_negated() && provider == Provider::GitHub {
        for v in &c.values {
            if v.text != ci::github::DEFAULT_AUDIENCE && !v.text.contains(['*', '?']) {
                out.push(finding("unexpected-aud", FindingSeverity::Low, format!("audience `{}` is not GitHub's default for AWS", v.text), "aws-actions/configure-aws-credentials requests `sts.amazonaws.com`; another value must match the provider's client IDs and every workflow's request", "use `sts.amazonaws.com` unless you mean it", &v.location, Some(s.index)));
            }
        }
    }
    if allow && claim == "sub" && provider == Provider::GitHub && string && !op.is_negated() {
        let classic = c
            .values
            .iter()
            .find(|v| ci::github::is_classic_subject(&v.text));
        let id_pinned = s.conditions.iter().any(|o| {
            o.key_lower == format!("{issuer}:repository_id")
                || o.key_lower == format!("{issuer}:repository_owner_id")
        });
        if let (Some(v), false) = (classic, id_pinned) {
            out.push(finding("classic-subject", FindingSeverity::Info, "the subject pins names, not ids".into(), "repositories created, renamed or transferred after 2026-07-15 get immutable subjects (`repo:OWNER@ID/REPO@ID:...`), which this value does not match; a recreated name matches it", "add StringEquals on repository_id and repository_owner_id, or write the immutable subject", &v.location, Some(s.index)));
        }
    }
}

fn document_findings(diagnostics: &[Diagnostic], out: &mut Vec<Finding>) {
    for d in diagnostics {
        let (code, severity, fix) = match d.code {
            "duplicate-key" => (
                "duplicate-key",
                FindingSeverity::High,
                "merge the two entries: IAM keeps only one, so a condition is silently dropped",
            ),
            "key-for-other-issuer" => (
                "key-for-other-issuer",
                FindingSeverity::Medium,
                "use the key of the issuer this statement trusts",
            ),
            "policy-size-quota" => (
                "policy-size-quota",
                FindingSeverity::Low,
                "shorten the policy or raise the quota (IAM refuses the update above it)",
            ),
            "duplicate-key-case" => (
                "duplicate-key-case",
                FindingSeverity::Medium,
                "keep one spelling: keys are case-insensitive, values are ANDed",
            ),
            _ => continue,
        };
        out.push(Finding {
            code,
            severity,
            message: d.message.clone(),
            help: d.help.clone(),
            fix: fix.into(),
            location: d.location.clone(),
            statement: None,
            scenario: None,
            blocked_by: None,
        });
    }
}

/// `missing-aud`: Allow statements trusting an issuer without an audience condition.
fn missing_aud(policy: &Policy, out: &mut Vec<Finding>) {
    for issuer in trusted_issuers(policy) {
        let key = format!("{issuer}:aud");
        for s in policy
            .statements
            .iter()
            .filter(|s| s.effect == Effect::Allow && trusts(s, &issuer))
        {
            if !s
                .conditions
                .iter()
                .any(|c| c.key_lower == key && !c.operator.base.is_negated())
            {
                out.push(finding("missing-aud", FindingSeverity::Low, format!("no condition on `{key}`"), "the audience says the token was minted for AWS; without it a token minted for another relying party that the provider also lists is accepted", &format!("add StringEquals `{key}`: `sts.amazonaws.com` (GitHub) or your provider's audience"), &s.location, Some(s.index)));
            }
        }
    }
}
