//! Condition and statement semantics. Each test cites the domain.md section it follows.

use oidc_trust::{
    evaluate, parse_policy, read_claims, Decision, NoteLevel, Request, RequestOptions,
};
use serde_json::{json, Value};

const GH: &str = "token.actions.githubusercontent.com";
const ARN: &str = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";

fn claims(extra: Value) -> Value {
    let mut c = json!({"iss": format!("https://{GH}"), "aud": "sts.amazonaws.com", "sub": "repo:acme/api:ref:refs/heads/main", "ref": "refs/heads/main", "event_name": "push"});
    if let (Value::Object(c), Value::Object(extra)) = (&mut c, extra) {
        c.extend(extra);
    }
    c
}

fn statement(condition: Value) -> Value {
    json!({"Effect": "Allow", "Principal": {"Federated": ARN}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": condition})
}

fn run(policy: Value, claims: Value, options: &RequestOptions) -> oidc_trust::Evaluation {
    let parsed = parse_policy(&policy.to_string());
    let policy = parsed
        .policy
        .unwrap_or_else(|| panic!("{:#?}", parsed.diagnostics));
    let claims = read_claims(&claims.to_string()).unwrap();
    let request = Request::new(&claims, options).unwrap();
    let e = evaluate(&policy, &request);
    assert_eq!(oidc_trust::decide(&policy, &request), e.decision);
    e
}

/// The decision for one Allow statement with `condition`, against the default claims plus `extra`.
fn decide(condition: Value, extra: Value) -> Decision {
    run(
        json!({"Version": "2012-10-17", "Statement": [statement(condition)]}),
        claims(extra),
        &RequestOptions::default(),
    )
    .decision
}

fn k(claim: &str) -> String {
    format!("{GH}:{claim}")
}

use Decision::{Allow, Deny};

// §2.2: StringEquals is exact and case-sensitive; `*` is literal.
#[test]
fn string_equals() {
    assert_eq!(
        decide(
            json!({"StringEquals": {k("sub"): "repo:acme/api:ref:refs/heads/main"}}),
            json!({})
        ),
        Allow
    );
    assert_eq!(
        decide(
            json!({"StringEquals": {k("sub"): "repo:ACME/api:ref:refs/heads/main"}}),
            json!({})
        ),
        Deny
    );
    assert_eq!(
        decide(
            json!({"StringEquals": {k("sub"): "repo:acme/*"}}),
            json!({})
        ),
        Deny
    );
    assert_eq!(
        decide(
            json!({"StringEquals": {k("sub"): "repo:acme/*"}}),
            json!({"sub": "repo:acme/*"})
        ),
        Allow
    );
    assert_eq!(
        decide(
            json!({"StringEqualsIgnoreCase": {k("sub"): "REPO:ACME/API:REF:REFS/HEADS/MAIN"}}),
            json!({})
        ),
        Allow
    );
}

// §2.2: StringLike's `*` spans `:` and `/` and may be empty; `?` is one character.
#[test]
fn string_like() {
    assert_eq!(
        decide(json!({"StringLike": {k("sub"): "repo:acme/*"}}), json!({})),
        Allow
    );
    assert_eq!(
        decide(
            json!({"StringLike": {k("sub"): "repo:acme/api:ref:refs/heads/main*"}}),
            json!({})
        ),
        Allow
    );
    assert_eq!(
        decide(
            json!({"StringLike": {k("sub"): "repo:acme/api:ref:refs/heads/mai?"}}),
            json!({})
        ),
        Allow
    );
    assert_eq!(
        decide(
            json!({"StringLike": {k("sub"): "repo:acme/api:ref:refs/heads/ma?"}}),
            json!({})
        ),
        Deny
    );
    assert_eq!(
        decide(json!({"StringLike": {k("sub"): "repo:Acme/*"}}), json!({})),
        Deny
    );
}

// §2.1: values of one key are OR-ed; keys and operators are AND-ed.
#[test]
fn combination_rules() {
    assert_eq!(
        decide(
            json!({"StringEquals": {k("sub"): ["x", "repo:acme/api:ref:refs/heads/main"]}}),
            json!({})
        ),
        Allow
    );
    assert_eq!(
        decide(
            json!({"StringEquals": {k("sub"): "repo:acme/api:ref:refs/heads/main", k("aud"): "other"}}),
            json!({})
        ),
        Deny
    );
    assert_eq!(
        decide(
            json!({"StringEquals": {k("aud"): "sts.amazonaws.com"}, "StringLike": {k("sub"): "nope*"}}),
            json!({})
        ),
        Deny
    );
}

// §2.1: a negated operator with several values is a NOR, and true on an absent key.
#[test]
fn negated_operators() {
    assert_eq!(
        decide(
            json!({"StringNotEquals": {k("sub"): ["a", "b"]}}),
            json!({})
        ),
        Allow
    );
    assert_eq!(
        decide(
            json!({"StringNotEquals": {k("sub"): ["a", "repo:acme/api:ref:refs/heads/main"]}}),
            json!({})
        ),
        Deny
    );
    assert_eq!(
        decide(
            json!({"StringNotLike": {k("environment"): "prod*"}}),
            json!({})
        ),
        Allow
    );
    assert_eq!(
        decide(
            json!({"StringNotLike": {k("sub"): "*:pull_request"}}),
            json!({})
        ),
        Allow
    );
    assert_eq!(
        decide(
            json!({"StringNotLike": {k("sub"): "*:pull_request"}}),
            json!({"sub": "repo:acme/api:pull_request"})
        ),
        Deny
    );
}

// §2.1, §2.2: absent keys: positive false, IfExists true, Null tests presence.
#[test]
fn absent_keys_if_exists_and_null() {
    assert_eq!(
        decide(
            json!({"StringEquals": {k("environment"): "prod"}}),
            json!({})
        ),
        Deny
    );
    assert_eq!(
        decide(
            json!({"StringEqualsIfExists": {k("environment"): "prod"}}),
            json!({})
        ),
        Allow
    );
    assert_eq!(
        decide(
            json!({"StringEqualsIfExists": {k("environment"): "prod"}}),
            json!({"environment": "dev"})
        ),
        Deny
    );
    assert_eq!(
        decide(json!({"Null": {k("environment"): "true"}}), json!({})),
        Allow
    );
    assert_eq!(
        decide(json!({"Null": {k("environment"): "false"}}), json!({})),
        Deny
    );
    assert_eq!(
        decide(
            json!({"Null": {k("environment"): "false"}}),
            json!({"environment": "prod"})
        ),
        Allow
    );
}

// §2.3: ForAllValues is vacuously true on an absent key; ForAnyValue is false.
#[test]
fn set_operators() {
    assert_eq!(
        decide(
            json!({"ForAllValues:StringEquals": {k("environment"): "prod"}}),
            json!({})
        ),
        Allow
    );
    assert_eq!(
        decide(
            json!({"ForAnyValue:StringEquals": {k("environment"): "prod"}}),
            json!({})
        ),
        Deny
    );
    assert_eq!(
        decide(
            json!({"ForAllValues:StringEquals": {k("aud"): ["a", "b"]}}),
            json!({"aud": ["a", "b"]})
        ),
        Allow
    );
    assert_eq!(
        decide(
            json!({"ForAllValues:StringEquals": {k("aud"): ["a"]}}),
            json!({"aud": ["a", "b"]})
        ),
        Deny
    );
    assert_eq!(
        decide(
            json!({"ForAnyValue:StringEquals": {k("aud"): ["b"]}}),
            json!({"aud": ["a", "b"]})
        ),
        Allow
    );
    assert_eq!(
        decide(
            json!({"ForAnyValue:StringNotEquals": {k("aud"): ["a"]}}),
            json!({"aud": ["a", "b"]})
        ),
        Allow
    );
    assert_eq!(
        decide(
            json!({"ForAllValues:StringNotEquals": {k("aud"): ["a"]}}),
            json!({"aud": ["a", "b"]})
        ),
        Deny
    );
}

// §3.4: a claim AWS does not expose is absent: positive never matches, negated always passes.
#[test]
fn unexposed_claims_are_absent() {
    assert_eq!(
        decide(
            json!({"StringEquals": {k("event_name"): "push"}}),
            json!({})
        ),
        Deny
    );
    assert_eq!(
        decide(
            json!({"StringNotEquals": {k("event_name"): "push"}}),
            json!({})
        ),
        Allow
    );
    assert_eq!(
        decide(
            json!({"StringEquals": {k("iss"): format!("https://{GH}")}}),
            json!({})
        ),
        Deny
    );
    let what_if = RequestOptions {
        all_claims_are_keys: true,
        ..RequestOptions::default()
    };
    let policy = json!({"Version": "2012-10-17", "Statement": [statement(json!({"StringEquals": {k("event_name"): "push"}}))]});
    assert_eq!(run(policy, claims(json!({})), &what_if).decision, Allow);
}

// §3.3: the 2026 provider keys exist in the current catalog, not in the 2023 one.
#[test]
fn catalog_versions() {
    let policy = json!({"Version": "2012-10-17", "Statement": [statement(json!({"StringEquals": {k("repository_id"): "74"}}))]});
    let c = claims(json!({"repository_id": "74"}));
    assert_eq!(
        run(policy.clone(), c.clone(), &RequestOptions::default()).decision,
        Allow
    );
    let old = RequestOptions {
        catalog: oidc_trust::CatalogVersion::V2023,
        ..RequestOptions::default()
    };
    assert_eq!(run(policy, c, &old).decision, Deny);
}

// §1.6: condition key names are case-insensitive.
#[test]
fn key_names_are_case_insensitive() {
    assert_eq!(
        decide(
            json!({"StringEquals": {"Token.Actions.GitHubUserContent.com:SUB": "repo:acme/api:ref:refs/heads/main"}}),
            json!({})
        ),
        Allow
    );
}

// §2.4: policy variables are substituted under 2012-10-17 only; `${*}` is a literal star.
#[test]
fn policy_variables() {
    let cond = json!({"StringEquals": {k("sub"): format!("repo:acme/api:ref:${{{GH}:ref}}")}});
    assert_eq!(decide(cond.clone(), json!({})), Allow);
    let v2008 = json!({"Version": "2008-10-17", "Statement": [statement(cond)]});
    assert_eq!(
        run(v2008, claims(json!({})), &RequestOptions::default()).decision,
        Deny
    );
    assert_eq!(
        decide(
            json!({"StringLike": {k("sub"): "repo:acme/${*}"}}),
            json!({})
        ),
        Deny
    );
    assert_eq!(
        decide(
            json!({"StringLike": {k("sub"): "repo:acme/${*}"}}),
            json!({"sub": "repo:acme/*"})
        ),
        Allow
    );
    // An absent variable makes a positive operator fail, and its default applies when given.
    assert_eq!(
        decide(
            json!({"StringEquals": {k("sub"): "${aws:username}"}}),
            json!({})
        ),
        Deny
    );
    assert_eq!(
        decide(
            json!({"StringEquals": {k("aud"): "${aws:username, 'sts.amazonaws.com'}"}}),
            json!({})
        ),
        Allow
    );
}

// §2.2: numeric, date, bool, IP, ARN and binary families.
#[test]
fn typed_operators() {
    assert_eq!(
        decide(
            json!({"NumericEquals": {k("repository_id"): 74}}),
            json!({"repository_id": "74"})
        ),
        Allow
    );
    assert_eq!(
        decide(
            json!({"NumericLessThan": {k("repository_id"): "50"}}),
            json!({"repository_id": "74"})
        ),
        Deny
    );
    assert_eq!(
        decide(
            json!({"NumericGreaterThanEquals": {k("repository_id"): "74"}}),
            json!({"repository_id": "74"})
        ),
        Allow
    );
    let at = |t: &str| RequestOptions {
        now: oidc_trust::support::parse_timestamp(t),
        ..RequestOptions::default()
    };
    let p = json!({"Version": "2012-10-17", "Statement": [statement(json!({"DateLessThan": {"aws:CurrentTime": "2027-01-01T00:00:00Z"}}))]});
    assert_eq!(
        run(p.clone(), claims(json!({})), &at("2026-11-22T10:00:00Z")).decision,
        Allow
    );
    assert_eq!(
        run(p.clone(), claims(json!({})), &at("2027-06-01T00:00:00Z")).decision,
        Deny
    );
    assert_eq!(
        run(p, claims(json!({})), &RequestOptions::default()).decision,
        Deny,
        "no time: key absent"
    );
    let ip = |addr: &str| RequestOptions {
        context: vec![("aws:SourceIp".into(), vec![addr.into()])],
        ..RequestOptions::default()
    };
    let p = json!({"Version": "2012-10-17", "Statement": [statement(json!({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}))]});
    assert_eq!(
        run(p.clone(), claims(json!({})), &ip("203.0.113.7")).decision,
        Allow
    );
    assert_eq!(
        run(p, claims(json!({})), &ip("198.51.100.1")).decision,
        Deny
    );
    assert_eq!(
        decide(json!({"Bool": {k("ref_protected"): "true"}}), json!({})),
        Deny,
        "not a GitHub key"
    );
    let p = json!({"Version": "2012-10-17", "Statement": [statement(json!({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/ci-*"}}))]});
    let arn = |a: &str| RequestOptions {
        context: vec![("aws:PrincipalArn".into(), vec![a.into()])],
        ..RequestOptions::default()
    };
    assert_eq!(
        run(
            p.clone(),
            claims(json!({})),
            &arn("arn:aws:iam::123456789012:role/ci-deploy")
        )
        .decision,
        Allow
    );
    assert_eq!(
        run(
            p,
            claims(json!({})),
            &arn("arn:aws:iam::123456789012:user/ci-deploy")
        )
        .decision,
        Deny
    );
    assert_eq!(
        decide(
            json!({"BinaryEquals": {k("sub"): "cmVwbzphY21lL2FwaTpyZWY6cmVmcy9oZWFkcy9tYWlu"}}),
            json!({"sub": "cmVwbzphY21lL2FwaTpyZWY6cmVmcy9oZWFkcy9tYWlu"})
        ),
        Allow
    );
}

// §2.5: explicit Deny beats Allow; no applicable Allow means deny; principal and action must match.
#[test]
fn statement_logic() {
    let allow = statement(json!({"StringLike": {k("sub"): "repo:acme/*"}}));
    let deny = json!({"Effect": "Deny", "Principal": "*", "Action": "sts:*", "Condition": {"StringLike": {k("sub"): "*:ref:refs/heads/main"}}});
    let e = run(
        json!({"Version": "2012-10-17", "Statement": [allow.clone(), deny]}),
        claims(json!({})),
        &RequestOptions::default(),
    );
    assert_eq!(e.decision, Deny);
    assert!(matches!(
        e.reason,
        oidc_trust::DecisionReason::ExplicitDeny { .. }
    ));
    let other_provider = json!({"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/gitlab.com"}, "Action": "sts:AssumeRoleWithWebIdentity"});
    assert_eq!(
        run(
            json!({"Version": "2012-10-17", "Statement": [other_provider]}),
            claims(json!({})),
            &RequestOptions::default()
        )
        .decision,
        Deny
    );
    let other_account = RequestOptions {
        account: Some("999999999999".into()),
        ..RequestOptions::default()
    };
    assert_eq!(
        run(
            json!({"Version": "2012-10-17", "Statement": [allow.clone()]}),
            claims(json!({})),
            &other_account
        )
        .decision,
        Deny
    );
    let bare_host = json!({"Effect": "Allow", "Principal": {"Federated": GH}, "Action": "sts:AssumeRoleWithWebIdentity"});
    assert_eq!(
        run(
            json!({"Version": "2012-10-17", "Statement": [bare_host]}),
            claims(json!({})),
            &RequestOptions::default()
        )
        .decision,
        Deny
    );
    let wildcard_action =
        json!({"Effect": "Allow", "Principal": {"Federated": ARN}, "Action": "STS:AssumeRole*"});
    assert_eq!(
        run(
            json!({"Version": "2012-10-17", "Statement": [wildcard_action]}),
            claims(json!({})),
            &RequestOptions::default()
        )
        .decision,
        Allow
    );
    let not_action =
        json!({"Effect": "Allow", "Principal": {"Federated": ARN}, "NotAction": "sts:TagSession"});
    assert_eq!(
        run(
            json!({"Version": "2012-10-17", "Statement": [not_action]}),
            claims(json!({})),
            &RequestOptions::default()
        )
        .decision,
        Allow
    );
    let tag = RequestOptions {
        action: Some("sts:TagSession".into()),
        ..RequestOptions::default()
    };
    assert_eq!(
        run(
            json!({"Version": "2012-10-17", "Statement": [allow]}),
            claims(json!({})),
            &tag
        )
        .decision,
        Deny
    );
}

// §1.4: a token with session tags also needs sts:TagSession.
#[test]
fn session_tags_need_tag_session() {
    let tags = json!({"https://aws.amazon.com/tags": {"principal_tags": {"team": ["payments"]}, "transitive_tag_keys": ["team"]}});
    let only_assume = json!({"Version": "2012-10-17", "Statement": [statement(json!({"StringEquals": {"aws:RequestTag/team": "payments"}}))]});
    let e = run(
        only_assume,
        claims(tags.clone()),
        &RequestOptions::default(),
    );
    assert_eq!(e.decision, Deny);
    assert!(matches!(
        e.reason,
        oidc_trust::DecisionReason::TagSessionNotAllowed { .. }
    ));
    let both = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": ARN}, "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"]}]});
    assert_eq!(
        run(both, claims(tags), &RequestOptions::default()).decision,
        Allow
    );
}

// §7: undocumented behaviour is marked as an assumption in the trace.
#[test]
fn assumptions_are_marked() {
    let dup = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:acme/api:ref:refs/heads/main"}, "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}}]}"#;
    let parsed = parse_policy(dup);
    assert!(parsed.diagnostics.iter().any(|d| d.code == "duplicate-key"));
    let policy = parsed.policy.unwrap();
    let c = read_claims(&claims(json!({"sub": "repo:evil/x:ref:refs/heads/main"})).to_string())
        .unwrap();
    let e = evaluate(
        &policy,
        &Request::new(&c, &RequestOptions::default()).unwrap(),
    );
    assert_eq!(
        e.decision, Allow,
        "the last duplicate is evaluated: the sub condition is lost"
    );
    assert!(e
        .notes
        .iter()
        .any(|n| n.level == NoteLevel::Assumption && n.code == "duplicate-key-last-wins"));
    let e = run(
        json!({"Version": "2012-10-17", "Statement": [statement(json!({"StringEquals": {k("aud"): "a"}}))]}),
        claims(json!({"aud": ["a", "b"]})),
        &RequestOptions::default(),
    );
    assert!(e
        .notes
        .iter()
        .any(|n| n.code == "multivalued-without-set-operator"));
}

// §3.2: the trace says why a key is absent.
#[test]
fn absence_reasons_in_the_trace() {
    let e = run(
        json!({"Version": "2012-10-17", "Statement": [statement(json!({"StringEquals": {k("event_name"): "push", k("environment"): "prod", "gitlab.com:sub": "x"}}))]}),
        claims(json!({})),
        &RequestOptions::default(),
    );
    let kinds: Vec<String> = e.statements[0]
        .conditions
        .iter()
        .map(|c| {
            serde_json::to_value(&c.absence).unwrap()["kind"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .collect();
    // serde_json orders object keys: gitlab.com:sub, ...:environment, ...:event_name.
    assert_eq!(kinds, ["otherIssuer", "claimMissing", "claimNotExposed"]);
}

/// Pathological wildcard chains against long values (domain.md §2.2, StringLike): the
/// answers are right, and the matcher answers at all — a backtracking glob would not, at
/// these sizes, in any reasonable time.
#[test]
fn pathological_globs_against_long_values() {
    let long_a = "a".repeat(50_000);
    let chain = "*a".repeat(500) + "*b";
    let policy = |pattern: &str| json!({"StringLike": {format!("{GH}:sub"): pattern}});
    assert_eq!(
        decide(policy(&chain), json!({"sub": long_a.clone()})),
        Decision::Deny
    );
    assert_eq!(
        decide(policy(&chain), json!({"sub": format!("{long_a}b")})),
        Decision::Allow
    );
    let questions = "?".repeat(2_000) + "*";
    assert_eq!(
        decide(policy(&questions), json!({"sub": long_a.clone()})),
        Decision::Allow
    );
    assert_eq!(
        decide(policy(&questions), json!({"sub": "short"})),
        Decision::Deny
    );
    // And the exact analysis of the same policy finishes, with a witness the evaluator allows.
    let p = oidc_trust::parse_policy(
        &json!({"Version": "2012-10-17", "Statement": [statement(policy(&chain))]}).to_string(),
    )
    .policy
    .unwrap();
    for region in oidc_trust::who_can(&p, None) {
        for case in region.cases.iter().filter(|c| c.confirmed) {
            let sub = case
                .witness
                .as_ref()
                .unwrap()
                .get("sub")
                .and_then(|v| v.as_str())
                .unwrap();
            assert!(
                sub.ends_with('b') && sub.matches('a').count() >= 500,
                "{sub}"
            );
        }
    }
}
