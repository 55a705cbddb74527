//! What the organisation's resource control policies (domain.md §8) change for the
//! analyses: the attacker replay judged by both layers, and whether they constrain an
//! issuer at all. Lint turns these into findings.

use crate::analysis::replay::{replay, Replay};
use crate::analysis::who_can::diff;
use crate::policy::model::{Policy, Rcp};
use crate::policy::parse::parse_policy;
use crate::text::json::push_json_string;

/// The attacker replay of `policy` with `rcps` in force: the same tokens as the trust
/// policy's own replay (the Allow statements name the identity; where an RCP is more
/// specific, it does), each judged by both layers.
pub(crate) fn guarded_replays(policy: &Policy, rcps: &[Rcp]) -> Vec<Replay> {
    replay(&policy.guarded_by(rcps))
}

/// Whether `rcps` deny no token of `issuer` at all: a role that trusts every token of the
/// issuer admits exactly the same tokens with them as without.
pub(crate) fn leaves_open(issuer: &str, rcps: &[Rcp]) -> bool {
    let mut text = String::from(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"#,
    );
    push_json_string(
        &mut text,
        &format!("arn:aws:iam::000000000000:oidc-provider/{issuer}"),
    );
    text.push_str(r#"},"Action":"sts:AssumeRoleWithWebIdentity"}]}"#);
    let Some(everyone) = parse_policy(&text).policy else {
        return false;
    };
    let guarded = everyone.guarded_by(rcps);
    diff(&everyone, &guarded)
        .iter()
        .all(|d| d.newly_refused.is_empty())
}
