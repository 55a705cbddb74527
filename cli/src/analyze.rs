//! `who-can`, `prove` and `diff`: the exact region analysis from a terminal.

use oidc_trust::{AdmittedCase, Diagnostic, Policy, Proof};
use serde_json::json;
use std::io::{self, Write};

use crate::args::{DiffArgs, Format, GuardrailArgs, ProveArgs, TerraformArgs, WhoCanArgs};
use crate::policies;
use crate::render::{self, Style};
use crate::Exit;

fn usage(message: String, help: &str) -> Diagnostic {
    Diagnostic::options("invalid-arguments", message, help, "")
}

/// Reads and parses the policy a file (or module) holds, with the RCPs given, reporting
/// their errors.
fn load(
    path: &str,
    resource: Option<&str>,
    tf: &TerraformArgs,
    guardrails: &GuardrailArgs,
    st: &Style,
) -> Result<Policy, Exit> {
    let (_, policy) = policies::load_policy(path, resource, tf, st)?;
    crate::guardrails::guard(policy, guardrails, st)
}

fn print_cases(out: &mut dyn Write, cases: &[AdmittedCase], indent: &str) -> io::Result<()> {
    for (i, c) in cases.iter().enumerate() {
        writeln!(out, "{indent}case {}: {}", i + 1, c.constraints.join("; "))?;
        match &c.witness {
            Some(w) => writeln!(
                out,
                "{indent}  e.g. {}{}",
                serde_json::to_string(w).unwrap_or_default(),
                if c.confirmed {
                    ""
                } else {
                    "  (not confirmed by the evaluator: see approximations)"
                }
            )?,
            None => writeln!(out, "{indent}  (too large to find an example)")?,
        }
    }
    Ok(())
}

pub(crate) fn who_can(args: &WhoCanArgs, st: &Style, out: &mut dyn Write) -> io::Result<Exit> {
    let policy = match load(
        &args.policy,
        args.resource.as_deref(),
        &args.terraform,
        &args.guardrails,
        st,
    ) {
        Ok(p) => p,
        Err(e) => return Ok(e),
    };
    let reports = oidc_trust::who_can(&policy, args.issuer.as_deref());
    match args.format {
        Format::Json => writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&json!({ "version": 1, "issuers": reports }))
                .unwrap_or_default()
        )?,
        Format::Text => {
            if reports.is_empty() {
                writeln!(out, "no Allow statement trusts an OIDC provider")?;
            }
            for r in &reports {
                writeln!(out, "issuer {}", r.issuer)?;
                if r.cases.is_empty() {
                    writeln!(out, "  nobody: no token of this issuer is allowed")?;
                }
                for s in &r.summary {
                    writeln!(out, "  who: {s}")?;
                }
                print_cases(out, &r.cases, "  ")?;
                if !r.cases.is_empty() {
                    writeln!(out, "  ({})", r.unconstrained)?;
                }
                for a in &r.approximations {
                    writeln!(out, "  approximation: {a}")?;
                }
            }
        }
    }
    Ok(Exit::Ok)
}

pub(crate) fn prove(args: &ProveArgs, st: &Style, out: &mut dyn Write) -> io::Result<Exit> {
    let policy = match load(
        &args.policy,
        args.resource.as_deref(),
        &args.terraform,
        &args.guardrails,
        st,
    ) {
        Ok(p) => p,
        Err(e) => return Ok(e),
    };
    let mut only = Vec::new();
    for kv in &args.only {
        let Some((k, v)) = kv.split_once('=') else {
            let d = usage(
                format!("`{kv}` is not CLAIM=GLOB"),
                "write e.g. --only sub='repo:acme/*:ref:refs/heads/main'",
            );
            eprint!("{}", render::diagnostic(&d, "options", None, st));
            return Ok(Exit::BadInput);
        };
        only.push((k.trim().to_string(), v.to_string()));
    }
    let issuer = match &args.issuer {
        Some(i) => i.clone(),
        None => {
            let all: Vec<String> = oidc_trust::who_can(&policy, None)
                .into_iter()
                .map(|r| r.issuer)
                .collect();
            match all.as_slice() {
                [one] => one.clone(),
                _ => {
                    let d = usage(
                        format!("the policy trusts {} OIDC issuers", all.len()),
                        "name one with --issuer",
                    );
                    eprint!("{}", render::diagnostic(&d, "options", None, st));
                    return Ok(Exit::BadInput);
                }
            }
        }
    };
    let proof = oidc_trust::prove(&policy, &issuer, &only);
    match args.format {
        Format::Json => writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&proof).unwrap_or_default()
        )?,
        Format::Text => match &proof {
            Proof::Proved { approximations } => {
                writeln!(
                    out,
                    "{} every token the policy admits for {issuer} meets the constraints",
                    render::mark(true, st)
                )?;
                for a in approximations {
                    writeln!(out, "  approximation: {a}")?;
                }
            }
            Proof::Counterexample {
                claims,
                constraints,
            } => {
                writeln!(
                    out,
                    "{} this token is allowed and breaks the constraints:",
                    render::mark(false, st)
                )?;
                writeln!(
                    out,
                    "  {}",
                    serde_json::to_string(claims).unwrap_or_default()
                )?;
                writeln!(out, "  (from the case: {})", constraints.join("; "))?;
            }
            Proof::Inconclusive { approximations } => {
                writeln!(out, "? inconclusive")?;
                for a in approximations {
                    writeln!(out, "  approximation: {a}")?;
                }
            }
        },
    }
    Ok(match proof {
        Proof::Proved { .. } => Exit::Ok,
        _ => Exit::ExpectationFailed,
    })
}

pub(crate) fn diff(args: &DiffArgs, st: &Style, out: &mut dyn Write) -> io::Result<Exit> {
    let (old, new) = match (
        load(
            &args.old,
            args.resource.as_deref(),
            &args.terraform,
            &args.guardrails,
            st,
        ),
        load(
            &args.new,
            args.resource.as_deref(),
            &args.terraform,
            &args.guardrails,
            st,
        ),
    ) {
        (Ok(o), Ok(n)) => (o, n),
        _ => return Ok(Exit::BadInput),
    };
    let diffs = oidc_trust::diff(&old, &new);
    let changed = diffs
        .iter()
        .any(|d| !d.newly_admitted.is_empty() || !d.newly_refused.is_empty());
    match args.format {
        Format::Json => writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&json!({ "version": 1, "issuers": diffs }))
                .unwrap_or_default()
        )?,
        Format::Text => {
            for d in &diffs {
                writeln!(out, "issuer {}", d.issuer)?;
                if d.newly_admitted.is_empty() && d.newly_refused.is_empty() {
                    writeln!(out, "  no change: the same tokens get in")?;
                }
                if !d.newly_admitted.is_empty() {
                    writeln!(out, "  {} newly admitted:", st_plus(st))?;
                    print_cases(out, &d.newly_admitted, "    ")?;
                }
                if !d.newly_refused.is_empty() {
                    writeln!(out, "  - newly refused:")?;
                    print_cases(out, &d.newly_refused, "    ")?;
                }
                for a in &d.approximations {
                    writeln!(out, "  approximation: {a}")?;
                }
            }
        }
    }
    Ok(if changed {
        Exit::ExpectationFailed
    } else {
        Exit::Ok
    })
}

fn st_plus(st: &Style) -> String {
    render::mark(false, st).replace('✗', "+")
}
