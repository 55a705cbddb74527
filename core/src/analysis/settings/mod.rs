//! Layer 3 checked offline: the repository settings GitHub's API returns (environments and
//! their deployment branch policies, rulesets, branch protection, CODEOWNERS), saved as
//! JSON files, against the values trust policies rely on. `repo:O/R:environment:prod` is
//! only as strong as `prod`'s protection rules; a workflow pinned at `refs/heads/main`
//! only as strong as the review `main` requires.
//!
//! The settings given for a repository are taken as all it has: what is missing among them
//! is unprotected, and nothing this reader cannot evaluate counts as protection.

mod codeowners;
mod read;
mod rules;

use crate::analysis::lint::{Finding, LintReport};
use crate::analysis::replay::trusted_issuers;
use crate::analysis::sources::FoundPolicy;
use crate::ci::github::{subject_reliances, workflow_reliances, Reliance};
use crate::ci::Provider;
use crate::policy::model::{Effect, Policy};
use crate::policy::operator::BaseOperator;
use crate::text::diagnostic::Diagnostic;
use crate::text::source::Location;

pub(crate) use read::Doc;

/// What a settings file was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SettingsKind {
    /// `gh api repos/O/R` (for the default branch).
    Repository,
    /// `gh api repos/O/R/environments`, or one environment.
    Environments,
    /// An environment's deployment branch and tag policies.
    DeploymentBranchPolicies,
    /// One ruleset (`gh api repos/O/R/rulesets/ID`) or a list of them.
    Rulesets,
    /// `gh api repos/O/R/branches/B/protection`.
    BranchProtection,
    /// `gh api repos/O/R/contents/.github/CODEOWNERS`.
    Codeowners,
}

/// One value of a trust policy that relies on a repository's settings.
#[derive(Debug, Clone)]
pub(crate) struct Trusted {
    /// `OWNER/REPO`, wildcards kept.
    pub(crate) repo: String,
    pub(crate) reliance: Reliance,
    /// The policy value as written.
    pub(crate) value: String,
    /// Where the policy is: its file, and the resource that holds it.
    pub(crate) origin: String,
}

/// The layer-3 check of one lint run: settings files and the policies' values, added as
/// they are read, then [`Layer3Check::findings`] once at the end.
#[derive(Debug, Default)]
pub struct Layer3Check {
    docs: Vec<Doc>,
    trusted: Vec<Trusted>,
}

impl Layer3Check {
    /// An empty check.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads `text` (the file `file`) if it is a GitHub settings response: `None` when it
    /// is not one (it may be a policy), the kind when it is, a located error when it has
    /// the shape of one with a field that does not fit (the file then counts for nothing).
    pub fn add_settings(
        &mut self,
        file: &str,
        text: &str,
    ) -> Option<Result<SettingsKind, Diagnostic>> {
        let read = read::read(file, text)?;
        Some(read.map(|docs| {
            let kind = docs.first().map_or(SettingsKind::Rulesets, |d| d.kind());
            self.docs.extend(docs);
            kind
        }))
    }

    /// Adds the values a trust policy (JSON text) relies on; `origin` names it in findings
    /// (its file, and the resource that holds it).
    pub fn add_policy(&mut self, origin: &str, policy_text: &str) {
        let parsed = crate::policy::parse::parse_policy(policy_text);
        if let Some(policy) = &parsed.policy {
            self.trusted.extend(reliances(policy, origin));
        }
    }

    /// Adds every trust policy found in a JSON file (a policy, a plan, a template, account
    /// details), as [`crate::find_policies`] reads it.
    pub fn add_source(&mut self, file: &str, json_text: &str) {
        if let Ok((_, found)) = crate::analysis::sources::find_policies(json_text) {
            for p in &found {
                self.add_policy(&origin(file, p), &p.text);
            }
        }
    }

    /// Adds a policy found in `file` that was just linted into `report` (by
    /// [`crate::lint_source_with`] or [`FoundPolicy::lint`]): only a policy trusting a
    /// GitHub issuer can rely on repository settings, so the others are not parsed again.
    pub fn add_found(&mut self, file: &str, policy: &FoundPolicy, report: &LintReport) {
        if report
            .replays
            .iter()
            .any(|r| Provider::of_issuer(&r.issuer) == Provider::GitHub)
        {
            self.add_policy(&origin(file, policy), &policy.text);
        }
    }

    /// Whether any settings file was read.
    pub fn has_settings(&self) -> bool {
        !self.docs.is_empty()
    }

    /// The findings, each located in a settings file (`location.file`).
    pub fn findings(&self) -> Vec<Finding> {
        rules::findings(&self.docs, &self.trusted)
    }
}

/// How findings name a policy: its file, and the resource that holds it.
fn origin(file: &str, policy: &FoundPolicy) -> String {
    match &policy.resource {
        Some(r) => format!("{file} ({r})"),
        None => file.to_string(),
    }
}

/// The values of `policy` that rely on repository settings: `sub`, `job_workflow_ref`
/// and `workflow_ref` values of positive string conditions in Allow statements, for
/// GitHub issuers.
fn reliances(policy: &Policy, origin: &str) -> Vec<Trusted> {
    let issuers: Vec<String> = trusted_issuers(policy)
        .into_iter()
        .filter(|i| Provider::of_issuer(i) == Provider::GitHub)
        .collect();
    let mut out = Vec::new();
    for s in policy
        .statements
        .iter()
        .filter(|s| s.effect == Effect::Allow)
    {
        for c in &s.conditions {
            if !matches!(
                c.operator.base,
                BaseOperator::StringEquals
                    | BaseOperator::StringLike
                    | BaseOperator::StringEqualsIgnoreCase
            ) {
                continue;
            }
            let key = c.key.to_ascii_lowercase();
            let Some(claim) = issuers
                .iter()
                .find_map(|i| key.strip_prefix(&format!("{i}:")))
            else {
                continue;
            };
            for v in &c.values {
                let read = match claim {
                    "sub" => subject_reliances(&v.text),
                    "job_workflow_ref" | "workflow_ref" => workflow_reliances(&v.text),
                    _ => Vec::new(),
                };
                for (repo, reliance) in read {
                    out.push(Trusted {
                        repo,
                        reliance,
                        value: v.text.clone(),
                        origin: origin.to_string(),
                    });
                }
            }
        }
    }
    // With no workflow pinned in a repository, every workflow file of it can take the
    // role: the workflows folder as a whole needs a code owner.
    let mut folders = Vec::new();
    for t in &out {
        let pinned = out.iter().any(|o| {
            matches!(o.reliance, Reliance::WorkflowFile(_)) && o.repo.eq_ignore_ascii_case(&t.repo)
        });
        let listed = folders
            .iter()
            .any(|f: &Trusted| f.repo.eq_ignore_ascii_case(&t.repo));
        if !pinned && !listed {
            folders.push(Trusted {
                reliance: Reliance::WorkflowFile(WORKFLOWS.into()),
                ..t.clone()
            });
        }
    }
    out.extend(folders);
    out
}

/// The workflows folder, as a [`Reliance::WorkflowFile`]: every file in it.
pub(crate) const WORKFLOWS: &str = ".github/workflows/";

/// A finding located in a settings file.
pub(crate) fn located(file: &str, mut at: Location) -> Location {
    at.file = Some(file.to_string());
    at
}
