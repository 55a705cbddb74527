//! `oidc-trust eval --batch`: JSON lines in, one JSON line out per line, in order.
//! A bad line yields an error line and never stops the batch.

use std::io::{BufRead, Write};

use oidc_trust::{
    decide, evaluate, parse_policy, read_claims, read_claims_or_token, Diagnostic, Policy, Request,
};
use serde_json::{json, Map, Value};

use crate::args::EvalArgs;
use crate::input::{self, usage_error};
use crate::render::error_json;
use crate::Exit;

pub(crate) fn run(args: &EvalArgs, out: &mut dyn Write) -> std::io::Result<Exit> {
    let base = match input::options(args) {
        Ok(o) => o,
        Err(d) => {
            writeln!(
                out,
                "{}",
                json!({ "id": Value::Null, "error": error_json(&d) })
            )?;
            return Ok(Exit::BadInput);
        }
    };
    let stdin = std::io::stdin();
    let mut out = std::io::BufWriter::new(out);
    // Tools often check many tokens against one policy: keep the last parsed one, with its
    // warnings (each traced line carries them, as `eval --format json` does).
    let mut cache: Option<(String, Policy, Vec<Diagnostic>)> = None;
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        if line.trim().is_empty() {
            continue;
        }
        let result = match serde_json::from_str::<Value>(&line) {
            Ok(Value::Object(obj)) => one(&obj, args, &base, &mut cache),
            Ok(_) => Err((
                Value::Null,
                usage_error(
                    "batch-line-not-object",
                    "a batch line must be a JSON object".into(),
                    "write {\"id\": 1, \"policy\": {...}, \"claims\": {...}}",
                ),
            )),
            Err(e) => Err((
                Value::Null,
                usage_error(
                    "json-syntax",
                    format!("this line is not JSON: {e}"),
                    "write one JSON object per line",
                ),
            )),
        };
        let line_out = match result {
            Ok(v) => v,
            Err((id, d)) => json!({ "id": id, "error": error_json(&d) }),
        };
        writeln!(out, "{line_out}")?;
    }
    out.flush()?;
    Ok(Exit::Ok)
}

fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

fn str_field(obj: &Map<String, Value>, name: &str) -> Result<Option<String>, Diagnostic> {
    match obj.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(usage_error(
            "wrong-type",
            format!("`{name}` must be a string"),
            "quote the value",
        )),
    }
}

fn one(
    obj: &Map<String, Value>,
    args: &EvalArgs,
    base: &oidc_trust::RequestOptions,
    cache: &mut Option<(String, Policy, Vec<Diagnostic>)>,
) -> Result<Value, (Value, Diagnostic)> {
    let id = obj.get("id").cloned().unwrap_or(Value::Null);
    let fail = |d: Diagnostic| (id.clone(), d);
    let policy_text = obj.get("policy").map(text_of).ok_or_else(|| {
        fail(usage_error(
            "missing-policy",
            "the line has no `policy`".into(),
            "add \"policy\": {...}",
        ))
    })?;
    let claims = match (obj.get("claims"), obj.get("token")) {
        (Some(c), _) => read_claims(&text_of(c)).map_err(fail)?,
        (None, Some(Value::String(t))) => read_claims_or_token(t).map_err(fail)?.claims,
        _ => {
            return Err(fail(usage_error(
                "missing-claims",
                "the line has no `claims` object or `token` string".into(),
                "add \"claims\": {...} or \"token\": \"eyJ...\"",
            )))
        }
    };
    let mut options = base.clone();
    if let Some(v) = str_field(obj, "issuer").map_err(fail)? {
        options.issuer = Some(v);
    }
    if let Some(v) = str_field(obj, "action").map_err(fail)? {
        options.action = Some(v);
    }
    if let Some(v) = str_field(obj, "account").map_err(fail)? {
        options.account = Some(v);
    }
    if cache
        .as_ref()
        .is_none_or(|(text, _, _)| *text != policy_text)
    {
        let (policy, warnings) = parse_policy(&policy_text)
            .into_result()
            .map_err(|refused| fail(refused.error))?;
        *cache = Some((policy_text, policy, warnings));
    }
    let Some((_, policy, warnings)) = cache.as_ref() else {
        return Err(fail(usage_error("internal", "no policy".into(), "")));
    };
    let request = Request::from_claims(claims, &options).map_err(fail)?;
    Ok(if args.trace {
        let e = evaluate(policy, &request).with_inputs(warnings, None);
        json!({ "id": id, "decision": e.decision, "trace": args.trace_version.json(&e) })
    } else {
        json!({ "id": id, "decision": decide(policy, &request) })
    })
}
