//! The full evaluation: the matcher's rules run again with a trace, statement by statement,
//! with the notes that say where AWS's behaviour is assumed.

use crate::ci::Provider;
use crate::eval::explain;
use crate::eval::matcher::{
    action_matches, condition_holds_for, condition_key, principal_matches, resolve_account,
    resolve_role, resource_matches, value_matches, Applying,
};
use crate::eval::trace::*;
use crate::policy::model::split_key;
use crate::policy::model::*;
use crate::policy::operator::{BaseOperator, Family, SetQualifier};
use crate::policy::pattern::{self, Vars};
use crate::request::catalog::{exposure, Exposure};
use crate::request::claims::ClaimValue;
use crate::request::context::Request;
use crate::text::note::Note;

/// Evaluates with a full trace: every statement, principal, action, condition and value
/// compared, with why it matched or not, and the notes on assumptions made.
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
/// let evaluation = oidc_trust::evaluate(&policy, &request);
/// assert_eq!(evaluation.decision, oidc_trust::Decision::Allow);
/// let condition = &evaluation.statements[0].conditions[0];
/// assert!(condition.satisfied);
/// assert_eq!(condition.values[0].why, "matches: `*` stands for `pull_request`");
/// # Ok::<(), oidc_trust::Diagnostic>(())
/// ```
pub fn evaluate(policy: &Policy, request: &Request) -> Evaluation {
    let account = resolve_account(policy, request);
    let role = resolve_role(policy, request);
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
        statements.push(trace_statement(
            s, request, account, role, action, &mut notes,
        ));
    }
    if policy.has_rcps() {
        notes.push(Note::info(
            "rcp-scope",
            "RCPs restrict roles in the organisation's member accounts: a role in the management account, or a service-linked role, is not restricted by them".into(),
        ));
    }
    // The reason comes from the same sorting as `verdict`'s: the two cannot disagree.
    // Traces are in the policy's order: the one at a statement's position is its own.
    let applying = Applying::sort(policy, |at, _| {
        statements.get(at).is_some_and(|t| t.applies)
    });
    let (decision, reason) = applying.reason(policy, request, account, role);
    let names = |idx: &[usize]| {
        idx.iter()
            .map(|i| statement_name(policy, *i))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let summary = match &reason {
        DecisionReason::ExplicitDeny { statements } => {
            let also = if applying.rcp_denies.is_empty() {
                String::new()
            } else {
                format!("; {} denies it too", names(&applying.rcp_denies))
            };
            format!(
                "deny: {} explicitly denies this token (explicit deny beats any allow){also}",
                names(statements)
            )
        }
        DecisionReason::RcpDeny { statements } => {
            let what = if applying.rcp_denies.is_empty() {
                "the session tags this token carries (`sts:TagSession`)"
            } else {
                "this token"
            };
            let trust = if applying.allows.is_empty() {
                "no Allow statement of the trust policy applies either".to_string()
            } else {
                format!(
                    "the trust policy alone would allow it ({})",
                    names(&applying.allows)
                )
            };
            format!(
                "deny: {} denies {what}: the organisation's guardrail decides; {trust}",
                names(statements)
            )
        }
        DecisionReason::NoAllow => {
            "deny: no Allow statement applies to this token (denied by default)".to_string()
        }
        DecisionReason::TagSessionNotAllowed { statements } => format!("deny: {} allows this token, but it carries session tags and no statement allows `sts:TagSession`", names(statements)),
        DecisionReason::Allowed { statements } => {
            format!("allow: {} allows this token", names(statements))
        }
    };
    if request.has_session_tags && decision == Decision::Allow {
        notes.push(Note::info(
            "session-tags",
            "the token carries session tags; the policy also allows `sts:TagSession`".into(),
        ));
    }
    let principal = match (&account, Provider::of_issuer(&request.issuer)) {
        (_, provider) if provider.is_built_in() => request.issuer.clone(),
        (Some(a), _) => format!("arn:aws:iam::{a}:oidc-provider/{}", request.issuer),
        (None, _) => format!("arn:aws:iam::ACCOUNT:oidc-provider/{}", request.issuer),
    };
    Evaluation {
        version: TRACE_VERSION_1,
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
    let statement = policy.statements.get(index);
    if let Some(rcp) = statement.and_then(|s| s.rcp.as_ref()) {
        return rcp.describe();
    }
    match statement.and_then(|s| s.sid.as_deref()) {
        Some(sid) => format!("statement {index} (`{sid}`)"),
        None => format!("statement {index}"),
    }
}

fn empty_element(location: &crate::text::source::Location) -> ElementTrace {
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
    role: Option<&str>,
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
    let mut resource = s.resource.as_ref().map(|r| empty_element(&r.location));
    let resource_ok = resource_matches(s.resource.as_ref(), role, resource.as_mut());
    if resource_ok.is_none() {
        notes.push(Note::warning(
            "rcp-role-unknown",
            format!(
                "{} covers only some roles, and which role is assumed is unknown (or its `Resource` has policy variables), so it is not counted; give the role's ARN (--role-arn) to decide it",
                s.rcp.as_ref().map(|r| r.describe()).unwrap_or_else(|| "a statement".into())
            ),
        ));
    }
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
        let key = condition_key(c, request);
        let holds = condition_holds_for(c, key, request);
        fill_condition_trace(
            &mut t,
            c,
            request,
            key.map(|k| k.values.as_slice()),
            holds,
            request,
        );
        all &= holds;
        note_condition_assumptions(c, request, notes);
        conditions.push(t);
    }
    let applies = principal_ok && action_ok && resource_ok == Some(true) && all;
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
        match resource_ok {
            Some(false) => why.push("the resource does not cover this role".to_string()),
            None => why.push("whether the resource covers this role is unknown".to_string()),
            Some(true) => {}
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
        resource,
        conditions,
        rcp: s.rcp.clone(),
    }
}

/// Records where the outcome rests on undocumented AWS behaviour (domain.md §7).
fn note_condition_assumptions(c: &Condition, request: &Request, notes: &mut Vec<Note>) {
    let pointer = Some(c.key_location.pointer.clone());
    let key = request.lookup(&c.key_lower);
    let op = c.operator;
    let mut note = |code: &'static str, message: String| {
        if !notes.iter().any(|n| n.code == code && n.pointer == pointer) {
            notes.push(Note::assumption(code, message, pointer.clone()));
        }
    };
    match key {
        None if op.qualifier == Some(SetQualifier::ForAllValues) && op.base.is_negated() => note(
            "forallvalues-negated-absent",
            format!("`{}` on an absent key is taken to be true (the general ForAllValues rule); one AWS example says otherwise", c.operator_text),
        ),
        Some(k) if k.values.len() > 1 && op.qualifier.is_none() && op.base != BaseOperator::Null => note(
            "multivalued-without-set-operator",
            format!("`{}` has {} values and `{}` has no set qualifier; taken to hold when any value matches (negated: when none does)", k.key, k.values.len(), c.operator_text),
        ),
        Some(k) if k.values.iter().any(String::is_empty) => note(
            "empty-claim-present",
            format!("the claim behind `{}` is an empty string; taken as present with the value \"\" (AWS does not document how STS maps empty claims)", k.key),
        ),
        Some(k) if matches!(op.base.family(), Family::Numeric | Family::Date | Family::Bool) && matches!(k.source, crate::request::context::KeySource::Claim { .. }) => note(
            "typed-operator-on-string-claim",
            format!("`{}` compares the string claim `{}` as a {}; AWS does not document whether it converts the string", c.operator_text, k.key, format!("{:?}", op.base.family()).to_lowercase()),
        ),
        _ => {}
    }
    if let Some((_, claim)) = split_key(&c.key) {
        if exposure(request.catalog, &request.issuer, claim) == Exposure::Unconfirmed
            && key.is_some()
        {
            note("unconfirmed-key", format!("`{}` is treated as a condition key; third-party summaries list it but AWS's text could not be confirmed", c.key));
        }
    }
    if c.values
        .iter()
        .any(|v| matches!(&v.compiled, Compiled::Text(t) if t.has_variables()))
    {
        note("variables-in-trust-policy", format!("policy variables in `{}` are substituted from the request context; AWS has no example of variables inside a trust policy", c.key));
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
            Compiled::Text(tpl) if tpl.has_variables() => Some(if tpl.resolvable(resolve) {
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
                    explain::null(&v.compiled, false)
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
                        explain::null(&v.compiled, true)
                    } else {
                        explain::comparison(base, &v.compiled, s, matched, resolve)
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
    t.why = explain::condition(c, values, holds, t.absence.as_ref());
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
