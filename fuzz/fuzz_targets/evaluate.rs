//! A policy and claims (split at the first NUL byte): `decide`, `verdict` and `evaluate`
//! never panic and always agree; reading only the claims the policy reads (what a bulk
//! decision does) gives those claims of a whole read, or the same error.
#![no_main]
use libfuzzer_sys::fuzz_target;
use oidc_trust::{decide, evaluate, parse_policy, read_claims_or_token, verdict, ClaimFilter, Request, RequestOptions};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (policy_text, claims_text) = text.split_once('\0').unwrap_or((text, "{}"));
    let Some(policy) = parse_policy(policy_text).policy else { return };
    let filter = ClaimFilter::of(&policy);
    let whole = read_claims_or_token(claims_text);
    assert_eq!(
        filter.read(claims_text).map(|i| (i.claims, i.header)),
        whole.clone().map(|i| (filter.apply(i.claims), i.header))
    );
    let Ok(claims) = whole else { return };
    let options = RequestOptions {
        issuer: Some("token.actions.githubusercontent.com".into()),
        now: Some(1_787_166_800),
        ..RequestOptions::default()
    };
    let Ok(request) = Request::new(&claims.claims, &options) else { return };
    let e = evaluate(&policy, &request);
    assert_eq!(decide(&policy, &request), e.decision);
    assert_eq!(verdict(&policy, &request), (e.decision, e.reason.clone()));
    // What the npm package's decision paths do: the request from the kept claims alone.
    let Ok(kept) = filter.read(claims_text) else { unreachable!("read alike above") };
    let filtered = Request::from_claims(kept.claims, &options);
    assert_eq!(filtered.as_ref().err(), None, "the filter keeps what the request reads");
    if let Ok(filtered) = filtered {
        assert_eq!(verdict(&policy, &filtered), (e.decision, e.reason));
        assert_eq!(decide(&policy, &filtered), e.decision);
    }
});
