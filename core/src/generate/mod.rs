//! Generate everything a CI job needs to assume a role, from one intent: the hardened trust
//! policy, Terraform, CloudFormation, the CI configuration, GitHub's subject customisation
//! call, and a plain-language summary — all from the same conditions, so they agree.
//!
//! The policy is written so that lint finds nothing to fix beyond what the intent opts
//! into (pull requests, tags, any ref, environments): exact `StringEquals` wherever no
//! wildcard is needed, the audience pinned, and the provider's immutable ids when given.

mod artifacts;
mod layer3;
mod providers;
mod rcp;
mod spec;

pub use layer3::ControlFile;
pub use rcp::{generate_rcp, GeneratedRcp};
pub use spec::read_intent;

use crate::text::diagnostic::Diagnostic;
use crate::text::json::push_json_string;

/// The CI system whose tokens assume the role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CiProvider {
    /// GitHub Actions (also an enterprise's own issuer and GHE.com hosts).
    #[default]
    GitHub,
    /// GitLab CI/CD (gitlab.com or a self-managed host).
    GitLab,
    /// CircleCI (one issuer per organisation).
    CircleCi,
    /// HCP Terraform (Terraform Cloud) workload identity.
    Terraform,
    /// Bitbucket Pipelines (one issuer per workspace).
    Bitbucket,
    /// Buildkite.
    Buildkite,
}

impl CiProvider {
    /// Every provider, in the order the CLI lists them.
    pub const ALL: [CiProvider; 6] = [
        CiProvider::GitHub,
        CiProvider::GitLab,
        CiProvider::CircleCi,
        CiProvider::Terraform,
        CiProvider::Bitbucket,
        CiProvider::Buildkite,
    ];

    /// The name used by the CLI and spec files: `github`, `gitlab`, `circleci`, `terraform`,
    /// `bitbucket`, `buildkite`.
    pub fn name(self) -> &'static str {
        match self {
            CiProvider::GitHub => "github",
            CiProvider::GitLab => "gitlab",
            CiProvider::CircleCi => "circleci",
            CiProvider::Terraform => "terraform",
            CiProvider::Bitbucket => "bitbucket",
            CiProvider::Buildkite => "buildkite",
        }
    }

    /// The provider with this name.
    pub fn parse(name: &str) -> Option<CiProvider> {
        CiProvider::ALL
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(name))
    }

    /// What one entry of `repositories` names for this provider.
    pub fn source_noun(self) -> &'static str {
        match self {
            CiProvider::GitHub => "repository (OWNER/REPO)",
            CiProvider::GitLab => "project (GROUP[/SUBGROUP...]/PROJECT)",
            CiProvider::CircleCi => "project (ORG_ID/PROJECT_ID)",
            CiProvider::Terraform => "workspace (ORG/PROJECT/WORKSPACE or ORG/WORKSPACE)",
            CiProvider::Bitbucket => "repository (WORKSPACE/REPO_UUID)",
            CiProvider::Buildkite => "pipeline (ORG/PIPELINE)",
        }
    }

    pub(crate) fn label(self) -> &'static str {
        match self {
            CiProvider::GitHub => "GitHub Actions",
            CiProvider::GitLab => "GitLab CI/CD",
            CiProvider::CircleCi => "CircleCI",
            CiProvider::Terraform => "HCP Terraform",
            CiProvider::Bitbucket => "Bitbucket Pipelines",
            CiProvider::Buildkite => "Buildkite",
        }
    }
}

/// One source of jobs that may assume the role: a repository, project, workspace or
/// pipeline, depending on the provider.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Repository {
    /// GitHub: owner; GitLab: group path; CircleCI: organisation id; HCP Terraform:
    /// organisation; Bitbucket: workspace; Buildkite: organisation slug.
    pub owner: String,
    /// GitHub: repository; GitLab: project; CircleCI: project id; HCP Terraform: workspace;
    /// Bitbucket: repository UUID; Buildkite: pipeline slug.
    pub name: String,
    /// HCP Terraform only: the project (default `Default Project`).
    pub project: Option<String>,
    /// The owner's immutable id when known: GitHub `repository_owner_id`, GitLab
    /// `namespace_id`, Bitbucket workspace UUID (the audience), Buildkite `organization_id`.
    pub owner_id: Option<String>,
    /// The source's immutable id when known: GitHub `repository_id`, GitLab `project_id`,
    /// Buildkite `pipeline_id`.
    pub id: Option<String>,
}

/// Who may assume the role, how hard the policy is, and where it lives.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Intent {
    /// The CI system.
    pub provider: CiProvider,
    /// The AWS account of the role and the OIDC provider (12 digits).
    pub account: String,
    /// The role's name; default `<provider>-deploy`.
    pub role_name: Option<String>,
    /// An existing IAM OIDC provider's ARN; when absent, Terraform and CloudFormation
    /// create the provider.
    pub provider_arn: Option<String>,
    /// The AWS region the CI configuration uses; default `us-east-1`.
    pub region: Option<String>,
    /// The issuer (host and path); default per provider (GitHub: an enterprise's
    /// `token.actions.githubusercontent.com/<slug>` or a GHE.com host also work; GitLab: a
    /// self-managed host).
    pub issuer: Option<String>,
    /// The audience; default per provider (`sts.amazonaws.com` for GitHub and Buildkite).
    pub audience: Option<String>,
    /// The sources of jobs.
    pub repositories: Vec<Repository>,
    /// Branches (`main`, `release/*`).
    pub branches: Vec<String>,
    /// Tags (`v*`).
    pub tags: Vec<String>,
    /// Deployment environments (GitHub names, Bitbucket environment UUIDs).
    pub environments: Vec<String>,
    /// HCP Terraform run phases (`plan`, `apply`); default `apply`.
    pub run_phases: Vec<String>,
    /// Let pull-request runs in (opt-in: they run unreviewed code).
    pub pull_requests: bool,
    /// Let any ref, environment or event in (opt-in).
    pub any_ref: bool,
    /// Layer 1: the workflow file and ref (`.github/workflows/deploy.yml@refs/heads/main`,
    /// or `OWNER/REPO/.github/workflows/x.yml@REF` for a reusable workflow).
    pub workflow: Option<String>,
    /// Layer 2: the workflow's name (`workflow` claim).
    pub workflow_name: Option<String>,
    /// Layer 2: the actors who may trigger it.
    pub actors: Vec<String>,
    /// Layer 4: a customised `sub` (by default `repo`, `context`, `job_workflow_ref`).
    pub custom_subject: bool,
    /// Layer 4: the `include_claim_keys`, in order (must keep `repo` and `context`);
    /// empty for the default.
    pub subject_keys: Vec<String>,
    /// Layer 4: the value of each subject key other than `repo`, `context` and
    /// `job_workflow_ref` (e.g. `runner_environment` = `github-hosted`).
    pub subject_values: Vec<(String, String)>,
    /// Use GitHub's immutable subjects (`repo:OWNER@ID/REPO@ID:...`); needs the ids.
    pub immutable_subject: bool,
    /// Set the subject format with the organisation's template (each repository then opts
    /// in) rather than per repository.
    pub org_subject: bool,
    /// Layer 3: generate the controls on the CI configuration the policy relies on
    /// (code owners, rulesets or protected branches, environment protection).
    pub layer3: bool,
    /// Layer 3: who must review changes to the workflow files (`@ORG/TEAM`, `@USER`).
    pub code_owners: Vec<String>,
    /// Layer 3: each environment's required reviewers (GitHub `ORG/TEAM` or `USER`, at
    /// most six).
    pub reviewers: Vec<String>,
    /// Layer 3: administrators may not bypass the environments' protection.
    pub no_admin_bypass: bool,
    /// Layer 3 with Terrateam: the team (slug) that alone may change the CI configuration.
    pub terrateam_team: Option<String>,
}

/// Everything generated for an intent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// The trust policy, pretty JSON.
    pub policy: String,
    /// Terraform: the OIDC provider (unless an existing one was given) and the role.
    pub terraform: String,
    /// CloudFormation YAML: the OIDC provider (unless given) and the role.
    pub cloudformation: String,
    /// The CI configuration that assumes the role, and its usual file name.
    pub ci_config: String,
    /// The file name of `ci_config` (e.g. `.github/workflows/deploy.yml`).
    pub ci_config_path: String,
    /// GitHub only, when the subject is customised or immutable: the `gh api` calls that
    /// set each repository's subject format.
    pub gh_sub: Option<String>,
    /// Who can assume the role, in words, and what is deliberately excluded.
    pub summary: String,
    /// Things the intent opted into that weaken the policy.
    pub warnings: Vec<String>,
    /// The `include_claim_keys` the repositories must set (layer 4), if any.
    pub include_claim_keys: Vec<String>,
    /// The issuer (host and path).
    pub issuer: String,
    /// The audience.
    pub audience: String,
    /// The role's ARN.
    pub role_arn: String,
    /// Layer 3's controls (empty without `layer3`): files to commit and a script to run.
    pub layer3: Vec<ControlFile>,
}

/// A condition key and its values.
pub(crate) type Entry = (String, Vec<String>);

/// The trust policy's conditions: key → values, per operator, in writing order.
#[derive(Debug, Default)]
pub(crate) struct Conditions {
    pub(crate) equals: Vec<Entry>,
    pub(crate) like: Vec<Entry>,
}

impl Conditions {
    /// Adds `values` for `claim` under StringLike when a value has a wildcard the user
    /// meant, else StringEquals.
    fn add(&mut self, key: String, values: Vec<String>) {
        if values.iter().any(|v| is_wild(v)) {
            self.like.push((key, values));
        } else {
            self.equals.push((key, values));
        }
    }

    /// The blocks in writing order.
    pub(crate) fn blocks(&self) -> Vec<(&'static str, &[Entry])> {
        let mut out: Vec<(&'static str, &[Entry])> = vec![("StringEquals", &self.equals)];
        if !self.like.is_empty() {
            out.push(("StringLike", &self.like));
        }
        out
    }
}

/// What a provider module works out for the intent.
pub(crate) struct Plan {
    pub(crate) issuer: String,
    pub(crate) audience: String,
    pub(crate) sid: &'static str,
    pub(crate) conditions: Conditions,
    pub(crate) include_claim_keys: Vec<String>,
    /// Who, in words (the summary's first sentence, without "can assume the role").
    pub(crate) who: String,
    /// What is deliberately excluded.
    pub(crate) excluded: Vec<String>,
    pub(crate) warnings: Vec<String>,
}

pub(crate) fn intent_error(message: String, help: &str, pointer: &str) -> Diagnostic {
    Diagnostic::options("invalid-intent", message, help, pointer)
}

/// Generates every artifact for `intent`: the trust policy, Terraform, CloudFormation, the
/// CI file, GitHub's subject customisation and a summary, all from one plan.
///
/// # Example
/// ```
/// use oidc_trust::{generate, lint, Intent, LintOptions, Repository};
/// let generated = generate(&Intent {
///     account: "123456789012".into(),
///     repositories: vec![Repository { owner: "acme".into(), name: "api".into(), ..Repository::default() }],
///     branches: vec!["main".into()],
///     ..Intent::default()
/// })?;
/// assert!(generated.policy.contains("repo:acme/api:ref:refs/heads/main"));
/// let report = lint(&generated.policy, &LintOptions::default());
/// assert!(report.worst() <= Some(oidc_trust::FindingSeverity::Low));
/// # Ok::<(), oidc_trust::Diagnostic>(())
/// ```
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
            format!("no {} given", intent.provider.source_noun()),
            "name at least one with --repo",
            "/repositories",
        ));
    }
    let role_name = intent
        .role_name
        .clone()
        .unwrap_or_else(|| format!("{}-deploy", intent.provider.name()));
    if role_name.is_empty()
        || role_name.len() > 64
        || !role_name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b))
    {
        return Err(intent_error(
            format!("`{role_name}` is not an IAM role name"),
            "up to 64 letters, digits and + = , . @ _ -",
            "/role",
        ));
    }
    if let Some(region) = &intent.region {
        if region.is_empty()
            || !region
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(intent_error(
                format!("`{region}` is not an AWS region"),
                "e.g. us-east-1, eu-west-1",
                "/region",
            ));
        }
    }
    check_values(intent)?;
    let plan = providers::plan(intent)?;
    if let Some(arn) = &intent.provider_arn {
        let expected = format!(":oidc-provider/{}", plan.issuer);
        if !arn.starts_with("arn:aws") || !arn.ends_with(&expected) {
            return Err(intent_error(
                format!("`{arn}` is not the ARN of an OIDC provider for `{}`", plan.issuer),
                &format!(
                    "write arn:aws:iam::{}:oidc-provider/{}, or leave it out to create the provider",
                    intent.account, plan.issuer
                ),
                "/providerArn",
            ));
        }
    }
    let provider_arn = intent.provider_arn.clone().unwrap_or_else(|| {
        format!(
            "arn:aws:iam::{}:oidc-provider/{}",
            intent.account, plan.issuer
        )
    });
    let role_arn = format!("arn:aws:iam::{}:role/{role_name}", intent.account);
    let policy = policy_json(&plan, &provider_arn);
    let mut summary = format!("{} can assume the role {role_arn}.", plan.who);
    if !plan.excluded.is_empty() {
        summary.push_str(&format!(" Excluded: {}.", plan.excluded.join(", ")));
    }
    let out = artifacts::Context {
        intent,
        plan: &plan,
        role_name: &role_name,
        role_arn: &role_arn,
        region: intent.region.as_deref().unwrap_or("us-east-1"),
    };
    let layer3 = if intent.layer3 {
        layer3::controls(intent)?
    } else {
        Vec::new()
    };
    if !layer3.is_empty() {
        let what: Vec<&str> = layer3.iter().map(|f| f.what.as_str()).collect();
        summary.push_str(&format!(
            " Layer 3 protects what the conditions rely on: {}.",
            what.join("; ")
        ));
    }
    Ok(Generated {
        layer3,
        terraform: out.terraform(),
        cloudformation: out.cloudformation(),
        ci_config: out.ci_config(),
        ci_config_path: out.ci_config_path(),
        gh_sub: out.gh_sub(),
        policy,
        summary,
        warnings: plan.warnings.clone(),
        include_claim_keys: plan.include_claim_keys.clone(),
        issuer: plan.issuer.clone(),
        audience: plan.audience.clone(),
        role_arn,
    })
}

/// Values every provider needs well-formed: no empty names, no control characters, refs
/// without the `:` that separates `sub` fields (git refuses it in ref names too), a
/// workflow file that is a workflow file.
fn check_values(intent: &Intent) -> Result<(), Diagnostic> {
    let lists: [(&str, &[String]); 6] = [
        ("branches", &intent.branches),
        ("tags", &intent.tags),
        ("environments", &intent.environments),
        ("actors", &intent.actors),
        ("runPhases", &intent.run_phases),
        ("subjectKeys", &intent.subject_keys),
    ];
    for (name, values) in lists {
        for (i, v) in values.iter().enumerate() {
            let pointer = format!("/{name}/{i}");
            if v.trim().is_empty() {
                return Err(intent_error(
                    format!("an empty value in `{name}`"),
                    "remove it, or write the name",
                    &pointer,
                ));
            }
            if v.chars().any(char::is_control) {
                return Err(intent_error(
                    format!(
                        "`{}` in `{name}` has a control character",
                        v.escape_default()
                    ),
                    "write the name on one line",
                    &pointer,
                ));
            }
            if matches!(name, "branches" | "tags") && v.contains([':', ' ', '\\']) {
                return Err(intent_error(
                    format!("`{v}` is not a git ref name"),
                    "ref names have no `:`, spaces or `\\`; `*` and `?` are wildcards",
                    &pointer,
                ));
            }
        }
    }
    for (i, (k, v)) in intent.subject_values.iter().enumerate() {
        if k.trim().is_empty() || v.trim().is_empty() || v.chars().any(char::is_control) {
            return Err(intent_error(
                format!(
                    "`{}={}` is not a subject key and value",
                    k.escape_default(),
                    v.escape_default()
                ),
                "write KEY=VALUE, e.g. runner_environment=github-hosted",
                &format!("/subjectValues/{i}"),
            ));
        }
    }
    let singles = [
        ("workflow", &intent.workflow),
        ("workflowName", &intent.workflow_name),
        ("audience", &intent.audience),
        ("issuer", &intent.issuer),
    ];
    for (name, value) in singles {
        if let Some(v) = value {
            if v.trim().is_empty() || v.chars().any(char::is_control) {
                return Err(intent_error(
                    format!("`{name}` is empty or has a control character"),
                    "leave it out for the default, or write the value",
                    &format!("/{name}"),
                ));
            }
        }
    }
    if let Some(issuer) = &intent.issuer {
        crate::ci::normalize_issuer(issuer)?;
    }
    if let Some(w) = &intent.workflow {
        // No default ref: `main` guessed for a workflow meant at a tag would lock the role.
        let Some((path, r)) = w.split_once('@') else {
            return Err(intent_error(
                format!("`{w}` has no ref: a token's job_workflow_ref always names one"),
                "write PATH@REF, e.g. .github/workflows/deploy.yml@refs/heads/main",
                "/workflow",
            ));
        };
        if !(path.ends_with(".yml") || path.ends_with(".yaml"))
            || path.contains(' ')
            || r.is_empty()
        {
            return Err(intent_error(
                format!("`{w}` is not a workflow file and ref"),
                "write PATH@REF, e.g. .github/workflows/deploy.yml@refs/heads/main",
                "/workflow",
            ));
        }
    }
    Ok(())
}

fn policy_json(plan: &Plan, provider_arn: &str) -> String {
    let mut out = String::new();
    out.push_str("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Sid\": ");
    push_json_string(&mut out, plan.sid);
    out.push_str(
        ",\n      \"Effect\": \"Allow\",\n      \"Principal\": {\n        \"Federated\": ",
    );
    push_json_string(&mut out, provider_arn);
    out.push_str("\n      },\n      \"Action\": \"sts:AssumeRoleWithWebIdentity\",\n      \"Condition\": {\n");
    let blocks = plan.conditions.blocks();
    for (bi, (op, entries)) in blocks.iter().enumerate() {
        out.push_str(&format!("        \"{op}\": {{\n"));
        for (ei, (k, values)) in entries.iter().enumerate() {
            out.push_str("          ");
            push_json_string(&mut out, k);
            out.push_str(": ");
            match values.as_slice() {
                [one] => push_json_string(&mut out, one),
                _ => {
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
    out
}

/// A literal value for a 2012-10-17 policy: `$`, `*` and `?` written as `${$}`, `${*}`,
/// `${?}`, so that neither policy variables nor wildcards change what it matches.
pub(crate) fn literal(s: &str) -> String {
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
pub(crate) fn glob(s: &str) -> String {
    s.replace('$', "${$}")
}

/// Whether a written value has a wildcard (escaped literals are `${*}`/`${?}`).
pub(crate) fn is_wild(v: &str) -> bool {
    v.replace("${*}", "")
        .replace("${?}", "")
        .contains(['*', '?'])
}

pub(crate) fn dedup(mut v: Vec<String>) -> Vec<String> {
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
