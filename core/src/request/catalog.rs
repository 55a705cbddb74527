//! Which token claims AWS STS exposes as condition keys, per issuer, as versioned data.
//!
//! A claim that is not in this catalog is absent from the request context: a positive
//! condition on it never matches, a negated one always passes (domain.md §3.4). The set
//! grew in 2026, so it is versioned: `2026-08` follows the Service Authorization
//! Reference of August 2026; `2023-06` is the generic set from before the
//! provider-specific keys.

use serde::Serialize;

pub use crate::ci::Provider;

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
    let listed = provider.keys().contains(&claim);
    if listed {
        Exposure::Documented
    } else {
        Exposure::No
    }
}

/// The claims of `issuer`'s tokens that are condition keys in `version`: what a mistyped
/// key is compared with for "did you mean".
pub(crate) fn exposed_claims(version: CatalogVersion, issuer: &str) -> Vec<&'static str> {
    let provider = Provider::of_issuer(issuer);
    let mut all = vec![
        "aud", "sub", "amr", "azp", "email", "oaud", "app_id", "id", "user_id",
    ];
    all.extend(provider.keys().iter().copied());
    all.retain(|claim| provider_exposure(version, provider, claim) != Exposure::No);
    all
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
