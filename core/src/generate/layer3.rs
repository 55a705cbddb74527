//! Layer 3: the controls on the CI configuration that the trust policy's conditions rely
//! on. `repo:O/R:environment:prod` is only as strong as the environment's protection
//! rules, and a workflow pinned at `refs/heads/main` only as strong as the review `main`
//! requires. From the same intent: code owners for the workflow files, the rulesets that
//! protect the trusted branches and tags, and the environments' protection (GitHub, as
//! `gh api` calls); protected branches and tags (GitLab, as `glab api` calls); Terrateam's
//! access control. What is generated is what `lint` checks
//! (`analysis/settings`).

use crate::generate::{intent_error, CiProvider, Intent};
use crate::text::diagnostic::Diagnostic;
use crate::text::json::push_json_string;

/// One layer-3 output: a file to commit, or a script to run once with admin rights.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlFile {
    /// Where it goes (`.github/CODEOWNERS`, `layer3.sh`, `.terrateam/config.yml`).
    pub path: String,
    /// Its text.
    pub content: String,
    /// What it is, in a few words (for the summary).
    pub what: String,
}

/// The controls for `intent`, or why they cannot be generated.
pub(crate) fn controls(intent: &Intent) -> Result<Vec<ControlFile>, Diagnostic> {
    if intent.any_ref {
        return Err(intent_error(
            "layer 3 protects the refs and environments the policy trusts; with any ref there is nothing to protect".into(),
            "name --branch, --tag or --environment instead of --any-ref",
            "/anyRef",
        ));
    }
    let mut out = match intent.provider {
        CiProvider::GitHub => github(intent)?,
        CiProvider::GitLab => gitlab(intent)?,
        other => {
            return Err(intent_error(
                format!(
                    "layer 3 is generated for GitHub and GitLab; {}'s controls are set in its own settings",
                    other.label()
                ),
                "leave out --layer 3 for this provider",
                "/layer3",
            ))
        }
    };
    if let Some(team) = &intent.terrateam_team {
        out.push(terrateam(intent, team)?);
    }
    Ok(out)
}

/// A name the generated scripts can carry without quoting surprises: what git, GitHub and
/// GitLab allow in branch, environment, team and user names, and glob characters.
fn plain(what: &str, value: &str, pointer: &str) -> Result<(), Diagnostic> {
    let ok = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_alphanumeric() || "-_./*?+@ ".contains(c))
        && !value.starts_with('-');
    if ok {
        Ok(())
    } else {
        Err(intent_error(
            format!("`{value}` cannot be a {what} in the layer-3 settings"),
            "use letters, digits and - _ . / (and * ? in patterns)",
            pointer,
        ))
    }
}

/// A GitHub ref pattern as rulesets and deployment branch policies take it. Their `*`
/// does not cross `/` (Ruby's fnmatch with FNM_PATHNAME) while IAM's does, so a pattern
/// with a wildcard also gets its form that spans deeper names (`release/*/**/*`).
fn fnmatch_patterns(pattern: &str) -> Vec<String> {
    if pattern.contains('*') {
        vec![pattern.to_string(), format!("{pattern}/**/*")]
    } else {
        vec![pattern.to_string()]
    }
}

/// Compact JSON of a list of strings.
fn json_list(items: &[String]) -> String {
    let mut out = String::from("[");
    for (i, s) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        push_json_string(&mut out, s);
    }
    out.push(']');
    out
}

/// A workflow pin as (repository, path): `.github/workflows/x.yml@REF` is in each
/// repository of the intent, `OWNER/REPO/.github/workflows/x.yml@REF` in that one.
fn pinned_workflows(intent: &Intent) -> Vec<(String, String)> {
    let Some(w) = &intent.workflow else {
        return Vec::new();
    };
    let path = w.split_once('@').map_or(w.as_str(), |(p, _)| p);
    if path.starts_with(".github/") {
        intent
            .repositories
            .iter()
            .map(|r| (format!("{}/{}", r.owner, r.name), path.to_string()))
            .collect()
    } else {
        let mut parts = path.splitn(3, '/');
        match (parts.next(), parts.next(), parts.next()) {
            (Some(o), Some(r), Some(p)) => vec![(format!("{o}/{r}"), p.to_string())],
            _ => Vec::new(),
        }
    }
}

/// The code owners as CODEOWNERS writes them (`@org/team`, `@user`).
fn owners(intent: &Intent) -> Result<String, Diagnostic> {
    if intent.code_owners.is_empty() {
        return Err(intent_error(
            "layer 3 needs the code owners who must review changes to the workflow files".into(),
            "give --code-owner @ORG/TEAM (repeatable)",
            "/codeOwners",
        ));
    }
    let mut out = Vec::new();
    for (i, o) in intent.code_owners.iter().enumerate() {
        let o = o.trim();
        let name = o.trim_start_matches('@');
        plain("code owner", name, &format!("/codeOwners/{i}"))?;
        if name.contains(['*', '?', ' ']) {
            return Err(intent_error(
                format!("`{o}` is not a code owner"),
                "write @ORG/TEAM or @USER",
                &format!("/codeOwners/{i}"),
            ));
        }
        out.push(format!("@{name}"));
    }
    Ok(out.join(" "))
}

fn github(intent: &Intent) -> Result<Vec<ControlFile>, Diagnostic> {
    let owners = owners(intent)?;
    for (i, b) in intent.branches.iter().enumerate() {
        plain("branch", b, &format!("/branches/{i}"))?;
    }
    for (i, t) in intent.tags.iter().enumerate() {
        plain("tag", t, &format!("/tags/{i}"))?;
    }
    for (i, e) in intent.environments.iter().enumerate() {
        plain("environment", e, &format!("/environments/{i}"))?;
    }
    // With neither, an environment's only gate would be GitHub's "protected branches",
    // which admits every branch in a repository without classic protection rules.
    if !intent.environments.is_empty() && intent.branches.is_empty() && intent.reviewers.is_empty()
    {
        return Err(intent_error(
            "an environment with no trusted branch and no reviewer would accept deployments from any branch".into(),
            "name the branches that may deploy (--branch main) or the reviewers who approve (--reviewer ORG/TEAM)",
            "/reviewers",
        ));
    }
    let mut out = Vec::new();

    // CODEOWNERS, per repository that holds a trusted workflow file (all of them when no
    // file is pinned: the workflows folder is what a job runs).
    let pins = pinned_workflows(intent);
    let mut repos: Vec<String> = intent
        .repositories
        .iter()
        .map(|r| format!("{}/{}", r.owner, r.name))
        .collect();
    for (repo, _) in &pins {
        if !repos.contains(repo) {
            repos.push(repo.clone());
        }
    }
    let several = repos.len() > 1;
    for repo in &repos {
        let mut text = String::from(
            "# oidc-trust layer 3: a change to the workflows the AWS role trusts needs a code\n# owner's review (with the rulesets' require_code_owner_review). Keep these lines\n# last: the last matching pattern wins.\n",
        );
        text.push_str(&format!("/.github/workflows/ {owners}\n"));
        for (r, path) in &pins {
            if r == repo {
                text.push_str(&format!("/{path} {owners}\n"));
            }
        }
        text.push_str(&format!("/.github/CODEOWNERS {owners}\n"));
        out.push(ControlFile {
            path: if several {
                format!("layer3/{repo}/.github/CODEOWNERS")
            } else {
                ".github/CODEOWNERS".into()
            },
            content: text,
            what: format!("CODEOWNERS for {repo}"),
        });
    }

    // The settings, as `gh api` calls.
    let mut sh = String::from("#!/bin/sh\n# oidc-trust layer 3: the repository settings the AWS role's trust policy relies on.\n# Run once with admin rights on the repositories (gh auth login). Each call is idempotent\n# only where GitHub's API is: re-running creates a second ruleset.\nset -eu\n");
    let reviewer_vars = reviewers(intent, &mut sh)?;
    let mut trusted_refs: Vec<String> = Vec::new();
    for b in &intent.branches {
        trusted_refs.extend(fnmatch_patterns(&format!("refs/heads/{b}")));
    }
    // A pinned workflow's branch is trusted too (layer 1), in the repository that holds the
    // workflow: each repository of the intent for `.github/...@REF`, or the one it names.
    let pinned_branch = intent
        .workflow
        .as_deref()
        .and_then(|w| w.split_once('@'))
        .and_then(|(_, r)| r.strip_prefix("refs/heads/"))
        .map(|b| format!("refs/heads/{b}"));
    let mut tag_refs: Vec<String> = Vec::new();
    for t in &intent.tags {
        tag_refs.extend(fnmatch_patterns(&format!("refs/tags/{t}")));
    }
    let intent_repos: Vec<String> = intent
        .repositories
        .iter()
        .map(|r| format!("{}/{}", r.owner, r.name))
        .collect();
    for repo in &repos {
        let own = intent_repos.contains(repo);
        // The default branch too: CODEOWNERS is read there, and the workflows that take the
        // role are merged there; its code owners' review must be required.
        let mut branch_refs: Vec<String> = vec!["~DEFAULT_BRANCH".into()];
        if own {
            branch_refs.extend(trusted_refs.iter().cloned());
        }
        if let Some(b) = &pinned_branch {
            if pins.iter().any(|(r, _)| r == repo) && !branch_refs.contains(b) {
                branch_refs.push(b.clone());
            }
        }
        let tag_refs: &[String] = if own { &tag_refs } else { &[] };
        let environments: &[String] = if own { &intent.environments } else { &[] };
        sh.push_str(&format!("\n# --- {repo} ---\n"));
        if !branch_refs.is_empty() {
            sh.push_str("# The default and the trusted branches: changes only through a reviewed pull request\n# (a code owner among the reviewers), no force push, no deletion, no one bypasses.\n");
            sh.push_str(&format!(
                "gh api --method POST repos/{repo}/rulesets --input - <<'JSON'\n"
            ));
            sh.push_str(&format!(
                "{{\n  \"name\": \"oidc-trust: trusted branches\",\n  \"target\": \"branch\",\n  \"enforcement\": \"active\",\n  \"bypass_actors\": [],\n  \"conditions\": {{ \"ref_name\": {{ \"include\": {}, \"exclude\": [] }} }},\n  \"rules\": [\n    {{ \"type\": \"deletion\" }},\n    {{ \"type\": \"non_fast_forward\" }},\n    {{ \"type\": \"pull_request\", \"parameters\": {{\n      \"required_approving_review_count\": 1,\n      \"require_code_owner_review\": true,\n      \"dismiss_stale_reviews_on_push\": true,\n      \"require_last_push_approval\": true,\n      \"required_review_thread_resolution\": false,\n      \"allowed_merge_methods\": [\"merge\", \"squash\", \"rebase\"] }} }}\n  ]\n}}\nJSON\n",
                json_list(&branch_refs)
            ));
        }
        if !tag_refs.is_empty() {
            sh.push_str("# The trusted tags: once pushed, never moved or deleted.\n");
            sh.push_str(&format!(
                "gh api --method POST repos/{repo}/rulesets --input - <<'JSON'\n"
            ));
            sh.push_str(&format!(
                "{{\n  \"name\": \"oidc-trust: trusted tags\",\n  \"target\": \"tag\",\n  \"enforcement\": \"active\",\n  \"bypass_actors\": [],\n  \"conditions\": {{ \"ref_name\": {{ \"include\": {}, \"exclude\": [] }} }},\n  \"rules\": [\n    {{ \"type\": \"update\" }},\n    {{ \"type\": \"deletion\" }},\n    {{ \"type\": \"non_fast_forward\" }}\n  ]\n}}\nJSON\n",
                json_list(tag_refs)
            ));
        }
        for e in environments {
            let path = format!(
                "repos/{repo}/environments/{}",
                e.replace('%', "%25")
                    .replace('/', "%2F")
                    .replace(' ', "%20")
            );
            let custom = !intent.branches.is_empty() || !intent.tags.is_empty();
            sh.push_str(&format!(
                "# Environment `{e}`: deployments from {} only{}.\n",
                if custom {
                    "the trusted refs"
                } else {
                    "protected branches"
                },
                if reviewer_vars.is_empty() {
                    ""
                } else {
                    ", approved by a reviewer other than the author"
                }
            ));
            let reviewers_json = reviewer_vars
                .iter()
                .map(|(kind, var)| format!("{{ \"type\": \"{kind}\", \"id\": ${var} }}"))
                .collect::<Vec<_>>()
                .join(", ");
            if intent.no_admin_bypass {
                sh.push_str("# can_admins_bypass is accepted by this endpoint (Terraform's github_repository_environment\n# sets it) though GitHub's OpenAPI description does not list it.\n");
            }
            // Unquoted here-document: the reviewer ids come from the variables above.
            sh.push_str(&format!("gh api --method PUT {path} --input - <<JSON\n"));
            sh.push_str(&format!(
                "{{\n  \"wait_timer\": 0,\n  \"prevent_self_review\": {},\n  \"reviewers\": [{reviewers_json}],\n  \"deployment_branch_policy\": {{ \"protected_branches\": {}, \"custom_branch_policies\": {} }}{}\n}}\nJSON\n",
                !reviewer_vars.is_empty(),
                !custom,
                custom,
                if intent.no_admin_bypass { ",\n  \"can_admins_bypass\": false" } else { "" }
            ));
            for b in &intent.branches {
                for p in fnmatch_patterns(b) {
                    sh.push_str(&format!("gh api --method POST {path}/deployment-branch-policies -f name='{p}' -f type=branch\n"));
                }
            }
            for t in &intent.tags {
                for p in fnmatch_patterns(t) {
                    sh.push_str(&format!("gh api --method POST {path}/deployment-branch-policies -f name='{p}' -f type=tag\n"));
                }
            }
        }
    }
    out.push(ControlFile {
        path: "layer3.sh".into(),
        content: sh,
        what: "the rulesets and environment protection, as gh api calls".into(),
    });
    Ok(out)
}

/// Looks up each reviewer's id in the script (`gh api`); returns (type, variable) pairs.
fn reviewers(intent: &Intent, sh: &mut String) -> Result<Vec<(&'static str, String)>, Diagnostic> {
    if intent.reviewers.len() > 6 {
        return Err(intent_error(
            format!(
                "{} reviewers given; an environment takes at most six",
                intent.reviewers.len()
            ),
            "name teams rather than people",
            "/reviewers",
        ));
    }
    let mut vars = Vec::new();
    for (i, r) in intent.reviewers.iter().enumerate() {
        let name = r.trim().trim_start_matches('@');
        let pointer = format!("/reviewers/{i}");
        plain("reviewer", name, &pointer)?;
        let var = format!("reviewer_{}", i + 1);
        match name.split_once('/') {
            Some((org, team)) if !team.contains('/') && !org.is_empty() && !team.is_empty() => {
                sh.push_str(&format!(
                    "{var}=$(gh api orgs/{org}/teams/{team} --jq .id)\n"
                ));
                vars.push(("Team", var));
            }
            None => {
                sh.push_str(&format!("{var}=$(gh api users/{name} --jq .id)\n"));
                vars.push(("User", var));
            }
            _ => {
                return Err(intent_error(
                    format!("`{r}` is not a reviewer"),
                    "write ORG/TEAM or USER",
                    &pointer,
                ))
            }
        }
    }
    Ok(vars)
}

fn gitlab(intent: &Intent) -> Result<Vec<ControlFile>, Diagnostic> {
    for (i, b) in intent.branches.iter().enumerate() {
        plain("branch", b, &format!("/branches/{i}"))?;
    }
    for (i, t) in intent.tags.iter().enumerate() {
        plain("tag", t, &format!("/tags/{i}"))?;
    }
    // The policy trusts protected refs; GitLab's deployment approvals belong to protected
    // environments, which a GitLab trust policy cannot name (its tokens carry none AWS
    // exposes), so there is nothing for reviewers to guard.
    if !intent.reviewers.is_empty() {
        return Err(intent_error(
            "GitLab's deployment approvals belong to protected environments, which a GitLab trust policy cannot name".into(),
            "leave out --reviewer; protect the branch the pipeline deploys from instead",
            "/reviewers",
        ));
    }
    let mut out = Vec::new();
    if !intent.code_owners.is_empty() {
        let owners = owners(intent)?;
        out.push(ControlFile {
            path: ".gitlab/CODEOWNERS".into(),
            content: format!("# oidc-trust layer 3: a change to the pipeline the AWS role trusts needs a code\n# owner's approval (with code_owner_approval_required on the protected branches).\n/.gitlab-ci.yml {owners}\n/.gitlab/CODEOWNERS {owners}\n"),
            what: "CODEOWNERS for the pipeline file".into(),
        });
    }
    let mut sh = String::from("#!/bin/sh\n# oidc-trust layer 3: the project settings the AWS role's trust policy relies on.\n# Run once as a maintainer (glab auth login).\nset -eu\n");
    for r in &intent.repositories {
        let project = format!("projects/{}%2F{}", r.owner.replace('/', "%2F"), r.name);
        sh.push_str(&format!("\n# --- {}/{} ---\n# Merges only (no direct pushes), by maintainers, never forced{}.\n", r.owner, r.name, if intent.code_owners.is_empty() { "" } else { ", approved by a code owner" }));
        for b in &intent.branches {
            sh.push_str(&format!("glab api --method POST {project}/protected_branches -f name='{b}' -F push_access_level=0 -F merge_access_level=40 -F allow_force_push=false -F code_owner_approval_required={}\n", !intent.code_owners.is_empty()));
        }
        for t in &intent.tags {
            sh.push_str(&format!("glab api --method POST {project}/protected_tags -f name='{t}' -F create_access_level=40\n"));
        }
    }
    out.push(ControlFile {
        path: "layer3.sh".into(),
        content: sh,
        what: "protected branches and tags, as glab api calls".into(),
    });
    Ok(out)
}

fn terrateam(intent: &Intent, team: &str) -> Result<ControlFile, Diagnostic> {
    plain("Terrateam team", team, "/terrateamTeam")?;
    if team.contains(['/', '*', '?', ' ']) {
        return Err(intent_error(
            format!("`{team}` is not a team slug"),
            "write the team's slug, e.g. sre",
            "/terrateamTeam",
        ));
    }
    let ci_file = match intent.provider {
        CiProvider::GitLab => ".gitlab-ci.yml".to_string(),
        _ => ".github/workflows/terrateam.yml".to_string(),
    };
    let mut files = vec![ci_file];
    for (_, path) in pinned_workflows(intent) {
        if !files.contains(&path) {
            files.push(path);
        }
    }
    let mut text = format!("# oidc-trust layer 3 for Terrateam (.terrateam/config.yml; access control is an\n# Enterprise Edition feature): only `{team}` may run Terrateam on a pull request that changes\n# the CI configuration or the files below (exact paths).\naccess_control:\n  enabled: true\n  ci_config_update: ['team:{team}']\n  terrateam_config_update: ['team:{team}']\n  files:\n");
    for f in files {
        text.push_str(&format!("    {f}: ['team:{team}']\n"));
    }
    Ok(ControlFile {
        path: ".terrateam/config.yml".into(),
        content: text,
        what: "Terrateam access control".into(),
    })
}
