//! Domain laws on random policies and tokens (proptest).

use oidc_trust::{decide, evaluate, parse_policy, read_claims, Decision, Request, RequestOptions};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

const ISSUER: &str = "token.actions.githubusercontent.com";
const CLAIMS: [&str; 6] = [
    "sub",
    "aud",
    "ref",
    "environment",
    "repository",
    "event_name",
];
const VALUES: [&str; 8] = [
    "repo:acme/api:ref:refs/heads/main",
    "repo:acme/*",
    "*",
    "sts.amazonaws.com",
    "refs/heads/main",
    "prod",
    "acme/api",
    "repo:acme/api:pull_request",
];
const OPERATORS: [&str; 10] = [
    "StringEquals",
    "StringLike",
    "StringNotEquals",
    "StringNotLike",
    "StringEqualsIgnoreCase",
    "StringEqualsIfExists",
    "ForAnyValue:StringLike",
    "ForAllValues:StringEquals",
    "StringLikeIfExists",
    "Null",
];

fn condition() -> impl Strategy<Value = (usize, usize, Vec<usize>)> {
    (
        0..OPERATORS.len(),
        0..CLAIMS.len(),
        prop::collection::vec(0..VALUES.len(), 1..4),
    )
}

fn to_condition(conds: &[(usize, usize, Vec<usize>)], key_case: bool) -> Value {
    let mut out = Map::new();
    for (op, claim, values) in conds {
        let op = OPERATORS[*op];
        let mut key = format!("{ISSUER}:{}", CLAIMS[*claim]);
        if key_case {
            key = key.to_uppercase();
        }
        let vals: Vec<Value> = if op == "Null" {
            vec![json!(values[0] % 2 == 0)]
        } else {
            values.iter().map(|v| json!(VALUES[*v])).collect()
        };
        let block = out.entry(op.to_string()).or_insert_with(|| json!({}));
        block[key] = Value::Array(vals);
    }
    Value::Object(out)
}

fn statement(effect: &str, conds: &[(usize, usize, Vec<usize>)], key_case: bool) -> Value {
    json!({"Effect": effect, "Principal": {"Federated": format!("arn:aws:iam::123456789012:oidc-provider/{ISSUER}")},
           "Action": "sts:AssumeRoleWithWebIdentity", "Condition": to_condition(conds, key_case)})
}

fn token() -> impl Strategy<Value = Vec<Option<usize>>> {
    prop::collection::vec(prop::option::of(0..VALUES.len()), CLAIMS.len())
}

fn request(tok: &[Option<usize>]) -> Request {
    let mut claims = Map::new();
    claims.insert("iss".into(), json!(format!("https://{ISSUER}")));
    for (i, v) in tok.iter().enumerate() {
        if let Some(v) = v {
            claims.insert(CLAIMS[i].into(), json!(VALUES[*v]));
        }
    }
    Request::new(
        &read_claims(&Value::Object(claims).to_string()).unwrap(),
        &RequestOptions::default(),
    )
    .unwrap()
}

fn decision(statements: Vec<Value>, req: &Request) -> Decision {
    let policy =
        parse_policy(&json!({"Version": "2012-10-17", "Statement": statements}).to_string())
            .policy
            .expect("valid");
    let d = decide(&policy, req);
    let e = evaluate(&policy, req);
    assert_eq!(d, e.decision, "decide and evaluate agree");
    assert_eq!(
        oidc_trust::verdict(&policy, req),
        (e.decision, e.reason),
        "verdict and evaluate agree"
    );
    d
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    // An applicable explicit Deny wins over any Allow.
    #[test]
    fn explicit_deny_always_wins(allow in prop::collection::vec(condition(), 0..4), tok in token()) {
        let req = request(&tok);
        let deny = json!({"Effect": "Deny", "Principal": "*", "Action": "sts:*"});
        prop_assert_eq!(decision(vec![statement("Allow", &allow, false), deny], &req), Decision::Deny);
    }

    // Adding a value to a positive operator's list in an Allow never turns allow into deny.
    #[test]
    fn more_values_never_remove_access(conds in prop::collection::vec(condition(), 1..4), extra in 0..VALUES.len(), tok in token()) {
        let req = request(&tok);
        let before = decision(vec![statement("Allow", &conds, false)], &req);
        let mut widened = conds.clone();
        let positive = ["StringEquals", "StringLike", "StringEqualsIgnoreCase", "StringEqualsIfExists", "ForAnyValue:StringLike", "StringLikeIfExists"];
        if let Some(c) = widened.iter_mut().find(|c| positive.contains(&OPERATORS[c.0])) {
            c.2.push(extra);
        }
        let after = decision(vec![statement("Allow", &widened, false)], &req);
        prop_assert!(!(before == Decision::Allow && after == Decision::Deny));
    }

    // Condition key names are case-insensitive.
    #[test]
    fn key_case_never_matters(conds in prop::collection::vec(condition(), 0..4), tok in token()) {
        let req = request(&tok);
        prop_assert_eq!(decision(vec![statement("Allow", &conds, false)], &req), decision(vec![statement("Allow", &conds, true)], &req));
    }

    // Parsing and evaluating arbitrary text never panics.
    #[test]
    fn parsing_never_panics(text in ".{0,200}") {
        let parsed = parse_policy(&text);
        prop_assert!(parsed.policy.is_some() || !parsed.diagnostics.is_empty());
        let _ = oidc_trust::read_claims_or_token(&text);
    }
}
