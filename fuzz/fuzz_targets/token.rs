//! Any text as claims or a JWT: decoding never panics.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = oidc_trust::decode_token(text);
    if let Ok(input) = oidc_trust::read_claims_or_token(text) {
        let _ = oidc_trust::support::token_time_notes(&input.claims, Some(1_787_166_800));
    }
});
