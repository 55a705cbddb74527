//! CircleCI: one issuer per organisation, the `org/.../project/.../user/...` subject,
//! the project-id key, and the token model.

use super::{literal, Model, Named, Scenarios, Token};
use crate::text::severity::FindingSeverity;

/// The host of CircleCI's issuers; each organisation's is `HOST/org/ORG_ID`.
const HOST: &str = "oidc.circleci.com";

/// The claims AWS exposes as condition keys for CircleCI (domain.md §3.3).
pub(crate) const KEYS: [&str; 1] = [PROJECT_ID];

/// The claim listing the job's contexts (not a condition key).
pub(crate) const CONTEXT_IDS: &str = "oidc.circleci.com/context-ids";

/// The project-id claim (and key).
pub(crate) const PROJECT_ID: &str = "oidc.circleci.com/project-id";

/// An organisation's issuer.
pub(crate) fn issuer(org: &str) -> String {
    format!("{HOST}/org/{org}")
}

/// A CircleCI organisation's issuer.
pub(crate) fn recognises(host: &str, path: &str) -> bool {
    host == HOST && path.starts_with("org/")
}

/// A job's subject (token v1): `org/ORG/project/PROJECT/user/USER`.
pub(crate) fn subject(org: &str, project: &str, user: &str) -> String {
    format!("org/{org}/project/{project}/user/{user}")
}

/// The subjects of every job of an organisation.
pub(crate) fn tenant_subject(org: &str) -> String {
    format!("org/{org}/*")
}

/// CircleCI names organisations, projects and users by UUID.
pub(crate) fn valid_id(s: &str) -> bool {
    super::uuid_like(s)
}

/// The token model: the intended token read off `named`, and the attacker scenarios.
pub(crate) fn model(issuer: &str, named: &Named) -> Model {
    let org = issuer.split("/org/").nth(1).unwrap_or("org").to_string();
    let mut t = Token::default();
    t.set("aud", org.clone());
    t.set("org", org);
    t.set("project", "11111111-2222-3333-4444-555555555555");
    t.set("user", "66666666-7777-8888-9999-000000000000");
    if let Some(sub) = named.get("sub") {
        let tokens: Vec<&str> = sub.split('/').collect();
        for pair in tokens.chunks(2) {
            if let [k @ ("org" | "project" | "user"), v] = pair {
                if let Some(v) = literal(v) {
                    t.set(k, v);
                }
            }
        }
    }
    if let Some(p) = named.get(PROJECT_ID).and_then(literal) {
        t.set("project", p);
    }
    if let Some(aud) = named.get("aud").and_then(literal) {
        t.set("aud", aud);
    }
    let fix = |mut t: Token| {
        let sub = subject(t.get("org"), t.get("project"), t.get("user"));
        t.set("sub", sub);
        let project = t.get("project").to_string();
        t.set(PROJECT_ID, project);
        t.remove("org");
        t.remove("project");
        t.remove("user");
        t
    };
    let base = t.clone();
    let mut list = Scenarios::new(&base, &fix);
    let mut add =
        |id, who, severity, change: &dyn Fn(&mut Token)| list.add(id, who, severity, change);
    add(
        "other-project",
        "another project of the organisation".into(),
        FindingSeverity::High,
        &|t| t.set("project", "99999999-0000-0000-0000-000000000001"),
    );
    add(
        "ssh-rerun-other-user",
        "another user's SSH re-run debug session (reads the token by hand)".into(),
        FindingSeverity::High,
        &|t| {
            t.set("user", "99999999-0000-0000-0000-000000000002");
            t.set("oidc.circleci.com/ssh-rerun", "true");
        },
    );
    list.model("circleci")
}
