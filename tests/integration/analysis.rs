//! The exact region analysis against the evaluator: every witness is allowed, and on
//! policies analysed without approximation, region membership and the evaluator's verdict
//! agree on every sampled token.

use oidc_trust::{
    diff, parse_policy, prove, read_claims, replay, who_can, Claims, Decision, Policy, Proof,
    Request, RequestOptions,
};
use oidc_trust_tests::{read, root, subvector_suites};

const SESSION_TAGS_NOTE: &str = "tokens with session tags";

fn verdict(policy: &Policy, issuer: &str, claims: &Claims) -> Decision {
    let options = RequestOptions {
        issuer: Some(issuer.to_string()),
        ..RequestOptions::default()
    };
    Request::new(claims, &options)
        .map(|r| oidc_trust::decide(policy, &r))
        .unwrap_or(Decision::Deny)
}

/// Seed policies and every subvectors policy, by name.
fn policies() -> Vec<(String, Policy)> {
    let mut out = Vec::new();
    for name in [
        "basic-repo",
        "hardening-layer1",
        "hardening-layer2",
        "hardening-layer4",
    ] {
        let text = read(&format!("examples/policies/{name}.json"));
        out.push((name.to_string(), parse_policy(&text).policy.unwrap()));
    }
    for suite in subvector_suites() {
        for v in &suite.vectors {
            let text = v.policy().to_string();
            out.push((
                format!("{}/{}", suite.suite, v.id),
                parse_policy(&text).policy.unwrap(),
            ));
        }
    }
    out
}

/// Tokens to sample: the attacker replay of the policy, its own witnesses, and the examples.
fn samples(policy: &Policy) -> Vec<Claims> {
    let mut out: Vec<Claims> = replay(policy)
        .into_iter()
        .flat_map(|r| std::iter::once(r.intended).chain(r.attempts.into_iter().map(|a| a.claims)))
        .collect();
    for entry in std::fs::read_dir(root().join("examples/tokens")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            out.push(read_claims(&std::fs::read_to_string(path).unwrap()).unwrap());
        }
    }
    out
}

#[test]
fn witnesses_are_allowed_and_membership_matches_the_evaluator() {
    let mut checked = 0;
    let mut disagreements = Vec::new();
    for (name, policy) in policies() {
        for report in who_can(&policy, None) {
            for case in &report.cases {
                let w = case
                    .witness
                    .as_ref()
                    .unwrap_or_else(|| panic!("{name}: a case without a witness"));
                assert!(
                    case.confirmed,
                    "{name}: witness not confirmed: {:?}",
                    case.constraints
                );
                assert_eq!(
                    verdict(&policy, &report.issuer, w),
                    Decision::Allow,
                    "{name}: {w:?}"
                );
            }
            let exact = report
                .approximations
                .iter()
                .all(|a| a.starts_with(SESSION_TAGS_NOTE));
            if !exact {
                continue;
            }
            for token in samples(&policy) {
                checked += 1;
                let inside = report.admits(&token);
                let allowed = verdict(&policy, &report.issuer, &token) == Decision::Allow;
                if inside != allowed {
                    disagreements.push(format!(
                        "{name}: region {inside}, evaluator {allowed}: {:?}",
                        token.get("sub")
                    ));
                }
            }
        }
    }
    assert!(checked > 1000, "{checked} samples");
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

#[test]
fn a_policy_differs_from_itself_in_nothing() {
    for (name, policy) in policies() {
        for d in diff(&policy, &policy) {
            assert!(
                d.newly_admitted.is_empty() && d.newly_refused.is_empty(),
                "{name}"
            );
        }
    }
}

#[test]
fn diff_finds_the_widening_with_a_witness() {
    let old = parse_policy(&read("examples/policies/hardening-layer1.json"))
        .policy
        .unwrap();
    let new = parse_policy(&read("examples/policies/basic-repo.json"))
        .policy
        .unwrap();
    let d = &diff(&old, &new)[0];
    let w = d
        .newly_admitted
        .iter()
        .find(|c| c.confirmed)
        .expect("a newly admitted token")
        .witness
        .clone()
        .unwrap();
    assert_eq!(verdict(&new, &d.issuer, &w), Decision::Allow);
    assert_eq!(verdict(&old, &d.issuer, &w), Decision::Deny);
    assert!(
        d.newly_refused.is_empty(),
        "layer 1 is narrower in every way: {:?}",
        d.newly_refused
    );
}

#[test]
fn prove_or_show_the_token_that_gets_in() {
    let gh = "token.actions.githubusercontent.com";
    let basic = parse_policy(&read("examples/policies/basic-repo.json"))
        .policy
        .unwrap();
    let only = |k: &str, v: &str| vec![(k.to_string(), v.to_string())];
    assert!(matches!(
        prove(&basic, gh, &only("sub", "repo:acme/api:*")),
        Proof::Proved { .. }
    ));
    match prove(
        &basic,
        gh,
        &only("sub", "repo:acme/api:ref:refs/heads/main"),
    ) {
        Proof::Counterexample { claims, .. } => {
            assert_eq!(verdict(&basic, gh, &claims), Decision::Allow);
            let sub = claims.get("sub").and_then(|v| v.as_str()).unwrap();
            assert!(!sub.ends_with(":ref:refs/heads/main"), "{sub}");
        }
        other => panic!("expected a counterexample, got {other:?}"),
    }
    let layer2 = parse_policy(&read("examples/policies/hardening-layer2.json"))
        .policy
        .unwrap();
    assert!(matches!(
        prove(
            &layer2,
            gh,
            &only("sub", "repo:acme/api:ref:refs/heads/main")
        ),
        Proof::Proved { .. }
    ));
    assert!(
        matches!(
            prove(&layer2, gh, &only("actor", "release-bot")),
            Proof::Counterexample { .. }
        ),
        "alice gets in too"
    );
}

/// `tests/golden/who-can.json`: the summary of every seed policy and every subvectors
/// policy (the lint corpus); `UPDATE_GOLDEN=1` rewrites.
#[test]
fn seed_policy_summaries_match_golden() {
    let mut all = serde_json::Map::new();
    for (name, policy) in policies() {
        let summaries: Vec<String> = who_can(&policy, None)
            .into_iter()
            .flat_map(|r| r.summary)
            .collect();
        all.insert(name, summaries.into());
    }
    let actual = serde_json::to_string_pretty(&all).unwrap() + "\n";
    let path = root().join("tests/golden/who-can.json");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &actual).unwrap();
    }
    assert_eq!(
        std::fs::read_to_string(&path).unwrap_or_default(),
        actual,
        "run with UPDATE_GOLDEN=1 and review"
    );
}

/// Bulk decisions read only the claims a policy can depend on (`ClaimFilter`): on every
/// corpus policy and sampled token (both issuers' keys, attacker tokens, examples), the
/// filtered claims give the same decision as all of them.
#[test]
fn the_claim_filter_never_changes_a_decision() {
    let mut policies = policies();
    // Variables and odd key cases read claims the filter must keep.
    let variables = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
        "Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
        "Action":"sts:AssumeRoleWithWebIdentity",
        "Condition":{"StringLike":{"TOKEN.actions.githubusercontent.com:SUB":"repo:${token.actions.githubusercontent.com:Repository}:*"},
                     "Null":{"token.actions.githubusercontent.com:environment":"true"}}}]}"#;
    policies.push(("variables".into(), parse_policy(variables).policy.unwrap()));
    let (mut checked, mut dropped) = (0, 0);
    for (name, policy) in &policies {
        let filter = oidc_trust::ClaimFilter::of(policy);
        for report in who_can(policy, None) {
            for token in samples(policy) {
                let kept = filter.apply(token.clone());
                dropped += token.len() - kept.len();
                checked += 1;
                assert_eq!(
                    verdict(policy, &report.issuer, &token),
                    verdict(policy, &report.issuer, &kept),
                    "{name}: {token:?}"
                );
            }
        }
    }
    assert!(
        checked > 1000 && dropped > checked,
        "{checked} tokens, {dropped} claims dropped"
    );
}

/// `ClaimFilter::read` (what a bulk decision reads) gives the claims `apply` keeps from a
/// whole read, from claims JSON and from a JWT, and the same error for every bad claims or
/// token input of the shared bad-input suite.
#[test]
fn reading_only_the_kept_claims_equals_reading_all_then_filtering() {
    fn b64url(bytes: &[u8]) -> String {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b))
                << (8 * (3 - chunk.len()));
            for i in 0..=chunk.len() {
                out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
            }
        }
        out
    }
    let mut checked = 0;
    for (name, policy) in &policies() {
        let filter = oidc_trust::ClaimFilter::of(policy);
        for token in samples(policy).into_iter().take(20) {
            let json = serde_json::to_string(&token).unwrap();
            let jwt = format!(
                "{}.{}.sig",
                b64url(br#"{"alg":"RS256","typ":"JWT"}"#),
                b64url(json.as_bytes())
            );
            for text in [&json, &jwt] {
                let whole = oidc_trust::read_claims_or_token(text).unwrap();
                let kept = filter.read(text).unwrap();
                assert_eq!(kept.claims, filter.apply(whole.claims), "{name}: {text}");
                assert_eq!(kept.header, whole.header, "{name}: {text}");
                checked += 1;
            }
        }
    }
    let cases: Vec<serde_json::Value> =
        serde_json::from_str(&oidc_trust_tests::read("tests/bad-inputs/cases.json")).unwrap();
    let policy =
        oidc_trust_tests::policy(&oidc_trust_tests::read("examples/policies/basic-repo.json"));
    let filter = oidc_trust::ClaimFilter::of(&policy);
    for case in cases.iter().filter(|c| c["kind"] != "policy") {
        let text = case["text"].as_str().unwrap_or_default();
        assert_eq!(
            filter.read(text).err(),
            oidc_trust::read_claims_or_token(text).err(),
            "{}",
            case["name"]
        );
        checked += 1;
    }
    assert!(checked > 500, "{checked} inputs");
}

/// GitHub names hold letters, digits, `-`, `_` and `.`.
fn github_name(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
}

// Issue 14: a witness for a `?` inside an owner or repository name is a valid GitHub name
// (the search used to put `/` there), and every GitHub issuer form gets GitHub's wording.
#[test]
fn witnesses_use_valid_names_and_every_github_issuer_reads_as_github() {
    for issuer in [
        "token.actions.githubusercontent.com",
        "token.actions.octo.ghe.com",
        "token.actions.githubusercontent.com/acme",
    ] {
        let text = serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": {"Federated": format!("arn:aws:iam::123456789012:oidc-provider/{issuer}")},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringLike": {format!("{issuer}:sub"): "repo:a?me/b?*:ref:refs/heads/main"}}
            }, {
                // Refuses the replay's own names, so the witness comes from the search.
                "Effect": "Deny",
                "Principal": {"Federated": format!("arn:aws:iam::123456789012:oidc-provider/{issuer}")},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringLike": {format!("{issuer}:sub"): ["repo:ax*", "repo:az*"]}}
            }]
        })
        .to_string();
        let policy = parse_policy(&text).policy.unwrap();
        let reports = who_can(&policy, None);
        assert_eq!(reports.len(), 1, "{issuer}");
        let r = &reports[0];
        assert!(
            r.summary[0].starts_with("repositories of owners like `a?me`"),
            "{issuer}: {}",
            r.summary[0]
        );
        assert!(
            r.summary[0].ends_with("from any workflow"),
            "{issuer}: {}",
            r.summary[0]
        );
        for c in &r.cases {
            let w = c.witness.as_ref().unwrap();
            let sub = w.get("sub").and_then(|v| v.as_str()).unwrap();
            let repo = sub
                .strip_prefix("repo:")
                .and_then(|s| s.split(':').next())
                .unwrap();
            let (owner, name) = repo.split_once('/').unwrap();
            assert!(github_name(owner) && github_name(name), "{issuer}: {sub}");
            assert_eq!(verdict(&policy, issuer, w), Decision::Allow);
        }
    }
}
