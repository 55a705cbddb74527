//! Which token claims AWS STS exposes as condition keys, per issuer, as versioned data.
//!
//! A claim that is not in this catalog is absent from the request context: a positive
//! condition on it never matches, a negated one always passes (domain.md §3.4). The set
//! grew in 2026, so it is versioned: `2026-08` follows the Service Authorization
//! Reference of August 2026; `2023-06` is the generic set from before the
//! provider-specific keys.

use serde::Serialize;

/// A version of the key catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum CatalogVersion {
    /// Generic OIDC keys only (`aud`, `sub`, `amr`, `azp`), as documented in June 2023.
    #[serde(rename = "2023-06")]
    V2023,
    /// Adds the provider-specific keys of 2026 (GitHub, GitLab, Buildkite, CircleCI,
    /// Google, OCI), per AWS's Service Authorization Reference of August 2026.
    #[default]
    #[serde(rename = "2026-08")]
    V2026,
}

impl CatalogVersion {
    /// The version's name.
    pub fn name(self) -> &'static str {
        match self {
            CatalogVersion::V2023 => "2023-06",
            CatalogVersion::V2026 => "2026-08",
        }
    }

    /// Parses a version name.
    pub fn parse(name: &str) -> Option<CatalogVersion> {
        match name {
            "2023-06" | "2023" => Some(CatalogVersion::V2023),
            "2026-08" | "2026" | "latest" => Some(CatalogVersion::V2026),
            _ => None,
        }
    }
}

/// Whether and how surely a claim is exposed as a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exposure {
    /// AWS documents the key.
    Documented,
    /// Third-party summaries list it but AWS's text could not be confirmed (domain.md §3.2).
    Unconfirmed,
    /// Not a condition key.
    No,
}

/// The CI systems and identity providers the catalog knows by issuer.
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

impl Provider {
    /// Classifies an issuer (host and path, no scheme).
    pub fn of_issuer(issuer: &str) -> Provider {
        let lower;
        let issuer = if issuer.bytes().any(|b| b.is_ascii_uppercase()) {
            lower = issuer.to_ascii_lowercase();
            lower.as_str()
        } else {
            issuer
        };
        let (host, path) = issuer.split_once('/').unwrap_or((issuer, ""));
        if host == "token.actions.githubusercontent.com"
            || (host.starts_with("token.actions.") && host.ends_with(".ghe.com"))
            || (host == "github.com" && path.starts_with("enterprises/"))
        {
            Provider::GitHub
        } else if issuer == "gitlab.com" {
            Provider::GitLab
        } else if host == "agent.buildkite.com"
            || (host.starts_with("agent.")
                && (host.ends_with(".buildkite.dev") || host.ends_with(".buildkite.site")))
        {
            Provider::Buildkite
        } else if host == "oidc.circleci.com" && path.starts_with("org/") {
            Provider::CircleCi
        } else if issuer == "accounts.google.com" {
            Provider::Google
        } else if host.starts_with("idcs-") && host.ends_with(".identity.oraclecloud.com") {
            Provider::Oci
        } else if issuer == "cognito-identity.amazonaws.com" {
            Provider::Cognito
        } else if issuer == "www.amazon.com" {
            Provider::Amazon
        } else if issuer == "graph.facebook.com" {
            Provider::Facebook
        } else {
            Provider::Other
        }
    }
}

const GITHUB: [&str; 10] = [
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
const GITLAB: [&str; 9] = [
    "namespace_id",
    "pipeline_source",
    "project_id",
    "ref_protected",
    "runner_environment",
    "user_access_level",
    "user_email",
    "user_id",
    "user_login",
];
const BUILDKITE: [&str; 7] = [
    "build_branch",
    "cluster_id",
    "cluster_name",
    "organization_id",
    "organization_slug",
    "pipeline_id",
    "pipeline_slug",
];

/// Whether `claim` of a token from `issuer` is a condition key `issuer:claim`.
pub(crate) fn exposure(version: CatalogVersion, issuer: &str, claim: &str) -> Exposure {
    provider_exposure(version, Provider::of_issuer(issuer), claim)
}

/// Whether `claim` of a token from `provider` is a condition key.
pub(crate) fn provider_exposure(
    version: CatalogVersion,
    provider: Provider,
    claim: &str,
) -> Exposure {
    match (provider, claim) {
        (Provider::Facebook, "app_id" | "id") | (Provider::Amazon, "app_id" | "user_id") => {
            return Exposure::Documented
        }
        (Provider::Facebook | Provider::Amazon, _) => return Exposure::No,
        (Provider::Google, "oaud") => return Exposure::Documented,
        _ => {}
    }
    match claim {
        "aud" | "sub" | "amr" | "azp" => return Exposure::Documented,
        "email" | "oaud" if version == CatalogVersion::V2026 => return Exposure::Unconfirmed,
        _ => {}
    }
    if version == CatalogVersion::V2023 {
        return Exposure::No;
    }
    let listed = match provider {
        Provider::GitHub => GITHUB.contains(&claim),
        Provider::GitLab => GITLAB.contains(&claim),
        Provider::Buildkite => BUILDKITE.contains(&claim),
        Provider::CircleCi => claim == "oidc.circleci.com/project-id",
        Provider::Google => claim == "google/organization_number",
        Provider::Oci => claim == "rpst_id",
        _ => false,
    };
    if listed {
        Exposure::Documented
    } else {
        Exposure::No
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // domain.md §3.3: the GitHub keys exist under every GitHub issuer form.
    #[test]
    fn github_keys_by_issuer_form() {
        for issuer in [
            "token.actions.githubusercontent.com",
            "token.actions.githubusercontent.com/acme",
            "token.actions.octo.ghe.com",
            "github.com/enterprises/acme",
        ] {
            assert_eq!(
                exposure(CatalogVersion::V2026, issuer, "repository_id"),
                Exposure::Documented,
                "{issuer}"
            );
            assert_eq!(
                exposure(CatalogVersion::V2026, issuer, "event_name"),
                Exposure::No,
                "{issuer}"
            );
        }
        assert_eq!(
            exposure(
                CatalogVersion::V2023,
                "token.actions.githubusercontent.com",
                "repository_id"
            ),
            Exposure::No
        );
        assert_eq!(
            exposure(
                CatalogVersion::V2023,
                "token.actions.githubusercontent.com",
                "sub"
            ),
            Exposure::Documented
        );
    }

    // domain.md §3.2/§3.4: `iss` is never a key; GHES issuers get generic keys only.
    #[test]
    fn iss_and_ghes() {
        assert_eq!(
            exposure(
                CatalogVersion::V2026,
                "token.actions.githubusercontent.com",
                "iss"
            ),
            Exposure::No
        );
        assert_eq!(
            exposure(
                CatalogVersion::V2026,
                "ghes.example.com/_services/token",
                "repository"
            ),
            Exposure::No
        );
        assert_eq!(
            exposure(
                CatalogVersion::V2026,
                "oidc.circleci.com/org/abc",
                "oidc.circleci.com/project-id"
            ),
            Exposure::Documented
        );
        assert_eq!(
            exposure(CatalogVersion::V2026, "gitlab.example.com", "project_id"),
            Exposure::No
        );
        assert_eq!(
            exposure(CatalogVersion::V2026, "gitlab.com", "project_id"),
            Exposure::Documented
        );
    }
}
