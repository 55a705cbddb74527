//! The generator, for the Generate view. In the browser it is the npm package's
//! `oidc-trust/generate` module, fetched when the view first opens (see `lazy`); natively
//! (the tests) the core generates directly. Both give the same [`Artefacts`].

use serde::Deserialize;

/// Everything generated for an intent.
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Artefacts {
    /// The trust policy (JSON).
    pub policy: String,
    /// Terraform for the role and its provider.
    pub terraform: String,
    /// CloudFormation (YAML).
    pub cloudformation: String,
    /// The CI configuration that assumes the role.
    pub workflow: String,
    /// Where that configuration goes.
    pub workflow_path: String,
    /// The `gh api` call that customises GitHub's subject, when one is needed.
    pub gh_sub: Option<String>,
    /// What the policy admits, in words.
    pub summary: String,
    /// What to know before using it.
    pub warnings: Vec<String>,
}

/// Why an intent cannot be generated, and which field (JSON pointer into the intent).
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
pub struct Refusal {
    /// Stable identifier.
    pub code: String,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub help: String,
    /// Where in the intent: `/repositories/0`, `/workflow`...
    pub pointer: String,
}

/// What the generator gave.
#[derive(Debug, Clone, PartialEq)]
pub enum Generation {
    /// The module is on its way: the view renders again when it arrives.
    Pending,
    /// The module could not be loaded: why.
    Unavailable(String),
    /// The artefacts, or why the intent was refused.
    Done(Result<Artefacts, Refusal>),
}

/// The refusal the module throws: `{"error": {code, message, help, pointer, ...}}`.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
fn refusal(thrown: &str) -> Refusal {
    #[derive(Deserialize)]
    struct Thrown {
        error: Refusal,
    }
    serde_json::from_str::<Thrown>(thrown)
        .map(|t| t.error)
        .unwrap_or_else(|_| Refusal {
            code: "generate-failed".into(),
            message: thrown.to_string(),
            ..Refusal::default()
        })
}

/// Generates from the intent's JSON text (natively: the core).
#[cfg(not(target_arch = "wasm32"))]
pub fn generate(intent: &str) -> Generation {
    let refused = |d: oidc_trust::Diagnostic| Refusal {
        code: d.code.to_string(),
        message: d.message,
        help: d.help,
        pointer: d.location.pointer,
    };
    let done = oidc_trust::read_intent(intent)
        .and_then(|i| oidc_trust::generate(&i))
        .map(|g| Artefacts {
            policy: g.policy,
            terraform: g.terraform,
            cloudformation: g.cloudformation,
            workflow: g.ci_config,
            workflow_path: g.ci_config_path,
            gh_sub: g.gh_sub,
            summary: g.summary,
            warnings: g.warnings,
        })
        .map_err(refused);
    Generation::Done(done)
}

/// Generates from the intent's JSON text; the first call starts loading the generator and
/// answers `Pending`.
#[cfg(target_arch = "wasm32")]
pub fn generate(intent: &str) -> Generation {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(inline_js = r#"
export function generate_with(m, text) { return m.generate(text); }
"#)]
    extern "C" {
        #[wasm_bindgen(catch)]
        fn generate_with(module: &JsValue, text: &str) -> Result<String, JsValue>;
    }
    match crate::lazy::module("generate", "oidc_trust_generate") {
        Ok(Some(m)) => match generate_with(&m, intent) {
            Ok(json) => match serde_json::from_str::<Artefacts>(&json) {
                Ok(a) => Generation::Done(Ok(a)),
                Err(e) => Generation::Unavailable(format!("its answer could not be read ({e})")),
            },
            Err(e) => Generation::Done(Err(refusal(&e.as_string().unwrap_or_default()))),
        },
        Ok(None) => Generation::Pending,
        Err(e) => Generation::Unavailable(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_modules_refusal_is_read_with_its_pointer() {
        let thrown = r#"{"error": {"code": "invalid-spec", "severity": "error", "message": "m", "help": "h", "input": "spec", "pointer": "/workflow", "line": 1, "column": 2}, "diagnostics": []}"#;
        let r = refusal(thrown);
        assert_eq!(
            (r.code.as_str(), r.pointer.as_str()),
            ("invalid-spec", "/workflow")
        );
        assert_eq!(refusal("garbage").code, "generate-failed");
    }
}
