//! The one reader of the OIDC provider ARNs that Federated principals name.
//!
//! Two readings of the same text: [`provider_arn`] is IAM's (a well-formed
//! `arn:PARTITION:iam::ACCOUNT:oidc-provider/ISSUER`, the only form the evaluator matches);
//! [`named_issuer`] is the author's intent (the issuer after `:oidc-provider/` in any ARN,
//! or a built-in provider's host), which lint, the replay and the parser's warnings speak
//! about even when IAM would never match the principal.

/// A well-formed OIDC provider ARN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ProviderArn<'a> {
    /// The account that registered the provider.
    pub(crate) account: &'a str,
    /// The issuer: host and optional path.
    pub(crate) provider: &'a str,
}

/// Reads `arn:PARTITION:iam::ACCOUNT:oidc-provider/PROVIDER` as IAM does: every part in
/// place, service `iam`, no region.
#[inline]
pub(crate) fn provider_arn(arn: &str) -> Option<ProviderArn<'_>> {
    let mut parts = arn.splitn(6, ':');
    let (scheme, _partition, service, region, account, resource) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    let provider = resource.strip_prefix("oidc-provider/")?;
    (scheme == "arn" && service == "iam" && region.is_empty())
        .then_some(ProviderArn { account, provider })
}

/// The issuer a Federated principal value names: what follows `:oidc-provider/` in an ARN
/// (even a malformed one), else the value itself (`accounts.google.com`...).
pub(crate) fn named_issuer(federated: &str) -> &str {
    if let Some(arn) = provider_arn(federated) {
        return arn.provider;
    }
    match federated.split_once(":oidc-provider/") {
        Some((_, provider)) if federated.starts_with("arn:") => provider,
        _ => federated,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_and_lenient_readings() {
        let good = "arn:aws-cn:iam::123456789012:oidc-provider/host.example/path:x";
        assert_eq!(
            provider_arn(good),
            Some(ProviderArn {
                account: "123456789012",
                provider: "host.example/path:x"
            })
        );
        assert_eq!(named_issuer(good), "host.example/path:x");
        // A region makes it something IAM never matches, but the author still meant `x`.
        let regional = "arn:aws:iam:us-east-1:123456789012:oidc-provider/x";
        assert_eq!(provider_arn(regional), None);
        assert_eq!(named_issuer(regional), "x");
        assert_eq!(named_issuer("accounts.google.com"), "accounts.google.com");
        assert_eq!(provider_arn("arn:aws:iam::1:role/x"), None);
    }
}
