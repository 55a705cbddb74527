//! GitHub's API responses, as saved by the commands in docs/lint.md, read into what the
//! rules need, every value with its location. A file is recognised by its shape; one that
//! has the shape of a settings response but a field of the wrong type is refused with the
//! field's pointer (and then counts for nothing).

use super::codeowners::{self, Line};
use super::SettingsKind;
use crate::ci::github::{branch_of_protection_url, repository_of_url, valid_name};
use crate::text::diagnostic::{Diagnostic, Reporter, Severity};
use crate::text::json::{self, Kind, Node};
use crate::text::source::Location;

/// One settings document: a file, or one ruleset of a list.
#[derive(Debug, Clone)]
pub(crate) struct Doc {
    pub(crate) file: String,
    /// `OWNER/REPO`.
    pub(crate) repo: String,
    /// Where the file says which repository it is about (or its start).
    pub(crate) at: Location,
    pub(crate) body: Body,
}

/// What a [`Doc`] says.
#[derive(Debug, Clone)]
pub(crate) enum Body {
    Repository {
        default_branch: String,
    },
    Environments(Vec<Environment>),
    BranchPolicies {
        environment: String,
        patterns: Vec<RefPattern>,
    },
    Ruleset(Ruleset),
    Protection {
        branch: String,
        /// Approving reviews required before a merge (0 when none).
        approvals: u64,
        /// Whether a code owner must be among them.
        code_owners: bool,
        /// Who may merge without them (`bypass_pull_request_allowances`), in words.
        bypass: Vec<String>,
    },
    Codeowners {
        path: String,
        lines: Vec<Line>,
        /// The (encoded) text's location.
        content_at: Location,
    },
}

/// An environment and its protection.
#[derive(Debug, Clone)]
pub(crate) struct Environment {
    pub(crate) name: String,
    pub(crate) reviewers: bool,
    pub(crate) branches: BranchRule,
    pub(crate) at: Location,
}

/// Which refs may deploy to an environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BranchRule {
    /// `deployment_branch_policy: null`: every branch.
    Any,
    /// Branches with branch protection rules only.
    Protected,
    /// The name patterns of the environment's deployment branch policies.
    Custom,
}

/// A deployment branch or tag policy's name pattern.
#[derive(Debug, Clone)]
pub(crate) struct RefPattern {
    pub(crate) name: String,
    pub(crate) tag: bool,
    pub(crate) at: Location,
}

/// A ruleset, as far as layer 3 needs it.
#[derive(Debug, Clone)]
pub(crate) struct Ruleset {
    pub(crate) name: String,
    pub(crate) active: bool,
    pub(crate) branches: bool,
    pub(crate) include: Vec<String>,
    pub(crate) exclude: Vec<String>,
    /// Approving reviews its pull-request rule requires (0 without one).
    pub(crate) approvals: u64,
    /// Whether its pull-request rule requires a code owner's review.
    pub(crate) code_owners: bool,
    /// Who may bypass it, in words (organisation admins, who can change it anyway, are not
    /// listed).
    pub(crate) bypass: Vec<String>,
    /// Where its pull-request rule is (else the ruleset).
    pub(crate) at: Location,
}

impl Doc {
    pub(crate) fn kind(&self) -> SettingsKind {
        match self.body {
            Body::Repository { .. } => SettingsKind::Repository,
            Body::Environments(_) => SettingsKind::Environments,
            Body::BranchPolicies { .. } => SettingsKind::DeploymentBranchPolicies,
            Body::Ruleset(_) => SettingsKind::Rulesets,
            Body::Protection { .. } => SettingsKind::BranchProtection,
            Body::Codeowners { .. } => SettingsKind::Codeowners,
        }
    }
}

const HELP: &str = "save the response unchanged with the commands in docs/lint.md (Layer 3)";

/// Reads one file: `None` when it is not a settings response.
pub(crate) fn read(file: &str, text: &str) -> Option<Result<Vec<Doc>, Diagnostic>> {
    if text.len() > crate::analysis::sources::MAX_SOURCE_BYTES {
        return None;
    }
    let root = json::parse(text).ok()?;
    let r = Reader {
        r: Reporter::new(text, "settings"),
        file,
    };
    let has = |k: &str| member(&root, k).is_some();
    match &root.kind {
        Kind::Object(_) if has("environments") && has("total_count") => {
            Some(r.environments(&root).map(|d| vec![d]))
        }
        Kind::Object(_) if has("branch_policies") => {
            Some(r.branch_policies(&root).map(|d| vec![d]))
        }
        Kind::Object(_) if has("rules") && (has("enforcement") || has("target")) => {
            Some(r.ruleset(&root, "").map(|d| vec![d]))
        }
        Kind::Object(_)
            if (has("required_pull_request_reviews")
                || has("enforce_admins")
                || has("required_status_checks"))
                && has("url") =>
        {
            Some(r.protection(&root).map(|d| vec![d]))
        }
        Kind::Object(_)
            if has("name") && (has("protection_rules") || has("deployment_branch_policy")) =>
        {
            Some(r.one_environment(&root).map(|d| vec![d]))
        }
        Kind::Object(_)
            if has("content")
                && member(&root, "path")
                    .and_then(as_str)
                    .is_some_and(|p| p.ends_with("CODEOWNERS")) =>
        {
            Some(r.codeowners(&root).map(|d| vec![d]))
        }
        Kind::Object(_) if has("full_name") && has("default_branch") => {
            Some(r.repository_doc(&root).map(|d| vec![d]))
        }
        Kind::Array(items)
            if !items.is_empty()
                && items.iter().all(|i| {
                    member(i, "rules").is_some() && member(i, "enforcement").is_some()
                }) =>
        {
            Some(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| r.ruleset(item, &format!("/{i}")))
                    .collect(),
            )
        }
        _ => None,
    }
}

fn member<'n>(node: &'n Node, key: &str) -> Option<&'n Node> {
    match &node.kind {
        Kind::Object(members) => members.iter().find(|m| m.key == key).map(|m| &m.value),
        _ => None,
    }
}

fn as_str(node: &Node) -> Option<&str> {
    match &node.kind {
        Kind::String(s) => Some(s),
        _ => None,
    }
}

struct Reader<'a> {
    r: Reporter<'a>,
    file: &'a str,
}

impl Reader<'_> {
    fn at(&self, pointer: &str, node: &Node) -> Location {
        self.r.location(pointer, node.start, node.end)
    }

    fn wrong(&self, pointer: &str, node: &Node, want: &str) -> Diagnostic {
        self.r.make(
            Severity::Error,
            "settings-shape",
            format!(
                "`{pointer}` should be {want}, found {}",
                node.kind.describe()
            ),
            HELP,
            pointer,
            (node.start, node.end),
        )
    }

    fn missing(&self, parent: &Node, pointer: &str, key: &str) -> Diagnostic {
        self.r.make(
            Severity::Error,
            "settings-shape",
            format!("`{pointer}` has no `{key}`"),
            HELP,
            pointer,
            (parent.start, parent.start + 1),
        )
    }

    fn string(&self, parent: &Node, pointer: &str, key: &str) -> Result<String, Diagnostic> {
        let p = format!("{pointer}/{key}");
        match member(parent, key) {
            Some(n) => as_str(n)
                .map(str::to_string)
                .ok_or_else(|| self.wrong(&p, n, "a string")),
            None => Err(self.missing(parent, pointer, key)),
        }
    }

    fn opt_bool(
        &self,
        parent: &Node,
        pointer: &str,
        key: &str,
    ) -> Result<Option<bool>, Diagnostic> {
        match member(parent, key) {
            None
            | Some(Node {
                kind: Kind::Null, ..
            }) => Ok(None),
            Some(Node {
                kind: Kind::Bool(b),
                ..
            }) => Ok(Some(*b)),
            Some(n) => Err(self.wrong(&format!("{pointer}/{key}"), n, "true or false")),
        }
    }

    fn array<'n>(
        &self,
        parent: &'n Node,
        pointer: &str,
        key: &str,
    ) -> Result<&'n [Node], Diagnostic> {
        match member(parent, key) {
            Some(Node {
                kind: Kind::Array(items),
                ..
            }) => Ok(items),
            Some(n) => Err(self.wrong(&format!("{pointer}/{key}"), n, "an array")),
            None => Err(self.missing(parent, pointer, key)),
        }
    }

    fn count(&self, parent: &Node, pointer: &str, key: &str) -> Result<u64, Diagnostic> {
        match member(parent, key) {
            None
            | Some(Node {
                kind: Kind::Null, ..
            }) => Ok(0),
            Some(
                n @ Node {
                    kind: Kind::Number(text),
                    ..
                },
            ) => text
                .parse::<u64>()
                .map_err(|_| self.wrong(&format!("{pointer}/{key}"), n, "a whole number")),
            Some(n) => Err(self.wrong(&format!("{pointer}/{key}"), n, "a whole number")),
        }
    }

    /// The repository a document is about: its `repository` (added by the documented
    /// commands where GitHub's response does not say), else what `derived` read off a URL
    /// or a ruleset's source. Both present and different is an error.
    fn repository(
        &self,
        root: &Node,
        derived: Option<(String, Location)>,
        what: &str,
    ) -> Result<(String, Location), Diagnostic> {
        let given = match member(root, "repository") {
            None => None,
            Some(n) => match &n.kind {
                Kind::String(s) if valid_repository(s) => {
                    Some((s.clone(), self.at("/repository", n)))
                }
                _ => return Err(self.wrong("/repository", n, "`OWNER/REPO`")),
            },
        };
        match (given, derived) {
            (Some((g, at)), Some((d, _))) if !g.eq_ignore_ascii_case(&d) => Err(self.r.make(
                Severity::Error,
                "settings-repository",
                format!("`repository` says `{g}` but the {what} is about `{d}`"),
                "save the settings of one repository per file, with the commands in docs/lint.md",
                "/repository",
                span_of(&at),
            )),
            (Some(x), _) | (None, Some(x)) => Ok(x),
            (None, None) => Err(self.r.make(
                Severity::Error,
                "settings-repository",
                format!("this {what} does not say which repository it is about"),
                "save it with the commands in docs/lint.md, which add `\"repository\": \"OWNER/REPO\"`",
                "",
                (root.start, root.start + 1),
            )),
        }
    }

    fn url_repository(&self, node: &Node, key: &str) -> Option<(String, Location)> {
        let n = member(node, key)?;
        let repo = repository_of_url(as_str(n)?)?;
        Some((repo, self.at(&format!("/{key}"), n)))
    }

    fn doc(&self, repo: (String, Location), body: Body) -> Doc {
        Doc {
            file: self.file.to_string(),
            repo: repo.0,
            at: repo.1,
            body,
        }
    }

    fn environments(&self, root: &Node) -> Result<Doc, Diagnostic> {
        let items = self.array(root, "", "environments")?;
        let mut derived = None;
        let mut envs = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let p = format!("/environments/{i}");
            if derived.is_none() {
                derived = self
                    .url_repository(item, "url")
                    .map(|(r, _)| (r, self.at(&format!("{p}/url"), item)));
            }
            envs.push(self.environment(item, &p)?);
        }
        let repo = self.repository(root, derived, "environments list")?;
        Ok(self.doc(repo, Body::Environments(envs)))
    }

    fn one_environment(&self, root: &Node) -> Result<Doc, Diagnostic> {
        let env = self.environment(root, "")?;
        let derived = self.url_repository(root, "url");
        let repo = self.repository(root, derived, "environment")?;
        Ok(self.doc(repo, Body::Environments(vec![env])))
    }

    fn environment(&self, node: &Node, p: &str) -> Result<Environment, Diagnostic> {
        if !matches!(node.kind, Kind::Object(_)) {
            return Err(self.wrong(p, node, "an environment object"));
        }
        let name = self.string(node, p, "name")?;
        let mut reviewers = false;
        let mut custom_rule = false;
        if let Some(rules) = member(node, "protection_rules") {
            let Kind::Array(rules) = &rules.kind else {
                return Err(self.wrong(&format!("{p}/protection_rules"), rules, "an array"));
            };
            for (j, rule) in rules.iter().enumerate() {
                let rp = format!("{p}/protection_rules/{j}");
                match self.string(rule, &rp, "type")?.as_str() {
                    "required_reviewers" => {
                        // A rule with an empty reviewer list protects nothing.
                        reviewers |= member(rule, "reviewers")
                            .is_none_or(|r| !matches!(&r.kind, Kind::Array(v) if v.is_empty()));
                    }
                    "branch_policy" => custom_rule = true,
                    _ => {}
                }
            }
        }
        let branches = match member(node, "deployment_branch_policy") {
            None
            | Some(Node {
                kind: Kind::Null, ..
            }) => BranchRule::Any,
            Some(
                policy @ Node {
                    kind: Kind::Object(_),
                    ..
                },
            ) => {
                let bp = format!("{p}/deployment_branch_policy");
                let protected = self.opt_bool(policy, &bp, "protected_branches")?;
                let custom = self.opt_bool(policy, &bp, "custom_branch_policies")?;
                match (protected, custom) {
                    (Some(true), _) => BranchRule::Protected,
                    (_, Some(true)) => BranchRule::Custom,
                    _ if custom_rule => BranchRule::Custom,
                    _ => BranchRule::Any,
                }
            }
            Some(n) => {
                return Err(self.wrong(
                    &format!("{p}/deployment_branch_policy"),
                    n,
                    "an object or null",
                ))
            }
        };
        Ok(Environment {
            name,
            reviewers,
            branches,
            at: self.at(p, node),
        })
    }

    fn branch_policies(&self, root: &Node) -> Result<Doc, Diagnostic> {
        let items = self.array(root, "", "branch_policies")?;
        let environment = match member(root, "environment") {
            Some(n) => as_str(n)
                .map(percent_decode)
                .ok_or_else(|| self.wrong("/environment", n, "a string"))?,
            None => {
                return Err(self.r.make(
                    Severity::Error,
                    "settings-repository",
                    "these deployment branch policies do not say which environment they belong to".into(),
                    "save them with the command in docs/lint.md, which adds `\"repository\"` and `\"environment\"`",
                    "",
                    (root.start, root.start + 1),
                ))
            }
        };
        let mut patterns = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let p = format!("/branch_policies/{i}");
            let name = self.string(item, &p, "name")?;
            let tag = match member(item, "type") {
                None => false,
                Some(n) => match as_str(n) {
                    Some("tag") => true,
                    Some("branch") => false,
                    _ => return Err(self.wrong(&format!("{p}/type"), n, "`branch` or `tag`")),
                },
            };
            let at = member(item, "name")
                .map_or_else(|| self.at(&p, item), |n| self.at(&format!("{p}/name"), n));
            patterns.push(RefPattern { name, tag, at });
        }
        let repo = self.repository(root, None, "list of deployment branch policies")?;
        Ok(self.doc(
            repo,
            Body::BranchPolicies {
                environment,
                patterns,
            },
        ))
    }

    fn ruleset(&self, node: &Node, p: &str) -> Result<Doc, Diagnostic> {
        if !matches!(node.kind, Kind::Object(_)) {
            return Err(self.wrong(p, node, "a ruleset object"));
        }
        let name = match member(node, "name") {
            Some(n) => as_str(n)
                .map(str::to_string)
                .ok_or_else(|| self.wrong(&format!("{p}/name"), n, "a string"))?,
            None => String::new(),
        };
        let enforcement = self.string(node, p, "enforcement")?;
        let target = match member(node, "target") {
            None => "branch".to_string(),
            Some(_) => self.string(node, p, "target")?,
        };
        let (mut include, mut exclude) = (Vec::new(), Vec::new());
        if let Some(conditions) = member(node, "conditions").filter(|c| c.kind != Kind::Null) {
            let cp = format!("{p}/conditions");
            if let Some(ref_name) = member(conditions, "ref_name") {
                let rp = format!("{cp}/ref_name");
                for (key, out) in [("include", &mut include), ("exclude", &mut exclude)] {
                    if member(ref_name, key).is_none() {
                        continue;
                    }
                    for (i, n) in self.array(ref_name, &rp, key)?.iter().enumerate() {
                        out.push(as_str(n).map(str::to_string).ok_or_else(|| {
                            self.wrong(&format!("{rp}/{key}/{i}"), n, "a string")
                        })?);
                    }
                }
            }
        }
        let mut approvals = 0;
        let mut code_owners = false;
        let mut at = self.at(p, node);
        for (i, rule) in self.array(node, p, "rules")?.iter().enumerate() {
            let rp = format!("{p}/rules/{i}");
            if self.string(rule, &rp, "type")? == "pull_request" {
                let params = member(rule, "parameters");
                let pp = format!("{rp}/parameters");
                let count = match params {
                    Some(params) => self.count(params, &pp, "required_approving_review_count")?,
                    None => 0,
                };
                if count >= approvals {
                    approvals = count;
                    code_owners = match params {
                        Some(params) => self
                            .opt_bool(params, &pp, "require_code_owner_review")?
                            .unwrap_or(false),
                        None => false,
                    };
                    at = self.at(&rp, rule);
                }
            }
        }
        // Organisation admins can change the ruleset anyway; any other bypass weakens it.
        let mut bypass = Vec::new();
        if member(node, "bypass_actors").is_some_and(|n| n.kind != Kind::Null) {
            for (i, actor) in self.array(node, p, "bypass_actors")?.iter().enumerate() {
                let ap = format!("{p}/bypass_actors/{i}");
                let kind = self.string(actor, &ap, "actor_type")?;
                if kind == "OrganizationAdmin" {
                    continue;
                }
                let id = match member(actor, "actor_id").map(|n| &n.kind) {
                    Some(Kind::Number(n)) => format!(" {n}"),
                    _ => String::new(),
                };
                bypass.push(format!("{kind}{id}"));
            }
        }
        // A repository's own ruleset names it as its source; an organisation's is known to
        // apply only through the repository it was fetched from.
        let source_type = member(node, "source_type").and_then(as_str).unwrap_or("");
        let derived = match (source_type, member(node, "source")) {
            ("Repository", Some(n)) => as_str(n)
                .filter(|s| valid_repository(s))
                .map(|s| (s.to_string(), self.at(&format!("{p}/source"), n))),
            _ => None,
        };
        let repo = self.repository(node, derived, "ruleset")?;
        Ok(self.doc(
            repo,
            Body::Ruleset(Ruleset {
                name,
                active: enforcement == "active",
                branches: target == "branch",
                include,
                exclude,
                approvals,
                code_owners,
                bypass,
                at,
            }),
        ))
    }

    fn protection(&self, root: &Node) -> Result<Doc, Diagnostic> {
        let url = self.string(root, "", "url")?;
        let branch = branch_of_protection_url(&url).ok_or_else(|| {
            self.r.make(
                Severity::Error,
                "settings-repository",
                format!("`{url}` is not a branch protection URL"),
                HELP,
                "/url",
                member(root, "url").map_or((0, 0), |n| (n.start, n.end)),
            )
        })?;
        let reviews =
            member(root, "required_pull_request_reviews").filter(|n| n.kind != Kind::Null);
        let rp = "/required_pull_request_reviews";
        // A missing count is read as none: the reader never assumes protection.
        let (approvals, code_owners) = match reviews {
            None => (0, false),
            Some(r) => (
                self.count(r, rp, "required_approving_review_count")?,
                self.opt_bool(r, rp, "require_code_owner_reviews")?
                    .unwrap_or(false),
            ),
        };
        let mut bypass = Vec::new();
        if let Some(allow) = reviews.and_then(|r| member(r, "bypass_pull_request_allowances")) {
            for kind in ["users", "teams", "apps"] {
                if let Some(Node {
                    kind: Kind::Array(items),
                    ..
                }) = member(allow, kind)
                {
                    for item in items {
                        let name = ["login", "slug"]
                            .iter()
                            .find_map(|k| member(item, k).and_then(as_str));
                        bypass.push(format!("{kind}: {}", name.unwrap_or("?")));
                    }
                }
            }
        }
        let derived = self.url_repository(root, "url");
        let repo = self.repository(root, derived, "branch protection")?;
        Ok(self.doc(
            repo,
            Body::Protection {
                branch,
                approvals,
                code_owners,
                bypass,
            },
        ))
    }

    fn codeowners(&self, root: &Node) -> Result<Doc, Diagnostic> {
        let path = self.string(root, "", "path")?;
        let content = self.string(root, "", "content")?;
        let encoding = member(root, "encoding")
            .and_then(as_str)
            .unwrap_or("base64");
        let text = if encoding == "base64" {
            let compact: String = content.chars().filter(|c| !c.is_whitespace()).collect();
            crate::policy::value::decode_base64(&compact)
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| {
                    let n = member(root, "content").unwrap_or(root);
                    self.wrong("/content", n, "base64 text of UTF-8")
                })?
        } else {
            content
        };
        let derived = self
            .url_repository(root, "url")
            .or_else(|| self.url_repository(root, "html_url"));
        let repo = self.repository(root, derived, "CODEOWNERS file")?;
        let lines = codeowners::parse(&text);
        let content_at =
            member(root, "content").map_or_else(|| self.at("", root), |n| self.at("/content", n));
        Ok(self.doc(
            repo,
            Body::Codeowners {
                path,
                lines,
                content_at,
            },
        ))
    }

    fn repository_doc(&self, root: &Node) -> Result<Doc, Diagnostic> {
        let full = self.string(root, "", "full_name")?;
        let default_branch = self.string(root, "", "default_branch")?;
        let at = member(root, "full_name")
            .map_or_else(|| self.at("", root), |n| self.at("/full_name", n));
        let derived = valid_repository(&full).then(|| (full.clone(), at));
        let repo = self.repository(root, derived, "repository")?;
        Ok(self.doc(repo, Body::Repository { default_branch }))
    }
}

fn valid_repository(s: &str) -> bool {
    s.split_once('/')
        .is_some_and(|(o, r)| valid_name(o) && valid_name(r))
}

fn span_of(at: &Location) -> (usize, usize) {
    at.span
        .as_ref()
        .map_or((0, 0), |s| (s.start.byte as usize, s.end.byte as usize))
}

/// `%20` and friends, as `@uri` writes environment names into the collected files.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b, hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}
