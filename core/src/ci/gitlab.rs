//! GitLab CI/CD: gitlab.com (the provider keys exist there only) and self-managed
//! instances, the `project_path:...:ref_type:...:ref:...` subject, and the token model.

use super::{literal, Model, Named, Scenarios, Token};
use crate::text::severity::FindingSeverity;

/// gitlab.com's issuer.
pub(crate) const ISSUER: &str = "gitlab.com";

/// The claims AWS exposes as condition keys for gitlab.com (domain.md §3.3); a
/// self-managed instance gets the generic keys only.
pub(crate) const KEYS: [&str; 9] = [
    "namespace_id",
    "pipeline_source",
    "project_id",
    "ref_protected",
    "runner_environment",
    "user_access_level",
    "user_email",
    "user_id",
    "user_login",
];

/// gitlab.com only: a self-managed instance is an issuer of its own, with no provider keys.
pub(crate) fn recognises(host: &str, path: &str) -> bool {
    host == ISSUER && path.is_empty()
}

/// The audience GitLab's AWS guide uses: the instance URL.
pub(crate) fn default_audience(issuer: &str) -> String {
    format!("https://{issuer}")
}

/// The default subject: `project_path:GROUP/PROJECT:ref_type:branch|tag:ref:NAME`.
pub(crate) fn subject(project_path: &str, ref_type: &str, r: &str) -> String {
    format!("project_path:{project_path}:ref_type:{ref_type}:ref:{r}")
}

/// The subjects of every job of a group's projects (subgroups included).
pub(crate) fn tenant_subject(group: &str) -> String {
    format!("project_path:{group}/*")
}

/// A subject pattern for every ref of a project.
pub(crate) fn any_ref_subject(project_path: &str) -> String {
    format!("project_path:{project_path}:*")
}

/// Characters allowed in group and project path segments.
pub(crate) fn valid_name(s: &str) -> bool {
    super::valid_slug(s)
}

/// The token model: the intended token read off `named`, and the attacker scenarios.
pub(crate) fn model(named: &Named) -> Model {
    let mut t = Token::with(&[
        ("aud", "https://gitlab.com"),
        ("namespace_path", "mygroup"),
        ("project_name", "myproject"),
        ("project_id", "100001"),
        ("namespace_id", "100002"),
        ("ref_type", "branch"),
        ("ref", "main"),
        ("ref_protected", "true"),
        ("pipeline_source", "push"),
        ("user_login", "maintainer"),
        ("user_id", "100003"),
    ]);
    // `key:value` pairs in the policy's order; `project_path` carries group/subgroups/project.
    let mut parts: Vec<String> = Vec::new();
    if let Some(sub) = named.get("sub") {
        let tokens: Vec<&str> = sub.split(':').collect();
        for pair in tokens.chunks(2) {
            let [k, v] = pair else { continue };
            parts.push((*k).to_string());
            if *k == "project_path" {
                let (ns, p) = v.rsplit_once('/').unwrap_or(("", v));
                if let Some(ns) = literal(ns) {
                    t.set("namespace_path", ns);
                }
                if let Some(p) = literal(p) {
                    t.set("project_name", p);
                }
            } else if let Some(v) = literal(v) {
                t.set(k, v);
            }
        }
    }
    if parts.is_empty() {
        parts = vec!["project_path".into(), "ref_type".into(), "ref".into()];
    }
    for (k, v) in &named.pairs {
        if k != "sub" && !parts.contains(k) {
            if let Some(v) = literal(v) {
                t.set(k, v);
            }
        }
    }
    let fix = |mut t: Token| {
        t.set(
            "project_path",
            format!("{}/{}", t.get("namespace_path"), t.get("project_name")),
        );
        let sub = parts
            .iter()
            .map(|k| format!("{k}:{}", t.get(k)))
            .collect::<Vec<_>>()
            .join(":");
        t.set("sub", sub);
        t.remove("project_name");
        t
    };
    let base = t.clone();
    let ns = base.get("namespace_path").to_string();
    let project = base.get("project_name").to_string();
    let intended_ref = base.get("ref").to_string();
    let mut list = Scenarios::new(&base, &fix);
    let mut add =
        |id, who, severity, change: &dyn Fn(&mut Token)| list.add(id, who, severity, change);
    let new_ids = |t: &mut Token| {
        t.set("project_id", "900001");
        t.set("namespace_id", "900002");
    };
    add(
        "other-group",
        "a project in another group (anyone on gitlab.com)".into(),
        FindingSeverity::Critical,
        &|t| {
            t.set("namespace_path", "zz-attacker");
            new_ids(t);
        },
    );
    add(
        "look-alike-group",
        format!("a group whose path starts with `{ns}`"),
        FindingSeverity::Critical,
        &|t| {
            t.set("namespace_path", format!("{ns}-evil"));
            new_ids(t);
        },
    );
    add(
        "sibling-project",
        format!("another project of `{ns}`"),
        FindingSeverity::High,
        &|t| {
            t.set("project_name", "zz-other-project");
            t.set("project_id", "900003");
        },
    );
    add(
        "subgroup-project",
        format!("a project in a subgroup of `{ns}`"),
        FindingSeverity::High,
        &|t| {
            t.set("namespace_path", format!("{ns}/zz-sub"));
            t.set("project_id", "900004");
            t.set("namespace_id", "900005");
        },
    );
    add(
        "look-alike-project",
        format!("a project of `{ns}` whose path starts with `{project}`"),
        FindingSeverity::High,
        &|t| {
            t.set("project_name", format!("{project}-evil"));
            t.set("project_id", "900006");
        },
    );
    add(
        "unprotected-branch",
        format!("a push pipeline on an unprotected branch of `{ns}/{project}`"),
        FindingSeverity::High,
        &|t| {
            t.set("ref", "zz-feature");
            t.set("ref_protected", "false");
        },
    );
    add(
        "tag-named-like-branch",
        format!("a tag named `{intended_ref}`"),
        FindingSeverity::High,
        &|t| {
            t.set("ref_type", "tag");
            t.set("ref_protected", "false");
        },
    );
    add(
        "merge-request",
        format!("a merge request pipeline of `{ns}/{project}` (unreviewed code)"),
        FindingSeverity::High,
        &|t| {
            t.set("ref", "zz-mr-branch");
            t.set("ref_protected", "false");
            t.set("pipeline_source", "merge_request_event");
        },
    );
    add("reused-path", format!("a new project at `{ns}/{project}` after a rename, transfer or deletion (same path, new ids)"), FindingSeverity::High, &|t| {
        new_ids(t);
    });
    list.model("gitlab")
}
