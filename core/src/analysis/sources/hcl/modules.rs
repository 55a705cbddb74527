//! The registry modules people create OIDC roles with, rebuilt from their inputs: the trust
//! policy each module renders, following its documented behaviour at the versions read.
//!
//! | module (`source`) | versions read | what it renders |
//! |---|---|---|
//! | `terraform-aws-modules/iam/aws//modules/iam-github-oidc-role` | v5.60.0 (v5 only; gone in v6) | `GithubOidcAuth`: `iss`/`aud` under `ForAllValues:StringEquals`, `sub` under `subject_condition` (default `StringLike`), each subject `repo:` + the subject without a leading `repo:` |
//! | `terraform-aws-modules/iam/aws//modules/iam-role` | v6.5.0 | `enable_github_oidc`: as above with `oidc_subjects` under `StringEquals` and `oidc_wildcard_subjects` under `StringLike` (no subject: no `sub` condition); `enable_oidc`: one statement per `oidc_provider_urls` entry, subjects as written; `trust_policy_conditions` on each |
//! | `terraform-aws-modules/iam/aws//modules/iam-assumable-role-with-oidc` | v5.60.0 | one statement per provider URL; `StringEquals`/`StringLike` on `sub`, `StringLike` on `aud`; only with `create_role = true` |
//! | `unfunco/oidc-github/aws` | v3.0.1, v2.0.2, v1.8.1 | `repo:` + each subject; one without `:` gets `:` + `default_subject` (v3, default `ref:refs/heads/main`) or `:*` (v1, v2); `aud` = `sts.amazonaws.com` + `additional_audiences` |
//!
//! A version constraint (`version = "~> 5.0"`) picks the major version; without one, the
//! newest is assumed, and the inputs decide between unfunco's v2 (`github_repositories`)
//! and v3 (`github_subjects`).

use super::syntax::At;
use super::value::{sort_by_text, Entry, Kind, Text, Val};
use crate::analysis::sources::STAND_IN_ACCOUNT;
use crate::ci::github;

/// What a module call creates.
pub(crate) enum Rebuilt {
    /// A role with this trust policy, at this address inside the module.
    Policy { doc: Val, address: &'static str },
    /// No role (`create = false`, no subjects).
    NoRole,
    /// Not a module oidc-trust models.
    NotModelled,
}

/// Whether a module source looks like it creates IAM roles (then not modelling it is said).
pub(crate) fn looks_like_a_role_module(source: &str) -> bool {
    let s = source.to_ascii_lowercase();
    s.contains("iam") || s.contains("oidc") || s.contains("role")
}

/// The module a source names, without registry host, `git::`, `?ref=` and version.
fn module_path(source: &str) -> String {
    let s = source
        .trim()
        .trim_start_matches("git::")
        .trim_start_matches("https://")
        .trim_start_matches("registry.terraform.io/")
        .trim_start_matches("github.com/");
    let s = s.split('?').next().unwrap_or(s);
    let s = s.trim_end_matches(".git");
    s.replace(".git//", "//")
        .replace(
            "terraform-aws-modules/terraform-aws-iam",
            "terraform-aws-modules/iam/aws",
        )
        .replace(
            "unfunco/terraform-aws-oidc-github",
            "unfunco/oidc-github/aws",
        )
}

/// The major version a constraint names (`~> 5.0`, `5.60.0`, `>= 6`), or a git `?ref=v5...`.
fn major(version: Option<&str>, source: &str) -> Option<u32> {
    let from_ref = source
        .split_once("?ref=")
        .map(|(_, r)| r.trim_start_matches('v').to_string());
    let text = version.map(str::to_string).or(from_ref)?;
    let digits: String = text
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// Rebuilds the trust policy of a module call, or says why there is none.
pub(crate) fn rebuild(
    source: &str,
    version: Option<&str>,
    args: &[(String, Val)],
    at: At,
) -> Rebuilt {
    let path = module_path(source);
    let arg = |name: &str| args.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let flag = |name: &str, default: bool| arg(name).and_then(|v| v.as_bool()).unwrap_or(default);
    let major = major(version, source);
    match path.as_str() {
        "terraform-aws-modules/iam/aws//modules/iam-github-oidc-role" => {
            if !flag("create", true) {
                return Rebuilt::NoRole;
            }
            github_role_v5(&arg, at)
        }
        "terraform-aws-modules/iam/aws//modules/iam-role" if major.is_none_or(|m| m >= 6) => {
            if !flag("create", true) {
                return Rebuilt::NoRole;
            }
            iam_role_v6(&arg, &flag, at)
        }
        "terraform-aws-modules/iam/aws//modules/iam-assumable-role-with-oidc" => {
            if !flag("create_role", false) {
                return Rebuilt::NoRole;
            }
            assumable_role_with_oidc_v5(&arg, at)
        }
        "unfunco/oidc-github/aws" => unfunco(&arg, &flag, major, at),
        _ => Rebuilt::NotModelled,
    }
}

// --- building blocks ------------------------------------------------------------------------

fn s(text: &str, at: At) -> Val {
    Val::string(text, Some(at))
}

/// The values of an input as a list (an unknown stays one opaque element).
fn items(v: Option<Val>) -> Vec<Val> {
    match v.map(|v| (v.kind.clone(), v)) {
        Some((Kind::List(l), _)) => l,
        Some((Kind::Null, _)) | None => Vec::new(),
        Some((_, v)) => vec![v],
    }
}

fn text_of(v: &Val) -> Text {
    v.to_text()
}

/// `prefix` + `v`, the prefix attributed to where `v` was written.
fn prefixed(prefix: &str, v: &Val, suffix: &str) -> Val {
    let from = v.at.map(|a| (a.file, a.start)).unwrap_or((0, 0));
    let mut t = Text::default();
    t.push_str(prefix, from);
    t.append(&text_of(v), from);
    let end =
        v.at.map(|a| (a.file, a.end.saturating_sub(1)))
            .unwrap_or(from);
    t.push_str(suffix, end);
    Val::new(Kind::Str(t), v.at)
}

/// `"repo:" + trimprefix(subject, "repo:")`.
fn repo_subject(v: &Val) -> Val {
    let t = text_of(v);
    match t.s.strip_prefix("repo:") {
        Some(_) => v.clone(),
        None => prefixed("repo:", v, ""),
    }
}

/// A set of strings as the AWS provider writes it (one rule with the policy document's).
fn set(values: Vec<Val>, at: At) -> Val {
    super::document::string_set(values, Some(at))
}

/// One condition: (test, variable, values).
type Cond = (Val, Val, Vec<Val>);

/// The conditions terraform-aws-modules' OIDC roles write for each provider `p`: exact
/// subjects (`StringEquals`), wildcard ones (`StringLike`), the audiences under the test
/// the module uses for them, then the caller's own conditions. Empty lists write nothing.
fn provider_conditions(
    p: &Val,
    (exact, wild): (&[Val], &[Val]),
    (aud_test, auds): (&str, &[Val]),
    extra: &[Cond],
    at: At,
) -> Vec<Cond> {
    let key = |claim: &str| prefixed("", p, &format!(":{claim}"));
    let mut c: Vec<Cond> = Vec::new();
    for (test, claim, values) in [
        ("StringEquals", "sub", exact),
        ("StringLike", "sub", wild),
        (aud_test, "aud", auds),
    ] {
        if !values.is_empty() {
            c.push((s(test, at), key(claim), values.to_vec()));
        }
    }
    c.extend(extra.iter().cloned());
    c
}

/// A statement as the AWS provider renders one from blocks.
fn statement(
    sid: Option<&str>,
    actions: &[&str],
    federated: Vec<Val>,
    conditions: Vec<Cond>,
    at: At,
) -> Val {
    let mut out: Vec<Entry> = Vec::new();
    if let Some(sid) = sid {
        out.push(("Sid".into(), Some(at), s(sid, at)));
    }
    out.push(("Effect".into(), Some(at), s("Allow", at)));
    out.push((
        "Action".into(),
        Some(at),
        set(actions.iter().map(|a| s(a, at)).collect(), at),
    ));
    out.push((
        "Principal".into(),
        Some(at),
        Val::new(
            Kind::Map(vec![("Federated".into(), Some(at), set(federated, at))]),
            Some(at),
        ),
    ));
    let mut tests: Vec<(String, Option<At>, Vec<Entry>)> = Vec::new();
    for (test, variable, values) in conditions {
        let (t, v) = (test.to_text().s, variable.to_text().s);
        let i = match tests.iter().position(|(x, _, _)| *x == t) {
            Some(i) => i,
            None => {
                tests.push((t, test.at.or(Some(at)), Vec::new()));
                tests.len() - 1
            }
        };
        let Some((_, _, vars)) = tests.get_mut(i) else {
            continue;
        };
        let value_at = values.first().and_then(|x| x.at).or(Some(at));
        match vars.iter_mut().find(|(x, _, _)| *x == v) {
            Some((_, _, existing)) => {
                let mut all = match &existing.kind {
                    Kind::List(l) => l.clone(),
                    _ => vec![existing.clone()],
                };
                all.extend(values);
                *existing = Val::new(Kind::List(all), value_at);
            }
            None => {
                let value = if values.len() == 1 {
                    values
                        .into_iter()
                        .next()
                        .unwrap_or(Val::new(Kind::Null, None))
                } else {
                    Val::new(Kind::List(values), value_at)
                };
                vars.push((v, variable.at.or(Some(at)), value));
            }
        }
    }
    if !tests.is_empty() {
        sort_by_text(&mut tests, |t| t.0.clone());
        let entries: Vec<Entry> = tests
            .into_iter()
            .map(|(t, a, mut vars)| {
                sort_by_text(&mut vars, |x| x.0.clone());
                (t, a, Val::new(Kind::Map(vars), a))
            })
            .collect();
        out.push((
            "Condition".into(),
            Some(at),
            Val::new(Kind::Map(entries), Some(at)),
        ));
    }
    Val::new(Kind::Map(out), Some(at))
}

fn document(statements: Vec<Val>, at: At) -> Val {
    Val::new(
        Kind::Map(vec![
            ("Version".into(), Some(at), s("2012-10-17", at)),
            (
                "Statement".into(),
                Some(at),
                Val::new(Kind::List(statements), Some(at)),
            ),
        ]),
        Some(at),
    )
}

fn provider_arn(provider: &Val, at: At) -> Val {
    prefixed(
        &format!("arn:aws:iam::{STAND_IN_ACCOUNT}:oidc-provider/"),
        provider,
        "",
    )
    .with_at(provider.at.unwrap_or(at))
}

/// `replace(url, "https://", "")`, keeping spans.
fn without_scheme(v: &Val) -> Val {
    let t = text_of(v);
    match t.s.find("https://") {
        Some(i) => {
            let mut out = Text {
                s: t.s.replacen("https://", "", 1),
                origin: t
                    .origin
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j < i || *j >= i + 8)
                    .map(|(_, o)| *o)
                    .collect(),
                unknown: t.unknown,
            };
            if out.origin.len() != out.s.len() {
                out.origin.clear();
            }
            Val::new(Kind::Str(out), v.at)
        }
        None => v.clone(),
    }
}

/// `{test, variable, values}` objects (`additional_trust_policy_conditions`...).
fn extra_conditions(v: Option<Val>) -> Vec<Cond> {
    items(v)
        .into_iter()
        .filter_map(|c| {
            let test = c.get("test")?.clone();
            let variable = c.get("variable")?.clone();
            let values = items(c.get("values").cloned());
            Some((test, variable, values))
        })
        .collect()
}

impl Val {
    fn with_at(mut self, at: At) -> Val {
        self.at = Some(at);
        self
    }
}

// --- terraform-aws-modules/iam ---------------------------------------------------------------

/// v5 `iam-github-oidc-role` (read at v5.60.0).
fn github_role_v5(arg: &dyn Fn(&str) -> Option<Val>, at: At) -> Rebuilt {
    let provider = without_scheme(&arg("provider_url").unwrap_or_else(|| s(github::ISSUER, at)));
    let audience = arg("audience").unwrap_or_else(|| s(github::DEFAULT_AUDIENCE, at));
    let test = arg("subject_condition").unwrap_or_else(|| s("StringLike", at));
    let key = |claim: &str| prefixed("", &provider, &format!(":{claim}"));
    let mut conditions: Vec<Cond> = vec![
        (
            s("ForAllValues:StringEquals", at),
            key("iss"),
            vec![prefixed("https://", &provider, "")],
        ),
        (
            s("ForAllValues:StringEquals", at),
            key("aud"),
            vec![audience],
        ),
        (
            test,
            key("sub"),
            items(arg("subjects")).iter().map(repo_subject).collect(),
        ),
    ];
    conditions.extend(extra_conditions(arg("additional_trust_policy_conditions")));
    let st = statement(
        Some("GithubOidcAuth"),
        &["sts:TagSession", "sts:AssumeRoleWithWebIdentity"],
        vec![provider_arn(&provider, at)],
        conditions,
        at,
    );
    Rebuilt::Policy {
        doc: document(vec![st], at),
        address: "aws_iam_role.this[0]",
    }
}

/// v6 `iam-role` (read at v6.5.0): generic OIDC statements, then GitHub's.
fn iam_role_v6(
    arg: &dyn Fn(&str) -> Option<Val>,
    flag: &dyn Fn(&str, bool) -> bool,
    at: At,
) -> Rebuilt {
    let subjects = items(arg("oidc_subjects"));
    let wildcard = items(arg("oidc_wildcard_subjects"));
    let audiences = items(arg("oidc_audiences"));
    let extra = extra_conditions(arg("trust_policy_conditions"));
    let mut statements = Vec::new();
    if flag("enable_oidc", false) {
        for url in items(arg("oidc_provider_urls")) {
            let p = without_scheme(&url);
            let c = provider_conditions(
                &p,
                (&subjects, &wildcard),
                ("StringEquals", &audiences),
                &extra,
                at,
            );
            statements.push(statement(
                None,
                &["sts:TagSession", "sts:AssumeRoleWithWebIdentity"],
                vec![provider_arn(&p, at)],
                c,
                at,
            ));
        }
    }
    if flag("enable_github_oidc", false) {
        let p = arg("github_provider").unwrap_or_else(|| s(github::ISSUER, at));
        let key = |claim: &str| prefixed("", &p, &format!(":{claim}"));
        let aud = if audiences.is_empty() {
            vec![s(github::DEFAULT_AUDIENCE, at)]
        } else {
            audiences.clone()
        };
        let mut c: Vec<Cond> = vec![
            (
                s("ForAllValues:StringEquals", at),
                key("iss"),
                vec![prefixed("https://", &p, "")],
            ),
            (s("ForAllValues:StringEquals", at), key("aud"), aud),
        ];
        if !subjects.is_empty() {
            c.push((
                s("StringEquals", at),
                key("sub"),
                subjects.iter().map(repo_subject).collect(),
            ));
        }
        if !wildcard.is_empty() {
            c.push((
                s("StringLike", at),
                key("sub"),
                wildcard.iter().map(repo_subject).collect(),
            ));
        }
        c.extend(extra);
        statements.push(statement(
            Some("GithubOidcAuth"),
            &["sts:TagSession", "sts:AssumeRoleWithWebIdentity"],
            vec![provider_arn(&p, at)],
            c,
            at,
        ));
    }
    role_this(statements, at)
}

/// terraform-aws-modules' role, `aws_iam_role.this[0]`, when any statement trusts a
/// provider (the modules create no role otherwise).
fn role_this(statements: Vec<Val>, at: At) -> Rebuilt {
    if statements.is_empty() {
        return Rebuilt::NoRole;
    }
    Rebuilt::Policy {
        doc: document(statements, at),
        address: "aws_iam_role.this[0]",
    }
}

/// v5 `iam-assumable-role-with-oidc` (read at v5.60.0).
fn assumable_role_with_oidc_v5(arg: &dyn Fn(&str) -> Option<Val>, at: At) -> Rebuilt {
    let mut urls = items(arg("provider_urls"));
    if let Some(u) = arg("provider_url").filter(|u| u.as_str() != Some("")) {
        urls.push(u);
    }
    // `distinct` runs before the scheme is removed (so `https://x` and `x` stay two).
    let mut seen: Vec<String> = Vec::new();
    urls.retain(|u| {
        let t = u.to_text().s;
        let new = !seen.contains(&t);
        seen.push(t);
        new
    });
    let sorted_set = |v: Option<Val>| {
        let mut l = items(v);
        sort_by_text(&mut l, |x| x.to_text().s);
        l.dedup_by(|a, b| a.to_text().s == b.to_text().s);
        l
    };
    let exact = sorted_set(arg("oidc_fully_qualified_subjects"));
    let wild = sorted_set(arg("oidc_subjects_with_wildcards"));
    let auds = sorted_set(arg("oidc_fully_qualified_audiences"));
    let extra = extra_conditions(arg("provider_trust_policy_conditions"));
    let mut statements = Vec::new();
    for url in &urls {
        let p = without_scheme(url);
        let c = provider_conditions(&p, (&exact, &wild), ("StringLike", &auds), &extra, at);
        statements.push(statement(
            None,
            &["sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
            vec![provider_arn(&p, at)],
            c,
            at,
        ));
    }
    role_this(statements, at)
}

// --- unfunco/oidc-github -----------------------------------------------------------------

fn unfunco(
    arg: &dyn Fn(&str) -> Option<Val>,
    flag: &dyn Fn(&str, bool) -> bool,
    major: Option<u32>,
    at: At,
) -> Rebuilt {
    let v1_or_v2 = match major {
        Some(m) => m < 3,
        None => arg("github_repositories").is_some() && arg("github_subjects").is_none(),
    };
    let enabled = if major == Some(1) {
        flag("enabled", true)
    } else {
        flag("create", true) && flag("create_iam_role", true)
    };
    let subjects = items(if v1_or_v2 {
        arg("github_repositories")
    } else {
        arg("github_subjects")
    });
    if !enabled || subjects.is_empty() {
        return Rebuilt::NoRole;
    }
    let slug = arg("enterprise_slug")
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    // v3 writes the enterprise's issuer into the keys; v1 and v2 keep github.com's.
    let issuer = if !v1_or_v2 && !slug.is_empty() {
        s(&format!("{}/{slug}", github::ISSUER), at)
    } else {
        s(github::ISSUER, at)
    };
    let default_subject = arg("default_subject")
        .map(|v| v.to_text().s.trim().to_string())
        .unwrap_or_else(|| "ref:refs/heads/main".into());
    let sub_values: Vec<Val> = subjects
        .iter()
        .map(|subject| {
            let has_colon = subject.to_text().s.contains(':');
            let suffix = if has_colon {
                String::new()
            } else if v1_or_v2 {
                ":*".into()
            } else {
                format!(":{default_subject}")
            };
            prefixed("repo:", subject, &suffix)
        })
        .collect();
    let mut audiences = vec![s(github::DEFAULT_AUDIENCE, at)];
    audiences.extend(items(arg("additional_audiences")));
    let key = |claim: &str| prefixed("", &issuer, &format!(":{claim}"));
    let provider = if v1_or_v2 && !slug.is_empty() {
        // v1 and v2 append the slug to the provider's ARN, whose URL already has it.
        s(&format!("{}/{slug}/{slug}", github::ISSUER), at)
    } else {
        issuer.clone()
    };
    let st = statement(
        None,
        &["sts:AssumeRoleWithWebIdentity"],
        vec![provider_arn(&provider, at)],
        vec![
            (s("StringLike", at), key("sub"), sub_values),
            (s("StringEquals", at), key("aud"), audiences),
        ],
        at,
    );
    Rebuilt::Policy {
        doc: document(vec![st], at),
        address: "aws_iam_role.github[0]",
    }
}
