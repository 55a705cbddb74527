//! Buildkite: the shared issuer, the
//! `organization:...:pipeline:...:ref:...:commit:...:step:...` subject, the keys AWS
//! exposes, and the token model.

use super::{literal, Model, Named, Scenarios, Token};
use crate::text::severity::FindingSeverity;

/// Buildkite's issuer.
pub(crate) const ISSUER: &str = "agent.buildkite.com";

/// The audience Buildkite's AWS plugin requests.
pub(crate) const DEFAULT_AUDIENCE: &str = "sts.amazonaws.com";

/// The claims AWS exposes as condition keys for Buildkite (domain.md §3.3).
pub(crate) const KEYS: [&str; 7] = [
    "build_branch",
    "cluster_id",
    "cluster_name",
    "organization_id",
    "organization_slug",
    "pipeline_id",
    "pipeline_slug",
];

/// Buildkite's issuer, or a regional/dedicated agent host.
pub(crate) fn recognises(host: &str, _path: &str) -> bool {
    host == ISSUER
        || (host.starts_with("agent.")
            && (host.ends_with(".buildkite.dev") || host.ends_with(".buildkite.site")))
}

/// A step's subject.
pub(crate) fn subject(
    organization: &str,
    pipeline: &str,
    r: &str,
    commit: &str,
    step: &str,
) -> String {
    format!("organization:{organization}:pipeline:{pipeline}:ref:{r}:commit:{commit}:step:{step}")
}

/// The subjects of every step of an organisation.
pub(crate) fn tenant_subject(organization: &str) -> String {
    format!("organization:{organization}:*")
}

/// Characters allowed in organisation and pipeline slugs.
pub(crate) fn valid_name(s: &str) -> bool {
    super::valid_slug(s)
}

/// The token model: the intended token read off `named`, and the attacker scenarios.
pub(crate) fn model(named: &Named) -> Model {
    let mut t = Token::with(&[
        ("aud", "sts.amazonaws.com"),
        ("organization", "acme"),
        ("pipeline", "deploy"),
        ("ref", "refs/heads/main"),
        ("commit", "0000000000000000000000000000000000000000"),
        ("step", "deploy"),
    ]);
    t.read_pairs(named.get("sub"));
    // Ids the policy pins belong to the intended pipeline; attackers get their own.
    for id in ["organization_id", "pipeline_id"] {
        if let Some(v) = named.get(id).and_then(literal) {
            t.set(id, v);
        }
    }
    let fix = |mut t: Token| {
        let sub = subject(
            t.get("organization"),
            t.get("pipeline"),
            t.get("ref"),
            t.get("commit"),
            t.get("step"),
        );
        t.set("sub", sub);
        for (claim, part) in [
            ("organization_slug", "organization"),
            ("pipeline_slug", "pipeline"),
            ("build_branch", "ref"),
        ] {
            let v = t.get(part).trim_start_matches("refs/heads/").to_string();
            t.set(claim, v);
        }
        t
    };
    let base = t.clone();
    let mut list = Scenarios::new(&base, &fix);
    let mut add =
        |id, who, severity, change: &dyn Fn(&mut Token)| list.add(id, who, severity, change);
    add(
        "other-org",
        "a pipeline of another Buildkite organisation".into(),
        FindingSeverity::Critical,
        &|t| {
            t.set("organization", "zz-attacker");
            if !t.get("organization_id").is_empty() {
                t.set("organization_id", "zz-attacker-org-id");
                t.set("pipeline_id", "zz-attacker-pipeline-id");
            }
        },
    );
    add(
        "other-pipeline",
        "another pipeline of the organisation".into(),
        FindingSeverity::High,
        &|t| {
            t.set("pipeline", "zz-other-pipeline");
            if !t.get("pipeline_id").is_empty() {
                t.set("pipeline_id", "zz-other-pipeline-id");
            }
        },
    );
    add(
        "other-branch",
        "a build of another branch".into(),
        FindingSeverity::Medium,
        &|t| t.set("ref", "refs/heads/zz-feature"),
    );
    list.model("buildkite")
}
