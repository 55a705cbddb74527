//! `oidc-trust eval`: one policy, one token.

use oidc_trust::{evaluate, parse_policy, read_claims_or_token, Decision, Diagnostic, Request};
use serde_json::{json, Value};

use crate::args::{EvalArgs, Expect, Format};
use crate::input::{self, Source};
use crate::render::{self, Style};
use crate::Exit;

pub(crate) fn run(args: &EvalArgs, style: &Style) -> Exit {
    if args.batch {
        return crate::batch::run(args);
    }
    match evaluate_files(args, style) {
        Ok(exit) => exit,
        Err((d, source)) => {
            report_error(args.format, &d, source.as_ref(), style);
            Exit::BadInput
        }
    }
}

/// A diagnostic and the input it is about, for rendering.
type Failure = (Diagnostic, Option<Source>);

fn evaluate_files(args: &EvalArgs, style: &Style) -> Result<Exit, Failure> {
    let options = input::options(args).map_err(|d| (d, None))?;
    let policy_arg = args.policy.as_deref().unwrap_or("-");
    let claims_arg = args
        .claims
        .as_deref()
        .or(args.token.as_deref())
        .unwrap_or("-");
    if policy_arg == "-" && claims_arg == "-" {
        return Err((
            input::usage_error(
                "two-stdin",
                "the policy and the claims cannot both come from standard input".into(),
                "give one of them as a file",
            ),
            None,
        ));
    }
    let policy_source = input::read(policy_arg, "policy").map_err(|d| (d, None))?;
    let claims_source = match (&args.claims, &args.token) {
        (Some(c), _) => input::read(c, "claims"),
        (None, Some(t)) => input::read_token(t),
        (None, None) => Err(input::usage_error(
            "missing-claims",
            "no claims or token given".into(),
            "pass --claims FILE or --token JWT",
        )),
    }
    .map_err(|d| (d, None))?;

    let parsed = parse_policy(&policy_source.text);
    let warnings: Vec<&Diagnostic> = parsed
        .diagnostics
        .iter()
        .filter(|d| !d.is_error())
        .collect();
    let Some(policy) = parsed.policy else {
        let mut errors = parsed.diagnostics.iter().filter(|d| d.is_error());
        let first = errors.next().cloned().unwrap_or_else(|| {
            input::usage_error("invalid-policy", "the policy is invalid".into(), "")
        });
        if args.format == Format::Text {
            for extra in errors {
                eprint!(
                    "{}",
                    render::diagnostic(
                        extra,
                        &policy_source.name,
                        Some(&policy_source.text),
                        style
                    )
                );
            }
        }
        return Err((first, Some(policy_source)));
    };
    let claims = read_claims_or_token(&claims_source.text).map_err(|d| (d, Some(claims_source)))?;
    let header = claims.header;
    let request = Request::from_claims(claims.claims, &options).map_err(|d| (d, None))?;
    let evaluation = evaluate(&policy, &request);
    let decision = evaluation.decision;

    match args.format {
        Format::Text => {
            for w in &warnings {
                eprint!(
                    "{}",
                    render::diagnostic(w, &policy_source.name, Some(&policy_source.text), style)
                );
            }
            print!("{}", render::evaluation(&evaluation, style));
        }
        Format::Json => {
            let report = evaluation.with_inputs(&parsed.diagnostics, header);
            println!(
                "{}",
                serde_json::to_string_pretty(&report).unwrap_or_default()
            );
        }
    }
    let expected = args.expect.map(|e| match e {
        Expect::Allow => Decision::Allow,
        Expect::Deny => Decision::Deny,
    });
    Ok(match expected {
        Some(want) if want != decision => {
            if args.format == Format::Text {
                eprintln!(
                    "expectation not met: expected {}, got {}",
                    want.as_str(),
                    decision.as_str()
                );
            }
            Exit::ExpectationFailed
        }
        _ => Exit::Ok,
    })
}

/// The JSON form of an error, shared with batch mode.
pub(crate) fn error_json(d: &Diagnostic) -> Value {
    serde_json::to_value(d.flat()).unwrap_or(Value::Null)
}

fn report_error(format: Format, d: &Diagnostic, source: Option<&Source>, style: &Style) {
    match format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&json!({ "error": error_json(d) })).unwrap_or_default()
        ),
        Format::Text => {
            let name = source.map(|s| s.name.as_str()).unwrap_or(d.input);
            eprint!(
                "{}",
                render::diagnostic(d, name, source.map(|s| s.text.as_str()), style)
            );
        }
    }
}
