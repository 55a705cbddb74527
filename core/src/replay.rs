//! Attacker replay: the tokens a stranger (or a less trusted insider) could mint, derived
//! from what the policy itself names, each evaluated against the whole policy.
//!
//! For every OIDC issuer an Allow statement trusts, the intended identity is read off the
//! policy (its `sub` values and other keys; wildcards stripped, blanks filled), then varied
//! one axis at a time: another organisation, a look-alike name, a sibling repository, a
//! pull request, another branch... Each variant is a complete, consistent token of that CI
//! system (its `sub` rendered in the format the policy uses), so Deny statements, other
//! keys and every operator judge it exactly as STS would. An attempt that is allowed is a
//! hole; which condition value let it in comes from the trace.
//!
//! The attacker is assumed to choose every name they control (branch, environment,
//! workflow name) to match the policy; they do not control ids or other people's names.

use serde::Serialize;

use crate::catalog::Provider;
use crate::claims::{ClaimValue, Claims};
use crate::eval::{decide, evaluate};
use crate::policy::{Effect, Policy, PrincipalKind};
use crate::request::{provider_of, Request, RequestOptions};
use crate::source::Location;
use crate::trace::{Decision, DecisionReason};

/// How bad it is when an attempt gets in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// A weakness with a narrow reach.
    Low,
    /// People inside the trusted scope who should not get in, do.
    Medium,
    /// Untrusted code or other projects of the same owner get in.
    High,
    /// Anyone on the CI service gets in.
    Critical,
}

impl Severity {
    /// The lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// Reads a name (`critical`, `high`...).
    pub fn parse(name: &str) -> Option<Severity> {
        [
            Severity::Info,
            Severity::Low,
            Severity::Medium,
            Severity::High,
            Severity::Critical,
        ]
        .into_iter()
        .find(|s| s.name().eq_ignore_ascii_case(name))
    }
}

/// One attacker token and what the policy made of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Attempt {
    /// Stable scenario id, e.g. `other-org`, `pull-request`.
    pub scenario: &'static str,
    /// Who mints this token, in words.
    pub who: String,
    /// How bad it is if this token gets in.
    pub severity: Severity,
    /// The token's claims.
    pub claims: Claims,
    /// The verdict.
    pub decision: Decision,
    /// The Allow statements that let it in (empty when denied).
    pub statements: Vec<usize>,
    /// The policy value (or statement) that let it in, for pointing at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub culprit: Option<Location>,
}

/// The replay for one trusted issuer.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Replay {
    /// The issuer (host and path).
    pub issuer: String,
    /// The CI system's token model used.
    pub model: &'static str,
    /// The identity the policy appears to intend.
    pub intended: Claims,
    /// Whether the policy lets that identity in (if not, the policy may be broken).
    pub intended_decision: Decision,
    /// Every attempt, in scenario order.
    pub attempts: Vec<Attempt>,
}

/// Replays the attacker tokens against `policy`, once per trusted OIDC issuer, with the
/// intended identity read off the policy.
pub fn replay(policy: &Policy) -> Vec<Replay> {
    replay_from(policy, None)
}

/// Like [`replay`], from the claims of the identity that should get in (a real token of
/// the intended job): the attacker tokens vary that identity, not the policy's guess.
pub fn replay_from(policy: &Policy, intended: Option<&Claims>) -> Vec<Replay> {
    trusted_issuers(policy)
        .into_iter()
        .map(|issuer| replay_issuer(policy, &issuer, intended))
        .collect()
}

/// The OIDC issuers named by Federated principals of Allow statements, in order.
pub(crate) fn trusted_issuers(policy: &Policy) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in policy
        .statements
        .iter()
        .filter(|s| s.effect == Effect::Allow)
    {
        for p in &s.principal.values {
            if p.kind != PrincipalKind::Federated || !p.value.contains(":oidc-provider/") {
                continue;
            }
            let issuer = provider_of(&p.value).to_ascii_lowercase();
            if !out.contains(&issuer) {
                out.push(issuer);
            }
        }
    }
    out
}

/// What the policy says about the claims of `issuer`: claim name → first value as written
/// (wildcards kept), from positive string conditions of Allow statements, in order.
struct Named {
    pairs: Vec<(String, String)>,
}

impl Named {
    fn read(policy: &Policy, issuer: &str) -> Named {
        let prefix = format!("{issuer}:");
        let mut pairs: Vec<(String, String)> = Vec::new();
        for s in policy
            .statements
            .iter()
            .filter(|s| s.effect == Effect::Allow)
        {
            for c in &s.conditions {
                let op = c.operator.base;
                if op.is_negated() || op.family() != crate::operator::Family::String {
                    continue;
                }
                let Some(claim) = c.key_lower.strip_prefix(&prefix) else {
                    continue;
                };
                let Some(first) = c.values.first() else {
                    continue;
                };
                if !pairs.iter().any(|(k, _)| k == claim) {
                    pairs.push((claim.to_string(), first.text.clone()));
                }
            }
        }
        Named { pairs }
    }

    fn get(&self, claim: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == claim)
            .map(|(_, v)| v.as_str())
    }
}

/// A pattern made concrete: wildcards dropped (an attacker fills them however suits).
fn instantiate(pattern: &str) -> String {
    pattern.chars().filter(|c| *c != '*' && *c != '?').collect()
}

/// A segment of a pattern that still names something once wildcards are dropped.
fn literal(segment: &str) -> Option<String> {
    let s = instantiate(segment);
    (!s.is_empty()).then_some(s)
}

/// A token under construction: claim → value (strings, as CI systems send them).
#[derive(Debug, Clone, Default)]
struct Token(Vec<(String, String)>);

impl Token {
    /// A token with these claims.
    fn with(claims: &[(&str, &str)]) -> Token {
        let mut t = Token::default();
        for (k, v) in claims {
            t.set(k, *v);
        }
        t
    }

    /// Reads `key:value:key:value...` (a `sub` in that style): every literal value is set.
    fn read_pairs(&mut self, sub: Option<&str>) {
        let Some(sub) = sub else { return };
        let tokens: Vec<&str> = sub.split(':').collect();
        for pair in tokens.chunks(2) {
            if let [k, v] = pair {
                if let Some(v) = literal(v) {
                    self.set(k, v);
                }
            }
        }
    }

    fn set(&mut self, k: &str, v: impl Into<String>) {
        let v = v.into();
        match self.0.iter_mut().find(|(key, _)| key == k) {
            Some(slot) => slot.1 = v,
            None => self.0.push((k.to_string(), v)),
        }
    }
    fn get(&self, k: &str) -> &str {
        self.0
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
    fn remove(&mut self, k: &str) {
        self.0.retain(|(key, _)| key != k);
    }
    fn claims(&self) -> Claims {
        Claims::from_pairs(
            self.0
                .iter()
                .map(|(k, v)| (k.clone(), ClaimValue::String(v.clone()))),
        )
    }
}

/// One way to vary the intended token.
struct Scenario {
    id: &'static str,
    who: String,
    severity: Severity,
    token: Token,
}

/// Collects the scenarios of one model: each is the base token with one change, finished
/// by the model's `fix` (which renders the `sub` and derived claims).
struct Scenarios<'a> {
    base: &'a Token,
    fix: &'a dyn Fn(Token) -> Token,
    list: Vec<Scenario>,
}

impl<'a> Scenarios<'a> {
    fn new(base: &'a Token, fix: &'a dyn Fn(Token) -> Token) -> Self {
        Scenarios {
            base,
            fix,
            list: Vec::new(),
        }
    }

    fn add(
        &mut self,
        id: &'static str,
        who: String,
        severity: Severity,
        change: &dyn Fn(&mut Token),
    ) {
        let mut t = self.base.clone();
        change(&mut t);
        self.list.push(Scenario {
            id,
            who,
            severity,
            token: (self.fix)(t),
        });
    }

    fn model(self, name: &'static str) -> Model {
        Model {
            name,
            intended: (self.fix)(self.base.clone()),
            scenarios: self.list,
        }
    }
}

/// A CI system's token model: its intended token and its attacker scenarios.
struct Model {
    name: &'static str,
    intended: Token,
    scenarios: Vec<Scenario>,
}

fn replay_issuer(policy: &Policy, issuer: &str, intended: Option<&Claims>) -> Replay {
    let mut named = Named::read(policy, issuer);
    if let Some(claims) = intended {
        // The given token's string claims come first: the models read them as the names
        // the policy uses.
        let mut pairs: Vec<(String, String)> = claims
            .iter()
            .filter(|(k, _)| *k != "iss")
            .filter_map(|(k, v)| v.as_str().map(|s| (k.to_string(), s.to_string())))
            .collect();
        pairs.extend(
            named
                .pairs
                .into_iter()
                .filter(|(k, _)| claims.get(k).is_none()),
        );
        named = Named { pairs };
    }
    let model = model_for(issuer, &named);
    let mut intended = model.intended.clone();
    intended.set("iss", format!("https://{issuer}"));
    let intended_claims = intended.claims();
    let intended_decision = run(policy, issuer, &intended_claims).0;
    let attempts = model
        .scenarios
        .into_iter()
        .map(|s| {
            let mut token = s.token;
            token.set("iss", format!("https://{issuer}"));
            let claims = token.claims();
            let (decision, statements, culprit) = run(policy, issuer, &claims);
            Attempt {
                scenario: s.id,
                who: s.who,
                severity: s.severity,
                claims,
                decision,
                statements,
                culprit,
            }
        })
        .collect();
    Replay {
        issuer: issuer.to_string(),
        model: model.name,
        intended: intended_claims,
        intended_decision,
        attempts,
    }
}

/// Evaluates one token; when allowed, finds the statement and the value that let it in.
fn run(policy: &Policy, issuer: &str, claims: &Claims) -> (Decision, Vec<usize>, Option<Location>) {
    let options = RequestOptions {
        issuer: Some(issuer.to_string()),
        ..RequestOptions::default()
    };
    let Ok(request) = Request::new(claims, &options) else {
        return (Decision::Deny, Vec::new(), None);
    };
    if decide(policy, &request) == Decision::Deny {
        return (Decision::Deny, Vec::new(), None);
    }
    let e = evaluate(policy, &request);
    let statements = match &e.reason {
        DecisionReason::Allowed { statements } => statements.clone(),
        _ => Vec::new(),
    };
    // Blame the subject value that matched, else the first matched value of any key of
    // this issuer, else the statement.
    let culprit = statements.first().and_then(|&i| {
        let s = e.statements.get(i)?;
        let sub = format!("{issuer}:sub");
        let matched = |c: &crate::trace::ConditionTrace| {
            c.values
                .iter()
                .find(|v| v.matched)
                .map(|v| v.location.clone())
        };
        s.conditions
            .iter()
            .filter(|c| c.key.eq_ignore_ascii_case(&sub))
            .find_map(matched)
            .or_else(|| {
                s.conditions
                    .iter()
                    .filter(|c| c.key.to_ascii_lowercase().starts_with(issuer))
                    .find_map(matched)
            })
            .or_else(|| Some(s.location.clone()))
    });
    (Decision::Allow, statements, culprit)
}

fn model_for(issuer: &str, named: &Named) -> Model {
    let host = issuer.split('/').next().unwrap_or(issuer);
    match Provider::of_issuer(issuer) {
        Provider::GitHub => github(named),
        Provider::GitLab => gitlab(named),
        Provider::CircleCi => circleci(issuer, named),
        Provider::Buildkite => buildkite(named),
        _ if host == "app.terraform.io" => terraform(named),
        _ if host == "api.bitbucket.org" => bitbucket(named),
        _ => generic(named),
    }
}

// --- GitHub Actions ----------------------------------------------------------------------

/// One part of a GitHub `sub` in the policy's format.
#[derive(Debug, Clone, PartialEq)]
enum GhPart {
    /// `repo:OWNER/REPO` (or `repo:OWNER@ID/REPO@ID`).
    Repo,
    /// `environment:ENV` | `pull_request` | `ref:REF`.
    Context,
    /// `CLAIM:VALUE`.
    Claim(String),
}

/// The GitHub claims that can appear in a customised `sub`.
const GH_CLAIMS: [&str; 22] = [
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

struct GhSubject {
    parts: Vec<GhPart>,
    immutable: bool,
}

/// Reads the policy's first `sub` value as a GitHub subject, filling `t` with what it names.
fn gh_read_sub(sub: &str, t: &mut Token) -> GhSubject {
    let tokens: Vec<&str> = sub.split(':').collect();
    let mut parts = Vec::new();
    let mut immutable = false;
    let mut i = 0;
    while i < tokens.len() {
        let key = tokens[i];
        let value = tokens.get(i + 1).copied().unwrap_or("");
        match key {
            "repo" => {
                let (owner, repo) = value.split_once('/').unwrap_or((value, ""));
                let (owner, owner_id) = owner.split_once('@').unwrap_or((owner, ""));
                let (repo, repo_id) = repo.split_once('@').unwrap_or((repo, ""));
                immutable = value.contains('@');
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
                parts.push(GhPart::Repo);
                i += 2;
            }
            "environment" => {
                if let Some(e) = literal(value) {
                    t.set("environment", e);
                }
                parts.push(GhPart::Context);
                i += 2;
            }
            "pull_request" => {
                t.set("event_name", "pull_request");
                parts.push(GhPart::Context);
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
                parts.push(GhPart::Context);
                i += 2;
            }
            k if GH_CLAIMS.contains(&k) => {
                if let Some(v) = literal(value) {
                    t.set(k, v);
                }
                parts.push(GhPart::Claim(k.to_string()));
                i += 2;
            }
            // A wildcard-only tail (`repo:o/r:*`) or text the grammar does not know: the
            // default format is the best guess.
            _ => i += 1,
        }
    }
    // `repo:o/r:*` (or nothing readable): the default format, whose context the wildcard
    // stands for.
    if parts.is_empty() || (parts == [GhPart::Repo] && sub.contains('*')) {
        parts = vec![GhPart::Repo, GhPart::Context];
    }
    GhSubject { parts, immutable }
}

fn gh_render(subject: &GhSubject, t: &Token) -> String {
    subject
        .parts
        .iter()
        .map(|p| match p {
            GhPart::Repo if subject.immutable => format!(
                "repo:{}@{}/{}@{}",
                t.get("repository_owner"),
                t.get("repository_owner_id"),
                t.get("repo_name"),
                t.get("repository_id")
            ),
            GhPart::Repo => format!("repo:{}", t.get("repository")),
            GhPart::Context => {
                if !t.get("environment").is_empty() {
                    format!("environment:{}", t.get("environment"))
                } else if t.get("event_name") == "pull_request" {
                    "pull_request".to_string()
                } else {
                    format!("ref:{}", t.get("ref"))
                }
            }
            GhPart::Claim(k) => format!("{k}:{}", t.get(k)),
        })
        .collect::<Vec<_>>()
        .join(":")
}

fn github(named: &Named) -> Model {
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
        Some(s) => gh_read_sub(s, &mut t),
        None => GhSubject {
            parts: vec![GhPart::Repo, GhPart::Context],
            immutable: false,
        },
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
        let s = gh_render(&subject, &t);
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
        Severity::Critical,
        &|t| {
            t.set("repository_owner", "zz-attacker");
            new_ids(t);
            t.remove("job_workflow_ref");
        },
    );
    add(
        "look-alike-org",
        format!("an organisation whose name starts with `{owner}` (e.g. `{owner}-evil`)"),
        Severity::Critical,
        &|t| {
            t.set("repository_owner", format!("{owner}-evil"));
            new_ids(t);
            t.remove("job_workflow_ref");
        },
    );
    add(
        "sibling-repo",
        format!("another repository of `{owner}`"),
        Severity::High,
        &|t| {
            t.set("repo_name", "zz-other-repo");
            t.set("repository_id", "900003");
            t.remove("job_workflow_ref");
        },
    );
    add(
        "look-alike-repo",
        format!("a repository of `{owner}` whose name starts with `{repo}` (e.g. `{repo}-evil`)"),
        Severity::High,
        &|t| {
            t.set("repo_name", format!("{repo}-evil"));
            t.set("repository_id", "900004");
            t.remove("job_workflow_ref");
        },
    );
    add(
        "pull-request",
        format!("a pull request to `{owner}/{repo}` (unreviewed code)"),
        Severity::High,
        &|t| {
            t.set("event_name", "pull_request");
            t.set("ref", "refs/pull/7/merge");
            t.remove("environment");
            t.remove("job_workflow_ref");
        },
    );
    let branch_severity = if has_env {
        Severity::Low
    } else {
        Severity::High
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
        &|t| {
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
                Severity::Low
            } else {
                Severity::Medium
            },
            &|t| {
                t.set("ref", format!("{intended_ref}-evil"));
                t.remove("job_workflow_ref");
            },
        );
        add(
            "tag",
            format!("a tag pushed to `{owner}/{repo}`"),
            if has_env {
                Severity::Low
            } else {
                Severity::Medium
            },
            &|t| {
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
            Severity::Medium,
            &|t| {
                t.set("environment", "zz-other-env");
            },
        );
        add(
            "look-alike-environment",
            format!(
                "an environment named like `{env}-evil` (its own protection rules, possibly none)"
            ),
            Severity::High,
            &|t| {
                t.set("environment", format!("{env}-evil"));
            },
        );
    } else {
        add(
            "any-environment",
            format!("a job of `{owner}/{repo}` in a deployment environment"),
            Severity::Low,
            &|t| {
                t.set("environment", "zz-other-env");
            },
        );
    }
    if pins("job_workflow_ref") || pins("workflow") {
        add(
            "other-workflow",
            format!("another workflow file of `{owner}/{repo}`"),
            Severity::Medium,
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
            Severity::High,
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
            Severity::Medium,
            &|t| {
                t.set("job_workflow_ref", format!("{file}@refs/heads/zz-feature"));
            },
        );
    }
    if pins("actor") || pins("actor_id") {
        add(
            "human-dispatch",
            format!("someone else dispatching a workflow in `{owner}/{repo}` by hand"),
            Severity::Low,
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
            Severity::Critical,
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
        Severity::Low,
        &|t| {
            new_ids(t);
            t.set("actor_id", "900006");
        },
    );
    list.model("github-actions")
}

// --- GitLab ---------------------------------------------------------------------------

fn gitlab(named: &Named) -> Model {
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
        Severity::Critical,
        &|t| {
            t.set("namespace_path", "zz-attacker");
            new_ids(t);
        },
    );
    add(
        "look-alike-group",
        format!("a group whose path starts with `{ns}`"),
        Severity::Critical,
        &|t| {
            t.set("namespace_path", format!("{ns}-evil"));
            new_ids(t);
        },
    );
    add(
        "sibling-project",
        format!("another project of `{ns}`"),
        Severity::High,
        &|t| {
            t.set("project_name", "zz-other-project");
            t.set("project_id", "900003");
        },
    );
    add(
        "subgroup-project",
        format!("a project in a subgroup of `{ns}`"),
        Severity::High,
        &|t| {
            t.set("namespace_path", format!("{ns}/zz-sub"));
            t.set("project_id", "900004");
            t.set("namespace_id", "900005");
        },
    );
    add(
        "look-alike-project",
        format!("a project of `{ns}` whose path starts with `{project}`"),
        Severity::High,
        &|t| {
            t.set("project_name", format!("{project}-evil"));
            t.set("project_id", "900006");
        },
    );
    add(
        "unprotected-branch",
        format!("a push pipeline on an unprotected branch of `{ns}/{project}`"),
        Severity::High,
        &|t| {
            t.set("ref", "zz-feature");
            t.set("ref_protected", "false");
        },
    );
    add(
        "tag-named-like-branch",
        format!("a tag named `{intended_ref}`"),
        Severity::High,
        &|t| {
            t.set("ref_type", "tag");
            t.set("ref_protected", "false");
        },
    );
    add(
        "merge-request",
        format!("a merge request pipeline of `{ns}/{project}` (unreviewed code)"),
        Severity::High,
        &|t| {
            t.set("ref", "zz-mr-branch");
            t.set("ref_protected", "false");
            t.set("pipeline_source", "merge_request_event");
        },
    );
    add("reused-path", format!("a new project at `{ns}/{project}` after a rename, transfer or deletion (same path, new ids)"), Severity::High, &|t| {
        new_ids(t);
    });
    list.model("gitlab")
}

// --- HCP Terraform ----------------------------------------------------------------------

fn terraform(named: &Named) -> Model {
    let mut t = Token::with(&[
        ("aud", "aws.workload.identity"),
        ("organization", "my-org"),
        ("project", "my-project"),
        ("workspace", "my-workspace"),
        ("run_phase", "apply"),
    ]);
    t.read_pairs(named.get("sub"));
    if let Some(aud) = named.get("aud").and_then(literal) {
        t.set("aud", aud);
    }
    let fix = |mut t: Token| {
        let sub = format!(
            "organization:{}:project:{}:workspace:{}:run_phase:{}",
            t.get("organization"),
            t.get("project"),
            t.get("workspace"),
            t.get("run_phase")
        );
        t.set("sub", sub);
        for (claim, part) in [
            ("terraform_organization_name", "organization"),
            ("terraform_project_name", "project"),
            ("terraform_workspace_name", "workspace"),
            ("terraform_run_phase", "run_phase"),
        ] {
            let v = t.get(part).to_string();
            t.set(claim, v);
            t.remove(part);
        }
        t
    };
    let base = t.clone();
    let ws = base.get("workspace").to_string();
    let mut list = Scenarios::new(&base, &fix);
    let mut add =
        |id, who, severity, change: &dyn Fn(&mut Token)| list.add(id, who, severity, change);
    add(
        "other-org",
        "a workspace of another HCP Terraform organisation".into(),
        Severity::Critical,
        &|t| t.set("organization", "zz-attacker"),
    );
    add(
        "other-project",
        "a workspace in another project of the organisation".into(),
        Severity::High,
        &|t| t.set("project", "zz-other-project"),
    );
    add(
        "other-workspace",
        "another workspace of the project".into(),
        Severity::High,
        &|t| t.set("workspace", "zz-other-workspace"),
    );
    add(
        "look-alike-workspace",
        format!("a workspace named like `{ws}-evil`"),
        Severity::High,
        &|t| t.set("workspace", format!("{ws}-evil")),
    );
    if base.get("run_phase") == "apply" {
        add(
            "plan-phase",
            "a plan run of the same workspace (plan credentials reach the apply role)".into(),
            Severity::High,
            &|t| t.set("run_phase", "plan"),
        );
    }
    list.model("hcp-terraform")
}

// --- CircleCI ----------------------------------------------------------------------------

fn circleci(issuer: &str, named: &Named) -> Model {
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
    if let Some(p) = named.get("oidc.circleci.com/project-id").and_then(literal) {
        t.set("project", p);
    }
    if let Some(aud) = named.get("aud").and_then(literal) {
        t.set("aud", aud);
    }
    let fix = |mut t: Token| {
        let sub = format!(
            "org/{}/project/{}/user/{}",
            t.get("org"),
            t.get("project"),
            t.get("user")
        );
        t.set("sub", sub);
        let project = t.get("project").to_string();
        t.set("oidc.circleci.com/project-id", project);
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
        Severity::High,
        &|t| t.set("project", "99999999-0000-0000-0000-000000000001"),
    );
    add(
        "ssh-rerun-other-user",
        "another user's SSH re-run debug session (reads the token by hand)".into(),
        Severity::High,
        &|t| {
            t.set("user", "99999999-0000-0000-0000-000000000002");
            t.set("oidc.circleci.com/ssh-rerun", "true");
        },
    );
    list.model("circleci")
}

// --- Bitbucket Pipelines -------------------------------------------------------------------

fn bitbucket(named: &Named) -> Model {
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
        let sub = if t.get("env").is_empty() {
            format!("{}:{}", t.get("repo"), t.get("step"))
        } else {
            format!("{}:{}:{}", t.get("repo"), t.get("env"), t.get("step"))
        };
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
        Severity::High,
        &|t| t.set("repo", "{99999999-0000-0000-0000-000000000001}"),
    );
    if has_env {
        add(
            "other-environment",
            "another deployment environment of the repository".into(),
            Severity::Medium,
            &|t| t.set("env", "{99999999-0000-0000-0000-000000000002}"),
        );
    }
    list.model("bitbucket-pipelines")
}

// --- Buildkite ------------------------------------------------------------------------------

fn buildkite(named: &Named) -> Model {
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
        let sub = format!(
            "organization:{}:pipeline:{}:ref:{}:commit:{}:step:{}",
            t.get("organization"),
            t.get("pipeline"),
            t.get("ref"),
            t.get("commit"),
            t.get("step")
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
        Severity::Critical,
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
        Severity::High,
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
        Severity::Medium,
        &|t| t.set("ref", "refs/heads/zz-feature"),
    );
    list.model("buildkite")
}

// --- Any other issuer ----------------------------------------------------------------------

fn generic(named: &Named) -> Model {
    let mut t = Token::default();
    t.set(
        "aud",
        named
            .get("aud")
            .and_then(literal)
            .unwrap_or_else(|| "sts.amazonaws.com".into()),
    );
    t.set(
        "sub",
        named
            .get("sub")
            .and_then(literal)
            .unwrap_or_else(|| "intended-subject".into()),
    );
    let mut other = t.clone();
    other.set("sub", "zz-attacker-subject");
    Model {
        name: "generic-oidc",
        intended: t,
        scenarios: vec![Scenario {
            id: "other-subject",
            who: "a token of the same issuer with another subject".into(),
            severity: Severity::High,
            token: other,
        }],
    }
}
