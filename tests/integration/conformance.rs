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
