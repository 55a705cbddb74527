//! The evaluator: does this trust policy let this request assume the role, and why.
//!
//! [`decide`] answers allow/deny without building a trace (the hot path for batches);
//! [`evaluate`] builds the full [`Evaluation`]. Both run the same functions: the trace
//! is an optional sink, so the two can never disagree.

use std::net::IpAddr;

use crate::ci::Provider;
use crate::eval::explain;
use crate::eval::trace::*;
use crate::policy::arn::provider_arn;
use crate::policy::model::*;
use crate::policy::operator::{BaseOperator, SetQualifier};
use crate::policy::pattern::{self, NoVars, Vars};
use crate::policy::value::{decode_base64, parse_bool, parse_date, parse_number};
use crate::request::context::{ContextKey, Request, DEFAULT_ACTION};

pub(crate) const TAG_SESSION: &str = "sts:tagsession";

/// Decides allow or deny without building a trace: the same rules as [`evaluate`](crate::evaluate),
/// for bulk checks.
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
/// let claims = oidc_trust::read_claims(r#"{
///   "iss": "https://token.actions.githubusercontent.com",
///   "sub": "repo:acme/api:pull_request"
/// }"#)?;
/// let request = oidc_trust::Request::new(&claims, &oidc_trust::RequestOptions::default())?;
/// assert_eq!(oidc_trust::decide(&policy, &request), oidc_trust::Decision::Allow);
/// # Ok::<(), oidc_trust::Diagnostic>(())
/// ```
pub fn decide(policy: &Policy, request: &Request) -> Decision {
    let account = resolve_account(policy, request);
    let role = resolve_role(policy, request);
    let action = request.action_lower.as_str();
    let mut allowed = false;
    for s in &policy.statements {
        if statement_applies(s, request, account, role, action) {
            if s.effect == Effect::Deny {
                return Decision::Deny;
            }
            allowed = true;
        }
    }
    if allowed
        && needs_tag_session(request)
        && !action_allowed(policy, request, account, role, TAG_SESSION)
    {
        return Decision::Deny;
    }
    if allowed {
        Decision::Allow
    } else {
        Decision::Deny
    }
}

/// The decision and its reason without a trace: which statements decided, by the rules
/// `evaluate` uses (it sorts its traced statements with the same `Applying::reason`).
/// Cheaper than `evaluate` when the explanation is not read.
///
/// # Example
/// ```
/// let policy = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
///   "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
///   "Action": "sts:AssumeRoleWithWebIdentity",
///   "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/api:*"}}}]}"#;
/// # let policy = oidc_trust::parse_policy(policy).policy.expect("valid"); // ok: a doc example on a literal input
/// let claims = oidc_trust::read_claims(r#"{"iss": "https://token.actions.githubusercontent.com",
///   "sub": "repo:acme/api:ref:refs/heads/main"}"#)?;
/// let request = oidc_trust::Request::new(&claims, &Default::default())?;
/// let (decision, reason) = oidc_trust::verdict(&policy, &request);
/// assert_eq!(decision, oidc_trust::Decision::Allow);
/// assert_eq!(reason, oidc_trust::DecisionReason::Allowed { statements: vec![0] });
/// # Ok::<(), oidc_trust::Diagnostic>(())
/// ```
pub fn verdict(policy: &Policy, request: &Request) -> (Decision, DecisionReason) {
    let account = resolve_account(policy, request);
    let role = resolve_role(policy, request);
    let action = request.action_lower.as_str();
    Applying::sort(policy, |_, s| {
        statement_applies(s, request, account, role, action)
    })
    .reason(policy, request, account, role)
}

/// The statements that apply, sorted by what they do to the decision.
pub(crate) struct Applying {
    /// Deny statements of the trust policy.
    pub(crate) trust_denies: Vec<usize>,
    /// Deny statements of the organisation's RCPs.
    pub(crate) rcp_denies: Vec<usize>,
    /// Allow statements.
    pub(crate) allows: Vec<usize>,
}

impl Applying {
    /// Sorts the statements for which `applies` holds (given each statement's position in
    /// the policy, and the statement).
    pub(crate) fn sort(policy: &Policy, applies: impl Fn(usize, &Statement) -> bool) -> Applying {
        let mut a = Applying {
            trust_denies: Vec::new(),
            rcp_denies: Vec::new(),
            allows: Vec::new(),
        };
        for (at, s) in policy.statements.iter().enumerate() {
            if !applies(at, s) {
                continue;
            }
            match (s.effect, s.rcp.is_some()) {
                (Effect::Deny, false) => a.trust_denies.push(s.index),
                (Effect::Deny, true) => a.rcp_denies.push(s.index),
                (Effect::Allow, false) => a.allows.push(s.index),
                // An RCP never grants (only its Deny statements are merged in any case).
                (Effect::Allow, true) => {}
            }
        }
        a
    }

    /// The decision: an explicit Deny of the trust policy beats everything; then an RCP's
    /// Deny (of the action, or of `sts:TagSession` for a token with session tags); then no
    /// Allow; then session tags no statement allows; else allow.
    pub(crate) fn reason(
        &self,
        policy: &Policy,
        request: &Request,
        account: Option<&str>,
        role: Option<&str>,
    ) -> (Decision, DecisionReason) {
        if !self.trust_denies.is_empty() {
            return (
                Decision::Deny,
                DecisionReason::ExplicitDeny {
                    statements: self.trust_denies.clone(),
                },
            );
        }
        if !self.rcp_denies.is_empty() {
            return (
                Decision::Deny,
                DecisionReason::RcpDeny {
                    statements: self.rcp_denies.clone(),
                },
            );
        }
        let rcp_tag_denies = self.rcp_tag_denies(policy, request, account, role);
        if !self.allows.is_empty() && !rcp_tag_denies.is_empty() {
            return (
                Decision::Deny,
                DecisionReason::RcpDeny {
                    statements: rcp_tag_denies,
                },
            );
        }
        if self.allows.is_empty() {
            return (Decision::Deny, DecisionReason::NoAllow);
        }
        if needs_tag_session(request)
            && !action_allowed(policy, request, account, role, TAG_SESSION)
        {
            return (
                Decision::Deny,
                DecisionReason::TagSessionNotAllowed {
                    statements: self.allows.clone(),
                },
            );
        }
        (
            Decision::Allow,
            DecisionReason::Allowed {
                statements: self.allows.clone(),
            },
        )
    }

    /// The RCP statements that deny `sts:TagSession` to a token with session tags: an RCP
    /// stops it as a Deny of the trust policy would.
    pub(crate) fn rcp_tag_denies(
        &self,
        policy: &Policy,
        request: &Request,
        account: Option<&str>,
        role: Option<&str>,
    ) -> Vec<usize> {
        if !needs_tag_session(request) {
            return Vec::new();
        }
        policy
            .statements
            .iter()
            .filter(|s| s.rcp.is_some() && s.effect == Effect::Deny)
            .filter(|s| statement_applies(s, request, account, role, TAG_SESSION))
            .map(|s| s.index)
            .collect()
    }
}

pub(crate) fn statement_applies(
    s: &Statement,
    request: &Request,
    account: Option<&str>,
    role: Option<&str>,
    action: &str,
) -> bool {
    principal_matches(&s.principal, request, account, None)
        && action_matches(&s.action, action, None)
        && resource_matches(s.resource.as_ref(), role, None) == Some(true)
        && s.conditions.iter().all(|c| condition_holds(c, request))
}

/// Whether an RCP statement's `Resource`/`NotResource` covers the role assumed: `Some(true)`
/// for a trust statement (no element: the role is the resource), `None` when the element
/// names particular roles and the request does not say which role it is. Callers then do
/// not count the statement: crediting a guardrail that may not cover the role would make
/// a hole look closed.
pub(crate) fn resource_matches(
    spec: Option<&ResourceSpec>,
    role: Option<&str>,
    trace: Option<&mut ElementTrace>,
) -> Option<bool> {
    let Some(spec) = spec else { return Some(true) };
    let everything = spec.patterns.iter().any(|p| p.text == "*");
    // Policy variables in an ARN (`${aws:PrincipalAccount}`) are not resolved here: such an
    // element is as undecidable as an unknown role.
    let variables = spec.patterns.iter().any(|p| p.text.contains("${"));
    let listed = match (role, everything) {
        (_, true) => Some(true),
        _ if variables => None,
        (Some(role), false) => Some(
            spec.patterns
                .iter()
                .any(|p| pattern::glob(&p.glob, role, &NoVars, None)),
        ),
        (None, false) => None,
    };
    let matched = listed.map(|l| l != spec.negated);
    if let Some(t) = trace {
        for p in &spec.patterns {
            t.values.push(ElementValue {
                value: p.text.clone(),
                matched: p.text == "*"
                    || role.is_some_and(|role| pattern::glob(&p.glob, role, &NoVars, None)),
                location: p.location.clone(),
            });
        }
        t.matched = matched == Some(true);
        t.why = explain::resource(spec.negated, listed, role);
    }
    matched
}

/// Whether `s`'s principal and action cover `request` (conditions aside): which statements
/// the region analysis reads for an issuer.
pub(crate) fn statement_targets(policy: &Policy, s: &Statement, request: &Request) -> bool {
    let account = resolve_account(policy, request);
    principal_matches(&s.principal, request, account, None)
        && action_matches(&s.action, &request.action_lower, None)
        && resource_matches(s.resource.as_ref(), resolve_role(policy, request), None) == Some(true)
}

pub(crate) fn needs_tag_session(request: &Request) -> bool {
    request.has_session_tags && request.action.eq_ignore_ascii_case(DEFAULT_ACTION)
}

pub(crate) fn action_allowed(
    policy: &Policy,
    request: &Request,
    account: Option<&str>,
    role: Option<&str>,
    action: &str,
) -> bool {
    let applies = |e: Effect| {
        policy
            .statements
            .iter()
            .any(|s| s.effect == e && statement_applies(s, request, account, role, action))
    };
    applies(Effect::Allow) && !applies(Effect::Deny)
}

/// The role assumed: given with the request, else the one the policy belongs to.
pub(crate) fn resolve_role<'a>(policy: &'a Policy, request: &'a Request) -> Option<&'a str> {
    request.role.as_deref().or(policy.role.as_deref())
}

/// The account of the caller: given, else that of the policy's provider ARN for the issuer.
pub(crate) fn resolve_account<'a>(policy: &'a Policy, request: &'a Request) -> Option<&'a str> {
    if let Some(account) = &request.account {
        return Some(account);
    }
    policy
        .statements
        .iter()
        .flat_map(|s| s.principal.values.iter())
        .filter(|v| v.kind == PrincipalKind::Federated)
        .find_map(|v| {
            provider_arn(&v.value)
                .filter(|arn| arn.provider.eq_ignore_ascii_case(&request.issuer))
                .map(|arn| arn.account)
        })
}

pub(crate) fn principal_matches(
    spec: &PrincipalSpec,
    request: &Request,
    account: Option<&str>,
    mut trace: Option<&mut ElementTrace>,
) -> bool {
    if spec.any {
        if let Some(t) = trace {
            t.matched = true;
            t.why = explain::principal(spec, &request.issuer, true);
        }
        return true;
    }
    let mut matched = false;
    for v in &spec.values {
        let hit = match v.kind {
            PrincipalKind::Federated => match provider_arn(&v.value) {
                Some(arn) => {
                    arn.provider.eq_ignore_ascii_case(&request.issuer)
                        && account.is_none_or(|a| a == arn.account)
                }
                // Only AWS's built-in web identity providers are named without an ARN.
                None => {
                    Provider::of_issuer(&v.value).is_built_in()
                        && v.value.eq_ignore_ascii_case(&request.issuer)
                }
            },
            // `{"AWS": "*"}` is documented as "all principals"; assumed to include web identities.
            PrincipalKind::Aws => v.value == "*",
            PrincipalKind::Service | PrincipalKind::CanonicalUser => false,
        };
        matched |= hit;
        if let Some(t) = trace.as_deref_mut() {
            t.values.push(ElementValue {
                value: v.value.clone(),
                matched: hit,
                location: v.location.clone(),
            });
        } else if matched {
            return true;
        }
    }
    if let Some(t) = trace {
        t.matched = matched;
        t.why = explain::principal(spec, &request.issuer, matched);
    }
    matched
}

pub(crate) fn action_matches(
    spec: &ActionSpec,
    action_lower: &str,
    mut trace: Option<&mut ElementTrace>,
) -> bool {
    let mut any = false;
    for p in &spec.patterns {
        let hit = pattern::glob(&p.glob, action_lower, &NoVars, None);
        any |= hit;
        if let Some(t) = trace.as_deref_mut() {
            t.values.push(ElementValue {
                value: p.text.clone(),
                matched: hit,
                location: p.location.clone(),
            });
        } else if any {
            break;
        }
    }
    let matched = any != spec.negated;
    if let Some(t) = trace {
        t.matched = matched;
        t.why = explain::action(spec.negated, any);
    }
    matched
}

/// Policy variables resolve to single-valued context keys, else to their default.
impl Vars for Request {
    fn get<'s>(&'s self, v: &'s crate::policy::pattern::Variable) -> Option<&'s str> {
        match self.lookup(&v.key_lower) {
            Some(k) if k.values.len() == 1 => k.values.first().map(String::as_str),
            _ => v.default.as_deref(),
        }
    }
}

/// Whether one policy value matches one request value (before negation).
pub(crate) fn value_matches(
    base: BaseOperator,
    compiled: &Compiled,
    s: &str,
    resolve: &dyn Vars,
) -> bool {
    match compiled {
        Compiled::Text(t) => {
            if !t.resolvable(resolve) {
                return false;
            }
            if base.has_wildcards() {
                pattern::glob(t, s, resolve, None)
            } else {
                pattern::equals(t, s, base.ignores_case(), resolve)
            }
        }
        Compiled::Number(n) => parse_number(s).is_some_and(|v| compare(base, v.partial_cmp(n))),
        Compiled::Date(d) => parse_date(s).is_some_and(|v| compare(base, Some(v.cmp(d)))),
        Compiled::Bool(b) => parse_bool(s) == Some(*b),
        Compiled::Binary(bytes) => decode_base64(s).is_some_and(|v| v == *bytes),
        Compiled::Ip(range) => s
            .trim()
            .parse::<IpAddr>()
            .is_ok_and(|ip| range.contains(ip)),
        Compiled::Arn(segments) => {
            let parts: Vec<&str> = s.splitn(6, ':').collect();
            segments.len() == 6
                && parts.len() == 6
                && segments.iter().all(|t| t.resolvable(resolve))
                && segments
                    .iter()
                    .zip(parts)
                    .all(|(t, p)| pattern::glob(t, p, resolve, None))
        }
        Compiled::Null(_) => false,
    }
}

fn compare(base: BaseOperator, ord: Option<std::cmp::Ordering>) -> bool {
    use std::cmp::Ordering::*;
    use BaseOperator as B;
    let Some(ord) = ord else { return false };
    match base {
        B::NumericEquals | B::NumericNotEquals | B::DateEquals | B::DateNotEquals => ord == Equal,
        B::NumericLessThan | B::DateLessThan => ord == Less,
        B::NumericLessThanEquals | B::DateLessThanEquals => ord != Greater,
        B::NumericGreaterThan | B::DateGreaterThan => ord == Greater,
        B::NumericGreaterThanEquals | B::DateGreaterThanEquals => ord != Less,
        _ => false,
    }
}

/// Whether the request value `s` matches any policy value of the condition.
fn any_value_matches(c: &Condition, s: &str, resolve: &dyn Vars) -> bool {
    c.values
        .iter()
        .any(|v| value_matches(c.operator.base, &v.compiled, s, resolve))
}

/// The context key a condition reads: absent when the request has none (or it has no value).
pub(crate) fn condition_key<'r>(c: &Condition, request: &'r Request) -> Option<&'r ContextKey> {
    request
        .lookup(&c.key_lower)
        .filter(|k| !k.values.is_empty())
}

/// Whether a condition holds, given the key it reads (domain.md §2.1: absent keys make
/// positive operators false and negated ones, `IfExists` and `ForAllValues` true).
pub(crate) fn condition_holds_for(
    c: &Condition,
    key: Option<&ContextKey>,
    resolve: &dyn Vars,
) -> bool {
    let op = c.operator;
    let negated = op.base.is_negated();
    if op.base == BaseOperator::Null {
        return c.values.iter().any(
            |v| matches!(v.compiled, Compiled::Null(want_absent) if want_absent == key.is_none()),
        );
    }
    match key {
        None => {
            op.if_exists
                || op.qualifier == Some(SetQualifier::ForAllValues)
                || (op.qualifier.is_none() && negated)
        }
        Some(k) => {
            let mut matches = k.values.iter().map(|s| any_value_matches(c, s, resolve));
            match (op.qualifier, negated) {
                (None, false) | (Some(SetQualifier::ForAnyValue), false) => matches.any(|m| m),
                (None, true) | (Some(SetQualifier::ForAllValues), true) => matches.all(|m| !m),
                (Some(SetQualifier::ForAnyValue), true) => matches.any(|m| !m),
                (Some(SetQualifier::ForAllValues), false) => matches.all(|m| m),
            }
        }
    }
}

fn condition_holds(c: &Condition, request: &Request) -> bool {
    condition_holds_for(c, condition_key(c, request), request)
}
