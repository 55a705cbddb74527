//! The layer-3 rules: where the settings given for a repository contradict what a trust
//! policy relies on. Each finding points into a settings file and names the policy value.
//!
//! One question runs through them: does a change to this branch need an approving review
//! that no one can skip? Environments are as strong as their reviewers, or else as the
//! branches they deploy from; a pinned workflow as the review its branch requires.

use super::codeowners::owner_line;
use super::read::{Body, BranchRule, Doc, RefPattern, Ruleset};
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
    // A repository the policies trust by name with no settings given: nothing of it was
    // checked, which must not read as "protected".
    if let Some(first) = docs.first() {
        let mut missing: Vec<&Trusted> = Vec::new();
        for t in trusted {
            let literal = !t.repo.contains(['*', '?']);
            let given = repos.iter().any(|r| r.eq_ignore_ascii_case(&t.repo));
            if literal && !given && !missing.iter().any(|m| m.repo.eq_ignore_ascii_case(&t.repo)) {
                missing.push(t);
            }
        }
        for t in missing {
            out.push(finding(
                "settings-missing",
                FindingSeverity::Medium,
                format!("no settings were given for `{}`, which {} trusts: its environments, branches and workflows were not checked", t.repo, relied_on(t)),
                "settings count only for the repository they come from",
                "collect that repository's settings with the commands in docs/lint.md (Layer 3) and lint them too".into(),
                first,
                &first.at,
            ));
        }
    }
    for repo in repos {
        let mine: Vec<&Doc> = docs
            .iter()
            .filter(|d| d.repo.eq_ignore_ascii_case(repo))
            .collect();
        let relied: Vec<&Trusted> = trusted.iter().filter(|t| names(&t.repo, repo)).collect();
        let Some(first) = mine.first() else { continue };
        if relied.is_empty() {
            out.push(finding(
                "settings-other-repository",
                FindingSeverity::Medium,
                format!("the settings of `{repo}` ({} file{}) were not checked: no trust policy in this run relies on that repository", mine.len(), if mine.len() == 1 { "" } else { "s" }),
                "settings count only against the policies that trust their repository",
                "lint them together with the trust policy of the role that trusts this repository, or leave them out".into(),
                first,
                &first.at,
            ));
            continue;
        }
        let check = Repo { repo, docs: &mine };
        // One finding per rule, place and relied-on thing, naming the first value that
        // relies on it (a branch named by `sub` and by a workflow pin is one branch).
        let mut seen: Vec<(&str, Location, &Reliance)> = Vec::new();
        for t in relied {
            let found = match &t.reliance {
                Reliance::Environment(e) => check.environment(e, t),
                Reliance::Branch(b) => check.branch(b, t).into_iter().collect(),
                Reliance::WorkflowFile(path) => check.workflow(path, t),
                // Tags: rulesets on tags are generated (layer 3) but not checked here yet.
                // A repository trusted as a whole is checked through its workflows folder.
                Reliance::Tag(_) | Reliance::Repository => Vec::new(),
            };
            for f in found {
                let key = (f.code, f.location.clone(), &t.reliance);
                if !seen.contains(&key) {
                    seen.push(key);
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

/// How a branch pattern reads: a policy's (IAM: `*` spans `/`) or a deployment branch
/// policy's (GitHub: `*` stays within a segment).
#[derive(Clone, Copy, PartialEq)]
enum Syntax {
    Iam,
    Github,
}

/// Why branches are not shown to need review, or where the review that covers them is.
enum Review<'a> {
    Required,
    Missing(String, Option<(&'a Doc, Location)>),
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

    fn default_branch(&self) -> Option<&str> {
        self.docs.iter().find_map(|d| match &d.body {
            Body::Repository { default_branch } => Some(default_branch.as_str()),
            _ => None,
        })
    }

    fn rulesets(&self) -> impl Iterator<Item = (&Doc, &Ruleset)> {
        self.docs.iter().filter_map(|d| match &d.body {
            Body::Ruleset(r) => Some((*d, r)),
            _ => None,
        })
    }

    /// Whether every branch `pattern` admits needs an approving review no one can skip
    /// (and, with `code_owners`, a code owner's).
    fn review(&self, pattern: &str, syntax: Syntax, code_owners: bool) -> Review<'_> {
        let default = self.default_branch();
        let mut why: Vec<String> = Vec::new();
        let mut near: Option<(&Doc, Location)> = None;
        for (d, r) in self.rulesets() {
            if !(r.branches && covers(r, pattern, syntax, default)) {
                continue;
            }
            near.get_or_insert_with(|| (d, r.at.clone()));
            if !r.active {
                why.push(format!("ruleset `{}` is not active", r.name));
            } else if r.approvals == 0 {
                why.push(format!("ruleset `{}` requires no approving review", r.name));
            } else if !r.bypass.is_empty() {
                why.push(format!(
                    "ruleset `{}` can be bypassed by {}",
                    r.name,
                    r.bypass.join(", ")
                ));
            } else if code_owners && !r.code_owners {
                why.push(format!(
                    "ruleset `{}` does not require code owners' review",
                    r.name
                ));
            } else {
                return Review::Required;
            }
        }
        for d in self.docs {
            let Body::Protection {
                branch,
                approvals,
                code_owners: owners,
                bypass,
            } = &d.body
            else {
                continue;
            };
            if branch != pattern {
                continue;
            }
            near.get_or_insert_with(|| (*d, d.at.clone()));
            if *approvals == 0 {
                why.push(format!(
                    "the protection of `{branch}` requires no approving review"
                ));
            } else if !bypass.is_empty() {
                why.push(format!(
                    "the protection of `{branch}` lets {} merge without review",
                    bypass.join(", ")
                ));
            } else if code_owners && !owners {
                why.push(format!(
                    "the protection of `{branch}` does not require code owners' review"
                ));
            } else {
                return Review::Required;
            }
        }
        if why.is_empty() {
            why.push("no active ruleset or branch protection among the settings requires an approving review for it".into());
            let unknown_default = self
                .rulesets()
                .any(|(_, r)| r.include.iter().any(|p| p == "~DEFAULT_BRANCH"))
                && default.is_none();
            if unknown_default {
                why.push("a ruleset applies to the default branch, which is unknown without repository.json (`gh api repos/OWNER/REPO`)".into());
            }
        }
        Review::Missing(why.join("; "), near)
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
                // Which branches may deploy, and which of them need no review.
                let (open, doc, at): (Option<String>, &Doc, Location) = match e.branches {
                    BranchRule::Any => (Some("no deployment branch policy, so every branch may deploy".into()), *d, e.at.clone()),
                    BranchRule::Protected if !e.reviewers => (
                        Some("it deploys from \"protected branches\", which the settings cannot list (and with no classic protection rule at all, every branch)".into()),
                        *d,
                        e.at.clone(),
                    ),
                    BranchRule::Protected => (None, *d, e.at.clone()),
                    BranchRule::Custom => match self.branch_patterns(&e.name) {
                        None if !e.reviewers => (
                            Some("its deployment branch policies were not given (`gh api repos/OWNER/REPO/environments/ENV/deployment-branch-policies`)".into()),
                            *d,
                            e.at.clone(),
                        ),
                        None => (None, *d, e.at.clone()),
                        Some((pd, patterns)) => {
                            let open: Vec<&RefPattern> = patterns
                                .iter()
                                .filter(|p| !p.tag && matches!(self.review(&p.name, Syntax::Github, false), Review::Missing(..)))
                                .collect();
                            match open.first() {
                                Some(p) => (
                                    Some(format!(
                                        "it deploys from {} that no review protects",
                                        open.iter().map(|p| format!("`{}`", p.name)).collect::<Vec<_>>().join(", ")
                                    )),
                                    pd,
                                    p.at.clone(),
                                ),
                                None => (None, pd, e.at.clone()),
                            }
                        }
                    },
                };
                let Some(open) = open else { continue };
                if e.reviewers {
                    out.push(finding(
                        "environment-any-branch",
                        FindingSeverity::Medium,
                        format!("environment `{}` of `{}` accepts deployments from branches anyone with write access can push ({open}); {} trusts its jobs", e.name, self.repo, relied_on(t)),
                        "a reviewer's approval is the only thing between such a branch's workflow and the role",
                        "limit the environment to reviewed branches: custom deployment branch policies naming branches a ruleset protects".into(),
                        doc,
                        &at,
                    ));
                } else {
                    out.push(finding(
                        "environment-unprotected",
                        FindingSeverity::High,
                        format!("environment `{}` of `{}` has no required reviewers and {open}, yet {} trusts its jobs", e.name, self.repo, relied_on(t)),
                        "anyone who can push a branch that may deploy (a new branch, a pull request's) gets the role through the environment",
                        "add required reviewers, or limit deployments to branches a ruleset protects with reviews (`oidc-trust generate --layer 3` writes the calls)".into(),
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

    /// The deployment branch and tag policies saved for `environment`, if any were.
    fn branch_patterns(&self, environment: &str) -> Option<(&Doc, &[RefPattern])> {
        self.docs.iter().find_map(|d| match &d.body {
            Body::BranchPolicies {
                environment: e,
                patterns,
            } if e.eq_ignore_ascii_case(environment) => Some((*d, patterns.as_slice())),
            _ => None,
        })
    }

    fn branch(&self, branch: &str, t: &Trusted) -> Option<Finding> {
        let Review::Missing(why, near) = self.review(branch, Syntax::Iam, false) else {
            return None;
        };
        let (doc, at) = match near {
            Some((d, at)) => (d, at),
            None => {
                let d = self.anchor(|b| matches!(b, Body::Ruleset(_) | Body::Protection { .. }))?;
                (d, d.at.clone())
            }
        };
        Some(finding(
            "branch-without-review",
            FindingSeverity::High,
            format!("branch `{branch}` of `{}` can change without an approving review ({why}), yet {} trusts it", self.repo, relied_on(t)),
            "whoever can push to the branch changes what runs with the role",
            "protect the branch with an active ruleset whose pull_request rule requires one approval or more and that no one bypasses (`oidc-trust generate --layer 3`); if one exists, save it with `gh api repos/OWNER/REPO/rulesets/ID`".into(),
            doc,
            &at,
        ))
    }

    fn workflow(&self, path: &str, t: &Trusted) -> Vec<Finding> {
        if path.contains(['*', '?']) {
            return Vec::new();
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
            let Some(d) = self.anchor(|b| matches!(b, Body::Codeowners { .. })) else {
                return Vec::new();
            };
            return vec![finding(
                "workflow-without-code-owner",
                FindingSeverity::Medium,
                format!("no CODEOWNERS among the settings for `{}`: {what} has no code owner", self.repo),
                "without a code owner, a change to the workflow needs only any reviewer's approval",
                format!("add `{line_for}` to .github/CODEOWNERS and require code owners' review; save it with `gh api repos/OWNER/REPO/contents/.github/CODEOWNERS`"),
                d,
                &d.at,
            )];
        };
        let Body::Codeowners {
            lines,
            path: owners_path,
            content_at,
        } = &doc.body
        else {
            return Vec::new();
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
        let unowned = probes.iter().find_map(|p| match owner_line(lines, p) {
            Some(l) if !l.owners.is_empty() => None,
            Some(l) => Some((
                format!(
                    "line {} (`{}`) leaves `{p}` without owners",
                    l.number, l.pattern
                ),
                format!("give line {} owners: `{} @ORG/TEAM`", l.number, l.pattern),
            )),
            None => Some((
                format!("no line matches `{p}`"),
                format!("add `{line_for}` as the last matching line of {owners_path}"),
            )),
        });
        if let Some((why, fix)) = unowned {
            return vec![finding(
                "workflow-without-code-owner",
                FindingSeverity::Medium,
                format!("{what} has no code owner in {owners_path}: {why}"),
                "without a code owner, a change to the workflow needs only any reviewer's approval",
                fix,
                doc,
                content_at,
            )];
        }
        // Owners only count where their review is required: on the default branch (where
        // CODEOWNERS is read) or the branch the workflow is pinned at.
        // `…@refs/heads/B` names the branch; the folder (a `sub`) stands on the default one.
        let branch = t
            .value
            .split_once("@refs/heads/")
            .map(|(_, b)| b.to_string())
            .or_else(|| self.default_branch().map(str::to_string));
        let why = match &branch {
            Some(b) => match self.review(b, Syntax::Iam, true) {
                Review::Required => return Vec::new(),
                Review::Missing(why, _) => why,
            },
            None if self.rulesets().any(|(_, r)| {
                r.active && r.branches && r.approvals > 0 && r.bypass.is_empty() && r.code_owners
            }) =>
            {
                return Vec::new()
            }
            None => "the default branch is unknown without repository.json".to_string(),
        };
        let (d, at) = match self.rulesets().next() {
            Some((d, r)) => (d, r.at.clone()),
            None => (*doc, content_at.clone()),
        };
        vec![finding(
            "workflow-without-code-owner",
            FindingSeverity::Medium,
            format!(
                "{what} has code owners, but their review is not required{} ({why})",
                branch.map(|b| format!(" on `{b}`")).unwrap_or_default()
            ),
            "CODEOWNERS only names reviewers; without `require_code_owner_review` any approver merges a change to the workflow",
            "set `require_code_owner_review: true` in the branch ruleset's pull_request rule".into(),
            d,
            &at,
        )]
    }
}

/// Whether a branch ruleset applies to every branch `pattern` admits. Only what can be
/// shown counts: a pattern this reader cannot evaluate covers nothing, and one it cannot
/// evaluate among the excludes may exclude anything.
fn covers(r: &Ruleset, pattern: &str, syntax: Syntax, default: Option<&str>) -> bool {
    let full = format!("refs/heads/{pattern}");
    let universal = |p: &str| matches!(p, "~ALL" | "refs/heads/**/*" | "**/*");
    if !pattern.contains(['*', '?']) {
        let hit = |p: &str| {
            universal(p)
                || (p == "~DEFAULT_BRANCH" && default == Some(pattern))
                || fnmatch(p, &full) == Some(true)
        };
        // An exclude this reader cannot evaluate, or an unknown default branch, may be
        // this branch.
        let excluded = |p: &str| match p {
            "~DEFAULT_BRANCH" => default.is_none_or(|d| d == pattern),
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
    match syntax {
        // The same syntax: the same pattern covers it.
        Syntax::Github => r.include.contains(&full),
        // `release/*` in IAM spans `/`: a ruleset needs both `release/*` and its deeper
        // form.
        Syntax::Iam => {
            let single_trailing_star =
                pattern.ends_with('*') && pattern.matches(['*', '?']).count() == 1;
            single_trailing_star
                && r.include.contains(&full)
                && r.include.contains(&format!("{full}/**/*"))
        }
    }
}
