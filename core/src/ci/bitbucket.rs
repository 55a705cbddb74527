//! Bitbucket Pipelines: one issuer per workspace, the `{repo}:[{env}:]{step}` subject of
//! UUIDs, and the token model.

use super::{literal, Model, Named, Scenarios, Token};
use crate::text::severity::FindingSeverity;

/// The host of Bitbucket's issuers; each workspace has its own path.
const HOST: &str = "api.bitbucket.org";

/// A workspace's issuer.
pub(crate) fn issuer(workspace: &str) -> String {
    format!("{HOST}/2.0/workspaces/{workspace}/pipelines-config/identity/oidc")
}

/// A Bitbucket workspace's issuer, by host.
pub(crate) fn recognises(host: &str, _path: &str) -> bool {
    host == HOST
}

/// The audience of a workspace's tokens.
pub(crate) fn audience(workspace_uuid: &str) -> String {
    format!("ari:cloud:bitbucket::workspace/{workspace_uuid}")
}

/// A step's subject: `{REPO}:{STEP}`, or `{REPO}:{ENV}:{STEP}` in a deployment environment
/// (each a braced UUID).
pub(crate) fn subject(repo: &str, environment: Option<&str>, step: &str) -> String {
    match environment {
        Some(env) => format!("{repo}:{env}:{step}"),
        None => format!("{repo}:{step}"),
    }
}

/// A UUID as Bitbucket writes it in subjects, braced: `{…}`; `None` when it is not one.
pub(crate) fn braced_uuid(s: &str) -> Option<String> {
    let inner = s.trim_start_matches('{').trim_end_matches('}');
    super::uuid_like(inner).then(|| format!("{{{inner}}}"))
}

/// Characters allowed in workspace slugs.
pub(crate) fn valid_workspace(s: &str) -> bool {
    super::valid_slug(s)
}

/// The token model: the intended token read off `named`, and the attacker scenarios.
pub(crate) fn model(named: &Named) -> Model {
    let mut t = Token::default();
    t.set(
        "aud",
        named.get("aud").and_then(literal).unwrap_or_else(|| {
            "ari:cloud:bitbucket::workspace/00000000-0000-0000-0000-000000000000".into()
        }),
    );
    t.set("repo", "{11111111-1111-1111-1111-111111111111}");
    t.set("env", "");
    t.set("step", "{33333333-3333-3333-3333-333333333333}");
    if let Some(sub) = named.get("sub") {
        let parts: Vec<&str> = sub.split(':').collect();
        if let Some(r) = parts.first().and_then(|p| literal(p)) {
            t.set("repo", r);
        }
        if parts.len() == 3 {
            if let Some(e) = literal(parts[1]) {
                t.set("env", e);
            }
        }
    }
    let fix = |mut t: Token| {
        let env = Some(t.get("env")).filter(|e| !e.is_empty());
        let sub = subject(t.get("repo"), env, t.get("step"));
        t.set("sub", sub);
        let repo = t.get("repo").to_string();
        t.set("repositoryUuid", repo);
        t.remove("repo");
        t.remove("env");
        t.remove("step");
        t
    };
    let base = t.clone();
    let has_env = !base.get("env").is_empty();
    let mut list = Scenarios::new(&base, &fix);
    let mut add =
        |id, who, severity, change: &dyn Fn(&mut Token)| list.add(id, who, severity, change);
    add(
        "other-repo",
        "another repository of the workspace".into(),
        FindingSeverity::High,
        &|t| t.set("repo", "{99999999-0000-0000-0000-000000000001}"),
    );
    if has_env {
        add(
            "other-environment",
            "another deployment environment of the repository".into(),
            FindingSeverity::Medium,
            &|t| t.set("env", "{99999999-0000-0000-0000-000000000002}"),
        );
    }
    list.model("bitbucket-pipelines")
}
