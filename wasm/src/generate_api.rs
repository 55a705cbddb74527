//! The generator's exports (`oidc-trust/generate`): an intent in (the spec's JSON text,
//! read with the same validation and located errors as `generate --spec`), every artefact
//! out. Its own module: the generator's templates do not fit the main one's size budget.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::{fail, to_json};

/// One layer-3 output, as JavaScript sees it.
#[derive(Serialize)]
struct Control<'a> {
    path: &'a str,
    content: &'a str,
    what: &'a str,
}

/// Everything generated, as JavaScript sees it (camelCase; the CLI's `--format` names).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Output<'a> {
    policy: &'a str,
    terraform: &'a str,
    cloudformation: &'a str,
    workflow: &'a str,
    workflow_path: &'a str,
    gh_sub: Option<&'a str>,
    summary: &'a str,
    warnings: &'a [String],
    include_claim_keys: &'a [String],
    issuer: &'a str,
    audience: &'a str,
    role_arn: &'a str,
    layer3: Vec<Control<'a>>,
}

/// Generates from an intent (JSON text of the spec's shape), as JSON.
#[wasm_bindgen(js_name = generate)]
pub fn generate_json(intent: &str) -> Result<String, JsValue> {
    let intent = oidc_trust::read_intent(intent).map_err(|d| fail(&d, &[]))?;
    let g = oidc_trust::generate(&intent).map_err(|d| fail(&d, &[]))?;
    to_json(&Output {
        policy: &g.policy,
        terraform: &g.terraform,
        cloudformation: &g.cloudformation,
        workflow: &g.ci_config,
        workflow_path: &g.ci_config_path,
        gh_sub: g.gh_sub.as_deref(),
        summary: &g.summary,
        warnings: &g.warnings,
        include_claim_keys: &g.include_claim_keys,
        issuer: &g.issuer,
        audience: &g.audience,
        role_arn: &g.role_arn,
        layer3: g
            .layer3
            .iter()
            .map(|c| Control {
                path: &c.path,
                content: &c.content,
                what: &c.what,
            })
            .collect(),
    })
}

/// The boundary measurement (feature `swb-bench`, never published): the intent in as an
/// object through serde-wasm-bindgen. The spec reader needs text (its errors carry line
/// and column), so the object is written back to JSON inside the module.
#[cfg(feature = "swb-bench")]
#[wasm_bindgen(js_name = generateSwb)]
pub fn generate_swb(intent: JsValue) -> Result<String, JsValue> {
    let value: serde_json::Value = serde_wasm_bindgen::from_value(intent)?;
    generate_json(&value.to_string())
}
