//! What the organisation's resource control policies (domain.md §8) change for the
//! analyses: the attacker replay judged by both layers, and whether they constrain an
//! issuer at all. Lint turns these into findings.

use crate::analysis::replay::{replay, Replay};
use crate::eval::trace::Decision;
use crate::policy::model::{Policy, Rcp};
use crate::policy::parse::parse_policy;
use crate::text::json::push_json_string;

/// The attacker replay of `policy` with `rcps` in force: the same tokens as the trust
/// policy's own replay (the Allow statements name the identity; where an RCP is more
/// specific, it does), each judged by both layers.
pub(crate) fn guarded_replays(policy: &Policy, rcps: &[Rcp]) -> Vec<Replay> {
    replay(&policy.guarded_by(rcps))
}

/// Whether `rcps` deny no token of `issuer`: judged on the attacker replay of a role that
/// trusts every token of the issuer, so any token denied is denied by an RCP. (The replay
/// varies the tenant, repository, ref, workflow and actor; an RCP that constrains only a
/// claim it never varies is taken as leaving the issuer open. The exact region analysis
/// would decide it, at the cost of the main npm module's size budget.)
pub(crate) fn leaves_open(issuer: &str, rcps: &[Rcp], role: Option<&str>) -> bool {
    let mut text = String::from(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"#,
    );
    push_json_string(
        &mut text,
        &format!("arn:aws:iam::000000000000:oidc-provider/{issuer}"),
    );
    text.push_str(r#"},"Action":"sts:AssumeRoleWithWebIdentity"}]}"#);
    let Some(mut everyone) = parse_policy(&text).policy else {
        return false;
    };
    everyone.role = role.map(str::to_string);
    replay(&everyone.guarded_by(rcps)).iter().all(|r| {
        r.intended_decision == Decision::Allow
            && r.attempts.iter().all(|a| a.decision == Decision::Allow)
    })
}
