//! `oidc-trust eval`: one policy, one token.

use oidc_trust::{
    evaluate, parse_policy, read_claims_or_token, Decision, Diagnostic, Refused, Request,
};
use serde_json::json;

use crate::args::{EvalArgs, Expect, Format};
use crate::input::{self, Source};
use crate::policies::{self, Loaded};
use crate::render::{self, Style};
use crate::Exit;
use std::io::{self, Write};

pub(crate) fn run(args: &EvalArgs, style: &Style, out: &mut dyn Write) -> io::Result<Exit> {
    match evaluate_files(args, style, out) {
        Ok(exit) => Ok(exit),
        Err(Failure::Output(e)) => Err(e),
        Err(Failure::Reported) => Ok(Exit::BadInput),
        Err(Failure::Input(d, source)) => {
            report_error(args.format, &d, source.as_ref(), style, out)?;
            Ok(Exit::BadInput)
        }
    }
}

/// Why an evaluation did not finish.
#[allow(
    clippy::large_enum_variant,
    reason = "built once per run; a diagnostic is data and its size is the point (the lint fires on 64-bit targets only)"
)]
enum Failure {
    /// Bad input: a diagnostic and the input it is about, for rendering.
    Input(Diagnostic, Option<Source>),
    /// Standard output failed (closed early, usually).
    Output(io::Error),
    /// Bad input already reported (an RCP's errors, each in its own file).
    Reported,
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Failure {
        Failure::Output(e)
    }
}

/// A bad-input failure without a source to show.
fn input_failure(d: Diagnostic) -> Failure {
    Failure::Input(d, None)
}

fn evaluate_files(args: &EvalArgs, style: &Style, out: &mut dyn Write) -> Result<Exit, Failure> {
    let options = input::options(args).map_err(input_failure)?;
    let policy_arg = args.policy.as_deref().unwrap_or("-");
    let claims_arg = args
        .claims
        .as_deref()
        .or(args.token.as_deref())
        .unwrap_or("-");
    if policy_arg == "-" && claims_arg == "-" {
        return Err(input_failure(input::usage_error(
            "two-stdin",
            "the policy and the claims cannot both come from standard input".into(),
            "give one of them as a file",
        )));
    }
    let tf = input::terraform_options(&args.terraform.vars, &args.terraform.var_files)
        .map_err(input_failure)?;
    let loaded = match policies::load(policy_arg, args.resource.as_deref(), &tf) {
        Ok(l) => l,
        Err(d) => {
            // A file problem: shown with the file's line when it has one.
            let source = d.location.span.and_then(|_| {
                input::read(d.location.file.as_deref().unwrap_or(policy_arg), "policy").ok()
            });
            return Err(Failure::Input(d, source));
        }
    };
    let claims_source = match (&args.claims, &args.token) {
        (Some(c), _) => input::read(c, "claims"),
        (None, Some(t)) => input::read_token(t),
        (None, None) => Err(input::usage_error(
            "missing-claims",
            "no claims or token given".into(),
            "pass --claims FILE or --token JWT",
        )),
    }
    .map_err(input_failure)?;

    let (mut policy, mut diagnostics) = match parse_policy(&loaded.policy.text).into_result() {
        Ok(parsed) => parsed,
        Err(refused) => return Err(refused_policy(args, refused, &loaded, style)),
    };
    for d in &mut diagnostics {
        d.location = loaded.locate(&d.location);
    }
    // An account dump names the role: RCP statements scoped to roles are decided.
    policy.role.clone_from(&loaded.policy.role);
    let policy =
        crate::guardrails::guard(policy, &args.guardrails, style).map_err(|_| Failure::Reported)?;
    let warnings: Vec<&Diagnostic> = diagnostics.iter().filter(|d| !d.is_error()).collect();
    let claims = read_claims_or_token(&claims_source.text)
        .map_err(|d| Failure::Input(d, Some(claims_source)))?;
    let header = claims.header;
    let request = Request::from_claims(claims.claims, &options).map_err(input_failure)?;
    let mut evaluation = evaluate(&policy, &request);
    loaded.relocate(&mut evaluation);
    let decision = evaluation.decision;

    match args.format {
        Format::Text => {
            for w in &warnings {
                let source = loaded.source_for(&w.location);
                eprint!(
                    "{}",
                    render::diagnostic(w, &source.name, Some(&source.text), style)
                );
            }
            write!(out, "{}", render::evaluation(&evaluation, style))?;
        }
        Format::Json => {
            let report = evaluation.with_inputs(&diagnostics, header);
            writeln!(out, "{}", args.trace_version.pretty(&report))?;
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

/// A refused policy: its first error is the command's error; in text, the other errors
/// are printed first. Locations are moved into the file the policy was found in.
fn refused_policy(args: &EvalArgs, refused: Refused, loaded: &Loaded, style: &Style) -> Failure {
    let mut error = refused.error.clone();
    error.location = loaded.locate(&error.location);
    if args.format == Format::Text {
        for extra in refused
            .diagnostics
            .iter()
            .filter(|d| d.is_error() && **d != refused.error)
        {
            let mut d = extra.clone();
            d.location = loaded.locate(&d.location);
            let source = loaded.source_for(&d.location);
            eprint!(
                "{}",
                render::diagnostic(&d, &source.name, Some(&source.text), style)
            );
        }
    }
    let source = loaded.source_for(&error.location);
    Failure::Input(error, Some(source))
}

fn report_error(
    format: Format,
    d: &Diagnostic,
    source: Option<&Source>,
    style: &Style,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Json => writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&json!({ "error": render::error_json(d) }))
                .unwrap_or_default()
        )?,
        Format::Text => {
            let name = source.map(|s| s.name.as_str()).unwrap_or(d.input);
            eprint!(
                "{}",
                render::diagnostic(d, name, source.map(|s| s.text.as_str()), style)
            );
        }
    }
    Ok(())
}
