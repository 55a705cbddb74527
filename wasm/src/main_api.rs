//! The main module's exports: evaluate (one-shot and compiled), decode, parse.

use oidc_trust::support::{time_option, token_time_notes};
use oidc_trust::{
    decide, decode_token, evaluate, parse_policy, read_claims_or_token, verdict, ClaimFilter,
    Decision, DecisionReason, Diagnostic, LocationTable, Policy, Request, RequestOptions,
};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::{catalog_arg, fail, fail_at, guarded_or_fail, to_json};

#[cfg(feature = "swb-bench")]
#[path = "swb_bench.rs"]
mod swb_bench;

/// A policy parsed once, with the request options, ready to evaluate many tokens.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Compiled {
    policy: Policy,
    options: RequestOptions,
    /// Warnings about the policy, as JSON, reported with every evaluation.
    warnings: Vec<Diagnostic>,
    /// The claims a decision can depend on: `decide` builds its request from these alone.
    filter: ClaimFilter,
    /// The policy's locations, sent once (`locations`); each trace refers to them by index.
    table: LocationTable,
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
    rcps: Vec<String>,
    rcp_names: Vec<String>,
    role: Option<String>,
) -> Result<Compiled, JsValue> {
    let catalog = catalog_arg(catalog)?;
    let now = now_arg(now)?;
    let mut pairs: Vec<(String, Vec<String>)> = Vec::new();
    for kv in context.chunks(2) {
        let [key, value] = kv else { break };
        match pairs.iter_mut().find(|(k, _)| k == key) {
            Some((_, values)) => values.push(value.clone()),
            None => pairs.push((key.clone(), vec![value.clone()])),
        }
    }
    let (compiled, warnings) = guarded_or_fail(policy, &rcps, &rcp_names, role)?;
    Ok(Compiled {
        filter: ClaimFilter::of(&compiled),
        table: LocationTable::of_policy(&compiled),
        policy: compiled,
        options: RequestOptions {
            issuer,
            account,
            action,
            all_claims_are_keys,
            catalog,
            now,
            context: pairs,
            role: None,
        },
        warnings,
    })
}

#[wasm_bindgen]
impl Compiled {
    /// Evaluates one claims document or JWT; returns its v2 trace as JSON, referring to
    /// [`Compiled::locations`] (the policy's warnings are in [`Compiled::diagnostics`]).
    pub fn evaluate(&self, claims: &str) -> Result<String, JsValue> {
        let (evaluation, header) = self.trace(claims).map_err(|d| fail(&d, &[]))?;
        to_json(&evaluation.with_inputs(&[], header).wire(&self.table))
    }

    /// Evaluates one input as a self-contained v2 trace: the locations table and the
    /// policy's warnings inlined (one-shot `evaluate`).
    #[wasm_bindgen(js_name = evaluateOneShot)]
    pub fn evaluate_one_shot(&self, claims: &str) -> Result<String, JsValue> {
        let (evaluation, header) = self.trace(claims).map_err(|d| fail(&d, &[]))?;
        to_json(
            &evaluation
                .with_inputs(&self.warnings, header)
                .one_shot_with(&self.table),
        )
    }

    /// Evaluates each input; returns a JSON array of v2 traces. The first bad input fails
    /// the call, with its index.
    #[wasm_bindgen(js_name = evaluateMany)]
    pub fn evaluate_many(&self, inputs: Vec<String>) -> Result<String, JsValue> {
        self.evaluate_each(inputs.iter().map(String::as_str), inputs.len())
    }

    /// [`Compiled::evaluate_many`] over one text: the inputs joined by NUL, which crosses
    /// the boundary in one copy where a list of strings crosses one string at a time. The
    /// caller joins only inputs without a NUL of their own (no JSON text or JWT holds one
    /// raw), so the pieces are exactly the inputs.
    #[wasm_bindgen(js_name = evaluateJoined)]
    pub fn evaluate_joined(&self, joined: &str, count: usize) -> Result<String, JsValue> {
        self.evaluate_each(joined.split('\0'), count)
    }

    /// The policy's locations, each with the text written there, as a JSON array: the
    /// table every trace of this compiled policy refers to by index.
    pub fn locations(&self) -> Result<String, JsValue> {
        to_json(&self.table)
    }

    /// The decision and its reason without the trace, as numbers (no text to parse):
    /// `[decision, kind, header, statements...]`: decision 1 allow, 0 deny; kind 0
    /// `allowed`, 1 `explicitDeny`, 2 `rcpDeny`, 3 `noAllow`, 4 `tagSessionNotAllowed`;
    /// header 1 when the claims came from a JWT (the trace will have `tokenHeader`); then
    /// the deciding statements' indexes. The eager part of a lazy `evaluate`.
    pub fn verdict(&self, claims: &str) -> Result<Vec<u32>, JsValue> {
        let (request, header) = self.request(claims, true).map_err(|d| fail(&d, &[]))?;
        let (decision, reason) = verdict(&self.policy, &request);
        let (kind, statements): (u32, &[usize]) = match &reason {
            DecisionReason::Allowed { statements } => (0, statements),
            DecisionReason::ExplicitDeny { statements } => (1, statements),
            DecisionReason::RcpDeny { statements } => (2, statements),
            DecisionReason::NoAllow => (3, &[]),
            DecisionReason::TagSessionNotAllowed { statements } => (4, statements),
        };
        let mut out = Vec::with_capacity(2 + statements.len());
        out.push(u32::from(decision == Decision::Allow));
        out.push(kind);
        out.push(u32::from(header.is_some()));
        out.extend(
            statements
                .iter()
                .map(|&i| u32::try_from(i).unwrap_or(u32::MAX)),
        );
        Ok(out)
    }

    /// The decision alone (no trace): `true` for allow.
    pub fn decide(&self, claims: &str) -> Result<bool, JsValue> {
        self.decision(claims).map_err(|d| fail(&d, &[]))
    }

    /// The decisions alone, one byte each (1 allow, 0 deny).
    #[wasm_bindgen(js_name = decideMany)]
    pub fn decide_many(&self, inputs: Vec<String>) -> Result<Vec<u8>, JsValue> {
        self.decide_each(inputs.iter().map(String::as_str))
    }

    /// [`Compiled::decide_many`] over the inputs joined by NUL (as
    /// [`Compiled::evaluate_joined`]).
    #[wasm_bindgen(js_name = decideJoined)]
    pub fn decide_joined(&self, joined: &str) -> Result<Vec<u8>, JsValue> {
        self.decide_each(joined.split('\0'))
    }

    /// The claim names (lower-case, a JSON array) a decision can depend on: callers holding claims
    /// objects send only these to `decide`/`decideMany`.
    #[wasm_bindgen(js_name = claimNames)]
    pub fn claim_names(&self) -> Result<String, JsValue> {
        to_json(&self.filter.names())
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

/// The evaluation-time option, if given.
fn now_arg(now: Option<String>) -> Result<Option<i64>, JsValue> {
    now.map(|t| time_option(&t).map_err(|d| fail(&d, &[])))
        .transpose()
}

impl Compiled {
    /// The request for `claims`; for a decision alone, from the claims the policy can read.
    fn request(
        &self,
        claims: &str,
        decision_only: bool,
    ) -> Result<(Request, Option<oidc_trust::Claims>), Diagnostic> {
        let input = if decision_only {
            self.filter.read(claims)?
        } else {
            read_claims_or_token(claims)?
        };
        let request = Request::from_claims(input.claims, &self.options)?;
        Ok((request, input.header))
    }

    fn trace(
        &self,
        claims: &str,
    ) -> Result<(oidc_trust::Evaluation, Option<oidc_trust::Claims>), Diagnostic> {
        let (request, header) = self.request(claims, false)?;
        Ok((evaluate(&self.policy, &request), header))
    }

    fn evaluate_each<'a>(
        &self,
        inputs: impl Iterator<Item = &'a str>,
        count: usize,
    ) -> Result<String, JsValue> {
        let mut out = String::with_capacity(count.saturating_mul(2048).saturating_add(2));
        out.push('[');
        for (i, claims) in inputs.enumerate() {
            let (evaluation, header) = self.trace(claims).map_err(|d| fail_at(&d, i))?;
            if i > 0 {
                out.push(',');
            }
            out.push_str(&to_json(
                &evaluation.with_inputs(&[], header).wire(&self.table),
            )?);
        }
        out.push(']');
        Ok(out)
    }

    fn decide_each<'a>(&self, inputs: impl Iterator<Item = &'a str>) -> Result<Vec<u8>, JsValue> {
        inputs
            .enumerate()
            .map(|(i, c)| self.decision(c).map(u8::from).map_err(|d| fail_at(&d, i)))
            .collect()
    }

    fn decision(&self, claims: &str) -> Result<bool, Diagnostic> {
        let (request, _) = self.request(claims, true)?;
        Ok(decide(&self.policy, &request) == Decision::Allow)
    }
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
    let now = now_arg(now)?;
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
