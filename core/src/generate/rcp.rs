//! The organisation guardrail for a set of intents: a resource control policy that lets
//! web-identity federation in only from the organisation's own tenant of each CI system it
//! uses (one Deny per issuer, as AWS's "Limit access to trusted OIDC identity providers"
//! sample writes it, domain.md §8.3), and only from those issuers. As JSON and as
//! Terraform (`aws_organizations_policy` and its attachment).

use crate::ci;
use crate::generate::{generate, intent_error, CiProvider, Intent};
use crate::policy::parse::{parse_rcp, RCP_QUOTA};
use crate::text::diagnostic::Diagnostic;
use crate::text::json::push_json_string;

/// The guardrail [`generate_rcp`] writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedRcp {
    /// The RCP, JSON (pretty while it fits AWS's size limit, else minified).
    pub policy: String,
    /// Terraform: the `aws_organizations_policy` and its attachment to `var.rcp_target_id`.
    pub terraform: String,
    /// What it lets in and what it denies, in words.
    pub summary: String,
    /// What to know before attaching it.
    pub warnings: Vec<String>,
    /// Per issuer, the subjects its tokens must match (empty: the issuer itself is the
    /// organisation's, as Bitbucket's and CircleCI's are).
    pub tenants: Vec<(String, Vec<String>)>,
}

/// Writes the RCP that keeps every role in the organisation to the tenants of `intents`
/// (each intent's issuer, and its repositories' owners), and denies every other OIDC issuer
/// except those in `also_trusted` (an EKS cluster's, say).
///
/// # Example
/// ```
/// use oidc_trust::{generate_rcp, parse_rcp, Intent, Repository};
/// let intent = Intent {
///     account: "123456789012".into(),
///     repositories: vec![Repository { owner: "acme".into(), name: "api".into(), ..Repository::default() }],
///     ..Intent::default()
/// };
/// let rcp = generate_rcp(&[intent], &[])?;
/// assert_eq!(rcp.tenants[0], ("token.actions.githubusercontent.com".to_string(), vec!["repo:acme/*".to_string()]));
/// assert!(parse_rcp(&rcp.policy).policy.is_some());
/// # Ok::<(), oidc_trust::Diagnostic>(())
/// ```
pub fn generate_rcp(
    intents: &[Intent],
    also_trusted: &[String],
) -> Result<GeneratedRcp, Diagnostic> {
    if intents.is_empty() {
        return Err(intent_error(
            "no intent given".into(),
            "name the CI system and its repositories (--provider, --repo), or give spec files",
            "",
        ));
    }
    let mut tenants: Vec<(String, CiProvider, Vec<String>)> = Vec::new();
    for intent in intents {
        // The role generator validates the intent and resolves its issuer. A guardrail is
        // about tenants, not refs or accounts: those the role needs are filled in for it.
        let mut probe = intent.clone();
        if probe.account.is_empty() {
            probe.account = "000000000000".into();
        }
        if probe.branches.is_empty() && probe.tags.is_empty() && probe.environments.is_empty() {
            probe.any_ref = true;
        }
        let role = generate(&probe)?;
        if intent.provider == CiProvider::GitHub
            && role.include_claim_keys.first().is_some_and(|k| k != "repo")
        {
            return Err(intent_error(
                format!("the customised subject starts with `{}`, not `repo`", role.include_claim_keys.first().map(String::as_str).unwrap_or("")),
                "an organisation guardrail matches the subject's start (`repo:OWNER/*`): put `repo` first in the subject keys",
                "/subjectKeys",
            ));
        }
        let mut subjects: Vec<String> = Vec::new();
        for r in &intent.repositories {
            let more = match intent.provider {
                CiProvider::GitHub => ci::github::tenant_subjects(&r.owner, r.owner_id.as_deref()),
                CiProvider::GitLab => {
                    vec![ci::gitlab::tenant_subject(
                        r.owner.split('/').next().unwrap_or(&r.owner),
                    )]
                }
                CiProvider::Terraform => vec![ci::terraform::tenant_subject(&r.owner)],
                CiProvider::Buildkite => vec![ci::buildkite::tenant_subject(&r.owner)],
                CiProvider::CircleCi => vec![ci::circleci::tenant_subject(&r.owner)],
                // The issuer is the workspace's own: no other tenant's token carries it.
                CiProvider::Bitbucket => Vec::new(),
            };
            for s in more {
                if !subjects.contains(&s) {
                    subjects.push(s);
                }
            }
        }
        match tenants.iter_mut().find(|(i, _, _)| *i == role.issuer) {
            Some((_, _, existing)) => {
                for s in subjects {
                    if !existing.contains(&s) {
                        existing.push(s);
                    }
                }
            }
            None => tenants.push((role.issuer.clone(), intent.provider, subjects)),
        }
    }
    let mut trusted: Vec<String> = tenants.iter().map(|(i, _, _)| i.clone()).collect();
    for (n, raw) in also_trusted.iter().enumerate() {
        let issuer = ci::normalize_issuer(raw).map_err(|d| Diagnostic {
            location: crate::text::source::Location::pointer_only(format!("/alsoTrusted/{n}")),
            ..d
        })?;
        if !trusted.contains(&issuer) {
            trusted.push(issuer);
        }
    }

    let compact = document(&tenants, &trusted);
    let pretty = format!("{}\n", crate::text::json::indent_json(&compact));
    if compact.chars().count() > RCP_QUOTA {
        return Err(intent_error(
            format!(
                "the RCP would have {} characters, above the {RCP_QUOTA} AWS Organizations accepts",
                compact.chars().count()
            ),
            "split the intents across two RCPs (up to five can be attached to one target)",
            "",
        ));
    }
    let policy = if pretty.chars().count() <= RCP_QUOTA {
        pretty
    } else {
        compact.clone()
    };
    // The writer and the reader must agree: what is written is an RCP Organizations accepts.
    if let Err(refused) = parse_rcp(&policy).into_result() {
        return Err(refused.error);
    }

    let mut summary = String::from(
        "Organisation guardrail (resource control policy) for sts:AssumeRoleWithWebIdentity:\n",
    );
    for (issuer, provider, subjects) in &tenants {
        if subjects.is_empty() {
            summary.push_str(&format!(
                "- {} ({issuer}): the issuer is the organisation's own; any of its tokens\n",
                provider.label()
            ));
        } else {
            summary.push_str(&format!(
                "- {} ({issuer}): only subjects {}\n",
                provider.label(),
                subjects
                    .iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    for issuer in trusted
        .iter()
        .filter(|i| !tenants.iter().any(|(t, _, _)| t == *i))
    {
        summary.push_str(&format!("- {issuer}: trusted as given (not constrained)\n"));
    }
    summary.push_str("- every other OIDC issuer: denied\n");
    summary.push_str(
        "Each role's own trust policy still decides who gets in; the RCP only takes away.\n",
    );
    let warnings = vec![
        "the RCP denies web-identity federation from every issuer it does not list, in every member account it is attached to: Amazon EKS service accounts (IRSA), Cognito identity pools and other CI systems included. List their issuers as also trusted (--rcp-trust HOST) before attaching it".to_string(),
        "AWS recommends attaching a new RCP to one test account first, then OUs, before the root; RCPs do not restrict roles in the management account".to_string(),
    ];
    let terraform = terraform(&compact, &summary);
    Ok(GeneratedRcp {
        policy,
        terraform,
        summary,
        warnings,
        tenants: tenants.into_iter().map(|(i, _, s)| (i, s)).collect(),
    })
}

/// The RCP: one Deny per issuer whose tokens must carry one of its subjects, and one that
/// denies every token whose issuer is not trusted (every trusted issuer's `sub` key absent).
fn document(tenants: &[(String, CiProvider, Vec<String>)], trusted: &[String]) -> String {
    let string = |out: &mut String, s: &str| push_json_string(out, s);
    let head = |sid: &str| {
        let mut s = String::from("{\"Sid\"");
        s.push(':');
        string(&mut s, sid);
        for (k, v) in [
            ("Effect", "Deny"),
            ("Principal", "*"),
            ("Action", "sts:AssumeRoleWithWebIdentity"),
            ("Resource", "*"),
        ] {
            s.push(',');
            string(&mut s, k);
            s.push(':');
            string(&mut s, v);
        }
        s.push(',');
        s.push_str("\"Condition\"");
        s.push(':');
        s
    };
    let mut statements: Vec<String> = Vec::new();
    let mut sids: Vec<String> = Vec::new();
    for (issuer, provider, subjects) in tenants.iter().filter(|(_, _, s)| !s.is_empty()) {
        let base = format!("OnlyOur{}Tenant", sid_name(*provider));
        let count = sids.iter().filter(|s| s.starts_with(&base)).count();
        let sid = if count == 0 {
            base
        } else {
            format!("{base}{}", count + 1)
        };
        sids.push(sid.clone());
        let key = format!("{issuer}:sub");
        let mut s = head(&sid);
        s.push_str("{\"StringNotLikeIfExists\"");
        s.push(':');
        s.push('{');
        string(&mut s, &key);
        s.push(':');
        s.push('[');
        for (i, subject) in subjects.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            string(&mut s, subject);
        }
        s.push_str("]}");
        s.push(',');
        s.push_str("\"Null\"");
        s.push(':');
        s.push('{');
        string(&mut s, &key);
        s.push(':');
        s.push_str("\"false\"}}}");
        statements.push(s);
    }
    let mut only = head("OnlyOurIdentityProviders");
    only.push_str("{\"Null\"");
    only.push(':');
    only.push('{');
    for (i, issuer) in trusted.iter().enumerate() {
        if i > 0 {
            only.push(',');
        }
        string(&mut only, &format!("{issuer}:sub"));
        only.push(':');
        only.push_str("\"true\"");
    }
    only.push_str("}}}");
    statements.push(only);
    format!(
        "{{\"Version\":\"2012-10-17\",\"Statement\":[{}]}}",
        statements.join(",")
    )
}

fn sid_name(p: CiProvider) -> &'static str {
    match p {
        CiProvider::GitHub => "GitHub",
        CiProvider::GitLab => "GitLab",
        CiProvider::CircleCi => "CircleCI",
        CiProvider::Terraform => "HCPTerraform",
        CiProvider::Bitbucket => "Bitbucket",
        CiProvider::Buildkite => "Buildkite",
    }
}

/// The Terraform: the policy (its JSON inside `jsonencode`, which HCL reads as an object;
/// `${` would be a template there and is escaped), a variable for where it applies, and the
/// attachment.
fn terraform(compact: &str, summary: &str) -> String {
    let mut out = String::new();
    for line in summary.lines() {
        out.push_str(&format!("# {line}\n"));
    }
    out.push_str("# Generated by oidc-trust.\n\n");
    out.push_str("variable \"rcp_target_id\" {\n  description = \"Where the RCP applies: the organisation root (r-...), an OU (ou-...) or an account id. Attach it to a test account first.\"\n  type        = string\n}\n\n");
    out.push_str("resource \"aws_organizations_policy\" \"oidc_trusted_tenants\" {\n");
    out.push_str("  name        = \"oidc-trusted-tenants\"\n");
    out.push_str(
        "  description = \"Web-identity federation only from the organisation's own CI tenants\"\n",
    );
    out.push_str("  type        = \"RESOURCE_CONTROL_POLICY\"\n");
    out.push_str(&format!(
        "  content     = jsonencode({})\n",
        compact.replace("${", "$${").replace("%{", "%%{")
    ));
    out.push_str("}\n\n");
    out.push_str("resource \"aws_organizations_policy_attachment\" \"oidc_trusted_tenants\" {\n  policy_id = aws_organizations_policy.oidc_trusted_tenants.id\n  target_id = var.rcp_target_id\n}\n");
    out
}
