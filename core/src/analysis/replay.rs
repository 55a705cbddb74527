//! Attacker replay: the tokens a stranger (or a less trusted insider) could mint, derived
//! from what the policy itself names, each evaluated against the whole policy.
//!
//! For every OIDC issuer an Allow statement trusts, the intended identity is read off the
//! policy (its `sub` values and other keys; wildcards stripped, blanks filled), then varied
//! one axis at a time: another organisation, a look-alike name, a sibling repository, a
//! pull request, another branch... Each variant is a complete, consistent token of that CI
//! system (its `sub` rendered in the format the policy uses), so Deny statements, other
//! keys and every operator judge it exactly as STS would. An attempt that is allowed is a
//! hole; which condition value let it in comes from the trace.
//!
//! The attacker is assumed to choose every name they control (branch, environment,
//! workflow name) to match the policy; they do not control ids or other people's names.

use serde::Serialize;

use crate::ci::{self, Named, TemplateAssumption, Token};
use crate::eval::evaluate::evaluate;
use crate::eval::matcher::decide;
use crate::eval::trace::{Decision, DecisionReason};
use crate::policy::arn::named_issuer;
use crate::policy::model::{Effect, Policy, PrincipalKind};
use crate::request::claims::{ClaimValue, Claims};
use crate::request::context::{Request, RequestOptions};
use crate::text::severity::FindingSeverity;
use crate::text::source::Location;

/// One attacker token and what the policy made of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Attempt {
    /// Stable scenario id, e.g. `other-org`, `pull-request`.
    pub scenario: &'static str,
    /// Who mints this token, in words.
    pub who: String,
    /// How bad it is if this token gets in.
    pub severity: FindingSeverity,
    /// The token's claims.
    pub claims: Claims,
    /// The verdict.
    pub decision: Decision,
    /// The Allow statements that let it in (empty when denied).
    pub statements: Vec<usize>,
    /// The policy value (or statement) that let it in, for pointing at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub culprit: Option<Location>,
    /// When an RCP denies it and the trust policy alone would not: that RCP statement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocked_by: Option<String>,
}

/// The replay for one trusted issuer.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Replay {
    /// The issuer (host and path).
    pub issuer: String,
    /// The CI system's token model used.
    pub model: &'static str,
    /// The identity the policy appears to intend.
    pub intended: Claims,
    /// Whether the policy lets that identity in (if not, the policy may be broken).
    pub intended_decision: Decision,
    /// The subject template the policy's `sub` implies, when it is not the CI system's
    /// default: every attempt was minted with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject_template: Option<TemplateAssumption>,
    /// Every attempt, in scenario order.
    pub attempts: Vec<Attempt>,
}

/// Replays the attacker tokens against `policy`, once per trusted OIDC issuer, with the
/// intended identity read off the policy.
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
/// # let policy = oidc_trust::parse_policy(policy).policy.expect("valid"); // ok: a doc example on a literal input
/// let replays = oidc_trust::replay(&policy);
/// let r = &replays[0];
/// assert_eq!(r.model, "github-actions");
/// assert_eq!(r.intended_decision, oidc_trust::Decision::Allow);
/// let gets_in = |id: &str| r.attempts.iter().any(|a| a.scenario == id && a.decision == oidc_trust::Decision::Allow);
/// assert!(gets_in("pull-request") && !gets_in("other-org"));
/// ```
pub fn replay(policy: &Policy) -> Vec<Replay> {
    replay_from(policy, None)
}

/// Like [`replay`], from the claims of the identity that should get in (a real token of
/// the intended job): the attacker tokens vary that identity, not the policy's guess.
pub fn replay_from(policy: &Policy, intended: Option<&Claims>) -> Vec<Replay> {
    trusted_issuers(policy)
        .into_iter()
        .map(|issuer| replay_issuer(policy, &issuer, intended))
        .collect()
}

/// The OIDC issuers named by Federated principals of Allow statements, in order.
pub(crate) fn trusted_issuers(policy: &Policy) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in policy
        .statements
        .iter()
        .filter(|s| s.effect == Effect::Allow)
    {
        for p in &s.principal.values {
            if p.kind != PrincipalKind::Federated || !p.value.contains(":oidc-provider/") {
                continue;
            }
            let issuer = named_issuer(&p.value).to_ascii_lowercase();
            if !out.contains(&issuer) {
                out.push(issuer);
            }
        }
    }
    out
}
/// What the policy says about the claims of `issuer`: claim name → first value as written
/// (wildcards kept), from positive string conditions of Allow statements, in order.
fn named(policy: &Policy, issuer: &str) -> Named {
    let prefix = format!("{issuer}:");
    let mut pairs: Vec<(String, String)> = Vec::new();
    for s in policy
        .statements
        .iter()
        .filter(|s| s.effect == Effect::Allow)
    {
        for c in &s.conditions {
            let op = c.operator.base;
            if op.is_negated() || op.family() != crate::policy::operator::Family::String {
                continue;
            }
            let Some(claim) = c.key_lower.strip_prefix(&prefix) else {
                continue;
            };
            let Some(first) = c.values.first() else {
                continue;
            };
            if !pairs.iter().any(|(k, _)| k == claim) {
                pairs.push((claim.to_string(), first.text.clone()));
            }
        }
    }
    // An RCP's Deny that a token escapes only by matching a value (`StringNotLike`,
    // `StringNotEquals`, with or without IfExists) says what the organisation's own jobs
    // look like: where it is more specific than the trust policy (`repo:acme/*` over
    // `repo:*`), the intended identity is built from it, so the attacker tokens vary an
    // identity both layers let in.
    let literal = |v: &str| v.find(['*', '?']).unwrap_or(v.len());
    for s in policy
        .statements
        .iter()
        .filter(|s| s.rcp.is_some() && s.effect == Effect::Deny)
    {
        for c in &s.conditions {
            let op = c.operator.base;
            if !op.is_negated()
                || op.family() != crate::policy::operator::Family::String
                || c.operator.qualifier.is_some()
            {
                continue;
            }
            let (Some(claim), Some(first)) = (c.key_lower.strip_prefix(&prefix), c.values.first())
            else {
                continue;
            };
            let rcp = first.text.as_str();
            match pairs.iter_mut().find(|(k, _)| k == claim) {
                // The RCP narrows the policy's own prefix (`repo:acme/` within `repo:`): the
                // identity keeps what the policy says after its wildcard (`repo:*:environment:prod`
                // becomes `repo:acme/*:environment:prod`). A prefix that does not refine the
                // policy's leaves the policy's value: its identity may be locked out.
                Some((_, v)) => {
                    let (own, theirs) = (&v[..literal(v)], &rcp[..literal(rcp)]);
                    if theirs.len() > own.len() && theirs.starts_with(own) {
                        let rest = v.get(literal(v)..).unwrap_or("");
                        let after = rest.strip_prefix('*').unwrap_or(rest);
                        *v = format!("{theirs}*{after}");
                    }
                }
                None => pairs.push((claim.to_string(), rcp.to_string())),
            }
        }
    }
    Named { pairs }
}

/// A model token as claims (every value a string, as CI systems send them).
fn claims_of(token: &Token) -> Claims {
    Claims::from_pairs(
        token
            .pairs()
            .iter()
            .map(|(k, v)| (k.clone(), ClaimValue::String(v.clone()))),
    )
}

fn replay_issuer(policy: &Policy, issuer: &str, intended: Option<&Claims>) -> Replay {
    let mut named = named(policy, issuer);
    if let Some(claims) = intended {
        // The given token's string claims come first: the models read them as the names
        // the policy uses.
        let mut pairs: Vec<(String, String)> = claims
            .iter()
            .filter(|(k, _)| *k != "iss")
            .filter_map(|(k, v)| v.as_str().map(|s| (k.to_string(), s.to_string())))
            .collect();
        pairs.extend(
            named
                .pairs
                .into_iter()
                .filter(|(k, _)| claims.get(k).is_none()),
        );
        named = Named { pairs };
    }
    let model = ci::model(issuer, &named);
    let mut intended = model.intended.clone();
    intended.set("iss", format!("https://{issuer}"));
    let intended_claims = claims_of(&intended);
    let intended_decision = run(policy, issuer, &intended_claims).0;
    let attempts = model
        .scenarios
        .into_iter()
        .map(|s| {
            let mut token = s.token;
            token.set("iss", format!("https://{issuer}"));
            let claims = claims_of(&token);
            let (decision, statements, culprit, blocked_by) = run(policy, issuer, &claims);
            Attempt {
                blocked_by,
                scenario: s.id,
                who: s.who,
                severity: s.severity,
                claims,
                decision,
                statements,
                culprit,
            }
        })
        .collect();
    Replay {
        issuer: issuer.to_string(),
        model: model.name,
        intended: intended_claims,
        intended_decision,
        subject_template: model.template,
        attempts,
    }
}

/// What [`run`] finds: the decision, the statements that let the token in, the value to
/// blame, and the RCP statement that denied it (when one did).
type Outcome = (Decision, Vec<usize>, Option<Location>, Option<String>);

/// Evaluates one token; when allowed, finds the statement and the value that let it in;
/// when an RCP denied it, which RCP statement.
fn run(policy: &Policy, issuer: &str, claims: &Claims) -> Outcome {
    let options = RequestOptions {
        issuer: Some(issuer.to_string()),
        ..RequestOptions::default()
    };
    let Ok(request) = Request::new(claims, &options) else {
        return (Decision::Deny, Vec::new(), None, None);
    };
    if decide(policy, &request) == Decision::Deny {
        let blocked_by = policy
            .has_rcps()
            .then(|| evaluate(policy, &request))
            // Blocked only if the trust policy alone lets it in.
            .filter(|e| {
                e.statements
                    .iter()
                    .any(|t| t.applies && t.effect == Effect::Allow && t.rcp.is_none())
            })
            .and_then(|e| match e.reason {
                DecisionReason::RcpDeny { statements } => statements
                    .first()
                    .and_then(|&i| policy.statements.get(i))
                    .and_then(|s| s.rcp.as_ref())
                    .map(|r| r.describe()),
                _ => None,
            });
        return (Decision::Deny, Vec::new(), None, blocked_by);
    }
    let e = evaluate(policy, &request);
    let statements = match &e.reason {
        DecisionReason::Allowed { statements } => statements.clone(),
        _ => Vec::new(),
    };
    // Blame the subject value that matched, else the first matched value of any key of
    // this issuer, else the statement.
    let culprit = statements.first().and_then(|&i| {
        let s = e.statements.get(i)?;
        let sub = format!("{issuer}:sub");
        let matched = |c: &crate::eval::trace::ConditionTrace| {
            c.values
                .iter()
                .find(|v| v.matched)
                .map(|v| v.location.clone())
        };
        s.conditions
            .iter()
            .filter(|c| c.key.eq_ignore_ascii_case(&sub))
            .find_map(matched)
            .or_else(|| {
                s.conditions
                    .iter()
                    .filter(|c| c.key.to_ascii_lowercase().starts_with(issuer))
                    .find_map(matched)
            })
            .or_else(|| Some(s.location.clone()))
    });
    (Decision::Allow, statements, culprit, None)
}
