use oidc_trust::{Decision, RequestOptions};
use oidc_trust_tests::{check_eval, subvector_suites};

#[test]
fn every_subvectors_aws_vector_holds() {
    let mut failures = Vec::new();
    let mut count = 0;
    for suite in subvector_suites() {
        for v in &suite.vectors {
            count += 1;
            let policy = v.policy().to_string();
            let claims = v.token_claims().to_string();
            let e = check_eval(&policy, &claims, &RequestOptions::default());
            let want = if v.expect == "match" {
                Decision::Allow
            } else {
                Decision::Deny
            };
            if e.decision != want {
                failures.push(format!(
                    "{}/{}: expected {:?}, got {:?}: {}",
                    suite.suite, v.id, want, e.decision, e.summary
                ));
            }
        }
    }
    assert_eq!(count, 93, "the vendored suites hold 93 AWS vectors");
    assert!(
        failures.is_empty(),
        "{} of {count} vectors fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The JS suites (Node, Deno, browser) read the vectors as ready policies and claims from
/// `tests/corpus/subvectors-aws.json`, so the conversion lives here only. This test keeps
/// that file equal to the conversion; `UPDATE_GOLDEN=1` rewrites it.
#[test]
fn shared_vector_cases_are_current() {
    let mut cases = Vec::new();
    for suite in subvector_suites() {
        for v in &suite.vectors {
            cases.push(serde_json::json!({
                "name": format!("{}/{}", suite.suite, v.id),
                "policy": v.policy(),
                "claims": v.token_claims(),
                "expect": if v.expect == "match" { "allow" } else { "deny" },
            }));
        }
    }
    let actual = serde_json::to_string_pretty(&cases).unwrap() + "\n";
    let path = oidc_trust_tests::root().join("tests/corpus/subvectors-aws.json");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &actual).unwrap();
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == actual,
        "tests/corpus/subvectors-aws.json is stale: run the tests with UPDATE_GOLDEN=1"
    );
}
