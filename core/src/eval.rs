//! The evaluator: does this trust policy let this request assume the role, and why.
//!
//! [`decide`] answers allow/deny without building a trace (the hot path for batches);
//! [`evaluate`] builds the full [`Evaluation`]. Both run the same functions: the trace
//! is an optional sink, so the two can never disagree.

use std::net::IpAddr;

use crate::catalog::{exposure, Exposure};
use crate::claims::ClaimValue;
use crate::operator::{BaseOperator, Family, SetQualifier};
use crate::pattern::{self, NoVars, Part, Template, Vars};
use crate::policy::*;
use crate::request::{provider_of, split_key, Request, DEFAULT_ACTION};
use crate::trace::*;
use crate::value::{decode_base64, parse_bool, parse_date, parse_number};

const TAG_SESSION: &str = "sts:tagsession";

/// Providers a trust policy names by host rather than by OIDC provider ARN (domain.md §1.3).
const BUILT_IN_PROVIDERS: [&str; 4] = [
    "accounts.google.com",
    "cognito-identity.amazonaws.com",
    "graph.facebook.com",
    "www.amazon.com",
];

/// Decides allow or deny without building a trace.
pub fn decide(policy: &Policy, request: &Request) -> Decision {
    let account = resolve_account(policy, request);
    let action = request.action_lower.as_str();
    let mut allowed = false;
    for s in &policy.statements {
        if statement_applies(s, request, account, action) {
            if s.effect == Effect::Deny {
                return Decision::Deny;
            }
            allowed = true;
        }
    }
    if allowed
        && needs_tag_session(request)
        && !action_allowed(policy, request, account, TAG_SESSION)
    {
        return Decision::Deny;
    }
    if allowed {
        Decision::Allow
    } else {
        Decision::Deny
    }
}

fn statement_applies(
    s: &Statement,
    request: &Request,
    account: Option<&str>,
    action: &str,
) -> bool {
    principal_matches(&s.principal, request, account, None)
        && action_matches(&s.action, action, None)
        && s.conditions
            .iter()
            .all(|c| condition_holds(c, request, None))
}

/// Whether `s`'s principal and action cover `request` (conditions aside): which statements
/// the region analysis reads for an issuer.
pub(crate) fn statement_targets(policy: &Policy, s: &Statement, request: &Request) -> bool {
    let account = resolve_account(policy, request);
    principal_matches(&s.principal, request, account, None)
        && action_matches(&s.action, &request.action_lower, None)
}

fn needs_tag_session(request: &Request) -> bool {
    request.has_session_tags && request.action.eq_ignore_ascii_case(DEFAULT_ACTION)
}

fn action_allowed(policy: &Policy, request: &Request, account: Option<&str>, action: &str) -> bool {
    let applies = |e: Effect| {
        policy
            .statements
            .iter()
            .any(|s| s.effect == e && statement_applies(s, request, account, action))
    };
    applies(Effect::Allow) && !applies(Effect::Deny)
}

/// The account of the caller: given, else that of the policy's provider ARN for the issuer.
fn resolve_account<'a>(policy: &'a Policy, request: &'a Request) -> Option<&'a str> {
    if let Some(account) = &request.account {
        return Some(account);
    }
    policy
        .statements
        .iter()
        .flat_map(|s| s.principal.values.iter())
        .filter(|v| v.kind == PrincipalKind::Federated)
        .find_map(|v| {
            parse_provider_arn(&v.value)
                .filter(|(_, _, p)| p.eq_ignore_ascii_case(&request.issuer))
                .map(|(_, a, _)| a)
        })
}

/// `arn:PARTITION:iam::ACCOUNT:oidc-provider/PROVIDER` → (partition, account, provider).
fn parse_provider_arn(arn: &str) -> Option<(&str, &str, &str)> {
    let mut parts = arn.splitn(6, ':');
    let (scheme, partition, service, region, account, resource) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    let provider = resource.strip_prefix("oidc-provider/")?;
    (scheme == "arn" && service == "iam" && region.is_empty())
        .then_some((partition, account, provider))
}

fn principal_matches(
    spec: &PrincipalSpec,
    request: &Request,
    account: Option<&str>,
    mut trace: Option<&mut ElementTrace>,
) -> bool {
    if spec.any {
        if let Some(t) = trace {
            t.matched = true;
            t.why = "`\"*\"` matches every principal, including any web identity".into();
        }
        return true;
    }
    let mut matched = false;
    for v in &spec.values {
        let hit = match v.kind {
            PrincipalKind::Federated => match parse_provider_arn(&v.value) {
                Some((_, acct, provider)) => {
                    provider.eq_ignore_ascii_case(&request.issuer)
                        && account.is_none_or(|a| a == acct)
                }
                // Only AWS's built-in web identity providers are named without an ARN.
                None => {
                    BUILT_IN_PROVIDERS.contains(&v.value.as_str())
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
        t.why = if matched {
            "the principal names this token's identity provider".into()
        } else if spec.values.iter().any(|v| {
            v.kind == PrincipalKind::Federated && v.value.eq_ignore_ascii_case(&request.issuer)
        }) {
            format!(
                "a provider is named by its ARN, arn:aws:iam::ACCOUNT:oidc-provider/{}",
                request.issuer
            )
        } else if spec.values.iter().any(|v| {
            v.kind == PrincipalKind::Federated
                && provider_of(&v.value).eq_ignore_ascii_case(&request.issuer)
        }) {
            "the principal names this provider in another account".into()
        } else {
            format!("no principal names the provider `{}`", request.issuer)
        };
    }
    matched
}

fn action_matches(
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
        t.why = match (spec.negated, any) {
            (false, true) => "the action is listed".into(),
            (false, false) => "the action is not listed".into(),
            (true, true) => {
                "the action is listed under `NotAction`, so the statement does not cover it".into()
            }
            (true, false) => {
                "`NotAction` covers every action not listed, including this one".into()
            }
        };
    }
    matched
}

/// Policy variables resolve to single-valued context keys, else to their default.
impl Vars for Request {
    fn get<'s>(&'s self, v: &'s crate::pattern::Variable) -> Option<&'s str> {
        match self.lookup(&v.key_lower) {
            Some(k) if k.values.len() == 1 => k.values.first().map(String::as_str),
            _ => v.default.as_deref(),
        }
    }
}

fn resolvable(t: &Template, resolve: &dyn Vars) -> bool {
    t.variables().all(|v| resolve.get(v).is_some())
}

/// Whether one policy value matches one request value (before negation).
fn value_matches(base: BaseOperator, compiled: &Compiled, s: &str, resolve: &dyn Vars) -> bool {
    match compiled {
        Compiled::Text(t) => {
            if !resolvable(t, resolve) {
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
                && segments.iter().all(|t| resolvable(t, resolve))
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

fn condition_holds(c: &Condition, request: &Request, trace: Option<&mut ConditionTrace>) -> bool {
    let resolve: &dyn Vars = request;
    let key = request
        .lookup(&c.key_lower)
        .filter(|k| !k.values.is_empty());
    let op = c.operator;
    let negated = op.base.is_negated();
    let holds = if op.base == BaseOperator::Null {
        c.values.iter().any(
            |v| matches!(v.compiled, Compiled::Null(want_absent) if want_absent == key.is_none()),
        )
    } else {
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
    };
    if let Some(t) = trace {
        fill_condition_trace(
            t,
            c,
            request,
            key.map(|k| k.values.as_slice()),
            holds,
            resolve,
        );
    }
    holds
}

/// Evaluates with a full trace.
pub fn evaluate(policy: &Policy, request: &Request) -> Evaluation {
    let account = resolve_account(policy, request);
    let action = request.action_lower.as_str();
    let mut notes: Vec<Note> = request.notes.clone();
    for a in &policy.assumptions {
        notes.push(Note::assumption(
            a.code,
            a.message.clone(),
            Some(a.pointer.clone()),
        ));
    }
    let mut statements = Vec::with_capacity(policy.statements.len());
    for s in &policy.statements {
        statements.push(trace_statement(s, request, account, action, &mut notes));
    }
    let applying = |e: Effect| {
        statements
            .iter()
            .filter(|t| t.applies && t.effect == e)
            .map(|t| t.index)
            .collect::<Vec<_>>()
    };
    let (denies, allows) = (applying(Effect::Deny), applying(Effect::Allow));
    let names = |idx: &[usize]| {
        idx.iter()
            .map(|i| statement_name(policy, *i))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (decision, reason, summary) = if !denies.is_empty() {
        let s = format!(
            "deny: {} explicitly denies this token (explicit deny beats any allow)",
            names(&denies)
        );
        (
            Decision::Deny,
            DecisionReason::ExplicitDeny { statements: denies },
            s,
        )
    } else if allows.is_empty() {
        (
            Decision::Deny,
            DecisionReason::NoAllow,
            "deny: no Allow statement applies to this token (denied by default)".to_string(),
        )
    } else if needs_tag_session(request) && !action_allowed(policy, request, account, TAG_SESSION) {
        let s = format!("deny: {} allows this token, but it carries session tags and no statement allows `sts:TagSession`", names(&allows));
        (
            Decision::Deny,
            DecisionReason::TagSessionNotAllowed { statements: allows },
            s,
        )
    } else {
        let s = format!("allow: {} allows this token", names(&allows));
        (
            Decision::Allow,
            DecisionReason::Allowed { statements: allows },
            s,
        )
    };
    if request.has_session_tags && decision == Decision::Allow {
        notes.push(Note::info(
            "session-tags",
            "the token carries session tags; the policy also allows `sts:TagSession`".into(),
        ));
    }
    let principal = match (
        &account,
        crate::catalog::Provider::of_issuer(&request.issuer),
    ) {
        (
            _,
            crate::catalog::Provider::Google
            | crate::catalog::Provider::Cognito
            | crate::catalog::Provider::Amazon
            | crate::catalog::Provider::Facebook,
        ) => request.issuer.clone(),
        (Some(a), _) => format!("arn:aws:iam::{a}:oidc-provider/{}", request.issuer),
        (None, _) => format!("arn:aws:iam::ACCOUNT:oidc-provider/{}", request.issuer),
    };
    Evaluation {
        version: TRACE_VERSION,
        decision,
        reason,
        summary,
        request: RequestSummary {
            issuer: request.issuer.clone(),
            principal,
            account_source: if request.account.is_some() {
                "given"
            } else if account.is_some() {
                "policy"
            } else {
                "unknown"
            },
            account: account.map(str::to_string),
            action: request.action.clone(),
            catalog: request.catalog,
            keys: request.keys.clone(),
            unexposed_claims: request.unexposed_claims.clone(),
        },
        statements,
        notes,
        diagnostics: Vec::new(),
        token_header: None,
    }
}

fn statement_name(policy: &Policy, index: usize) -> String {
    match policy.statements.get(index).and_then(|s| s.sid.as_deref()) {
        Some(sid) => format!("statement {index} (`{sid}`)"),
        None => format!("statement {index}"),
    }
}

fn empty_element(location: &crate::source::Location) -> ElementTrace {
    ElementTrace {
        matched: false,
        why: String::new(),
        location: location.clone(),
        values: Vec::new(),
    }
}

fn trace_statement(
    s: &Statement,
    request: &Request,
    account: Option<&str>,
    action: &str,
    notes: &mut Vec<Note>,
) -> StatementTrace {
    let mut principal = empty_element(&s.principal.location);
    let principal_ok = principal_matches(&s.principal, request, account, Some(&mut principal));
    if s.principal
        .values
        .iter()
        .any(|v| v.kind == PrincipalKind::Aws && v.value == "*")
    {
        notes.push(Note::assumption(
            "aws-star-principal",
            "`{\"AWS\": \"*\"}` is taken to match web identities like `\"*\"` does; AWS documents it as all principals".into(),
            Some(s.principal.location.pointer.clone()),
        ));
    }
    let mut action_trace = empty_element(&s.action.location);
    let action_ok = action_matches(&s.action, action, Some(&mut action_trace));
    let mut conditions = Vec::with_capacity(s.conditions.len());
    let mut all = true;
    for c in &s.conditions {
        let mut t = ConditionTrace {
            operator: c.operator_text.clone(),
            key: c.key.clone(),
            satisfied: false,
            why: String::new(),
            request_values: None,
            absence: None,
            location: c.operator_location.clone(),
            key_location: c.key_location.clone(),
            values: Vec::new(),
        };
        all &= condition_holds(c, request, Some(&mut t));
        note_condition_assumptions(c, request, notes);
        conditions.push(t);
    }
    let applies = principal_ok && action_ok && all;
    let failed: Vec<String> = conditions
        .iter()
        .filter(|c| !c.satisfied)
        .map(|c| format!("`{}` on `{}`", c.operator, c.key))
        .collect();
    let summary = if applies {
        format!(
            "applies: this {:?} statement matches the principal, the action and every condition",
            s.effect
        )
    } else {
        let mut why = Vec::new();
        if !principal_ok {
            why.push("the principal does not match".to_string());
        }
        if !action_ok {
            why.push("the action does not match".to_string());
        }
        if !failed.is_empty() {
            why.push(format!("{} failed", failed.join(", ")));
        }
        format!("does not apply: {}", why.join("; "))
    };
    StatementTrace {
        index: s.index,
        sid: s.sid.clone(),
        effect: s.effect,
        location: s.location.clone(),
        applies,
        summary,
        principal,
        action: action_trace,
        conditions,
    }
}

/// Records where the outcome rests on undocumented AWS behaviour (domain.md §7).
fn note_condition_assumptions(c: &Condition, request: &Request, notes: &mut Vec<Note>) {
    let pointer = Some(c.key_location.pointer.clone());
    let key = request.lookup(&c.key_lower);
    let op = c.operator;
    let mut add = |code: &'static str, message: String| {
        if !notes.iter().any(|n| n.code == code && n.pointer == pointer) {
            notes.push(Note::assumption(code, message, pointer.clone()));
        }
    };
    match key {
        None if op.qualifier == Some(SetQualifier::ForAllValues) && op.base.is_negated() => add(
            "forallvalues-negated-absent",
            format!("`{}` on an absent key is taken to be true (the general ForAllValues rule); one AWS example says otherwise", c.operator_text),
        ),
        Some(k) if k.values.len() > 1 && op.qualifier.is_none() && op.base != BaseOperator::Null => add(
            "multivalued-without-set-operator",
            format!("`{}` has {} values and `{}` has no set qualifier; taken to hold when any value matches (negated: when none does)", k.key, k.values.len(), c.operator_text),
        ),
        Some(k) if k.values.iter().any(String::is_empty) => add(
            "empty-claim-present",
            format!("the claim behind `{}` is an empty string; taken as present with the value \"\" (AWS does not document how STS maps empty claims)", k.key),
        ),
        Some(k) if matches!(op.base.family(), Family::Numeric | Family::Date | Family::Bool) && matches!(k.source, crate::request::KeySource::Claim { .. }) => add(
            "typed-operator-on-string-claim",
            format!("`{}` compares the string claim `{}` as a {}; AWS does not document whether it converts the string", c.operator_text, k.key, format!("{:?}", op.base.family()).to_lowercase()),
        ),
        _ => {}
    }
    if let Some((_, claim)) = split_key(&c.key) {
        if exposure(request.catalog, &request.issuer, claim) == Exposure::Unconfirmed
            && key.is_some()
        {
            add("unconfirmed-key", format!("`{}` is treated as a condition key; third-party summaries list it but AWS's text could not be confirmed", c.key));
        }
    }
    if c.values
        .iter()
        .any(|v| matches!(&v.compiled, Compiled::Text(t) if t.has_variables()))
    {
        add("variables-in-trust-policy", format!("policy variables in `{}` are substituted from the request context; AWS has no example of variables inside a trust policy", c.key));
    }
}

fn fill_condition_trace(
    t: &mut ConditionTrace,
    c: &Condition,
    request: &Request,
    values: Option<&[String]>,
    holds: bool,
    resolve: &dyn Vars,
) {
    let op = c.operator;
    let base = op.base;
    t.satisfied = holds;
    t.request_values = values.map(<[String]>::to_vec);
    if values.is_none() {
        t.absence = Some(absence(c, request));
    }
    for v in &c.values {
        let resolved = match &v.compiled {
            Compiled::Text(tpl) if tpl.has_variables() => Some(if resolvable(tpl, resolve) {
                pattern::render(tpl, resolve)
            } else {
                let missing: Vec<&str> = tpl
                    .variables()
                    .filter(|x| resolve.get(x).is_none())
                    .map(|x| x.key.as_str())
                    .collect();
                format!(
                    "(unresolved: `{}` is not in the request)",
                    missing.join("`, `")
                )
            }),
            _ => None,
        };
        match values {
            None => t.values.push(ValueTrace {
                value: v.text.clone(),
                resolved,
                request: None,
                matched: false,
                why: if base == BaseOperator::Null {
                    null_why(&v.compiled, false)
                } else {
                    "not compared: the key is absent".into()
                },
                location: v.location.clone(),
            }),
            Some(request_values) => {
                for s in request_values {
                    let matched = if base == BaseOperator::Null {
                        matches!(v.compiled, Compiled::Null(false))
                    } else {
                        value_matches(base, &v.compiled, s, resolve)
                    };
                    let why = if base == BaseOperator::Null {
                        null_why(&v.compiled, true)
                    } else {
                        explain(base, &v.compiled, s, matched, resolve)
                    };
                    t.values.push(ValueTrace {
                        value: v.text.clone(),
                        resolved: resolved.clone(),
                        request: Some(s.clone()),
                        matched,
                        why,
                        location: v.location.clone(),
                    });
                }
            }
        }
    }
    t.why = condition_why(c, values, holds, t.absence.as_ref());
}

fn null_why(compiled: &Compiled, present: bool) -> String {
    match (compiled, present) {
        (Compiled::Null(true), false) => "`true` asks for the key to be absent, and it is".into(),
        (Compiled::Null(true), true) => {
            "`true` asks for the key to be absent, but it is present".into()
        }
        (Compiled::Null(false), true) => "`false` asks for the key to be present, and it is".into(),
        _ => "`false` asks for the key to be present, but it is absent".into(),
    }
}

fn condition_why(
    c: &Condition,
    values: Option<&[String]>,
    holds: bool,
    absence: Option<&Absence>,
) -> String {
    let op = c.operator;
    let negated = op.base.is_negated();
    if op.base == BaseOperator::Null {
        return if holds {
            "the key's presence is as required".into()
        } else {
            "the key's presence is not as required".into()
        };
    }
    let Some(values) = values else {
        let why_absent = absence.map(describe_absence).unwrap_or_default();
        let rule = if op.if_exists {
            "`IfExists` makes the condition true when the key is absent".to_string()
        } else {
            match op.qualifier {
                Some(SetQualifier::ForAllValues) => "`ForAllValues` is true when the key is absent, so this condition constrains nothing here".into(),
                Some(SetQualifier::ForAnyValue) => "`ForAnyValue` is false when the key is absent".into(),
                None if negated => "a negated operator is true when the key is absent, so this condition constrains nothing here".into(),
                None => "a positive operator is false when the key is absent".into(),
            }
        };
        return format!("{why_absent}; {rule}");
    };
    let n = values.len();
    match (op.qualifier, negated, holds) {
        (Some(SetQualifier::ForAllValues), false, true) => {
            format!("every request value ({n}) matches a policy value")
        }
        (Some(SetQualifier::ForAllValues), false, false) => {
            "a request value matches no policy value".into()
        }
        (Some(SetQualifier::ForAllValues), true, true) => {
            "no request value matches any policy value".into()
        }
        (Some(SetQualifier::ForAllValues), true, false) => {
            "a request value matches a policy value".into()
        }
        (Some(SetQualifier::ForAnyValue), false, true) => {
            "a request value matches a policy value".into()
        }
        (Some(SetQualifier::ForAnyValue), false, false) => {
            "no request value matches any policy value".into()
        }
        (Some(SetQualifier::ForAnyValue), true, true) => {
            "a request value matches none of the policy values".into()
        }
        (Some(SetQualifier::ForAnyValue), true, false) => {
            "every request value matches a policy value".into()
        }
        (None, false, true) => "the request value matches a policy value (values are OR-ed)".into(),
        (None, false, false) => format!(
            "the request value matches none of the {} policy value(s)",
            c.values.len()
        ),
        (None, true, true) => {
            "the request value matches none of the policy values, as the negated operator requires"
                .into()
        }
        (None, true, false) => {
            "the request value matches a policy value, which the negated operator forbids".into()
        }
    }
}

fn describe_absence(a: &Absence) -> String {
    match a {
        Absence::ClaimMissing { claim } => format!("the token has no `{claim}` claim, so the key is absent"),
        Absence::ClaimNotExposed { claim } => format!("the token has a `{claim}` claim, but AWS does not expose it as a condition key for this issuer, so the key is absent"),
        Absence::ClaimNotAValue { claim } => format!("the `{claim}` claim is not a string, number, boolean or list, so the key is absent"),
        Absence::OtherIssuer { issuer } => format!("the key belongs to the issuer `{issuer}`, not this token's, so it is absent"),
        Absence::TimeNotGiven => "no evaluation time was given, so the time key is absent".into(),
        Absence::NotGiven => "oidc-trust does not derive this key from a token and none was given, so it is absent".into(),
    }
}

fn absence(c: &Condition, request: &Request) -> Absence {
    let Some((prefix, claim)) = split_key(&c.key) else {
        return Absence::NotGiven;
    };
    if prefix.eq_ignore_ascii_case(&request.issuer) {
        let found = request
            .claims
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(claim));
        return match found {
            None => Absence::ClaimMissing {
                claim: claim.to_string(),
            },
            Some((name, ClaimValue::Object(_) | ClaimValue::Null)) => Absence::ClaimNotAValue {
                claim: name.to_string(),
            },
            Some((name, _)) => {
                if request.all_claims_are_keys
                    || exposure(request.catalog, &request.issuer, name) != Exposure::No
                {
                    Absence::ClaimMissing {
                        claim: claim.to_string(),
                    }
                } else {
                    Absence::ClaimNotExposed {
                        claim: name.to_string(),
                    }
                }
            }
        };
    }
    if prefix.contains('.') {
        return Absence::OtherIssuer {
            issuer: prefix.to_string(),
        };
    }
    if c.key.eq_ignore_ascii_case("aws:CurrentTime") || c.key.eq_ignore_ascii_case("aws:EpochTime")
    {
        return Absence::TimeNotGiven;
    }
    Absence::NotGiven
}

/// Explains one comparison in words.
fn explain(
    base: BaseOperator,
    compiled: &Compiled,
    s: &str,
    matched: bool,
    resolve: &dyn Vars,
) -> String {
    match compiled {
        Compiled::Text(t) => explain_text(base, t, s, matched, resolve),
        Compiled::Number(n) => match parse_number(s) {
            None => format!("`{s}` is not a number, so it matches no numeric value"),
            Some(_) => format!(
                "{s} {} {}",
                if matched {
                    "satisfies"
                } else {
                    "does not satisfy"
                },
                show_number(*n)
            ),
        },
        Compiled::Date(_) => match parse_date(s) {
            None => format!("`{s}` is not a date, so it matches no date value"),
            Some(_) => (if matched {
                "the date comparison holds"
            } else {
                "the date comparison does not hold"
            })
            .into(),
        },
        Compiled::Bool(b) => match parse_bool(s) {
            None => format!("`{s}` is not true or false"),
            Some(v) => format!(
                "{v} {} {b}",
                if matched { "equals" } else { "differs from" }
            ),
        },
        Compiled::Ip(_) => match s.trim().parse::<IpAddr>() {
            Err(_) => format!("`{s}` is not an IP address"),
            Ok(_) => (if matched {
                "the address is in the range"
            } else {
                "the address is outside the range"
            })
            .into(),
        },
        Compiled::Binary(_) => (if matched {
            "the bytes are equal"
        } else {
            "the bytes differ"
        })
        .into(),
        Compiled::Arn(_) => {
            if s.splitn(6, ':').count() < 6 {
                format!("`{s}` is not an ARN (it has fewer than six `:`-separated parts)")
            } else if matched {
                "every ARN segment matches".into()
            } else {
                "an ARN segment does not match (ARN operators compare segment by segment, so `*` never spans `:`)".into()
            }
        }
        Compiled::Null(_) => String::new(),
    }
}

/// A policy number for messages, without Rust's float formatting (which costs the
/// WebAssembly build ~12 KB): integers as integers, others to six decimals.
fn show_number(x: f64) -> String {
    if x.is_finite() && x.fract() == 0.0 && x.abs() < 9.0e15 {
        return (x as i64).to_string();
    }
    if !x.is_finite() {
        return if x.is_nan() {
            "NaN".into()
        } else if x > 0.0 {
            "infinity".into()
        } else {
            "-infinity".into()
        };
    }
    let sign = if x < 0.0 { "-" } else { "" };
    let scaled = (x.abs() * 1_000_000.0).round();
    if scaled >= 9.0e15 {
        return format!("{sign}{}", (x.abs().round()) as u64);
    }
    let scaled = scaled as u64;
    let frac = format!("{:06}", scaled % 1_000_000);
    format!(
        "{sign}{}.{}",
        scaled / 1_000_000,
        frac.trim_end_matches('0')
    )
    .trim_end_matches('.')
    .to_string()
}

fn explain_text(
    base: BaseOperator,
    t: &Template,
    s: &str,
    matched: bool,
    resolve: &dyn Vars,
) -> String {
    if !resolvable(t, resolve) {
        return "a policy variable is not in the request, so this value cannot match".into();
    }
    if base.has_wildcards() {
        let mut captures = Vec::new();
        if pattern::glob(t, s, resolve, Some(&mut captures)) {
            let spans: Vec<&String> = captures
                .iter()
                .filter(|c| c.contains(':') || c.contains('/'))
                .collect();
            return match (captures.is_empty(), spans.first()) {
                (true, _) => "equal (no wildcard)".into(),
                (false, Some(c)) => format!(
                    "matches: `*` stands for `{c}`, which spans `{}`",
                    if c.contains(':') { ":" } else { "/" }
                ),
                (false, None) => format!(
                    "matches: `*` stands for {}",
                    captures
                        .iter()
                        .map(|c| format!("`{c}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
        }
        let lowered = Template {
            parts: t
                .parts
                .iter()
                .map(|p| match p {
                    Part::Lit(l) => Part::Lit(l.to_lowercase()),
                    other => other.clone(),
                })
                .collect(),
        };
        if pattern::glob(&lowered, &s.to_lowercase(), resolve, None) {
            return "does not match: the letter case differs (StringLike is case-sensitive)".into();
        }
        return "does not match the pattern".into();
    }
    if matched {
        return if base.ignores_case() && !pattern::equals(t, s, false, resolve) {
            "equal ignoring case".into()
        } else {
            "equal".into()
        };
    }
    if !base.ignores_case() && pattern::equals(t, s, true, resolve) {
        return "differs only in letter case (this operator is case-sensitive)".into();
    }
    let rendered = pattern::render(t, resolve);
    if base.family() == Family::String && (rendered.contains('*') || rendered.contains('?')) {
        let as_glob = Template::parse(&rendered, true, false);
        if pattern::glob(&as_glob, s, resolve, None) {
            return format!(
                "differs: `*` and `?` are literal characters under `{}`; `StringLike` would match",
                base.name()
            );
        }
    }
    let common = rendered
        .chars()
        .zip(s.chars())
        .take_while(|(a, b)| a == b)
        .count();
    let policy_rest: String = rendered.chars().skip(common).take(24).collect();
    let token_rest: String = s.chars().skip(common).take(24).collect();
    match (policy_rest.is_empty(), token_rest.is_empty()) {
        (true, false) => {
            format!("differs: the token's value continues after the policy's with `{token_rest}`")
        }
        (false, true) => format!(
            "differs: the token's value stops where the policy's continues with `{policy_rest}`"
        ),
        _ => format!(
            "differs at character {}: the policy has `{policy_rest}`, the token has `{token_rest}`",
            common + 1
        ),
    }
}
