//! Generate a hardened trust policy from an intent: who may assume the role (repositories
//! and their refs), and which hardening layers to apply. GitHub Actions for now; the
//! other CI systems follow the same shape.
//!
//! The policy is written so that lint finds nothing to fix beyond what the intent opts
//! into (pull requests, tags, any ref, environments): exact `StringEquals` wherever no
//! wildcard is needed, the audience pinned, and the provider's immutable ids when given.

use crate::diagnostic::Diagnostic;
use crate::json::push_json_string;

/// A repository that may assume the role.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Repository {
    /// Owner (organisation or user).
    pub owner: String,
    /// Repository name.
    pub name: String,
    /// GitHub's numeric owner id, when known (immutable subjects, `repository_owner_id`).
    pub owner_id: Option<String>,
    /// GitHub's numeric repository id, when known (`repository_id`).
    pub id: Option<String>,
}

/// Who may assume the role, and how hard the policy is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Intent {
    /// The AWS account of the OIDC provider (12 digits).
    pub account: String,
    /// The issuer; default `token.actions.githubusercontent.com` (an enterprise's
    /// `token.actions.githubusercontent.com/<slug>` or a GHE.com host also work).
    pub issuer: Option<String>,
    /// The audience; default `sts.amazonaws.com`.
    pub audience: Option<String>,
    /// The repositories.
    pub repositories: Vec<Repository>,
    /// Branches (`main`, `release/*`).
    pub branches: Vec<String>,
    /// Tags (`v*`).
    pub tags: Vec<String>,
    /// Deployment environments.
    pub environments: Vec<String>,
    /// Let pull-request runs in (opt-in: they run unreviewed code).
    pub pull_requests: bool,
    /// Let any ref, environment or event in (opt-in).
    pub any_ref: bool,
    /// Layer 1: the workflow file and ref (`.github/workflows/deploy.yml@refs/heads/main`,
    /// or `OWNER/REPO/.github/workflows/x.yml@REF` for a reusable workflow).
    pub workflow: Option<String>,
    /// Layer 2: the actors who may trigger it.
    pub actors: Vec<String>,
    /// Layer 4: a customised `sub` (`repo`, `context`, `job_workflow_ref`).
    pub custom_subject: bool,
    /// Use GitHub's immutable subjects (`repo:OWNER@ID/REPO@ID:...`); needs the ids.
    pub immutable_subject: bool,
}

/// A generated policy and what to know about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// The trust policy, pretty JSON.
    pub policy: String,
    /// Who can assume the role, in words, and what is deliberately excluded.
    pub summary: String,
    /// Things the intent opted into that weaken the policy.
    pub warnings: Vec<String>,
    /// The `include_claim_keys` the repositories must set (layer 4), if any.
    pub include_claim_keys: Vec<&'static str>,
}

fn intent_error(message: String, help: &str, pointer: &str) -> Diagnostic {
    Diagnostic::options("invalid-intent", message, help, pointer)
}

/// Characters GitHub allows in owner and repository names.
fn valid_name(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
}

/// Generates the trust policy for `intent`.
pub fn generate(intent: &Intent) -> Result<Generated, Diagnostic> {
    if intent.account.len() != 12 || !intent.account.bytes().all(|b| b.is_ascii_digit()) {
        return Err(intent_error(
            format!("`{}` is not an AWS account id", intent.account),
            "an account id is 12 digits",
            "/account",
        ));
    }
    if intent.repositories.is_empty() {
        return Err(intent_error(
            "no repository given".into(),
            "name at least one: --repo OWNER/REPO",
            "/repositories",
        ));
    }
    for (i, r) in intent.repositories.iter().enumerate() {
        if !valid_name(&r.owner) || !valid_name(&r.name) {
            return Err(intent_error(format!("`{}/{}` is not a repository name", r.owner, r.name), "write OWNER/REPO with letters, digits, `-`, `_` and `.` only (no wildcards: list repositories instead)", &format!("/repositories/{i}")));
        }
        if intent.immutable_subject && (r.owner_id.is_none() || r.id.is_none()) {
            return Err(intent_error(
                format!(
                    "immutable subjects need the ids of `{}/{}`",
                    r.owner, r.name
                ),
                "give --owner-id and --repo-id (gh api repos/OWNER/REPO --jq '.owner.id, .id')",
                &format!("/repositories/{i}"),
            ));
        }
    }
    if intent.branches.is_empty()
        && intent.tags.is_empty()
        && intent.environments.is_empty()
        && !intent.pull_requests
        && !intent.any_ref
    {
        return Err(intent_error("no ref, environment or event given".into(), "say which may assume the role: --branch main, --environment prod, --tag 'v*' (or --any-ref)", "/branches"));
    }
    let issuer = intent
        .issuer
        .as_deref()
        .unwrap_or("token.actions.githubusercontent.com")
        .trim_start_matches("https://")
        .trim_end_matches('/')
        .to_string();
    let audience = intent
        .audience
        .clone()
        .unwrap_or_else(|| "sts.amazonaws.com".into());
    let mut warnings = Vec::new();

    // The contexts GitHub puts in `sub` (environment > pull_request > ref).
    let mut contexts: Vec<String> = Vec::new();
    if intent.any_ref {
        contexts.push("*".into());
        warnings.push("--any-ref lets every branch, tag, environment and pull request of these repositories in".into());
    } else {
        contexts.extend(
            intent
                .branches
                .iter()
                .map(|b| format!("ref:refs/heads/{}", glob(b))),
        );
        contexts.extend(
            intent
                .tags
                .iter()
                .map(|t| format!("ref:refs/tags/{}", glob(t))),
        );
        contexts.extend(
            intent
                .environments
                .iter()
                .map(|e| format!("environment:{}", literal(&e.replace(':', "%3A")))),
        );
        if intent.pull_requests {
            contexts.push("pull_request".into());
            warnings.push(
                "--pull-requests lets pull-request runs in: they execute code nobody has reviewed"
                    .into(),
            );
        }
    }
    if !intent.tags.is_empty() {
        warnings.push("tags are often unprotected: protect them (rulesets) or anyone with push rights can mint a matching token".into());
    }
    let workflow = intent.workflow.as_ref().map(|w| {
        let (path, r) = w.split_once('@').unwrap_or((w.as_str(), "refs/heads/main"));
        (path.to_string(), r.to_string())
    });
    let mut subjects: Vec<String> = Vec::new();
    let mut workflow_refs: Vec<String> = Vec::new();
    for r in &intent.repositories {
        let repo = if intent.immutable_subject {
            format!(
                "{}@{}/{}@{}",
                r.owner,
                r.owner_id.as_deref().unwrap_or(""),
                r.name,
                r.id.as_deref().unwrap_or("")
            )
        } else {
            format!("{}/{}", r.owner, r.name)
        };
        let jwr = workflow.as_ref().map(|(path, rf)| {
            if path.starts_with(".github/") {
                literal(&format!("{}/{}/{path}@{rf}", r.owner, r.name))
            } else {
                literal(&format!("{path}@{rf}"))
            }
        });
        if let Some(j) = &jwr {
            if !workflow_refs.contains(j) {
                workflow_refs.push(j.clone());
            }
        }
        for c in &contexts {
            let mut sub = format!("repo:{repo}:{c}");
            if intent.custom_subject {
                if let Some(j) = &jwr {
                    sub.push_str(&format!(":job_workflow_ref:{j}"));
                }
            }
            subjects.push(sub);
        }
    }
    // Wildcards only where the user wrote a glob (escaped literals are `${*}`).
    let wild = |v: &str| {
        v.replace("${*}", "")
            .replace("${?}", "")
            .contains(['*', '?'])
    };
    let key = |claim: &str| format!("{issuer}:{claim}");
    let mut equals: Vec<(String, Vec<String>)> = vec![(key("aud"), vec![audience])];
    let mut like: Vec<(String, Vec<String>)> = Vec::new();
    if subjects.iter().any(|s| wild(s)) {
        like.push((key("sub"), subjects.clone()));
    } else {
        equals.push((key("sub"), subjects.clone()));
    }
    // Ids pin the identity across renames (stronger than a name in `sub`).
    let ids: Vec<String> = intent
        .repositories
        .iter()
        .filter_map(|r| r.id.clone())
        .collect();
    if ids.len() == intent.repositories.len() {
        equals.push((key("repository_id"), ids));
    }
    let owner_ids: Vec<String> = dedup(
        intent
            .repositories
            .iter()
            .filter_map(|r| r.owner_id.clone())
            .collect(),
    );
    if owner_ids.len()
        == dedup(
            intent
                .repositories
                .iter()
                .map(|r| r.owner.clone())
                .collect(),
        )
        .len()
        && !owner_ids.is_empty()
    {
        equals.push((key("repository_owner_id"), owner_ids));
    }
    if !workflow_refs.is_empty() && !intent.custom_subject {
        if workflow_refs.iter().any(|w| wild(w)) {
            like.push((key("job_workflow_ref"), workflow_refs.clone()));
        } else {
            equals.push((key("job_workflow_ref"), workflow_refs.clone()));
        }
    }
    if !intent.actors.is_empty() {
        equals.push((
            key("actor"),
            intent.actors.iter().map(|a| literal(a)).collect(),
        ));
        equals.push((
            key("repository"),
            intent
                .repositories
                .iter()
                .map(|r| format!("{}/{}", r.owner, r.name))
                .collect(),
        ));
    }
    let include_claim_keys = if intent.custom_subject {
        if workflow_refs.is_empty() {
            return Err(intent_error(
                "a customised subject (layer 4) needs the workflow".into(),
                "give --workflow .github/workflows/FILE.yml@refs/heads/main",
                "/workflow",
            ));
        }
        vec!["repo", "context", "job_workflow_ref"]
    } else {
        Vec::new()
    };

    let mut out = String::new();
    out.push_str("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Sid\": \"GitHubActions\",\n      \"Effect\": \"Allow\",\n      \"Principal\": {\n        \"Federated\": ");
    push_json_string(
        &mut out,
        &format!("arn:aws:iam::{}:oidc-provider/{issuer}", intent.account),
    );
    out.push_str("\n      },\n      \"Action\": \"sts:AssumeRoleWithWebIdentity\",\n      \"Condition\": {\n");
    let mut blocks = vec![("StringEquals", &equals)];
    if !like.is_empty() {
        blocks.push(("StringLike", &like));
    }
    for (bi, (op, entries)) in blocks.iter().enumerate() {
        out.push_str(&format!("        \"{op}\": {{\n"));
        for (ei, (k, values)) in entries.iter().enumerate() {
            out.push_str("          ");
            push_json_string(&mut out, k);
            out.push_str(": ");
            if values.len() == 1 {
                push_json_string(&mut out, &values[0]);
            } else {
                out.push('[');
                for (vi, v) in values.iter().enumerate() {
                    out.push_str(if vi == 0 {
                        "\n            "
                    } else {
                        ",\n            "
                    });
                    push_json_string(&mut out, v);
                }
                out.push_str("\n          ]");
            }
            out.push_str(if ei + 1 < entries.len() { ",\n" } else { "\n" });
        }
        out.push_str(if bi + 1 < blocks.len() {
            "        },\n"
        } else {
            "        }\n"
        });
    }
    out.push_str("      }\n    }\n  ]\n}\n");

    let summary = summary(intent, &workflow_refs);
    Ok(Generated {
        policy: out,
        summary,
        warnings,
        include_claim_keys,
    })
}

/// A literal value for a 2012-10-17 policy: `$`, `*` and `?` written as `${$}`, `${*}`,
/// `${?}`, so that neither policy variables nor wildcards change what it matches.
fn literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '$' => out.push_str("${$}"),
            '*' => out.push_str("${*}"),
            '?' => out.push_str("${?}"),
            c => out.push(c),
        }
    }
    out
}

/// A glob the user meant (branches, tags): wildcards kept, `$` made literal.
fn glob(s: &str) -> String {
    s.replace('$', "${$}")
}

fn dedup(mut v: Vec<String>) -> Vec<String> {
    let mut seen = Vec::new();
    v.retain(|x| {
        let new = !seen.contains(x);
        if new {
            seen.push(x.clone());
        }
        new
    });
    v
}

fn summary(intent: &Intent, workflows: &[String]) -> String {
    let repos: Vec<String> = intent
        .repositories
        .iter()
        .map(|r| format!("{}/{}", r.owner, r.name))
        .collect();
    let mut who = format!("Jobs of {} ", repos.join(", "));
    if intent.any_ref {
        who.push_str("on any branch, tag, environment or pull request");
    } else {
        let mut parts = Vec::new();
        if !intent.branches.is_empty() {
            parts.push(format!("on branch {}", intent.branches.join(" or ")));
        }
        if !intent.tags.is_empty() {
            parts.push(format!("on tags {}", intent.tags.join(" or ")));
        }
        if !intent.environments.is_empty() {
            parts.push(format!(
                "deploying to environment {}",
                intent.environments.join(" or ")
            ));
        }
        if intent.pull_requests {
            parts.push("in pull requests".into());
        }
        who.push_str(&parts.join(", or "));
    }
    if !workflows.is_empty() {
        who.push_str(&format!(", running {}", workflows.join(" or ")));
    }
    if !intent.actors.is_empty() {
        who.push_str(&format!(", triggered by {}", intent.actors.join(" or ")));
    }
    who.push_str(" can assume the role.");
    let mut excluded = vec!["other repositories and organisations (including look-alike names)"];
    if !intent.pull_requests && !intent.any_ref {
        excluded.push("pull requests");
    }
    if intent.tags.is_empty() && !intent.any_ref {
        excluded.push("tags");
    }
    if !workflows.is_empty() {
        excluded.push("other workflow files");
    }
    format!("{who} Excluded: {}.", excluded.join(", "))
}
