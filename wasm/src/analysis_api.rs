//! The analysis module's exports (`oidc-trust/analysis`): who can assume the role,
//! exactly; proofs; differences between policies.

use wasm_bindgen::prelude::*;

use crate::{guarded_or_fail, pairs, policy_or_fail, to_json};

/// Who can assume the role, with the organisation's RCPs: the region per issuer, as JSON.
#[wasm_bindgen(js_name = whoCan)]
pub fn who_can_json(
    policy: &str,
    issuer: Option<String>,
    rcps: Vec<String>,
    rcp_names: Vec<String>,
    role: Option<String>,
) -> Result<String, JsValue> {
    let (policy, _) = guarded_or_fail(policy, &rcps, &rcp_names, role)?;
    to_json(&oidc_trust::who_can(&policy, issuer.as_deref()))
}

/// Proves `claim ~ glob` for every admitted token (`only` flat: claim, glob, ...), with the
/// organisation's RCPs.
#[wasm_bindgen(js_name = prove)]
pub fn prove_json(
    policy: &str,
    issuer: &str,
    only: Vec<String>,
    rcps: Vec<String>,
    rcp_names: Vec<String>,
    role: Option<String>,
) -> Result<String, JsValue> {
    let (policy, _) = guarded_or_fail(policy, &rcps, &rcp_names, role)?;
    to_json(&oidc_trust::prove(&policy, issuer, &pairs(only)))
}

/// What changes from `old` to `new`, per issuer.
#[wasm_bindgen(js_name = diff)]
pub fn diff_json(old: &str, new: &str) -> Result<String, JsValue> {
    let ((old, _), (new, _)) = (policy_or_fail(old)?, policy_or_fail(new)?);
    to_json(&oidc_trust::diff(&old, &new))
}
