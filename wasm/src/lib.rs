//! WebAssembly bindings of oidc-trust, built into the npm package `oidc-trust`.
//!
//! Thin by design: text in (policy JSON, claims JSON or a JWT), one core call, JSON text
//! out. Text crosses the JS↔wasm boundary in one copy each way, and `JSON.parse` builds
//! the result objects faster than field-by-field bindings would; it also keeps the
//! module small (no JS-object serialiser). The public JS shape — argument checks,
//! `OidcTrustError`, `CompiledPolicy` — lives in `wasm/js/api.js`; these exports are its
//! private raw layer.
//!
//! Errors are returned as JSON text (`{"error": {...}, "diagnostics": [...]}`) thrown as a
//! JS string, which `api.js` turns into an `OidcTrustError`. Nothing here panics: the
//! core has no panicking paths on input, and serialisation failures become errors.

use oidc_trust::{
    catalog_option, decide, decode_token, evaluate, lint, parse_policy, read_claims_or_token,
    time_option, token_time_notes, Decision, Diagnostic, LintOptions, Location, Policy, Request,
    RequestOptions, Severity,
};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// A policy parsed once, with the request options, ready to evaluate many tokens.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Compiled {
    policy: Policy,
    options: RequestOptions,
    /// Warnings about the policy, as JSON, reported with every evaluation.
    warnings: Vec<Diagnostic>,
}

/// Parses `policy` and the options; fails with every error in the policy.
///
/// `context` is flat: key, value, key, value... (a key repeated gives several values).
#[wasm_bindgen]
#[allow(
    clippy::too_many_arguments,
    reason = "flat arguments cross the boundary without a serialiser"
)]
pub fn compile(
    policy: &str,
    issuer: Option<String>,
    account: Option<String>,
    action: Option<String>,
    all_claims_are_keys: bool,
    catalog: Option<String>,
    now: Option<String>,
    context: Vec<String>,
) -> Result<Compiled, JsValue> {
    let catalog = match catalog {
        Some(c) => catalog_option(&c).map_err(|d| fail(&d, &[]))?,
        None => Default::default(),
    };
    let now = match now {
        Some(t) => Some(time_option(&t).map_err(|d| fail(&d, &[]))?),
        None => None,
    };
    let mut pairs: Vec<(String, Vec<String>)> = Vec::new();
    for kv in context.chunks(2) {
        let [key, value] = kv else { break };
        match pairs.iter_mut().find(|(k, _)| k == key) {
            Some((_, values)) => values.push(value.clone()),
            None => pairs.push((key.clone(), vec![value.clone()])),
        }
    }
    let parsed = parse_policy(policy);
    let Some(compiled) = parsed.policy else {
        let first = parsed.diagnostics.iter().find(|d| d.is_error()).cloned();
        let first = first.unwrap_or_else(|| Diagnostic {
            code: "invalid-policy",
            severity: Severity::Error,
            message: "the policy is invalid".into(),
            help: String::new(),
            input: "policy",
            location: Location::pointer_only(""),
        });
        return Err(fail(&first, &parsed.diagnostics));
    };
    Ok(Compiled {
        policy: compiled,
        options: RequestOptions {
            issuer,
            account,
            action,
            all_claims_are_keys,
            catalog,
            now,
            context: pairs,
        },
        warnings: parsed.diagnostics,
    })
}

#[wasm_bindgen]
impl Compiled {
    /// Evaluates one claims document or JWT; returns the report as JSON.
    pub fn evaluate(&self, claims: &str) -> Result<String, JsValue> {
        let (evaluation, header) = self.trace(claims).map_err(|d| fail(&d, &[]))?;
        to_json(&evaluation.with_inputs(&self.warnings, header))
    }

    /// Evaluates each input; returns a JSON array of reports. The first bad input fails
    /// the call, with its index.
    #[wasm_bindgen(js_name = evaluateMany)]
    pub fn evaluate_many(&self, inputs: Vec<String>) -> Result<String, JsValue> {
        let mut out = String::with_capacity(inputs.len() * 2048 + 2);
        out.push('[');
        for (i, claims) in inputs.iter().enumerate() {
            let (evaluation, header) = self.trace(claims).map_err(|d| fail_at(&d, i))?;
            if i > 0 {
                out.push(',');
            }
            out.push_str(&to_json(&evaluation.with_inputs(&self.warnings, header))?);
        }
        out.push(']');
        Ok(out)
    }

    /// The decision alone (no trace): `true` for allow.
    pub fn decide(&self, claims: &str) -> Result<bool, JsValue> {
        self.decision(claims).map_err(|d| fail(&d, &[]))
    }

    /// The decisions alone, one byte each (1 allow, 0 deny).
    #[wasm_bindgen(js_name = decideMany)]
    pub fn decide_many(&self, inputs: Vec<String>) -> Result<Vec<u8>, JsValue> {
        inputs
            .iter()
            .enumerate()
            .map(|(i, c)| self.decision(c).map(u8::from).map_err(|d| fail_at(&d, i)))
            .collect()
    }

    /// The policy's warnings as a JSON array.
    pub fn diagnostics(&self) -> Result<String, JsValue> {
        to_json(&self.warnings)
    }

    /// The parsed policy (statements, conditions, locations) as JSON.
    pub fn policy(&self) -> Result<String, JsValue> {
        to_json(&self.policy)
    }
}

impl Compiled {
    fn request(&self, claims: &str) -> Result<(Request, Option<oidc_trust::Claims>), Diagnostic> {
        let input = read_claims_or_token(claims)?;
        let request = Request::from_claims(input.claims, &self.options)?;
        Ok((request, input.header))
    }

    fn trace(
        &self,
        claims: &str,
    ) -> Result<(oidc_trust::Evaluation, Option<oidc_trust::Claims>), Diagnostic> {
        let (request, header) = self.request(claims)?;
        Ok((evaluate(&self.policy, &request), header))
    }

    fn decision(&self, claims: &str) -> Result<bool, Diagnostic> {
        let (request, _) = self.request(claims)?;
        Ok(decide(&self.policy, &request) == Decision::Allow)
    }
}

/// Lints a policy: the report (findings, warnings, attacker replay) as JSON; a policy IAM
/// would refuse fails with every error.
#[wasm_bindgen(js_name = lint)]
pub fn lint_json(
    policy: &str,
    account: Option<String>,
    catalog: Option<String>,
) -> Result<String, JsValue> {
    let catalog = match catalog {
        Some(c) => catalog_option(&c).map_err(|d| fail(&d, &[]))?,
        None => Default::default(),
    };
    let report = lint(policy, &LintOptions { account, catalog });
    if let Some(first) = report.diagnostics.iter().find(|d| d.is_error()) {
        return Err(fail(first, &report.diagnostics));
    }
    to_json(&report)
}

/// Parses a policy or fails with every error (the analyses need a valid one).
fn valid_policy(text: &str) -> Result<Policy, JsValue> {
    let parsed = parse_policy(text);
    match parsed.policy {
        Some(p) => Ok(p),
        None => {
            let first = parsed.diagnostics.iter().find(|d| d.is_error()).cloned();
            let first = first.unwrap_or_else(|| Diagnostic {
                code: "invalid-policy",
                severity: Severity::Error,
                message: "the policy is invalid".into(),
                help: String::new(),
                input: "policy",
                location: Location::pointer_only(""),
            });
            Err(fail(&first, &parsed.diagnostics))
        }
    }
}

/// Who can assume the role: the region per issuer, as JSON.
#[wasm_bindgen(js_name = whoCan)]
pub fn who_can_json(policy: &str, issuer: Option<String>) -> Result<String, JsValue> {
    let policy = valid_policy(policy)?;
    to_json(&oidc_trust::analyze(&policy, issuer.as_deref()))
}

/// Proves `claim ~ glob` for every admitted token (`only` flat: claim, glob, ...).
#[wasm_bindgen(js_name = prove)]
pub fn prove_json(policy: &str, issuer: &str, only: Vec<String>) -> Result<String, JsValue> {
    let policy = valid_policy(policy)?;
    let pairs: Vec<(String, String)> = only
        .chunks(2)
        .filter_map(|kv| match kv {
            [k, v] => Some((k.clone(), v.clone())),
            _ => None,
        })
        .collect();
    to_json(&oidc_trust::prove(&policy, issuer, &pairs))
}

/// What changes from `old` to `new`, per issuer.
#[wasm_bindgen(js_name = diff)]
pub fn diff_json(old: &str, new: &str) -> Result<String, JsValue> {
    let (old, new) = (valid_policy(old)?, valid_policy(new)?);
    to_json(&oidc_trust::diff(&old, &new))
}

/// Parses a policy without evaluating: `{"policy": {...} | null, "diagnostics": [...]}`.
#[wasm_bindgen(js_name = parsePolicy)]
pub fn parse_policy_json(text: &str) -> Result<String, JsValue> {
    let parsed = parse_policy(text);
    #[derive(Serialize)]
    struct Out<'a> {
        policy: Option<&'a Policy>,
        diagnostics: &'a [Diagnostic],
    }
    to_json(&Out {
        policy: parsed.policy.as_ref(),
        diagnostics: &parsed.diagnostics,
    })
}

/// Decodes a JWT without verifying it: `{"header", "claims", "signed", "notes"}`.
/// `now` (epoch seconds or ISO 8601) adds the expiry and not-before notes.
#[wasm_bindgen(js_name = decodeToken)]
pub fn decode_token_json(jwt: &str, now: Option<String>) -> Result<String, JsValue> {
    let now = match now {
        Some(t) => Some(time_option(&t).map_err(|d| fail(&d, &[]))?),
        None => None,
    };
    let token = decode_token(jwt).map_err(|d| fail(&d, &[]))?;
    let notes = token_time_notes(&token.claims, now);
    #[derive(Serialize)]
    struct Out<'a> {
        header: &'a oidc_trust::Claims,
        claims: &'a oidc_trust::Claims,
        signed: bool,
        notes: &'a [oidc_trust::Note],
    }
    to_json(&Out {
        header: &token.header,
        claims: &token.claims,
        signed: token.signed,
        notes: &notes,
    })
}

fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String, JsValue> {
    serde_json::to_string(value).map_err(|e| {
        let d = Diagnostic {
            code: "internal-error",
            severity: Severity::Error,
            message: format!("cannot serialise the result: {e}"),
            help: "this is a bug in oidc-trust: please report it with the input".into(),
            input: "options",
            location: Location::pointer_only(""),
        };
        fail(&d, &[])
    })
}

/// The thrown value: JSON text of the error and all diagnostics of the input.
fn fail(error: &Diagnostic, diagnostics: &[Diagnostic]) -> JsValue {
    wire(error, diagnostics, None)
}

/// An error about item `index` of a list of claims.
fn fail_at(error: &Diagnostic, index: usize) -> JsValue {
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
