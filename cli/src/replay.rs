//! `oidc-trust replay POLICY`: the attacker tokens and which ones get in.

use oidc_trust::{parse_policy, replay, ClaimValue, Decision, FindingSeverity};

use crate::args::{Format, ReplayArgs};
use crate::input;
use crate::render::{self, Style};
use crate::Exit;

pub(crate) fn run(args: &ReplayArgs, st: &Style) -> Exit {
    let source = match input::read(&args.policy, "policy") {
        Ok(s) => s,
        Err(d) => {
            eprint!("{}", render::diagnostic(&d, &args.policy, None, st));
            return Exit::BadInput;
        }
    };
    let parsed = parse_policy(&source.text);
    let Some(policy) = parsed.policy else {
        for d in parsed.diagnostics.iter().filter(|d| d.is_error()) {
            eprint!(
                "{}",
                render::diagnostic(d, &source.name, Some(&source.text), st)
            );
        }
        return Exit::BadInput;
    };
    let replays = replay(&policy);
    let bad = replays
        .iter()
        .flat_map(|r| &r.attempts)
        .any(|a| a.decision == Decision::Allow && a.severity >= FindingSeverity::High);
    match args.format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({ "version": 1, "replays": replays }))
                .unwrap_or_default()
        ),
        Format::Text => {
            if replays.is_empty() {
                println!("no Allow statement trusts an OIDC provider: nothing to replay");
            }
            let sub = |c: &oidc_trust::Claims| {
                c.get("sub")
                    .and_then(ClaimValue::as_str)
                    .unwrap_or("")
                    .to_string()
            };
            for r in &replays {
                println!("issuer {} ({} tokens)", r.issuer, r.model);
                println!(
                    "  intended  {} {}",
                    render::mark(r.intended_decision == Decision::Allow, st),
                    sub(&r.intended)
                );
                for a in &r.attempts {
                    let gets_in = a.decision == Decision::Allow;
                    let verdict = if gets_in {
                        format!("GETS IN ({})", render::severity(a.severity, st))
                    } else {
                        "denied".to_string()
                    };
                    println!(
                        "  {} {:<24} {verdict}: {}\n      sub {}",
                        render::mark(!gets_in, st),
                        a.scenario,
                        a.who,
                        sub(&a.claims)
                    );
                }
            }
        }
    }
    if bad {
        Exit::ExpectationFailed
    } else {
        Exit::Ok
    }
}
