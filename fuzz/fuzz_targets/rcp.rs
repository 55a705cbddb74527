//! A resource control policy in any file that holds one (RCP JSON, `describe-policy`
//! output, a plan), then claims (split at the first NUL byte): reading never panics; a
//! found RCP's errors are located in the file; a loose role guarded by it is decided and
//! evaluated alike, and the RCP never lets in a token the role alone refuses.
#![no_main]
use libfuzzer_sys::fuzz_target;
use oidc_trust::{
    decide, evaluate, find_rcps, parse_policy, parse_rcp, read_claims_or_token, Decision, Rcp,
    Request, RequestOptions,
};

const ROLE: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},"Action":["sts:AssumeRoleWithWebIdentity","sts:TagSession"],"Condition":{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:*"}}}]}"#;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (rcp_text, claims_text) = text.split_once('\0').unwrap_or((text, "{}"));
    let Ok(found) = find_rcps(rcp_text) else { return };
    let mut rcps = Vec::new();
    for f in &found {
        let parsed = parse_rcp(&f.text);
        for d in &parsed.diagnostics {
            // Every location maps back into the file without panicking.
            let _ = f.locate(&d.location);
        }
        if let Some(policy) = parsed.policy {
            rcps.push(Rcp { name: "fuzzed".into(), policy });
        }
    }
    let Some(role) = parse_policy(ROLE).policy else { return };
    let guarded = role.guarded_by(&rcps);
    let Ok(claims) = read_claims_or_token(claims_text) else { return };
    let options = RequestOptions {
        issuer: Some("token.actions.githubusercontent.com".into()),
        role: Some("arn:aws:iam::111122223333:role/deploy".into()),
        ..RequestOptions::default()
    };
    let Ok(request) = Request::new(&claims.claims, &options) else { return };
    let verdict = decide(&guarded, &request);
    let e = evaluate(&guarded, &request);
    assert_eq!(verdict, e.decision);
    assert_eq!(oidc_trust::verdict(&guarded, &request), (e.decision, e.reason));
    if decide(&role, &request) == Decision::Deny {
        assert_eq!(verdict, Decision::Deny, "an RCP never grants");
    }
});
