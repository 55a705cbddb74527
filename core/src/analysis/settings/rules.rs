//! The layer-3 rules: where the settings given for a repository contradict what a trust
//! policy relies on. Each finding points into a settings file and names the policy value.

use super::codeowners::owner_line;
use super::read::{Body, BranchRule, Doc, Ruleset};
use super::{located, Trusted, WORKFLOWS};
use crate::analysis::lint::Finding;
use crate::ci::github::{fnmatch, Reliance};
use crate::policy::pattern::{glob, NoVars, Template};
use crate::text::severity::FindingSeverity;
use crate::text::source::Location;

/// Every finding, in the order of the repositories' first settings file.
pub(crate) fn findings(docs: &[Doc], trusted: &[Trusted]) -> Vec<Finding> {
    let mut repos: Vec<&str> = Vec::new();
    for d in docs {
        if !repos.iter().any(|r| r.eq_ignore_ascii_case(&d.repo)) {
            repos.push(&d.repo);
        }
    }
    let mut out: Vec<Finding> = Vec::new();
    for repo in repos {
        let mine: Vec<&Doc> = docs
            .iter()
            .filter(|d| d.repo.eq_ignore_ascii_case(repo))
            .collect();
        let relied: Vec<&Trusted> = trusted.iter().filter(|t| names(&t.repo, repo)).collect();
        if relied.is_empty() {
            let mut files: Vec<&str> = Vec::new();
            for d in &mine {
                if files.contains(&d.file.as_str()) {
                    continue;
                }
                files.push(&d.file);
                out.push(finding(
                    "settings-other-repository",
                    FindingSeverity::Medium,
                    format!("these settings are for `{repo}`, which no trust policy in this run relies on: they were not checked"),
                    "settings count only against the policies that trust their repository",
                    "lint them together with the trust policy of the role that trusts this repository, or leave them out".into(),
                    d,
                    &d.at,
                ));
            }
            continue;
        }
        let check = Repo { repo, docs: &mine };
        for t in relied {
            let f = match &t.reliance {
                Reliance::Environment(e) => check.environment(e, t),
                Reliance::Branch(b) => check.branch(b, t).into_iter().collect(),
                Reliance::WorkflowFile(path) => check.workflow(path, t).into_iter().collect(),
                // Tags: rulesets on tags are generated (layer 3) but not yet checked here.
                Reliance::Tag(_) => Vec::new(),
            };
            for f in f {
                let same = |o: &Finding| {
                    o.code == f.code && o.location == f.location && o.message == f.message
                };
                if !out.iter().any(same) {
                    out.push(f);
                }
            }
        }
    }
    out
}

/// Whether a policy's repository pattern (IAM wildcards) names `repo`. GitHub's names are
/// case-insensitive.
fn names(pattern: &str, repo: &str) -> bool {
    let t = Template::parse(&pattern.to_ascii_lowercase(), true, false);
    glob(&t, &repo.to_ascii_lowercase(), &NoVars, None)
}

/// A finding located in `doc`'s file.
fn finding(
    code: &'static str,
    severity: FindingSeverity,
    message: String,
    help: &str,
    fix: String,
    doc: &Doc,
    at: &Location,
) -> Finding {
    crate::analysis::lint::finding(
        code,
        severity,
        message,
        help,
        &fix,
        &located(&doc.file, at.clone()),
        None,
    )
}

/// `` `VALUE` (in ORIGIN) `` for messages.
fn relied_on(t: &Trusted) -> String {
    format!("`{}` (in {})", t.value, t.origin)
}

struct Repo<'a> {
    repo: &'a str,
    docs: &'a [&'a Doc],
}

impl Repo<'_> {
    /// Where to point when what is missing has no place of its own: the first file of the
    /// wanted kind, else the repository's first settings file.
    fn anchor(&self, wanted: impl Fn(&Body) -> bool) -> Option<&Doc> {
        self.docs
            .iter()
            .find(|d| wanted(&d.body))
            .or_else(|| self.docs.first())
            .copied()
    }

    fn environment(&self, pattern: &str, t: &Trusted) -> Vec<Finding> {
        let lists: Vec<&Doc> = self
            .docs
            .iter()
            .copied()
            .filter(|d| matches!(d.body, Body::Environments(_)))
            .collect();
        let Some(first) = lists.first() else {
            let Some(d) = self.anchor(|_| true) else {
                return Vec::new();
            };
            return vec![finding(
                "environment-unprotected",
                FindingSeverity::High,
                format!("no environments among the settings for `{}`: environment `{pattern}`, which {} relies on, cannot be shown protected", self.repo, relied_on(t)),
                "an environment's protection rules are what make `environment:` in a subject worth trusting",
                "save the environments with `gh api repos/OWNER/REPO/environments` (docs/lint.md, Layer 3)".into(),
                d,
                &d.at,
            )];
        };
        let t_pattern = Template::parse(&pattern.to_ascii_lowercase(), true, false);
        let mut out = Vec::new();
        let mut seen = false;
        for d in &lists {
            let Body::Environments(envs) = &d.body else {
                continue;
            };
            for e in envs
                .iter()
                .filter(|e| glob(&t_pattern, &e.name.to_ascii_lowercase(), &NoVars, None))
            {
                seen = true;
                let unprotected = !e.reviewers && e.branches == BranchRule::Any;
                if unprotected {
                    out.push(finding(
                        "environment-unprotected",
                        FindingSeverity::High,
                        format!("environment `{}` of `{}` has no required reviewers and no deployment branch policy, yet {} trusts its jobs", e.name, self.repo, relied_on(t)),
                        "any workflow on any branch (a pull request's branch included) can name the environment and get the role",
                        "add required reviewers and limit deployments to the trusted branches (`oidc-trust generate --layer 3` writes the calls)".into(),
                        d,
                        &e.at,
                    ));
                    continue;
                }
                let any_pattern = (e.branches == BranchRule::Custom)
                    .then(|| self.any_branch_pattern(&e.name))
                    .flatten();
                if e.branches == BranchRule::Any || any_pattern.is_some() {
                    let (doc, at, how) = match any_pattern {
                        Some((doc, at, name)) => (
                            doc,
                            at,
                            format!("its deployment branch policy `{name}` matches every branch"),
                        ),
                        None => (
                            *d,
                            e.at.clone(),
                            "it has no deployment branch policy".to_string(),
                        ),
                    };
                    out.push(finding(
                        "environment-any-branch",
                        FindingSeverity::Medium,
                        format!("environment `{}` of `{}` accepts deployments from any branch ({how}); {} trusts its jobs", e.name, self.repo, relied_on(t)),
                        "a reviewer is the only thing between a new branch's workflow and the role",
                        "limit the environment to the branches the policy trusts (`deployment_branch_policy` with custom branch policies)".into(),
                        doc,
                        &at,
                    ));
                }
            }
        }
        if !seen && !pattern.contains(['*', '?']) {
            out.push(finding(
                "environment-unprotected",
                FindingSeverity::High,
                format!("environment `{pattern}` does not exist in `{}`, yet {} trusts its jobs", self.repo, relied_on(t)),
                "the first job that names a missing environment creates it, with no protection rules",
                "create the environment with required reviewers and a deployment branch policy (`oidc-trust generate --layer 3`)".into(),
                first,
                &first.at,
            ));
        }
        out
    }

    /// A deployment branch policy of `environment` that matches every branch.
    fn any_branch_pattern(&self, environment: &str) -> Option<(&Doc, Location, String)> {
        self.docs.iter().find_map(|d| match &d.body {
            Body::BranchPolicies {
                environment: e,
                patterns,
            } if e.eq_ignore_ascii_case(environment) => patterns
                .iter()
                .find(|p| {
                    !p.tag
                        && ["a", "a/b", "a/b/c"]
                            .iter()
                            .all(|w| fnmatch(&p.name, w) == Some(true))
                })
                .map(|p| (*d, p.at.clone(), p.name.clone())),
            _ => None,
        })
    }

    fn default_branch(&self) -> Option<&str> {
        self.docs.iter().find_map(|d| match &d.body {
            Body::Repository { default_branch } => Some(default_branch.as_str()),
            _ => None,
        })
    }

    fn branch(&self, branch: &str, t: &Trusted) -> Option<Finding> {
        let default = self.default_branch();
        let reviewed = self.docs.iter().any(|d| match &d.body {
            Body::Ruleset(r) => {
                r.active && r.branches && r.approvals > 0 && covers(r, branch, default)
            }
            Body::Protection {
                branch: b,
                approvals,
            } => *approvals > 0 && b == branch,
            _ => false,
        });
        if reviewed {
            return None;
        }
        let d = self.anchor(|b| matches!(b, Body::Ruleset(_) | Body::Protection { .. }))?;
        let read: Vec<String> = self
            .docs
            .iter()
            .filter_map(|d| match &d.body {
                Body::Ruleset(r) => Some(format!("`{}`", r.name)),
                _ => None,
            })
            .collect();
        let read = if read.is_empty() {
            String::new()
        } else {
            format!(" (rulesets read: {})", read.join(", "))
        };
        let at = match &d.body {
            Body::Ruleset(r) => &r.at,
            _ => &d.at,
        };
        Some(finding(
            "branch-without-review",
            FindingSeverity::High,
            format!("no active ruleset or branch protection among the settings for `{}` requires an approving review before branch `{branch}` changes{read}, yet {} trusts it", self.repo, relied_on(t)),
            "whoever can push to the branch changes what runs with the role",
            "add a branch ruleset with a pull_request rule (one approval or more, code owners' review) on the branch (`oidc-trust generate --layer 3`); if one exists, save it with `gh api repos/OWNER/REPO/rulesets/ID`".into(),
            d,
            at,
        ))
    }

    fn workflow(&self, path: &str, t: &Trusted) -> Option<Finding> {
        if path.contains(['*', '?']) {
            return None;
        }
        let folder = path == WORKFLOWS;
        let what = if folder {
            format!(
                "`{WORKFLOWS}` of `{}`, whose every workflow {} trusts (none is pinned),",
                self.repo,
                relied_on(t)
            )
        } else {
            format!("`{path}` of `{}`, which {} pins,", self.repo, relied_on(t))
        };
        let line_for = if folder {
            format!("/{WORKFLOWS} @ORG/TEAM")
        } else {
            format!("/{path} @ORG/TEAM")
        };
        // GitHub reads the first of these that exists.
        let file = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"]
            .iter()
            .find_map(|want| {
                self.docs
                    .iter()
                    .find(|d| matches!(&d.body, Body::Codeowners { path, .. } if path == want))
            });
        let Some(doc) = file else {
            let d = self.anchor(|b| matches!(b, Body::Codeowners { .. }))?;
            return Some(finding(
                "workflow-without-code-owner",
                FindingSeverity::Medium,
                format!("no CODEOWNERS among the settings for `{}`: {what} has no code owner", self.repo),
                "without a code owner, a change to the workflow needs only any reviewer's approval",
                format!("add `{line_for}` to .github/CODEOWNERS and require code owners' review; save it with `gh api repos/OWNER/REPO/contents/.github/CODEOWNERS`"),
                d,
                &d.at,
            ));
        };
        let Body::Codeowners {
            lines,
            path: owners_path,
            content_at,
        } = &doc.body
        else {
            return None;
        };
        // The folder: sample names stand for every file (a line that owns only some
        // names leaves the others unowned).
        let probes: Vec<String> = if folder {
            ["a.yml", "z.yaml", "~oidc-trust-probe.yml"]
                .iter()
                .map(|n| format!("{WORKFLOWS}{n}"))
                .collect()
        } else {
            vec![path.to_string()]
        };
        let unowned = probes.iter().find_map(|p| {
            let line = owner_line(lines, p);
            if line.is_some_and(|l| !l.owners.is_empty()) {
                None
            } else {
                Some(match line {
                    Some(l) => format!(
                        "line {} (`{}`) leaves `{p}` without owners",
                        l.number, l.pattern
                    ),
                    None => format!("no line matches `{p}`"),
                })
            }
        })?;
        Some(finding(
            "workflow-without-code-owner",
            FindingSeverity::Medium,
            format!("{what} has no code owner in {owners_path}: {unowned}"),
            "without a code owner, a change to the workflow needs only any reviewer's approval",
            format!("add `{line_for}` as the last matching line of {owners_path}"),
            doc,
            content_at,
        ))
    }
}

/// Whether an active branch ruleset applies to every branch an IAM pattern admits. Only
/// what can be shown counts: a pattern this reader cannot evaluate covers nothing, and
/// one it cannot evaluate among the excludes may exclude anything.
fn covers(r: &Ruleset, branch: &str, default: Option<&str>) -> bool {
    let full = format!("refs/heads/{branch}");
    let universal = |p: &str| matches!(p, "~ALL" | "refs/heads/**/*" | "**/*");
    if !branch.contains(['*', '?']) {
        let hit = |p: &str| {
            universal(p)
                || (p == "~DEFAULT_BRANCH" && default == Some(branch))
                || fnmatch(p, &full) == Some(true)
        };
        // An exclude this reader cannot evaluate, or an unknown default branch, may be
        // this branch.
        let excluded = |p: &str| match p {
            "~DEFAULT_BRANCH" => default.is_none_or(|d| d == branch),
            "~ALL" => true,
            _ => fnmatch(p, &full) != Some(false),
        };
        return r.include.iter().any(|p| hit(p)) && !r.exclude.iter().any(|p| excluded(p));
    }
    if !r.exclude.is_empty() {
        return false;
    }
    if r.include.iter().any(|p| universal(p)) {
        return true;
    }
    // `release/*` in IAM spans `/`: a ruleset needs both `release/*` and its deeper form.
    let single_trailing_star = branch.ends_with('*') && branch.matches(['*', '?']).count() == 1;
    single_trailing_star
        && r.include.contains(&full)
        && r.include.iter().any(|p| *p == format!("{full}/**/*"))
}
