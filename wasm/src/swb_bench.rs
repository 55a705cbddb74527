//! The boundary measurement (feature `swb-bench`, never published): the same calls as the
//! main module's, with serde-wasm-bindgen carrying objects across instead of JSON text, so
//! that wasm/swb-bench.mjs can time each direction both ways. Traces cross as format v2,
//! as the main module's `Compiled::evaluate` sends them.

use oidc_trust::{evaluate, lint, ClaimValue, Claims, LintOptions, Request};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::Compiled;
use crate::{fail, to_json};

/// JS objects out as plain objects (maps as objects), as `JSON.parse` would give them.
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(JsValue::from)
}

fn claim(v: serde_json::Value) -> ClaimValue {
    match v {
        serde_json::Value::Null => ClaimValue::Null,
        serde_json::Value::Bool(b) => ClaimValue::Bool(b),
        serde_json::Value::Number(n) => ClaimValue::Number(n.to_string()),
        serde_json::Value::String(s) => ClaimValue::String(s),
        serde_json::Value::Array(items) => {
            ClaimValue::Array(items.into_iter().map(claim).collect())
        }
        serde_json::Value::Object(m) => {
            ClaimValue::Object(m.into_iter().map(|(k, v)| (k, claim(v))).collect())
        }
    }
}

/// A claims object in through serde-wasm-bindgen.
fn claims_of(js: JsValue) -> Result<Claims, JsValue> {
    match serde_wasm_bindgen::from_value::<serde_json::Value>(js)? {
        serde_json::Value::Object(m) => Ok(Claims::from_pairs(
            m.into_iter().map(|(k, v)| (k, claim(v))),
        )),
        _ => Err(JsValue::from_str("claims must be an object")),
    }
}

#[wasm_bindgen]
impl Compiled {
    /// Object in, object out.
    #[wasm_bindgen(js_name = evaluateSwbSwb)]
    pub fn evaluate_swb_swb(&self, claims: JsValue) -> Result<JsValue, JsValue> {
        let request =
            Request::from_claims(claims_of(claims)?, &self.options).map_err(|d| fail(&d, &[]))?;
        to_js(&evaluate(&self.policy, &request).wire(&self.table))
    }

    /// Object in, JSON text out.
    #[wasm_bindgen(js_name = evaluateSwbText)]
    pub fn evaluate_swb_text(&self, claims: JsValue) -> Result<String, JsValue> {
        let request =
            Request::from_claims(claims_of(claims)?, &self.options).map_err(|d| fail(&d, &[]))?;
        to_json(&evaluate(&self.policy, &request).wire(&self.table))
    }

    /// JSON text in, object out.
    #[wasm_bindgen(js_name = evaluateTextSwb)]
    pub fn evaluate_text_swb(&self, claims: &str) -> Result<JsValue, JsValue> {
        let (evaluation, header) = self.trace(claims).map_err(|d| fail(&d, &[]))?;
        to_js(&evaluation.with_inputs(&[], header).wire(&self.table))
    }

    /// The decision, claims object in.
    #[wasm_bindgen(js_name = decideSwb)]
    pub fn decide_swb(&self, claims: JsValue) -> Result<bool, JsValue> {
        let claims = self.filter.apply(claims_of(claims)?);
        let request = Request::from_claims(claims, &self.options).map_err(|d| fail(&d, &[]))?;
        Ok(oidc_trust::decide(&self.policy, &request) == oidc_trust::Decision::Allow)
    }
}

/// The lint report out as text (the `oidc-trust/lint` module's path, here beside the other
/// so that both run in one module).
#[wasm_bindgen(js_name = lintText)]
pub fn lint_text(policy: &str) -> Result<String, JsValue> {
    to_json(&lint(policy, &LintOptions::default()))
}

/// The lint report out as an object.
#[wasm_bindgen(js_name = lintSwb)]
pub fn lint_swb(policy: &str) -> Result<JsValue, JsValue> {
    to_js(&lint(policy, &LintOptions::default()))
}
