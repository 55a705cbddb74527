//! `oidc-trust replay POLICY`: the attacker tokens and which ones get in.

use oidc_trust::{
    evaluate, read_claims_or_token, replay_from, ClaimValue, Decision, FindingSeverity, Request,
    RequestOptions,
};

use crate::args::{Format, ReplayArgs};
use crate::input;
use crate::policies;
use crate::render::{self, Style};
use crate::Exit;
use std::io::{self, Write};

pub(crate) fn run(args: &ReplayArgs, st: &Style, out: &mut dyn Write) -> io::Result<Exit> {
    let (loaded, policy) =
        match policies::load_policy(&args.policy, args.resource.as_deref(), &args.terraform, st) {
            Ok(x) => x,
            Err(exit) => return Ok(exit),
        };
    let policy = match crate::guardrails::guard(policy, &args.guardrails, st) {
        Ok(p) => p,
        Err(exit) => return Ok(exit),
    };
    let intended = match &args.intended {
        None => None,
        Some(arg) => {
            let read = input::read_token(arg).and_then(|src| read_claims_or_token(&src.text));
            match read {
                Ok(c) => Some(c.claims),
                Err(d) => {
                    eprint!("{}", render::diagnostic(&d, arg, None, st));
                    return Ok(Exit::BadInput);
                }
            }
        }
    };
    let mut replays = replay_from(&policy, intended.as_ref());
    loaded.policy.relocate_replays(&mut replays);
    let bad = replays
        .iter()
        .flat_map(|r| &r.attempts)
        .any(|a| a.decision == Decision::Allow && a.severity >= FindingSeverity::High);
    match args.format {
        Format::Json => {
            let mut value = serde_json::json!({ "version": 1, "replays": replays });
            if args.trace {
                add_traces(&policy, &loaded, args.trace_version, &mut value);
            }
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&value).unwrap_or_default()
            )?;
        }
        Format::Text => {
            if replays.is_empty() {
                writeln!(
                    out,
                    "no Allow statement trusts an OIDC provider: nothing to replay"
                )?;
            }
            let sub = |c: &oidc_trust::Claims| {
                c.get("sub")
                    .and_then(ClaimValue::as_str)
                    .unwrap_or("")
                    .to_string()
            };
            for r in &replays {
                writeln!(out, "issuer {} ({} tokens)", r.issuer, r.model)?;
                writeln!(
                    out,
                    "  intended  {} {}",
                    render::mark(r.intended_decision == Decision::Allow, st),
                    sub(&r.intended)
                )?;
                for a in &r.attempts {
                    let gets_in = a.decision == Decision::Allow;
                    let verdict = if gets_in {
                        format!("GETS IN ({})", render::severity(a.severity, st))
                    } else {
                        "denied".to_string()
                    };
                    writeln!(
                        out,
                        "  {} {:<24} {verdict}: {}\n      sub {}",
                        render::mark(!gets_in, st),
                        a.scenario,
                        a.who,
                        sub(&a.claims)
                    )?;
                    if gets_in && args.trace {
                        if let Some(e) = trace(&policy, &loaded, &r.issuer, &a.claims) {
                            for line in render::evaluation(&e, st).lines() {
                                writeln!(out, "      {line}")?;
                            }
                        }
                    }
                }
            }
        }
    }
    Ok(if bad {
        Exit::ExpectationFailed
    } else {
        Exit::Ok
    })
}

fn trace(
    policy: &oidc_trust::Policy,
    loaded: &policies::Loaded,
    issuer: &str,
    claims: &oidc_trust::Claims,
) -> Option<oidc_trust::Evaluation> {
    let options = RequestOptions {
        issuer: Some(issuer.to_string()),
        ..RequestOptions::default()
    };
    Request::new(claims, &options).ok().map(|r| {
        let mut e = evaluate(policy, &r);
        loaded.relocate(&mut e);
        e
    })
}

/// With `--trace`: each attempt that gets in carries its evaluation.
fn add_traces(
    policy: &oidc_trust::Policy,
    loaded: &policies::Loaded,
    version: crate::args::TraceVersion,
    value: &mut serde_json::Value,
) {
    let Some(replays) = value["replays"].as_array_mut() else {
        return;
    };
    for r in replays {
        let issuer = r["issuer"].as_str().unwrap_or("").to_string();
        let Some(attempts) = r["attempts"].as_array_mut() else {
            continue;
        };
        for a in attempts.iter_mut().filter(|a| a["decision"] == "allow") {
            let text = a["claims"].to_string();
            let e = oidc_trust::read_claims(&text)
                .ok()
                .and_then(|c| trace(policy, loaded, &issuer, &c));
            if let (Some(e), serde_json::Value::Object(m)) = (e, a) {
                m.insert("trace".into(), version.json(&e));
            }
        }
    }
}
