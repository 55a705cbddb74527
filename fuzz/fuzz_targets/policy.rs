//! Any text as a trust policy: parsing never panics, and a policy that parses can be
//! linted and analysed (who-can) without panicking either.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let parsed = oidc_trust::parse_policy(text);
    for d in &parsed.diagnostics {
        // Every location a diagnostic gives lies inside the text.
        if let Some(span) = d.location.span {
            assert!(span.start.byte as usize <= text.len() && span.end.byte as usize <= text.len());
        }
    }
    if let Some(policy) = &parsed.policy {
        let _ = oidc_trust::lint(text, &Default::default());
        let _ = oidc_trust::who_can(policy, None);
    }
});
