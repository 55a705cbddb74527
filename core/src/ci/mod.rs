//! Layer 1, ci: everything oidc-trust knows about each CI system, one module per system.
//!
//! A module holds its system's issuers (and how to recognise them), default audience, the
//! condition keys AWS exposes for it, its `sub` grammar (read, written and described), the
//! characters its names may hold, and its token model for the attacker replay. Nothing
//! outside this layer names an issuer host or takes a `sub` apart: the catalog, the
//! replay, lint, who-can and the generator all ask here.
//!
//! The token models are plain data: a [`Token`] is claim → string, and a [`Model`] is the
//! intended token with its attacker [`Scenario`]s. Evaluating them is the replay's job
//! (`analysis::replay`), so this layer needs nothing above `text`.

pub(crate) mod bitbucket;
pub(crate) mod buildkite;
pub(crate) mod circleci;
pub(crate) mod github;
pub(crate) mod gitlab;
pub(crate) mod terraform;

use serde::Serialize;

use crate::text::diagnostic::Diagnostic;
use crate::text::severity::FindingSeverity;

/// The CI systems and identity providers oidc-trust knows by issuer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Provider {
    /// GitHub Actions (github.com, enterprise issuers, GHE.com).
    GitHub,
    /// gitlab.com.
    GitLab,
    /// Buildkite.
    Buildkite,
    /// CircleCI (per-organisation issuer).
    CircleCi,
    /// HCP Terraform (app.terraform.io).
    Terraform,
    /// Bitbucket Pipelines (per-workspace issuer).
    Bitbucket,
    /// Google accounts.
    Google,
    /// Oracle Cloud Infrastructure identity domains.
    Oci,
    /// Amazon Cognito identity pools.
    Cognito,
    /// Login with Amazon.
    Amazon,
    /// Facebook.
    Facebook,
    /// Any other OIDC issuer: generic keys only.
    Other,
}

/// AWS's built-in web identity providers, which a trust policy names by host rather than by
/// an OIDC provider ARN (domain.md §1.3), with their provider.
const BUILT_IN: [(&str, Provider); 4] = [
    ("accounts.google.com", Provider::Google),
    ("cognito-identity.amazonaws.com", Provider::Cognito),
    ("graph.facebook.com", Provider::Facebook),
    ("www.amazon.com", Provider::Amazon),
];

impl Provider {
    /// Classifies an issuer (host and path, no scheme; any case).
    pub fn of_issuer(issuer: &str) -> Provider {
        let lower;
        let issuer = if issuer.bytes().any(|b| b.is_ascii_uppercase()) {
            lower = issuer.to_ascii_lowercase();
            lower.as_str()
        } else {
            issuer
        };
        let (host, path) = issuer.split_once('/').unwrap_or((issuer, ""));
        if github::recognises(host, path) {
            Provider::GitHub
        } else if gitlab::recognises(host, path) {
            Provider::GitLab
        } else if buildkite::recognises(host, path) {
            Provider::Buildkite
        } else if circleci::recognises(host, path) {
            Provider::CircleCi
        } else if terraform::recognises(host, path) {
            Provider::Terraform
        } else if bitbucket::recognises(host, path) {
            Provider::Bitbucket
        } else if host.starts_with("idcs-") && host.ends_with(".identity.oraclecloud.com") {
            Provider::Oci
        } else if let Some((_, p)) = BUILT_IN.iter().find(|(name, _)| *name == issuer) {
            *p
        } else {
            Provider::Other
        }
    }

    /// Whether a trust policy names this provider by host (AWS's built-in providers).
    pub(crate) fn is_built_in(self) -> bool {
        BUILT_IN.iter().any(|(_, p)| *p == self)
    }

    /// The provider-specific claims AWS exposes as condition keys since 2026 (domain.md
    /// §3.3), beyond the generic `aud`, `sub`, `amr` and `azp`.
    pub(crate) fn keys(self) -> &'static [&'static str] {
        match self {
            Provider::GitHub => &github::KEYS,
            Provider::GitLab => &gitlab::KEYS,
            Provider::Buildkite => &buildkite::KEYS,
            Provider::CircleCi => &circleci::KEYS,
            Provider::Google => &["google/organization_number"],
            Provider::Oci => &["rpst_id"],
            _ => &[],
        }
    }

    /// Whether one issuer serves every tenant, who are told apart only by claims: AWS
    /// requires a `sub` condition for these (identity-provider controls, June 2025).
    pub(crate) fn is_shared_issuer(issuer: &str) -> bool {
        match Provider::of_issuer(issuer) {
            Provider::GitHub | Provider::GitLab | Provider::Buildkite => !issuer.contains('/'),
            Provider::Terraform => true,
            _ => false,
        }
    }
}

/// The one issuer normaliser: strips `https://` (or `http://`) and trailing `/`, and refuses
/// what cannot be an issuer.
pub fn normalize_issuer(raw: &str) -> Result<String, Diagnostic> {
    let t = raw.trim();
    let t = t
        .strip_prefix("https://")
        .or_else(|| t.strip_prefix("http://"))
        .unwrap_or(t);
    let t = t.trim_end_matches('/');
    if t.is_empty() {
        return Err(Diagnostic::options(
            "invalid-issuer",
            "the issuer is empty".into(),
            &format!("give the issuer host, e.g. {}", github::ISSUER),
            "/issuer",
        ));
    }
    if let Some(c) = t
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || matches!(c, '?' | '#' | '"'))
    {
        return Err(Diagnostic::options(
            "invalid-issuer",
            format!("the issuer `{t}` contains `{}`", c.escape_default()),
            &format!(
                "an issuer is a host with an optional path, e.g. {}/acme",
                github::ISSUER
            ),
            "/issuer",
        ));
    }
    Ok(t.to_string())
}

/// A slug as GitHub, GitLab, HCP Terraform and Buildkite allow in owner, project,
/// workspace and pipeline names: letters, digits, `-`, `_` and `.`.
pub(crate) fn valid_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
}

/// A UUID as CircleCI and Bitbucket name things (36 hex digits and dashes).
pub(crate) fn uuid_like(s: &str) -> bool {
    s.len() == 36 && s.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
}

/// The token model of `issuer`'s CI system, built from what the policy names.
pub(crate) fn model(issuer: &str, named: &Named) -> Model {
    match Provider::of_issuer(issuer) {
        Provider::GitHub => github::model(named),
        Provider::GitLab => gitlab::model(named),
        Provider::CircleCi => circleci::model(issuer, named),
        Provider::Buildkite => buildkite::model(named),
        Provider::Terraform => terraform::model(named),
        Provider::Bitbucket => bitbucket::model(named),
        _ => generic(named),
    }
}

/// Claims whose tokens carry lists; every other OIDC claim is single-valued.
pub(crate) fn multivalued(claim: &str) -> bool {
    matches!(claim, "amr" | "aud") || claim == circleci::CONTEXT_IDS
}

/// The lint code, why it matters and what to change, for an attacker scenario that gets in.
pub(crate) fn advice(scenario: &str) -> (&'static str, &'static str, &'static str) {
    match scenario {
        "other-org" => ("admits-other-org", "anyone can create an organisation and a repository with these names on the CI service, then mint this token", "pin the subject to your organisation and repository, e.g. StringEquals on sub `repo:OWNER/REPO:ref:refs/heads/main`, and add repository_id / repository_owner_id"),
        "look-alike-org" => ("admits-look-alike-org", "a wildcard in the owner name also matches other names that anyone can register (`acme*` matches `acme-evil`, `a?me` matches `azme`)", "spell the owner out, with no wildcard: `repo:OWNER/REPO:...`; pin repository_owner_id"),
        "sibling-repo" => ("admits-sibling-repo", "every repository of the owner, including ones created later by anyone with repo-create rights, gets in", "name the repository: `repo:OWNER/REPO:...` (and pin repository_id)"),
        "look-alike-repo" => ("admits-look-alike-repo", "a wildcard in the repository name also matches other names (`api*` matches `api-evil`, `a?i` matches `azi`); `*` spans `/` and `:`", "spell the repository name out and end it with `:` before any wildcard: `repo:OWNER/REPO:*` at the loosest"),
        "pull-request" => ("admits-pull-request", "pull request runs execute code nobody has reviewed yet (and `pull_request_target` runs it with the base repository's rights)", "allow only protected refs or environments: `repo:OWNER/REPO:ref:refs/heads/main` or `repo:OWNER/REPO:environment:prod`"),
        "other-branch" | "unprotected-branch" => ("admits-any-branch", "anyone who can push a branch can run a job that assumes the role", "pin the branch (`...:ref:refs/heads/main`) or an environment with protection rules; on GitLab add ref_protected = true"),
        "look-alike-branch" => ("admits-look-alike-branch", "a `*` after the branch name also matches branches anyone with push rights can create (`main*` matches `main-evil`)", "pin the exact ref: `...:ref:refs/heads/main`"),
        "tag" => ("admits-tag", "tags are often unprotected; anyone with push rights can create one", "pin the branch, or protect tags and pin a tag pattern deliberately"),
        "tag-named-like-branch" => ("admits-tag-named-like-branch", "`ref_type:*` lets a tag with the branch's name in; creating a tag needs fewer rights than pushing to a protected branch", "pin `ref_type:branch`"),
        "other-environment" => ("admits-other-environment", "jobs in other environments (with other protection rules) get in", "pin the environment exactly"),
        "look-alike-environment" => ("admits-look-alike-environment", "a `*` after the environment name also matches new environments, which carry none of the original's protection rules", "pin the environment name exactly"),
        "any-environment" => ("admits-any-environment", "a job in any deployment environment of the repository gets in", "pin the ref or the environment you mean"),
        "other-workflow" => ("admits-other-workflow", "any workflow file of the repository can assume the role", "pin job_workflow_ref to the one workflow file and ref"),
        "foreign-caller" => ("admits-foreign-caller", "a public reusable workflow can be called from any repository: pinning only job_workflow_ref trusts every caller", "also pin the caller: sub or repository_id"),
        "workflow-from-branch" => ("admits-workflow-from-branch", "the pinned workflow file taken from another branch runs code nobody reviewed", "pin job_workflow_ref with its ref: `...yml@refs/heads/main` or a commit SHA"),
        "human-dispatch" => ("admits-human-dispatch", "someone other than the pinned actor can run the workflow by hand", "pin actor_id (immutable) and the event, or rely on environment protection"),
        "other-enterprise" => ("admits-other-enterprise", "the enterprise claims are names and ids anyone's enterprise has too: only the subject (or repository ids) says whose job it is", "pin the subject and repository_id; use the enterprise's own issuer (`token.actions.githubusercontent.com/<slug>`) to confine tokens to it"),
        "renamed-repo" => ("admits-renamed-repo", "names are reused after renames, transfers and deletions; ids are not", "pin repository_id and repository_owner_id, or use GitHub's immutable subjects"),
        "reused-path" => ("admits-reused-path", "project paths are reused after renames, transfers and deletions; a new project at the same path gets in", "add gitlab.com:project_id (and namespace_id), or a project_id-led sub"),
        "other-group" => ("admits-other-group", "anyone can create a group and project with these names on gitlab.com", "pin `project_path:GROUP/PROJECT:...` and project_id"),
        "look-alike-group" => ("admits-look-alike-group", "a `*` after the group path also matches longer group names anyone can register", "end the group path with `/` and no wildcard"),
        "sibling-project" => ("admits-sibling-project", "every project of the group gets in", "name the project: `project_path:GROUP/PROJECT:...`"),
        "subgroup-project" => ("admits-subgroup-project", "`*` spans `/`: projects in every subgroup get in", "name the project exactly"),
        "look-alike-project" => ("admits-look-alike-project", "a `*` after the project path also matches longer project names", "end the project path with `:` before any wildcard"),
        "merge-request" => ("admits-merge-request", "merge request pipelines run code under review on a source branch", "pin a protected branch and ref_protected = true; gate pipeline_source"),
        "other-project" => ("admits-other-project", "other projects of the organisation get in", "pin the project (id) exactly"),
        "other-workspace" => ("admits-other-workspace", "other workspaces of the project get in", "pin the workspace in the sub exactly"),
        "look-alike-workspace" => ("admits-look-alike-workspace", "a `*` after the workspace name also matches longer names", "pin the workspace exactly"),
        "plan-phase" => ("admits-plan-phase", "plan runs (of any proposed change) get the apply role's credentials", "pin `run_phase:apply`, and give plan its own role"),
        "ssh-rerun-other-user" => ("admits-ssh-rerun", "an SSH re-run debug session exposes the token to whoever opened it; AWS has no key for `ssh-rerun`", "pin the user in the sub, and disable SSH re-runs for the project"),
        "other-repo" => ("admits-other-repo", "other repositories of the workspace get in", "pin the repository UUID at the start of the sub"),
        "other-pipeline" => ("admits-other-pipeline", "other pipelines of the organisation get in", "pin `organization:ORG:pipeline:PIPELINE:...`"),
        "other-subject" => ("admits-other-subject", "tokens with other subjects of the same issuer get in", "pin the subject"),
        _ => ("admits-attacker", "an attacker token gets in", "narrow the conditions"),
    }
}

// --- the token-model toolkit ------------------------------------------------------------------

/// What a policy says about the claims of one issuer: claim name → first value as written
/// (wildcards kept), in the policy's order. The replay reads it off the policy.
#[derive(Debug, Clone, Default)]
pub(crate) struct Named {
    pub(crate) pairs: Vec<(String, String)>,
}

impl Named {
    pub(crate) fn get(&self, claim: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == claim)
            .map(|(_, v)| v.as_str())
    }
}

/// A pattern made concrete, as the identity it most plausibly names: `*` stands for
/// nothing and `?` for `x`, so the value still matches the pattern (an attacker fills the
/// wildcards however suits; see [`look_alike`]).
pub(crate) fn instantiate(pattern: &str) -> String {
    pattern
        .chars()
        .filter(|c| *c != '*')
        .map(|c| if c == '?' { 'x' } else { c })
        .collect()
}

/// A name an attacker can register that the pattern also matches, other than `intended`:
/// `?` becomes `z`, a trailing `*` after a letter or digit `-evil`, any other `*` `zz` (so
/// the result stays a valid name: no leading, trailing or doubled `-`). A pattern without
/// wildcards gets `-evil` appended, which it does not match: that attempt then shows the
/// name is pinned.
pub(crate) fn look_alike(pattern: &str, intended: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '?' => out.push('z'),
            '*' if i + 1 == chars.len() && out.ends_with(|p: char| p.is_ascii_alphanumeric()) => {
                out.push_str("-evil")
            }
            '*' => out.push_str("zz"),
            c => out.push(c),
        }
    }
    if out == intended || !pattern.contains(['*', '?']) {
        format!("{intended}-evil")
    } else {
        out
    }
}

/// Whether a name pattern has a wildcard other than one trailing `*` (`a?me`, `a*me`):
/// then it matches names that do not even start with what it spells.
pub(crate) fn inner_wildcard(pattern: &str) -> bool {
    pattern
        .strip_suffix('*')
        .unwrap_or(pattern)
        .contains(['*', '?'])
}

/// A segment of a pattern that still names something once wildcards are dropped.
pub(crate) fn literal(segment: &str) -> Option<String> {
    let s = instantiate(segment);
    (!s.is_empty()).then_some(s)
}

/// A token under construction: claim → value (strings, as CI systems send them).
#[derive(Debug, Clone, Default)]
pub(crate) struct Token(Vec<(String, String)>);

impl Token {
    /// A token with these claims.
    pub(crate) fn with(claims: &[(&str, &str)]) -> Token {
        let mut t = Token::default();
        for (k, v) in claims {
            t.set(k, *v);
        }
        t
    }

    /// Reads `key:value:key:value...` (a `sub` in that style): every literal value is set.
    pub(crate) fn read_pairs(&mut self, sub: Option<&str>) {
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

    pub(crate) fn set(&mut self, k: &str, v: impl Into<String>) {
        let v = v.into();
        match self.0.iter_mut().find(|(key, _)| key == k) {
            Some(slot) => slot.1 = v,
            None => self.0.push((k.to_string(), v)),
        }
    }

    pub(crate) fn get(&self, k: &str) -> &str {
        self.0
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    pub(crate) fn remove(&mut self, k: &str) {
        self.0.retain(|(key, _)| key != k);
    }

    /// The claims, in the order they were first set.
    pub(crate) fn pairs(&self) -> &[(String, String)] {
        &self.0
    }
}

/// One way to vary the intended token.
pub(crate) struct Scenario {
    pub(crate) id: &'static str,
    pub(crate) who: String,
    pub(crate) severity: FindingSeverity,
    pub(crate) token: Token,
}

/// Collects the scenarios of one model: each is the base token with one change, finished
/// by the model's `fix` (which renders the `sub` and derived claims).
pub(crate) struct Scenarios<'a> {
    base: &'a Token,
    fix: &'a dyn Fn(Token) -> Token,
    list: Vec<Scenario>,
}

impl<'a> Scenarios<'a> {
    pub(crate) fn new(base: &'a Token, fix: &'a dyn Fn(Token) -> Token) -> Self {
        Scenarios {
            base,
            fix,
            list: Vec::new(),
        }
    }

    pub(crate) fn add(
        &mut self,
        id: &'static str,
        who: String,
        severity: FindingSeverity,
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

    pub(crate) fn model(self, name: &'static str) -> Model {
        Model {
            name,
            intended: (self.fix)(self.base.clone()),
            scenarios: self.list,
            template: None,
        }
    }
}

/// A CI system's token model: its intended token and its attacker scenarios.
pub(crate) struct Model {
    pub(crate) name: &'static str,
    pub(crate) intended: Token,
    pub(crate) scenarios: Vec<Scenario>,
    /// The subject template the model read off the policy, when it is not the system's
    /// default: every attempt is judged under it.
    pub(crate) template: Option<TemplateAssumption>,
}

/// A subject template that a policy's `sub` values imply and the CI system does not use by
/// default (GitHub's `include_claim_keys` customisation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateAssumption {
    /// The template, as its claim keys: `repo` or `repo, context, job_workflow_ref`.
    pub keys: String,
    /// Whether the template has the `context` part. Without it every ref, environment and
    /// pull request of a repository gets the same subject; such a value is also one that
    /// GitHub's default template never produces, so unless the repository customised its
    /// template the role is unusable.
    pub context: bool,
}

// --- any other issuer -------------------------------------------------------------------------

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
        template: None,
        name: "generic-oidc",
        intended: t,
        scenarios: vec![Scenario {
            id: "other-subject",
            who: "a token of the same issuer with another subject".into(),
            severity: FindingSeverity::High,
            token: other,
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every scenario of every CI system has a lint rule of its own, so `admits-attacker`
    /// (the fallback) never fires.
    #[test]
    fn every_scenario_has_its_own_rule() {
        let rich = Named {
            pairs: vec![
                ("sub".into(), "repo:acme/api:environment:prod".into()),
                (
                    "job_workflow_ref".into(),
                    "acme/api/.github/workflows/d.yml@refs/heads/main".into(),
                ),
                ("actor".into(), "octocat".into()),
                ("enterprise".into(), "acme-ent".into()),
            ],
        };
        let mut seen = 0;
        for issuer in [
            github::ISSUER,
            gitlab::ISSUER,
            terraform::ISSUER,
            buildkite::ISSUER,
            "oidc.circleci.com/org/11111111-2222-3333-4444-555555555555",
            "api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc",
            "idp.example.com",
        ] {
            for named in [Named::default(), rich.clone()] {
                for s in model(issuer, &named).scenarios {
                    seen += 1;
                    assert_ne!(advice(s.id).0, "admits-attacker", "{issuer}: {}", s.id);
                }
            }
        }
        assert!(seen > 40, "{seen} scenarios");
    }

    #[test]
    fn look_alike_names_match_the_pattern_and_stay_valid() {
        for (pattern, intended, evil) in [
            ("acme", "acme", "acme-evil"),
            ("acme*", "acme", "acme-evil"),
            ("a?me", "axme", "azme"),
            ("a*me", "ame", "azzme"),
            ("acme-*", "acme-", "acme-zz"),
            ("*", "", "zz"),
        ] {
            assert_eq!(instantiate(pattern), intended, "{pattern}");
            assert_eq!(look_alike(pattern, intended), evil, "{pattern}");
        }
    }
}
