//! Per provider: the issuer, the audience, the `sub` grammar (domain.md §4.3, §5) and the
//! provider-specific keys AWS exposes (§3.3), turned into the policy's conditions.

use super::{dedup, glob, intent_error, literal, CiProvider, Conditions, Intent, Plan};
use crate::ci::{
    bitbucket, buildkite, circleci, github, gitlab, normalize_issuer, terraform, Provider,
};
use crate::text::diagnostic::Diagnostic;

pub(crate) fn plan(intent: &Intent) -> Result<Plan, Diagnostic> {
    match intent.provider {
        CiProvider::GitHub => github(intent),
        CiProvider::GitLab => gitlab(intent),
        CiProvider::CircleCi => circleci(intent),
        CiProvider::Terraform => terraform(intent),
        CiProvider::Bitbucket => bitbucket(intent),
        CiProvider::Buildkite => buildkite(intent),
    }
}

/// The intent's issuer, normalised (validation already refused one that cannot be), or
/// the provider's.
fn issuer_or(intent: &Intent, default: &str) -> String {
    intent
        .issuer
        .as_deref()
        .and_then(|i| normalize_issuer(i).ok())
        .unwrap_or_else(|| default.to_string())
}

/// Refuses intent parts a provider cannot express, saying why.
fn refuse(intent: &Intent, what: &[(&str, bool, &str)]) -> Result<(), Diagnostic> {
    for (pointer, given, why) in what {
        if *given {
            return Err(intent_error(
                format!(
                    "{} cannot express `{}`",
                    intent.provider.label(),
                    pointer.trim_start_matches('/')
                ),
                why,
                pointer,
            ));
        }
    }
    Ok(())
}

/// Refuses branches, tags and pull requests for a provider whose `sub` has no ref.
fn refuse_refs(intent: &Intent, why: &str) -> Result<(), Diagnostic> {
    refuse(
        intent,
        &[
            ("/branches", !intent.branches.is_empty(), why),
            ("/tags", !intent.tags.is_empty(), why),
            ("/pullRequests", intent.pull_requests, why),
        ],
    )
}

fn bad_source(intent: &Intent, i: usize, what: &str) -> Diagnostic {
    intent_error(
        format!("{what} is not a {}", intent.provider.source_noun()),
        &format!("write --repo {}", intent.provider.source_noun()),
        &format!("/repositories/{i}"),
    )
}

fn layers_github_only(intent: &Intent) -> Result<(), Diagnostic> {
    refuse(
        intent,
        &[
            ("/workflow", intent.workflow.is_some(), "layer 1 pins GitHub's `job_workflow_ref`; this provider's tokens carry no such key AWS exposes"),
            ("/workflowName", intent.workflow_name.is_some(), "layer 2's `workflow` key is GitHub's"),
            ("/customSubject", intent.custom_subject, "layer 4 customises GitHub's `sub`"),
            ("/immutableSubject", intent.immutable_subject, "immutable subjects are GitHub's"),
        ],
    )
}

/// Refuses an intent that names no branch or tag (and does not opt into any ref).
fn require_refs(intent: &Intent) -> Result<(), Diagnostic> {
    if intent.branches.is_empty() && intent.tags.is_empty() && !intent.any_ref {
        return Err(intent_error(
            "no branch or tag given".into(),
            "say which may assume the role: --branch main, --tag 'v*' (or --any-ref)",
            "/branches",
        ));
    }
    Ok(())
}

/// "on branch main or dev", "on tags v*", for the summary.
fn ref_phrases(intent: &Intent) -> Vec<String> {
    let mut parts = Vec::new();
    if !intent.branches.is_empty() {
        parts.push(format!("on branch {}", intent.branches.join(" or ")));
    }
    if !intent.tags.is_empty() {
        parts.push(format!("on tags {}", intent.tags.join(" or ")));
    }
    parts
}

/// Pins the immutable ids the intent gives: the sources' when every source has one, the
/// owners' when every owner has one (a partial list would shut the others out). Returns
/// whether the sources' ids were pinned.
fn pin_ids(
    conditions: &mut Conditions,
    intent: &Intent,
    issuer: &str,
    id_claim: &str,
    owner_claim: &str,
) -> bool {
    let ids: Vec<String> = intent
        .repositories
        .iter()
        .filter_map(|r| r.id.as_deref().map(literal))
        .collect();
    let all = ids.len() == intent.repositories.len();
    if all {
        conditions.add(format!("{issuer}:{id_claim}"), ids);
    }
    let owner_ids = dedup(
        intent
            .repositories
            .iter()
            .filter_map(|r| r.owner_id.as_deref().map(literal))
            .collect(),
    );
    let owners = dedup(
        intent
            .repositories
            .iter()
            .map(|r| r.owner.clone())
            .collect(),
    );
    if !owner_ids.is_empty() && owner_ids.len() == owners.len() {
        conditions.add(format!("{issuer}:{owner_claim}"), owner_ids);
    }
    all
}

// --- GitHub Actions -------------------------------------------------------------------------

/// Layer 4's `include_claim_keys`: the intent's, or `repo`, `context`, `job_workflow_ref`;
/// empty without layer 4. `repo` and `context` are required: without them the subject
/// cannot tell repositories and refs apart.
fn subject_keys(intent: &Intent, has_workflow: bool) -> Result<Vec<String>, Diagnostic> {
    if !intent.custom_subject {
        if !intent.subject_keys.is_empty() || !intent.subject_values.is_empty() {
            return Err(intent_error(
                "subject keys without a customised subject".into(),
                "add --layer 4",
                "/subjectKeys",
            ));
        }
        return Ok(Vec::new());
    }
    let keys: Vec<String> = if intent.subject_keys.is_empty() {
        vec!["repo".into(), "context".into(), "job_workflow_ref".into()]
    } else {
        intent.subject_keys.clone()
    };
    for (i, k) in keys.iter().enumerate() {
        let pointer = format!("/subjectKeys/{i}");
        if k.is_empty() || !k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return Err(intent_error(
                format!("`{k}` is not a claim key"),
                "GitHub accepts letters, digits and `_` in include_claim_keys",
                &pointer,
            ));
        }
        if keys.iter().take(i).any(|x| x == k) {
            return Err(intent_error(
                format!("`{k}` is listed twice"),
                "list each claim key once",
                &pointer,
            ));
        }
        match k.as_str() {
            "repo" | "context" => {}
            "job_workflow_ref" if !has_workflow => {
                return Err(intent_error("the subject includes job_workflow_ref but no workflow is given".into(), "give --workflow .github/workflows/FILE.yml@refs/heads/main", "/workflow"))
            }
            "job_workflow_ref" => {}
            other if intent.subject_values.iter().all(|(name, _)| name != other) => {
                return Err(intent_error(format!("the subject includes `{other}` but not its value"), &format!("give --sub-value {other}=VALUE (e.g. runner_environment=github-hosted, repository_visibility=private)"), &pointer))
            }
            _ => {}
        }
    }
    for required in ["repo", "context"] {
        if !keys.iter().any(|k| k == required) {
            return Err(intent_error(format!("a customised subject without `{required}`"), "keep repo and context in the subject (they tell repositories and refs apart), then add keys", "/subjectKeys"));
        }
    }
    for (i, (name, _)) in intent.subject_values.iter().enumerate() {
        if !keys.iter().any(|k| k == name) {
            return Err(intent_error(
                format!("a value for `{name}`, which the subject does not include"),
                &format!("add --sub-key {name}, or drop the value"),
                &format!("/subjectValues/{i}"),
            ));
        }
    }
    Ok(keys)
}

/// The value the intent gives for a customised-subject key (checked to exist).
fn subject_value<'i>(intent: &'i Intent, key: &str) -> &'i str {
    intent
        .subject_values
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .unwrap_or_default()
}

fn github(intent: &Intent) -> Result<Plan, Diagnostic> {
    for (i, r) in intent.repositories.iter().enumerate() {
        if !github::valid_name(&r.owner) || !github::valid_name(&r.name) || r.project.is_some() {
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
    refuse(
        intent,
        &[(
            "/runPhases",
            !intent.run_phases.is_empty(),
            "run phases are HCP Terraform's",
        )],
    )?;
    if intent.branches.is_empty()
        && intent.tags.is_empty()
        && intent.environments.is_empty()
        && !intent.pull_requests
        && !intent.any_ref
    {
        return Err(intent_error("no ref, environment or event given".into(), "say which may assume the role: --branch main, --environment prod, --tag 'v*' (or --any-ref)", "/branches"));
    }
    let issuer = issuer_or(intent, github::ISSUER);
    let audience = intent
        .audience
        .clone()
        .unwrap_or_else(|| github::DEFAULT_AUDIENCE.into());
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
                .map(|b| github::ref_context(&format!("refs/heads/{}", glob(b)))),
        );
        contexts.extend(
            intent
                .tags
                .iter()
                .map(|t| github::ref_context(&format!("refs/tags/{}", glob(t)))),
        );
        contexts.extend(
            intent
                .environments
                .iter()
                .map(|e| github::environment_context(&literal(&github::escape_value(e)))),
        );
        if intent.pull_requests {
            contexts.push(github::PULL_REQUEST.into());
            warnings.push(
                "--pull-requests lets pull-request runs in: they execute code nobody has reviewed"
                    .into(),
            );
        }
    }
    if !intent.tags.is_empty() && !intent.layer3 {
        warnings.push("tags are often unprotected: protect them (rulesets; --layer 3 writes one) or anyone with push rights can mint a matching token".into());
    }
    let workflow = intent.workflow.as_ref().map(|w| {
        let (path, r) = w.split_once('@').unwrap_or((w.as_str(), "refs/heads/main"));
        (path.to_string(), r.to_string())
    });
    let subject_keys = subject_keys(intent, workflow.is_some())?;
    let mut subjects: Vec<String> = Vec::new();
    let mut workflow_refs: Vec<String> = Vec::new();
    let template = if intent.custom_subject {
        github::Template::from_keys(&subject_keys, intent.immutable_subject)
    } else {
        github::Template::default_format(intent.immutable_subject)
    };
    for r in &intent.repositories {
        let ids = intent.immutable_subject.then(|| {
            (
                r.owner_id.as_deref().unwrap_or(""),
                r.id.as_deref().unwrap_or(""),
            )
        });
        let repo = github::repo_segment(&r.owner, &r.name, ids);
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
            let sub = template.render(&repo, c, &|k| match k {
                "job_workflow_ref" => jwr.clone().unwrap_or_default(),
                other => literal(&github::escape_value(subject_value(intent, other))),
            });
            subjects.push(sub);
        }
    }
    let key = |claim: &str| format!("{issuer}:{claim}");
    let mut conditions = Conditions::default();
    conditions.add(key("aud"), vec![literal(&audience)]);
    conditions.add(key("sub"), subjects);
    // Ids pin the identity across renames (stronger than a name in `sub`).
    let ids_pinned = pin_ids(
        &mut conditions,
        intent,
        &issuer,
        "repository_id",
        "repository_owner_id",
    );
    if !ids_pinned && !intent.immutable_subject {
        warnings.push("no --repo-id/--owner-id: a repository re-created under the same name after a rename, transfer or deletion would get in (gh api repos/OWNER/REPO --jq '.owner.id, .id')".into());
    }
    if audience != github::DEFAULT_AUDIENCE {
        warnings.push(format!("audience `{audience}` is not the default: the workflow must request it (configure-aws-credentials `audience:`)"));
    }
    if !workflow_refs.is_empty() && !subject_keys.iter().any(|k| k == "job_workflow_ref") {
        conditions.add(key("job_workflow_ref"), workflow_refs.clone());
    }
    if !intent.actors.is_empty() || intent.workflow_name.is_some() {
        if !intent.actors.is_empty() {
            conditions.add(
                key("actor"),
                intent.actors.iter().map(|a| literal(a)).collect(),
            );
        }
        conditions.add(
            key("repository"),
            intent
                .repositories
                .iter()
                .map(|r| format!("{}/{}", r.owner, r.name))
                .collect(),
        );
        if let Some(name) = &intent.workflow_name {
            conditions.add(key("workflow"), vec![literal(name)]);
        }
    }
    let include_claim_keys = subject_keys.clone();

    let repos: Vec<String> = intent
        .repositories
        .iter()
        .map(|r| format!("{}/{}", r.owner, r.name))
        .collect();
    let mut who = format!("Jobs of {} ", repos.join(", "));
    if intent.any_ref {
        who.push_str("on any branch, tag, environment or pull request");
    } else {
        let mut parts = ref_phrases(intent);
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
    if !workflow_refs.is_empty() {
        who.push_str(&format!(", running {}", workflow_refs.join(" or ")));
    }
    if let Some(name) = &intent.workflow_name {
        who.push_str(&format!(" (workflow `{name}`)"));
    }
    if !intent.actors.is_empty() {
        who.push_str(&format!(", triggered by {}", intent.actors.join(" or ")));
    }
    let mut excluded =
        vec!["other repositories and organisations (including look-alike names)".to_string()];
    if ids_pinned {
        excluded.push("a repository re-created under the same name (ids pinned)".into());
    }
    if !intent.pull_requests && !intent.any_ref {
        excluded.push("pull requests".into());
    }
    if intent.tags.is_empty() && !intent.any_ref {
        excluded.push("tags".into());
    }
    if !workflow_refs.is_empty() {
        excluded.push("other workflow files".into());
    }
    if !intent.actors.is_empty() {
        excluded.push("runs triggered by anyone else".into());
    }
    Ok(Plan {
        issuer,
        audience,
        sid: "GitHubActions",
        conditions,
        include_claim_keys,
        who,
        excluded,
        warnings,
    })
}

// --- GitLab -----------------------------------------------------------------------------------

fn gitlab(intent: &Intent) -> Result<Plan, Diagnostic> {
    layers_github_only(intent)?;
    refuse(
        intent,
        &[
            ("/environments", !intent.environments.is_empty(), "GitLab's `sub` has no environment and AWS exposes no GitLab environment key; use a protected branch or tag per environment"),
            ("/pullRequests", intent.pull_requests, "merge-request pipelines carry their source branch in `sub`; name the branches instead"),
            ("/runPhases", !intent.run_phases.is_empty(), "run phases are HCP Terraform's"),
        ],
    )?;
    require_refs(intent)?;
    for (i, r) in intent.repositories.iter().enumerate() {
        let path_ok = !r.owner.is_empty() && r.owner.split('/').all(gitlab::valid_name);
        if !path_ok || !gitlab::valid_name(&r.name) || r.project.is_some() {
            return Err(bad_source(intent, i, &format!("`{}/{}`", r.owner, r.name)));
        }
    }
    let issuer = issuer_or(intent, gitlab::ISSUER);
    let audience = intent
        .audience
        .clone()
        .unwrap_or_else(|| gitlab::default_audience(&issuer));
    // The provider-specific keys exist for gitlab.com only (domain.md §3.3).
    let public = Provider::of_issuer(&issuer) == Provider::GitLab;
    let mut subjects = Vec::new();
    for r in &intent.repositories {
        let path = format!("{}/{}", r.owner, r.name);
        if intent.any_ref {
            subjects.push(gitlab::any_ref_subject(&path));
            continue;
        }
        for b in &intent.branches {
            subjects.push(gitlab::subject(&path, "branch", &glob(b)));
        }
        for t in &intent.tags {
            subjects.push(gitlab::subject(&path, "tag", &glob(t)));
        }
    }
    let key = |claim: &str| format!("{issuer}:{claim}");
    let mut conditions = Conditions::default();
    conditions.add(key("aud"), vec![literal(&audience)]);
    conditions.add(key("sub"), subjects);
    let mut excluded =
        vec!["other projects and groups (including look-alike paths and subgroups)".to_string()];
    let mut warnings = Vec::new();
    if public {
        if pin_ids(
            &mut conditions,
            intent,
            &issuer,
            "project_id",
            "namespace_id",
        ) {
            excluded.push("a project re-created at the same path (ids pinned)".into());
        }
        if !intent.any_ref {
            // Merge-request pipelines from forks and pushes to unprotected branches run
            // with ref_protected=false: only protected refs get credentials.
            conditions.add(key("ref_protected"), vec!["true".into()]);
            excluded.push("unprotected branches and tags, merge-request pipelines of forks".into());
        }
        if !intent.actors.is_empty() {
            conditions.add(
                key("user_login"),
                intent.actors.iter().map(|a| literal(a)).collect(),
            );
            excluded.push("pipelines started by anyone else".into());
        }
    } else {
        if !intent.actors.is_empty() {
            return Err(intent_error(
                format!(
                    "AWS exposes GitLab's `user_login` for {} only",
                    gitlab::ISSUER
                ),
                "leave out --actor for a self-managed GitLab",
                "/actors",
            ));
        }
        warnings.push(format!("AWS exposes only `sub` and `aud` for `{issuer}`: protect the branches and tags named here, since the policy cannot check `ref_protected`"));
    }
    if intent.any_ref {
        warnings.push("--any-ref lets every branch and tag of these projects in, including merge-request pipelines".into());
    }
    let projects: Vec<String> = intent
        .repositories
        .iter()
        .map(|r| format!("{}/{}", r.owner, r.name))
        .collect();
    let mut who = format!("Pipelines of {} ", projects.join(", "));
    if intent.any_ref {
        who.push_str("on any branch or tag");
    } else {
        let parts = ref_phrases(intent);
        who.push_str(&parts.join(", or "));
        if public {
            who.push_str(" (protected refs only)");
        }
    }
    if !intent.actors.is_empty() {
        who.push_str(&format!(", started by {}", intent.actors.join(" or ")));
    }
    if intent.tags.is_empty() && !intent.any_ref {
        excluded.push("tags (even one named like a branch)".into());
    }
    Ok(Plan {
        issuer,
        audience,
        sid: "GitLabCI",
        conditions,
        include_claim_keys: Vec::new(),
        who,
        excluded,
        warnings,
    })
}

// --- CircleCI ---------------------------------------------------------------------------------

fn circleci(intent: &Intent) -> Result<Plan, Diagnostic> {
    layers_github_only(intent)?;
    let no_refs = "CircleCI's `sub` (v1) names the organisation, project and user only; restrict branches with CircleCI contexts and their security groups";
    refuse_refs(intent, no_refs)?;
    refuse(
        intent,
        &[
            ("/environments", !intent.environments.is_empty(), no_refs),
            (
                "/runPhases",
                !intent.run_phases.is_empty(),
                "run phases are HCP Terraform's",
            ),
        ],
    )?;
    let org = intent
        .repositories
        .first()
        .map(|r| r.owner.clone())
        .unwrap_or_default();
    for (i, r) in intent.repositories.iter().enumerate() {
        if !circleci::valid_id(&r.owner) || !circleci::valid_id(&r.name) || r.project.is_some() {
            return Err(bad_source(intent, i, &format!("`{}/{}`", r.owner, r.name)));
        }
        if r.owner != org {
            return Err(intent_error(
                "CircleCI projects of two organisations cannot share a role".into(),
                "each organisation has its own issuer: generate one role per organisation",
                &format!("/repositories/{i}"),
            ));
        }
    }
    let issuer = issuer_or(intent, &circleci::issuer(&org));
    let audience = intent.audience.clone().unwrap_or_else(|| org.clone());
    let key = |claim: &str| format!("{issuer}:{claim}");
    let mut conditions = Conditions::default();
    conditions.add(key("aud"), vec![literal(&audience)]);
    for (i, a) in intent.actors.iter().enumerate() {
        if !circleci::valid_id(a) {
            return Err(intent_error(format!("`{a}` is not a CircleCI user id"), "CircleCI's `sub` names the user by UUID (the `user` part of a token's sub, or your profile's user id)", &format!("/actors/{i}")));
        }
    }
    let projects: Vec<String> = intent.repositories.iter().map(|r| r.name.clone()).collect();
    let users: Vec<String> = if intent.actors.is_empty() {
        vec!["*".into()]
    } else {
        intent.actors.clone()
    };
    conditions.add(
        key("sub"),
        projects
            .iter()
            .flat_map(|p| {
                let org = &org;
                users.iter().map(move |u| circleci::subject(org, p, u))
            })
            .collect(),
    );
    conditions.add(key(circleci::PROJECT_ID), projects.clone());
    let mut warnings = vec!["CircleCI tokens do not say which branch built: keep the role's credentials in a restricted context, and do not pass secrets to forked pull requests".to_string()];
    let mut excluded = vec![
        "other projects of the organisation".to_string(),
        "other organisations (their own issuers)".to_string(),
    ];
    let who = if intent.actors.is_empty() {
        warnings.push("no --actor USER_ID: any user's job (and SSH re-run debug session) of these projects gets in".into());
        format!(
            "Jobs of CircleCI project {} (organisation {org}), any branch and user",
            projects.join(", ")
        )
    } else {
        excluded.push("other users' jobs and SSH re-runs".into());
        format!(
            "Jobs of CircleCI project {} (organisation {org}) started by user {}",
            projects.join(", "),
            intent.actors.join(" or ")
        )
    };
    Ok(Plan {
        issuer,
        audience,
        sid: "CircleCI",
        conditions,
        include_claim_keys: Vec::new(),
        who,
        excluded,
        warnings,
    })
}

// --- HCP Terraform ----------------------------------------------------------------------------

fn terraform(intent: &Intent) -> Result<Plan, Diagnostic> {
    layers_github_only(intent)?;
    let no_refs = "HCP Terraform's `sub` names the organisation, project, workspace and run phase; use --phase";
    refuse_refs(intent, no_refs)?;
    refuse(
        intent,
        &[
            ("/environments", !intent.environments.is_empty(), no_refs),
            (
                "/actors",
                !intent.actors.is_empty(),
                "HCP Terraform tokens carry no user AWS can check",
            ),
        ],
    )?;
    let mut phases = if intent.run_phases.is_empty() {
        vec!["apply".to_string()]
    } else {
        dedup(intent.run_phases.clone())
    };
    if intent.any_ref {
        phases = vec!["*".into()];
    }
    for (i, p) in phases.iter().enumerate() {
        if !matches!(p.as_str(), "plan" | "apply" | "*") {
            return Err(intent_error(
                format!("`{p}` is not a run phase"),
                "use --phase plan or --phase apply",
                &format!("/runPhases/{i}"),
            ));
        }
    }
    for (i, r) in intent.repositories.iter().enumerate() {
        let project_ok = r
            .project
            .as_deref()
            .is_none_or(|p| !p.is_empty() && !p.contains([':', '*', '?', '$']));
        if !terraform::valid_name(&r.owner) || !terraform::valid_name(&r.name) || !project_ok {
            return Err(bad_source(intent, i, &format!("`{}/{}`", r.owner, r.name)));
        }
    }
    let issuer = issuer_or(intent, terraform::ISSUER);
    let audience = intent
        .audience
        .clone()
        .unwrap_or_else(|| terraform::DEFAULT_AUDIENCE.into());
    let mut subjects = Vec::new();
    for r in &intent.repositories {
        let project = r.project.as_deref().unwrap_or(terraform::DEFAULT_PROJECT);
        for p in &phases {
            subjects.push(terraform::subject(&r.owner, &literal(project), &r.name, p));
        }
    }
    let key = |claim: &str| format!("{issuer}:{claim}");
    let mut conditions = Conditions::default();
    conditions.add(key("aud"), vec![literal(&audience)]);
    conditions.add(key("sub"), subjects);
    let workspaces: Vec<String> = intent
        .repositories
        .iter()
        .map(|r| {
            format!(
                "{}/{}/{}",
                r.owner,
                r.project.as_deref().unwrap_or(terraform::DEFAULT_PROJECT),
                r.name
            )
        })
        .collect();
    let mut excluded = vec![
        "other organisations, projects and workspaces (including look-alike names)".to_string(),
    ];
    let mut warnings = Vec::new();
    if !phases.iter().any(|p| p == "plan" || p == "*") {
        excluded.push("plan runs (give them a read-only role of their own)".into());
    }
    if phases.iter().any(|p| p == "*") {
        warnings.push(
            "--any-ref lets plan runs in too: a plan of a speculative run executes unreviewed code"
                .into(),
        );
    }
    Ok(Plan {
        issuer,
        audience,
        sid: "HCPTerraform",
        conditions,
        include_claim_keys: Vec::new(),
        who: format!(
            "Runs of workspace {} in the {} phase",
            workspaces.join(", "),
            phases.join(" or ")
        ),
        excluded,
        warnings,
    })
}

// --- Bitbucket Pipelines ----------------------------------------------------------------------

fn bitbucket(intent: &Intent) -> Result<Plan, Diagnostic> {
    layers_github_only(intent)?;
    let no_refs = "Bitbucket's `sub` names the repository, environment and step only (by UUID); restrict branches with deployment permissions";
    refuse_refs(intent, no_refs)?;
    refuse(
        intent,
        &[
            (
                "/actors",
                !intent.actors.is_empty(),
                "Bitbucket tokens carry no user AWS can check",
            ),
            (
                "/runPhases",
                !intent.run_phases.is_empty(),
                "run phases are HCP Terraform's",
            ),
        ],
    )?;
    let workspace = intent
        .repositories
        .first()
        .map(|r| r.owner.clone())
        .unwrap_or_default();
    let mut repos = Vec::new();
    for (i, r) in intent.repositories.iter().enumerate() {
        let uuid = bitbucket::braced_uuid(&r.name);
        match uuid {
            Some(u)
                if bitbucket::valid_workspace(&r.owner)
                    && r.owner == workspace
                    && r.project.is_none() =>
            {
                repos.push(u)
            }
            _ => return Err(bad_source(intent, i, &format!("`{}/{}`", r.owner, r.name))),
        }
    }
    let mut environments = Vec::new();
    for (i, e) in intent.environments.iter().enumerate() {
        environments.push(bitbucket::braced_uuid(e).ok_or_else(|| intent_error(format!("`{e}` is not an environment UUID"), "Bitbucket's `sub` carries the deployment environment's UUID ({...}): copy it from the environment's settings", &format!("/environments/{i}")))?);
    }
    let audience = match (&intent.audience, intent.repositories.first().and_then(|r| r.owner_id.as_deref())) {
        (Some(a), _) => a.clone(),
        (None, Some(id)) => {
            let id = bitbucket::braced_uuid(id).ok_or_else(|| intent_error(format!("`{id}` is not the workspace UUID"), "copy it from the workspace's OpenID Connect settings", "/repositories/0/ownerId"))?;
            bitbucket::audience(id.trim_start_matches('{').trim_end_matches('}'))
        }
        (None, None) => return Err(intent_error("Bitbucket's audience needs the workspace UUID".into(), "give --owner-id WORKSPACE_UUID (OpenID Connect settings of the repository) or --audience", "/audience")),
    };
    let issuer = issuer_or(intent, &bitbucket::issuer(&workspace));
    let mut subjects = Vec::new();
    for r in &repos {
        if environments.is_empty() || intent.any_ref {
            // `{repo}:*` covers both `{repo}:{step}` and `{repo}:{env}:{step}`.
            subjects.push(bitbucket::subject(r, None, "*"));
        } else {
            subjects.extend(
                environments
                    .iter()
                    .map(|e| bitbucket::subject(r, Some(e), "*")),
            );
        }
    }
    let key = |claim: &str| format!("{issuer}:{claim}");
    let mut conditions = Conditions::default();
    conditions.add(key("aud"), vec![literal(&audience)]);
    conditions.add(key("sub"), subjects);
    let mut excluded = vec![
        "other repositories of the workspace".to_string(),
        "other workspaces (their own issuers)".to_string(),
    ];
    let mut warnings = Vec::new();
    if environments.is_empty() {
        warnings.push("no deployment environment named: every step of these repositories gets in, whatever the branch".into());
    } else {
        excluded.push("steps outside these deployment environments".into());
    }
    Ok(Plan {
        issuer,
        audience,
        sid: "BitbucketPipelines",
        conditions,
        include_claim_keys: Vec::new(),
        who: format!(
            "Steps of repository {} in workspace {workspace}{}",
            repos.join(", "),
            if environments.is_empty() {
                String::new()
            } else {
                format!(" deploying to environment {}", environments.join(" or "))
            }
        ),
        excluded,
        warnings,
    })
}

// --- Buildkite --------------------------------------------------------------------------------

fn buildkite(intent: &Intent) -> Result<Plan, Diagnostic> {
    layers_github_only(intent)?;
    refuse(
        intent,
        &[
            ("/environments", !intent.environments.is_empty(), "Buildkite's `sub` has no environment; use a branch or a pipeline per environment"),
            ("/pullRequests", intent.pull_requests, "Buildkite's `sub` carries the branch a pull request builds; name the branches instead"),
            ("/actors", !intent.actors.is_empty(), "Buildkite tokens carry no user AWS can check"),
            ("/runPhases", !intent.run_phases.is_empty(), "run phases are HCP Terraform's"),
        ],
    )?;
    require_refs(intent)?;
    for (i, r) in intent.repositories.iter().enumerate() {
        if !buildkite::valid_name(&r.owner)
            || !buildkite::valid_name(&r.name)
            || r.project.is_some()
        {
            return Err(bad_source(intent, i, &format!("`{}/{}`", r.owner, r.name)));
        }
    }
    let issuer = issuer_or(intent, buildkite::ISSUER);
    let audience = intent
        .audience
        .clone()
        .unwrap_or_else(|| buildkite::DEFAULT_AUDIENCE.into());
    let mut refs: Vec<String> = intent
        .branches
        .iter()
        .map(|b| format!("refs/heads/{}", glob(b)))
        .collect();
    refs.extend(intent.tags.iter().map(|t| format!("refs/tags/{}", glob(t))));
    if intent.any_ref {
        refs = vec!["*".into()];
    }
    let mut subjects = Vec::new();
    for r in &intent.repositories {
        for rf in &refs {
            subjects.push(buildkite::subject(&r.owner, &r.name, rf, "*", "*"));
        }
    }
    let key = |claim: &str| format!("{issuer}:{claim}");
    let mut conditions = Conditions::default();
    conditions.add(key("aud"), vec![literal(&audience)]);
    conditions.add(key("sub"), subjects);
    let mut excluded =
        vec!["other organisations and pipelines (including look-alike slugs)".to_string()];
    if pin_ids(
        &mut conditions,
        intent,
        &issuer,
        "pipeline_id",
        "organization_id",
    ) {
        excluded.push("a pipeline re-created under the same slug (ids pinned)".into());
    }
    let mut warnings = Vec::new();
    if intent.any_ref {
        warnings
            .push("--any-ref lets builds of every branch in, including pull-request builds".into());
    } else {
        excluded.push("builds of other branches".into());
    }
    let pipelines: Vec<String> = intent
        .repositories
        .iter()
        .map(|r| format!("{}/{}", r.owner, r.name))
        .collect();
    let parts = if intent.any_ref {
        vec!["on any branch".to_string()]
    } else {
        ref_phrases(intent)
    };
    Ok(Plan {
        issuer,
        audience,
        sid: "Buildkite",
        conditions,
        include_claim_keys: Vec::new(),
        who: format!(
            "Builds of pipeline {} {}",
            pipelines.join(", "),
            parts.join(", or ")
        ),
        excluded,
        warnings,
    })
}
