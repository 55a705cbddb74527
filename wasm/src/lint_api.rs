//! The lint module's exports (`oidc-trust/lint`): the findings of a policy, proven by
//! attacker replay. Its own module because the attacker models, the replay and the rules'
//! text are as large as the evaluator: together they would not fit the size budget.

use oidc_trust::{lint, LintOptions};
use wasm_bindgen::prelude::*;

use crate::{catalog_arg, fail, rcps_or_fail, to_json};

/// Lints a policy: the report (findings, warnings, attacker replay) as JSON; a policy IAM
/// would refuse fails with every error.
#[wasm_bindgen(js_name = lint)]
pub fn lint_json(
    policy: &str,
    account: Option<String>,
    catalog: Option<String>,
    rcps: Vec<String>,
    rcp_names: Vec<String>,
    role: Option<String>,
) -> Result<String, JsValue> {
    let catalog = catalog_arg(catalog)?;
    let report = lint(
        policy,
        &LintOptions {
            account,
            catalog,
            rcps: rcps_or_fail(&rcps, &rcp_names)?,
            role,
        },
    );
    if let Some(first) = report.diagnostics.iter().find(|d| d.is_error()) {
        return Err(fail(first, &report.diagnostics));
    }
    to_json(&report)
}
