//! WebAssembly bindings of oidc-trust, built into the npm package `oidc-trust`.
//!
//! Thin by design: text in (policy JSON, claims JSON or a JWT), one core call, JSON text
//! out. Text crosses the JS↔wasm boundary in one copy each way, and `JSON.parse` builds
//! the result objects faster than field-by-field bindings would; it also keeps the
//! module small (no JS-object serialiser). The public JS shape — argument checks,
//! `OidcTrustError`, `CompiledPolicy` — lives in `wasm/js/api.js`; these exports are its
//! private raw layer.
//!
//! Five modules come from this crate: the main one (`main_api`: evaluate, compile, decode,
//! parse); with the `lint` feature, `oidc-trust/lint` (`lint_api`); with the `analysis`
//! feature, `oidc-trust/analysis` (`analysis_api`: whoCan, prove, diff); with the
//! `terraform` feature, `oidc-trust/terraform` (`terraform_api`: the Terraform reader);
//! with the `generate` feature, `oidc-trust/generate` (`generate_api`). Each is measured
//! against the package's size budget on its own.
//!
//! Errors are returned as JSON text (`{"error": {...}, "diagnostics": [...]}`) thrown as a
//! JS string, which `api.js` turns into an `OidcTrustError`. Nothing here panics: the
//! core has no panicking paths on input, and serialisation failures become errors.

use oidc_trust::Diagnostic;
#[cfg(any(
    feature = "analysis",
    not(any(feature = "lint", feature = "terraform", feature = "generate"))
))]
use oidc_trust::{parse_policy, Policy};
#[cfg(any(
    feature = "analysis",
    not(any(feature = "terraform", feature = "generate"))
))]
use oidc_trust::{parse_rcp, Rcp};
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[cfg(feature = "analysis")]
mod analysis_api;
#[cfg(all(
    feature = "generate",
    not(any(feature = "analysis", feature = "terraform"))
))]
mod generate_api;
#[cfg(all(
    feature = "lint",
    not(any(feature = "analysis", feature = "terraform", feature = "generate"))
))]
mod lint_api;
#[cfg(not(any(
    feature = "lint",
    feature = "analysis",
    feature = "terraform",
    feature = "generate"
)))]
mod main_api;
#[cfg(all(feature = "terraform", not(feature = "analysis")))]
mod terraform_api;

/// Parses a policy, or fails with its first error and every diagnostic.
#[cfg(any(
    feature = "analysis",
    not(any(feature = "lint", feature = "terraform", feature = "generate"))
))]
pub(crate) fn policy_or_fail(text: &str) -> Result<(Policy, Vec<Diagnostic>), JsValue> {
    parse_policy(text)
        .into_result()
        .map_err(|refused| fail(&refused.error, &refused.diagnostics))
}

/// The organisation's RCPs, sent as texts with their names; fails with the first error of
/// the first RCP IAM would refuse, with that RCP's index.
#[cfg(any(
    feature = "analysis",
    not(any(feature = "terraform", feature = "generate"))
))]
pub(crate) fn rcps_or_fail(texts: &[String], names: &[String]) -> Result<Vec<Rcp>, JsValue> {
    texts
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let (policy, _) = parse_rcp(text)
                .into_result()
                .map_err(|refused| wire(&refused.error, &refused.diagnostics, Some(i)))?;
            let name = names
                .get(i)
                .cloned()
                .unwrap_or_else(|| format!("rcps[{i}]"));
            Ok(Rcp { name, policy })
        })
        .collect()
}

/// The trust policy with the role's ARN and guarded by the RCPs (see [`rcps_or_fail`]).
#[cfg(any(
    feature = "analysis",
    not(any(feature = "lint", feature = "terraform", feature = "generate"))
))]
pub(crate) fn guarded_or_fail(
    text: &str,
    rcps: &[String],
    names: &[String],
    role: Option<String>,
) -> Result<(Policy, Vec<Diagnostic>), JsValue> {
    let (mut policy, warnings) = policy_or_fail(text)?;
    policy.role = role;
    if rcps.is_empty() {
        return Ok((policy, warnings));
    }
    let rcps = rcps_or_fail(rcps, names)?;
    Ok((policy.guarded_by(&rcps), warnings))
}

/// Pairs sent flat across the boundary (`key, value, key, value...`), as pairs; an odd
/// last item is dropped.
#[cfg(any(feature = "analysis", feature = "terraform"))]
pub(crate) fn pairs(flat: Vec<String>) -> Vec<(String, String)> {
    let mut out = Vec::with_capacity(flat.len() / 2);
    let mut items = flat.into_iter();
    while let (Some(k), Some(v)) = (items.next(), items.next()) {
        out.push((k, v));
    }
    out
}

/// The catalog option, or the current catalog.
#[cfg(not(any(feature = "analysis", feature = "terraform", feature = "generate")))]
pub(crate) fn catalog_arg(catalog: Option<String>) -> Result<oidc_trust::CatalogVersion, JsValue> {
    catalog.map_or(Ok(Default::default()), |c| {
        oidc_trust::support::catalog_option(&c).map_err(|d| fail(&d, &[]))
    })
}

pub(crate) fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String, JsValue> {
    serde_json::to_string(value).map_err(|e| {
        let d = Diagnostic::options(
            "internal-error",
            format!("cannot serialise the result: {e}"),
            "this is a bug in oidc-trust: please report it with the input",
            "",
        );
        fail(&d, &[])
    })
}

/// The thrown value: JSON text of the error and all diagnostics of the input.
pub(crate) fn fail(error: &Diagnostic, diagnostics: &[Diagnostic]) -> JsValue {
    wire(error, diagnostics, None)
}

/// An error about item `index` of a list of claims.
#[cfg(not(any(
    feature = "lint",
    feature = "analysis",
    feature = "terraform",
    feature = "generate"
)))]
pub(crate) fn fail_at(error: &Diagnostic, index: usize) -> JsValue {
    wire(error, &[], Some(index))
}

fn wire(error: &Diagnostic, diagnostics: &[Diagnostic], index: Option<usize>) -> JsValue {
    #[derive(Serialize)]
    struct Wire<'a> {
        error: &'a Diagnostic,
        diagnostics: &'a [Diagnostic],
        #[serde(skip_serializing_if = "Option::is_none")]
        index: Option<usize>,
    }
    let text = serde_json::to_string(&Wire {
        error,
        diagnostics,
        index,
    })
    .unwrap_or_else(|_| format!("{{\"error\":{{\"code\":\"{}\"}}}}", error.code));
    JsValue::from_str(&text)
}
