//! `oidc-trust test POLICY TESTS`: policy unit tests, runner style.

use oidc_trust::{evaluate, read_claims_or_token, Decision, Diagnostic, Request, RequestOptions};
use serde::Deserialize;
use serde_json::Value;

use crate::args::TestArgs;
use crate::input;
use crate::policies;
use crate::render::{self, Style};
use crate::Exit;
use std::io::{self, Write};

/// One test case.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    #[serde(default)]
    claims: Option<Value>,
    #[serde(default)]
    token: Option<String>,
    expect: Expected,
    #[serde(default)]
    issuer: Option<String>,
    #[serde(default)]
    now: Option<Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Expected {
    Allow,
    Deny,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum File {
    List(Vec<Case>),
    Wrapped { tests: Vec<Case> },
}

fn bad(message: String, help: &str) -> Diagnostic {
    Diagnostic::options("invalid-tests", message, help, "")
}

pub(crate) fn run(args: &TestArgs, st: &Style, out: &mut dyn Write) -> io::Result<Exit> {
    let policy =
        match policies::load_policy(&args.policy, args.resource.as_deref(), &args.terraform, st) {
            Ok((_, p)) => p,
            Err(exit) => return Ok(exit),
        };
    let policy = match crate::guardrails::guard(policy, &args.guardrails, st) {
        Ok(p) => p,
        Err(exit) => return Ok(exit),
    };
    match run_inner(args, &policy, st) {
        Ok((report, exit)) => {
            out.write_all(report.as_bytes())?;
            Ok(exit)
        }
        Err((d, file, text)) => {
            eprint!("{}", render::diagnostic(&d, &file, text.as_deref(), st));
            Ok(Exit::BadInput)
        }
    }
}

type Failure = (Diagnostic, String, Option<String>);

/// Runs the tests: the report to print, and the exit code.
fn run_inner(
    args: &TestArgs,
    policy: &oidc_trust::Policy,
    st: &Style,
) -> Result<(String, Exit), Failure> {
    let tests_src = input::read(&args.tests, "tests").map_err(|d| (d, args.tests.clone(), None))?;
    let converted = crate::yaml::to_json_if_yaml(&tests_src.text)
        .map_err(|d| (d, tests_src.name.clone(), Some(tests_src.text.clone())))?;
    let file: File = serde_json::from_str(converted.json(&tests_src.text)).map_err(|e| {
        let d = bad(
            format!("the tests file is not a list of tests: {e}"),
            "write [{\"name\": \"main deploys\", \"token\": \"eyJ...\", \"expect\": \"allow\"}, ...] (JSON or YAML)",
        );
        (d, tests_src.name.clone(), None)
    })?;
    let cases = match file {
        File::List(c) | File::Wrapped { tests: c } => c,
    };
    let (mut passed, mut failed) = (0, 0);
    let mut report = String::new();
    for case in &cases {
        match check(policy, case) {
            Ok(None) => {
                passed += 1;
                report.push_str(&format!("{} {}\n", render::mark(true, st), case.name));
            }
            Ok(Some(why)) => {
                failed += 1;
                report.push_str(&format!(
                    "{} {}\n    {why}\n",
                    render::mark(false, st),
                    case.name
                ));
            }
            Err(d) => {
                failed += 1;
                report.push_str(&format!(
                    "{} {}\n    cannot run: {} ({})\n",
                    render::mark(false, st),
                    case.name,
                    d.message,
                    d.help
                ));
            }
        }
    }
    report.push_str(&format!("\n{passed} passed, {failed} failed\n"));
    let exit = if failed > 0 {
        Exit::ExpectationFailed
    } else {
        Exit::Ok
    };
    Ok((report, exit))
}

/// `Ok(None)` when the case passes, `Ok(Some(why))` when it fails.
fn check(policy: &oidc_trust::Policy, case: &Case) -> Result<Option<String>, Diagnostic> {
    let text = match (&case.claims, &case.token) {
        (Some(c), None) => c.to_string(),
        (None, Some(t)) => t.clone(),
        _ => {
            return Err(bad(
                "give `claims` or `token` (one of them)".into(),
                "add \"claims\": {...} or \"token\": \"eyJ...\"",
            ))
        }
    };
    let claims = read_claims_or_token(&text)?.claims;
    let now = match &case.now {
        None => None,
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => Some(oidc_trust::support::time_option(s)?),
        Some(_) => {
            return Err(bad(
                "`now` must be epoch seconds or an ISO 8601 string".into(),
                "e.g. \"now\": \"2026-11-22T10:00:00Z\"",
            ))
        }
    };
    let options = RequestOptions {
        issuer: case.issuer.clone(),
        now,
        ..RequestOptions::default()
    };
    let request = Request::from_claims(claims, &options)?;
    let e = evaluate(policy, &request);
    let want = match case.expect {
        Expected::Allow => Decision::Allow,
        Expected::Deny => Decision::Deny,
    };
    if e.decision == want {
        return Ok(None);
    }
    let failing: Vec<String> = e
        .statements
        .iter()
        .flat_map(|s| &s.conditions)
        .filter(|c| !c.satisfied)
        .map(|c| format!("{} {}: {}", c.operator, c.key, c.why))
        .collect();
    Ok(Some(format!(
        "expected {}, got {}: {}{}",
        want.as_str(),
        e.decision.as_str(),
        e.summary,
        if failing.is_empty() {
            String::new()
        } else {
            format!("\n    failing: {}", failing.join("; "))
        }
    )))
}
