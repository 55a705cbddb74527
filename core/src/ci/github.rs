//! GitHub Actions: the issuers (github.com, an enterprise's own, GHE.com), the `sub`
//! grammar (default, customised with `include_claim_keys`, immutable), the keys AWS
//! exposes, and the token model for the attacker replay.

use super::{
    inner_wildcard, instantiate, literal, look_alike, Model, Named, Scenarios, TemplateAssumption,
    Token,
};
use crate::text::severity::FindingSeverity;

/// The issuer of github.com's tokens.
pub(crate) const ISSUER: &str = "token.actions.githubusercontent.com";

/// The audience `aws-actions/configure-aws-credentials` requests.
pub(crate) const DEFAULT_AUDIENCE: &str = "sts.amazonaws.com";

/// The claims AWS exposes as condition keys for GitHub issuers (domain.md §3.3).
pub(crate) const KEYS: [&str; 10] = [
    "actor",
    "actor_id",
    "enterprise_id",
    "environment",
    "job_workflow_ref",
    "ref",
    "repository",
    "repository_id",
    "repository_owner_id",
    "workflow",
];

/// github.com's issuer, an enterprise's own (`token.actions.githubusercontent.com/SLUG`,
/// also written `github.com/enterprises/SLUG`), or a GHE.com host
/// (`token.actions.SUBDOMAIN.ghe.com`). GHES issuers are the customer's own hosts.
pub(crate) fn recognises(host: &str, path: &str) -> bool {
    host == ISSUER
        || (host.starts_with("token.actions.") && host.ends_with(".ghe.com"))
        || (host == "github.com" && path.starts_with("enterprises/"))
}

// --- the `sub` grammar (domain.md §4.3, §4.4) ---------------------------------------------

/// One part of a GitHub `sub` template.
#[derive(Debug, Clone, PartialEq)]
enum Part {
    /// `repo:OWNER/REPO` (or `repo:OWNER@ID/REPO@ID`).
    Repo,
    /// `environment:ENV` | `pull_request` | `ref:REF`.
    Context,
    /// `CLAIM:VALUE`.
    Claim(String),
}

/// The GitHub claims that can appear in a customised `sub`.
const SUBJECT_CLAIMS: [&str; 22] = [
    "actor",
    "actor_id",
    "base_ref",
    "enterprise",
    "enterprise_id",
    "environment",
    "event_name",
    "head_ref",
    "job_workflow_ref",
    "job_workflow_sha",
    "ref",
    "ref_protected",
    "ref_type",
    "repository",
    "repository_id",
    "repository_owner",
    "repository_owner_id",
    "repository_visibility",
    "run_attempt",
    "runner_environment",
    "workflow",
    "workflow_ref",
];

/// A subject template: GitHub's default (`repo`, `context`) or the `include_claim_keys` of
/// a customised one, with or without immutable ids in the `repo` part.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Template {
    parts: Vec<Part>,
    immutable: bool,
    /// The owner and repository name as the policy wrote them (wildcards kept), when read
    /// off a policy.
    owner_pattern: String,
    repo_pattern: String,
}

impl Template {
    /// GitHub's default template.
    pub(crate) fn default_format(immutable: bool) -> Template {
        Template {
            parts: vec![Part::Repo, Part::Context],
            immutable,
            owner_pattern: String::new(),
            repo_pattern: String::new(),
        }
    }

    /// A customised template from its `include_claim_keys` (`repo` and `context` are the
    /// special keys; the rest are claims).
    pub(crate) fn from_keys(keys: &[String], immutable: bool) -> Template {
        let parts = keys
            .iter()
            .map(|k| match k.as_str() {
                "repo" => Part::Repo,
                "context" => Part::Context,
                other => Part::Claim(other.to_string()),
            })
            .collect();
        Template {
            parts,
            immutable,
            owner_pattern: String::new(),
            repo_pattern: String::new(),
        }
    }

    /// Reads a policy's `sub` value as a subject of some template, filling `t` with what it
    /// names (wildcards dropped). Text the grammar does not know is skipped; `repo:o/r:*`
    /// (or nothing readable) is read as the default template, whose context the `*` stands
    /// for.
    pub(crate) fn read(sub: &str, t: &mut Token) -> Template {
        let tokens: Vec<&str> = sub.split(':').collect();
        let mut parts = Vec::new();
        let mut immutable = false;
        let (mut owner_pattern, mut repo_pattern) = (String::new(), String::new());
        let mut i = 0;
        while let Some(&key) = tokens.get(i) {
            let value = tokens.get(i + 1).copied().unwrap_or("");
            match key {
                "repo" => {
                    let (owner, repo) = value.split_once('/').unwrap_or((value, ""));
                    let (owner, owner_id) = owner.split_once('@').unwrap_or((owner, ""));
                    let (repo, repo_id) = repo.split_once('@').unwrap_or((repo, ""));
                    immutable = value.contains('@');
                    owner_pattern = owner.to_string();
                    repo_pattern = repo.to_string();
                    if let Some(o) = literal(owner) {
                        t.set("repository_owner", o);
                    }
                    if let Some(r) = literal(repo) {
                        t.set("repo_name", r);
                    }
                    if let Some(id) = literal(owner_id) {
                        t.set("repository_owner_id", id);
                    }
                    if let Some(id) = literal(repo_id) {
                        t.set("repository_id", id);
                    }
                    parts.push(Part::Repo);
                    i += 2;
                }
                "environment" => {
                    if let Some(e) = literal(value) {
                        t.set("environment", e);
                    }
                    parts.push(Part::Context);
                    i += 2;
                }
                "pull_request" => {
                    t.set("event_name", "pull_request");
                    parts.push(Part::Context);
                    i += 1;
                }
                "ref" => {
                    // `ref:refs/heads/main` — the value has no colon.
                    if let Some(r) = literal(value) {
                        // A whole ref only: `refs/*` names none, the default stands.
                        if r.starts_with("refs/") && !r.ends_with('/') {
                            t.set("ref", r);
                        }
                    }
                    parts.push(Part::Context);
                    i += 2;
                }
                k if SUBJECT_CLAIMS.contains(&k) => {
                    if let Some(v) = literal(value) {
                        t.set(k, v);
                    }
                    parts.push(Part::Claim(k.to_string()));
                    i += 2;
                }
                _ => i += 1,
            }
        }
        if parts.is_empty() || (parts == [Part::Repo] && sub.contains('*')) {
            parts = vec![Part::Repo, Part::Context];
        }
        Template {
            parts,
            immutable,
            owner_pattern,
            repo_pattern,
        }
    }

    /// Whether this is GitHub's default template.
    pub(crate) fn is_default(&self) -> bool {
        self.parts == [Part::Repo, Part::Context]
    }

    /// The template as `include_claim_keys` would list it: `repo, context`.
    pub(crate) fn keys(&self) -> String {
        self.parts
            .iter()
            .map(|p| match p {
                Part::Repo => "repo",
                Part::Context => "context",
                Part::Claim(k) => k.as_str(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// What the model assumes when the policy's subject is not in GitHub's default
    /// template: the template, and whether the default could ever produce the subject.
    fn assumption(&self) -> Option<TemplateAssumption> {
        (!self.is_default()).then(|| TemplateAssumption {
            keys: self.keys(),
            context: self.parts.contains(&Part::Context),
        })
    }

    /// Writes a subject: `repo` is `OWNER/REPO` (or the immutable form), `context` one of
    /// [`ref_context`], [`environment_context`] or [`PULL_REQUEST`], and `value_of` gives each
    /// other claim's value.
    pub(crate) fn render(
        &self,
        repo: &str,
        context: &str,
        value_of: &dyn Fn(&str) -> String,
    ) -> String {
        self.parts
            .iter()
            .map(|p| match p {
                Part::Repo => format!("repo:{repo}"),
                Part::Context => context.to_string(),
                Part::Claim(k) => format!("{k}:{}", value_of(k)),
            })
            .collect::<Vec<_>>()
            .join(":")
    }

    /// The subject of a model token (its `repository_owner`, `repo_name`, ids, ref,
    /// environment and event).
    fn render_token(&self, t: &Token) -> String {
        let repo = if self.immutable {
            repo_segment(
                t.get("repository_owner"),
                t.get("repo_name"),
                Some((t.get("repository_owner_id"), t.get("repository_id"))),
            )
        } else {
            t.get("repository").to_string()
        };
        let context = if !t.get("environment").is_empty() {
            environment_context(t.get("environment"))
        } else if t.get("event_name") == "pull_request" {
            PULL_REQUEST.to_string()
        } else {
            ref_context(t.get("ref"))
        };
        self.render(&repo, &context, &|k| t.get(k).to_string())
    }
}

/// The `repo` part's value: `OWNER/REPO`, or `OWNER@OWNER_ID/REPO@REPO_ID` for immutable
/// subjects (`@` cannot occur in GitHub names, domain.md §4.3).
pub(crate) fn repo_segment(owner: &str, name: &str, ids: Option<(&str, &str)>) -> String {
    match ids {
        Some((owner_id, repo_id)) => format!("{owner}@{owner_id}/{name}@{repo_id}"),
        None => format!("{owner}/{name}"),
    }
}

/// The subjects of every job of an owner's repositories, for an organisation guardrail:
/// `repo:OWNER/*`, and `repo:OWNER@ID/*` (immutable subjects) when the id is known.
pub(crate) fn tenant_subjects(owner: &str, owner_id: Option<&str>) -> Vec<String> {
    let mut out = vec![format!("repo:{owner}/*")];
    if let Some(id) = owner_id {
        out.push(format!("repo:{owner}@{id}/*"));
    }
    out
}

/// The context of a job on a branch or tag: `ref:refs/heads/main`.
pub(crate) fn ref_context(r: &str) -> String {
    format!("ref:{r}")
}

/// The context of a job that references an environment (whatever the trigger).
pub(crate) fn environment_context(environment: &str) -> String {
    format!("environment:{environment}")
}

/// The context of a `pull_request` run.
pub(crate) const PULL_REQUEST: &str = "pull_request";

/// A value as GitHub writes it into a subject: `:` becomes `%3A` (domain.md §4.3).
pub(crate) fn escape_value(value: &str) -> String {
    value.replace(':', "%3A")
}

/// Whether a subject value names the repository by name only (`repo:OWNER/REPO...`),
/// not with the immutable ids (`repo:OWNER@ID/REPO@ID...`).
pub(crate) fn is_classic_subject(value: &str) -> bool {
    value.starts_with("repo:") && !value.split(':').nth(1).unwrap_or("").contains('@')
}

/// Whether a (customised) subject pattern carries the `job_workflow_ref` claim.
pub(crate) fn subject_names_workflow(pattern: &str) -> bool {
    pattern.contains("job_workflow_ref:")
}

/// The ref of a `job_workflow_ref` value (`OWNER/REPO/PATH@REF`), if it has one.
pub(crate) fn workflow_ref_of(value: &str) -> Option<&str> {
    value.split_once('@').map(|(_, r)| r)
}

/// Characters GitHub allows in owner and repository names (letters, digits, `-`, `_`, `.`).
pub(crate) fn valid_name(s: &str) -> bool {
    super::valid_slug(s)
}

// --- subjects in words ----------------------------------------------------------------------

/// A `sub` pattern for reviewers: `repo:acme/api:ref:refs/heads/main` → "repository
/// `acme/api`, branch `main`".
pub(crate) fn describe(pattern: &str) -> String {
    if pattern == "*" {
        return "anyone on GitHub".into();
    }
    let Some(rest) = pattern.strip_prefix("repo:") else {
        return format!("subject like `{pattern}`");
    };
    let (repo, context) = match rest.find(':') {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let (owner, name) = repo.split_once('/').unwrap_or((repo, ""));
    let owner_text = match owner {
        "*" => "any owner".to_string(),
        o if o.contains('*') || o.contains('?') => format!("owners like `{o}`"),
        o => format!("`{o}`"),
    };
    let who = match (name, repo.contains('*') && name.is_empty()) {
        (_, true) => format!("any repository like `{repo}` (a `*` here spans `/` and `:`)"),
        ("*", _) => {
            format!("any repository of {owner_text} (every ref, environment and pull request)")
        }
        (n, _) if n.ends_with('*') && context.is_none() => {
            format!("any repository of {owner_text} named like `{n}`, every ref")
        }
        (n, _) if n.contains(['*', '?']) => {
            format!("repositories of {owner_text} named like `{n}`")
        }
        (n, _) => format!("repository `{owner}/{n}`"),
    };
    let ctx = match context {
        None if name == "*" || name.ends_with('*') => String::new(),
        None => " (every ref, environment and pull request)".into(),
        Some("*") => ", any branch, tag, environment or pull request".into(),
        Some("pull_request") => ", pull requests".into(),
        Some(c) => context_words(c),
    };
    format!("{who}{ctx}")
}

/// `ref:refs/heads/main:job_workflow_ref:X` → ", branch `main`, job_workflow_ref `X`".
fn context_words(context: &str) -> String {
    let tokens: Vec<&str> = context.split(':').collect();
    let mut out = String::new();
    let mut i = 0;
    while i < tokens.len() {
        let (key, value) = (tokens[i], tokens.get(i + 1).copied().unwrap_or(""));
        let wild = value.contains(['*', '?']);
        let text = match key {
            "pull_request" => {
                i += 1;
                out.push_str(", pull requests");
                continue;
            }
            "ref" if value.starts_with("refs/heads/") => {
                let b = &value["refs/heads/".len()..];
                if wild {
                    format!("branches like `{b}`")
                } else {
                    format!("branch `{b}`")
                }
            }
            "ref" if value.starts_with("refs/tags/") => {
                format!("tags like `{}`", &value["refs/tags/".len()..])
            }
            "environment" if wild => format!("environments like `{value}`"),
            "environment" => format!("environment `{value}`"),
            "*" => "anything after".into(),
            k => format!("{k} `{value}`"),
        };
        out.push_str(", ");
        out.push_str(&text);
        i += 2;
    }
    out
}

/// The token model: the intended token read off `named`, and the attacker scenarios.
pub(crate) fn model(named: &Named) -> Model {
    let mut t = Token::with(&[
        ("aud", "sts.amazonaws.com"),
        ("repository_owner", "octo-org"),
        ("repository_owner_id", "100001"),
        ("repo_name", "octo-repo"),
        ("repository_id", "100002"),
        ("ref", "refs/heads/main"),
        ("ref_type", "branch"),
        ("event_name", "push"),
        ("actor", "octocat"),
        ("actor_id", "100003"),
        ("workflow", "deploy"),
        ("runner_environment", "github-hosted"),
        ("repository_visibility", "private"),
    ]);
    let sub = named.get("sub").map(str::to_string);
    let subject = match &sub {
        Some(s) => Template::read(s, &mut t),
        None => Template::default_format(false),
    };
    // Other keys the policy names (the sub wins where both speak).
    for (k, v) in &named.pairs {
        if k == "sub" || v.is_empty() {
            continue;
        }
        if k == "repository" {
            if let Some((o, r)) = instantiate(v).split_once('/') {
                t.set("repository_owner", o);
                t.set("repo_name", r);
            }
            continue;
        }
        let from_sub = sub.as_deref().is_some_and(|s| s.contains(&format!("{k}:")));
        if !from_sub {
            if let Some(v) = literal(v) {
                t.set(k, v);
            }
        }
    }
    let intended_repo = format!("{}/{}", t.get("repository_owner"), t.get("repo_name"));
    let pins_jwr = named.get("job_workflow_ref").is_some()
        || sub
            .as_deref()
            .is_some_and(|s| s.contains("job_workflow_ref:"));
    let fix = |mut t: Token| {
        let repository = format!("{}/{}", t.get("repository_owner"), t.get("repo_name"));
        // A job of another repository runs its own workflow file, unless the scenario
        // is about calling the pinned one.
        if repository != intended_repo && !pins_jwr {
            t.remove("job_workflow_ref");
        }
        t.set("repository", repository);
        if t.get("ref").starts_with("refs/tags/") {
            t.set("ref_type", "tag");
        }
        if t.get("job_workflow_ref").is_empty() {
            let jwr = format!(
                "{}/.github/workflows/{}.yml@{}",
                t.get("repository"),
                t.get("workflow").replace(' ', "-").to_ascii_lowercase(),
                t.get("ref")
            );
            t.set("job_workflow_ref", jwr);
        }
        let s = subject.render_token(&t);
        t.set("sub", s);
        let mut out = t.clone();
        out.remove("repo_name");
        if out.get("environment").is_empty() {
            out.remove("environment");
        }
        out
    };
    let base = t.clone();
    let owner = base.get("repository_owner").to_string();
    let repo = base.get("repo_name").to_string();
    let evil_owner = look_alike(&subject.owner_pattern, &owner);
    let evil_repo = look_alike(&subject.repo_pattern, &repo);
    let has_env = !base.get("environment").is_empty();
    let pins = |k: &str| {
        named.get(k).is_some() || sub.as_deref().is_some_and(|s| s.contains(&format!("{k}:")))
    };
    let mut list = Scenarios::new(&base, &fix);
    let mut add =
        |id, who, severity, change: &dyn Fn(&mut Token)| list.add(id, who, severity, change);
    let new_ids = |t: &mut Token| {
        t.set("repository_owner_id", "900001");
        t.set("repository_id", "900002");
    };
    add(
        "other-org",
        format!("a repository `{repo}` in another organisation (anyone on GitHub)"),
        FindingSeverity::Critical,
        &|t| {
            t.set("repository_owner", "zz-attacker");
            new_ids(t);
            t.remove("job_workflow_ref");
        },
    );
    add(
        "look-alike-org",
        if inner_wildcard(&subject.owner_pattern) {
            format!(
                "an organisation whose name matches `{}` (e.g. `{evil_owner}`)",
                subject.owner_pattern
            )
        } else {
            format!("an organisation whose name starts with `{owner}` (e.g. `{evil_owner}`)")
        },
        FindingSeverity::Critical,
        &|t| {
            t.set("repository_owner", evil_owner.clone());
            new_ids(t);
            t.remove("job_workflow_ref");
        },
    );
    add(
        "sibling-repo",
        format!("another repository of `{owner}`"),
        FindingSeverity::High,
        &|t| {
            t.set("repo_name", "zz-other-repo");
            t.set("repository_id", "900003");
            t.remove("job_workflow_ref");
        },
    );
    add(
        "look-alike-repo",
        if inner_wildcard(&subject.repo_pattern) {
            format!(
                "a repository of `{owner}` whose name matches `{}` (e.g. `{evil_repo}`)",
                subject.repo_pattern
            )
        } else {
            format!(
                "a repository of `{owner}` whose name starts with `{repo}` (e.g. `{evil_repo}`)"
            )
        },
        FindingSeverity::High,
        &|t| {
            t.set("repo_name", evil_repo.clone());
            t.set("repository_id", "900004");
            t.remove("job_workflow_ref");
        },
    );
    add(
        "pull-request",
        format!("a pull request to `{owner}/{repo}` (unreviewed code)"),
        FindingSeverity::High,
        &|t| {
            t.set("event_name", "pull_request");
            t.set("ref", "refs/pull/7/merge");
            t.remove("environment");
            t.remove("job_workflow_ref");
        },
    );
    let branch_severity = if has_env {
        FindingSeverity::Low
    } else {
        FindingSeverity::High
    };
    add(
        "other-branch",
        format!(
            "a push to an unprotected branch of `{owner}/{repo}`{}",
            if has_env {
                " that may deploy to the same environment (its protection rules decide)"
            } else {
                ""
            }
        ),
        branch_severity,
        // A push: whatever event the intended job has (a policy for pull requests too).
        &|t| {
            t.set("event_name", "push");
            t.set("ref", "refs/heads/zz-feature");
            t.remove("job_workflow_ref");
        },
    );
    let intended_ref = base.get("ref").to_string();
    if intended_ref.starts_with("refs/heads/") {
        add(
            "look-alike-branch",
            format!("a branch named like `{intended_ref}-evil`"),
            if has_env {
                FindingSeverity::Low
            } else {
                FindingSeverity::Medium
            },
            &|t| {
                t.set("event_name", "push");
                t.set("ref", format!("{intended_ref}-evil"));
                t.remove("job_workflow_ref");
            },
        );
        add(
            "tag",
            format!("a tag pushed to `{owner}/{repo}`"),
            if has_env {
                FindingSeverity::Low
            } else {
                FindingSeverity::Medium
            },
            &|t| {
                t.set("event_name", "push");
                t.set("ref", "refs/tags/zz-tag");
                t.remove("job_workflow_ref");
            },
        );
    }
    if has_env {
        let env = base.get("environment").to_string();
        add(
            "other-environment",
            format!("a job of `{owner}/{repo}` in another environment"),
            FindingSeverity::Medium,
            &|t| {
                t.set("environment", "zz-other-env");
            },
        );
        add(
            "look-alike-environment",
            format!(
                "an environment named like `{env}-evil` (its own protection rules, possibly none)"
            ),
            FindingSeverity::High,
            &|t| {
                t.set("environment", format!("{env}-evil"));
            },
        );
    } else {
        add(
            "any-environment",
            format!("a job of `{owner}/{repo}` in a deployment environment"),
            FindingSeverity::Low,
            &|t| {
                t.set("environment", "zz-other-env");
            },
        );
    }
    if pins("job_workflow_ref") || pins("workflow") {
        add(
            "other-workflow",
            format!("another workflow file of `{owner}/{repo}`"),
            FindingSeverity::Medium,
            &|t| {
                t.set("workflow", "zz-other");
                let r = t.get("ref").to_string();
                t.set(
                    "job_workflow_ref",
                    format!("{owner}/{repo}/.github/workflows/zz-other.yml@{r}"),
                );
            },
        );
    }
    if pins("job_workflow_ref") {
        let jwr = base.get("job_workflow_ref").to_string();
        let file = jwr.split('@').next().unwrap_or("").to_string();
        add(
            "foreign-caller",
            "another organisation calling the same reusable workflow".into(),
            FindingSeverity::High,
            &|t| {
                t.set("repository_owner", "zz-attacker");
                t.set("repo_name", "zz-caller");
                new_ids(t);
                t.set("job_workflow_ref", jwr.clone());
            },
        );
        add(
            "workflow-from-branch",
            "the same workflow file taken from an unprotected branch".into(),
            FindingSeverity::Medium,
            &|t| {
                t.set("job_workflow_ref", format!("{file}@refs/heads/zz-feature"));
            },
        );
    }
    if pins("actor") || pins("actor_id") {
        add(
            "human-dispatch",
            format!("someone else dispatching a workflow in `{owner}/{repo}` by hand"),
            FindingSeverity::Low,
            &|t| {
                t.set("event_name", "workflow_dispatch");
                t.set("actor", "zz-someone");
                t.set("actor_id", "900005");
            },
        );
    }
    if pins("enterprise") || pins("enterprise_id") {
        add(
            "other-enterprise",
            "a repository of an organisation in another GitHub enterprise".into(),
            FindingSeverity::Critical,
            &|t| {
                t.set("repository_owner", "zz-attacker");
                new_ids(t);
                t.set("enterprise", "zz-other-enterprise");
                t.set("enterprise_id", "900007");
                t.remove("job_workflow_ref");
            },
        );
    }
    add(
        "renamed-repo",
        format!("a new `{owner}/{repo}` after a rename or deletion (same names, new ids)"),
        FindingSeverity::Low,
        &|t| {
            new_ids(t);
            t.set("actor_id", "900006");
        },
    );
    let mut model = list.model("github-actions");
    model.template = subject.assumption();
    model
}

// --- repository settings (layer 3) ----------------------------------------------------------

/// What a trust policy value relies on in a repository's settings: a job of environment
/// `E`, a run on branch `B` or tag `T`, a workflow file pinned at a ref.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Reliance {
    /// `repo:O/R:environment:E`.
    Environment(String),
    /// `repo:O/R:ref:refs/heads/B`, or a workflow pinned at `@refs/heads/B`.
    Branch(String),
    /// `repo:O/R:ref:refs/tags/T`.
    Tag(String),
    /// `O/R/PATH@REF` in `job_workflow_ref` or `workflow_ref`: the file at `PATH`.
    WorkflowFile(String),
    /// The repository with no narrower context (`repo:O/R:*`, `repo:O/R:pull_request`):
    /// its workflows still take the role.
    Repository,
}

/// What a `sub` value relies on, each with its repository pattern (`OWNER/REPO`, wildcards
/// kept, immutable ids dropped). Values of customised subjects are read pair by pair; a
/// `job_workflow_ref:` inside one relies on the workflow's own repository.
pub(crate) fn subject_reliances(sub: &str) -> Vec<(String, Reliance)> {
    let tokens: Vec<&str> = sub.split(':').collect();
    let mut repo = None;
    let mut own = Vec::new();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&key) = tokens.get(i) {
        let value = tokens.get(i + 1).copied().unwrap_or("");
        match key {
            "repo" => {
                if let Some((owner, name)) = value.split_once('/') {
                    let owner = owner.split_once('@').map_or(owner, |(o, _)| o);
                    let name = name.split_once('@').map_or(name, |(n, _)| n);
                    repo = Some(format!("{owner}/{name}"));
                }
            }
            "environment" => own.push(Reliance::Environment(value.replace("%3A", ":"))),
            "ref" => {
                if let Some(b) = value.strip_prefix("refs/heads/") {
                    own.push(Reliance::Branch(b.to_string()));
                } else if let Some(t) = value.strip_prefix("refs/tags/") {
                    own.push(Reliance::Tag(t.to_string()));
                }
            }
            "job_workflow_ref" | "workflow_ref" => out.extend(workflow_reliances(value)),
            "pull_request" => {
                i += 1;
                continue;
            }
            _ => {}
        }
        i += 2;
    }
    if let Some(repo) = repo {
        if own.is_empty() {
            own.push(Reliance::Repository);
        }
        out.extend(own.into_iter().map(|r| (repo.clone(), r)));
    }
    out
}

/// What a `job_workflow_ref` or `workflow_ref` value (`OWNER/REPO/PATH@REF`) relies on in
/// the workflow's repository: the file, and for a branch pin, the branch.
pub(crate) fn workflow_reliances(value: &str) -> Vec<(String, Reliance)> {
    let Some((path, at)) = value.split_once('@') else {
        return Vec::new();
    };
    let mut parts = path.splitn(3, '/');
    let (Some(owner), Some(name), Some(file)) = (parts.next(), parts.next(), parts.next()) else {
        return Vec::new();
    };
    let repo = format!("{owner}/{name}");
    let mut out = vec![(repo.clone(), Reliance::WorkflowFile(file.to_string()))];
    if let Some(b) = at.strip_prefix("refs/heads/") {
        out.push((repo, Reliance::Branch(b.to_string())));
    }
    out
}

/// The repository (`OWNER/REPO`) an API or web URL of GitHub's is about:
/// `https://api.github.com/repos/O/R/...`, `https://github.com/O/R/...`, or a GHE host's.
pub(crate) fn repository_of_url(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let (_, path) = rest.split_once('/')?;
    let path = path.split(['?', '#']).next().unwrap_or("");
    let path = path.strip_prefix("api/v3/").unwrap_or(path);
    let segments: Vec<&str> = path.split('/').collect();
    let (owner, name) = match segments.as_slice() {
        ["repos", o, r, ..] => (*o, *r),
        [o, r, ..] if *o != "repos" => (*o, *r),
        _ => return None,
    };
    (valid_name(owner) && valid_name(name)).then(|| format!("{owner}/{name}"))
}

/// The branch a branch-protection URL is about (`.../branches/B/protection`).
pub(crate) fn branch_of_protection_url(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let (_, after) = path.split_once("/branches/")?;
    let branch = after.strip_suffix("/protection").unwrap_or(after);
    (!branch.is_empty()).then(|| branch.replace("%2F", "/").replace("%2f", "/"))
}

/// Whether `name` matches a pattern as GitHub matches rulesets' `ref_name`, deployment
/// branch policies and CODEOWNERS lines: Ruby's `File.fnmatch` with `FNM_PATHNAME`. `*` and
/// `?` stay within one `/`-separated segment; `**/` spans any number of whole segments.
/// `None` for syntax this reader does not evaluate (`[...]`, `{a,b}`, `\`), which callers
/// never count as a match that protects. Iterative, O(pattern × name), never recursive.
pub(crate) fn fnmatch(pattern: &str, name: &str) -> Option<bool> {
    if pattern.contains(['[', ']', '{', '}', '\\']) {
        return None;
    }
    #[derive(Clone, Copy, PartialEq)]
    enum P {
        Lit(char),
        One,
        Star,
        /// `**/`: empty, or anything that ends with `/`.
        Dirs,
    }
    let chars: Vec<char> = pattern.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        match c {
            '*' if chars.get(i + 1) == Some(&'*') && chars.get(i + 2) == Some(&'/') => {
                tokens.push(P::Dirs);
                i += 3;
            }
            '*' => {
                // `**` not followed by `/` is a `*` (FNM_PATHNAME).
                while chars.get(i + 1) == Some(&'*') {
                    i += 1;
                }
                tokens.push(P::Star);
                i += 1;
            }
            '?' => {
                tokens.push(P::One);
                i += 1;
            }
            c => {
                tokens.push(P::Lit(c));
                i += 1;
            }
        }
    }
    let text: Vec<char> = name.chars().collect();
    // reach[j]: the tokens so far can consume exactly text[..j].
    let mut reach = vec![false; text.len() + 1];
    reach[0] = true;
    for t in tokens {
        let mut next = vec![false; text.len() + 1];
        for j in 0..=text.len() {
            if !reach[j] {
                continue;
            }
            match t {
                P::Lit(c) => {
                    if text.get(j) == Some(&c) {
                        next[j + 1] = true;
                    }
                }
                P::One => {
                    if text.get(j).is_some_and(|c| *c != '/') {
                        next[j + 1] = true;
                    }
                }
                P::Star => {
                    next[j] = true;
                    let mut k = j;
                    while text.get(k).is_some_and(|c| *c != '/') {
                        k += 1;
                        next[k] = true;
                    }
                }
                P::Dirs => {
                    next[j] = true;
                    for k in j..text.len() {
                        if text[k] == '/' {
                            next[k + 1] = true;
                        }
                    }
                }
            }
        }
        reach = next;
    }
    Some(reach[text.len()])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnmatch_keeps_wildcards_within_a_segment() {
        assert_eq!(fnmatch("refs/heads/main", "refs/heads/main"), Some(true));
        assert_eq!(
            fnmatch("refs/heads/release/*", "refs/heads/release/1"),
            Some(true)
        );
        assert_eq!(
            fnmatch("refs/heads/release/*", "refs/heads/release/1/2"),
            Some(false)
        );
        assert_eq!(
            fnmatch("refs/heads/release/*/**/*", "refs/heads/release/1/2/3"),
            Some(true)
        );
        assert_eq!(
            fnmatch("refs/heads/release/*/**/*", "refs/heads/release/1"),
            Some(false)
        );
        assert_eq!(fnmatch("**/*", "a/b/c"), Some(true));
        assert_eq!(fnmatch("refs/heads/**", "refs/heads/a/b"), Some(false));
        assert_eq!(fnmatch("v?", "v1"), Some(true));
        assert_eq!(fnmatch("v?", "v/"), Some(false));
        assert_eq!(fnmatch("v[0-9]", "v1"), None);
        assert_eq!(fnmatch("", ""), Some(true));
    }

    #[test]
    fn settings_urls_name_their_repository() {
        assert_eq!(
            repository_of_url("https://api.github.com/repos/acme/api/environments/prod").as_deref(),
            Some("acme/api")
        );
        assert_eq!(
            repository_of_url("https://github.com/acme/api/deployments").as_deref(),
            Some("acme/api")
        );
        assert_eq!(
            repository_of_url("https://ghe.example.com/api/v3/repos/acme/api/rulesets/1")
                .as_deref(),
            Some("acme/api")
        );
        assert_eq!(repository_of_url("not a url"), None);
        assert_eq!(
            branch_of_protection_url(
                "https://api.github.com/repos/a/b/branches/release%2F1/protection"
            )
            .as_deref(),
            Some("release/1")
        );
    }

    #[test]
    fn subjects_say_what_they_rely_on() {
        let env = |r: &str, e: &str| (r.to_string(), Reliance::Environment(e.into()));
        assert_eq!(
            subject_reliances("repo:acme@1/api@2:environment:prod"),
            [env("acme/api", "prod")]
        );
        assert_eq!(
            subject_reliances("repo:acme/api:ref:refs/heads/main"),
            [("acme/api".to_string(), Reliance::Branch("main".into()))]
        );
        assert_eq!(
            subject_reliances(
                "repo:acme/api:job_workflow_ref:acme/ci/.github/workflows/d.yml@refs/heads/main"
            ),
            [
                (
                    "acme/ci".to_string(),
                    Reliance::WorkflowFile(".github/workflows/d.yml".into())
                ),
                ("acme/ci".to_string(), Reliance::Branch("main".into())),
                ("acme/api".to_string(), Reliance::Repository)
            ]
        );
        assert_eq!(
            subject_reliances("repo:acme/api:pull_request"),
            [("acme/api".to_string(), Reliance::Repository)]
        );
    }
}
