//! The request STS evaluates: who calls (the federated principal of the token's issuer),
//! which action, and the request context — the condition keys and their values.

use serde::Serialize;

pub use crate::ci::normalize_issuer;
use crate::policy::value::format_epoch;
use crate::request::catalog::{provider_exposure, CatalogVersion, Exposure, Provider};
use crate::request::claims::{ClaimValue, Claims};
use crate::text::diagnostic::Diagnostic;
use crate::text::note::Note;

/// The action evaluated when none is given.
pub const DEFAULT_ACTION: &str = "sts:AssumeRoleWithWebIdentity";

/// The claim that carries session tags (domain.md §1.4).
pub const SESSION_TAGS_CLAIM: &str = "https://aws.amazon.com/tags";

/// How to build a [`Request`] from claims.
#[derive(Debug, Clone, Default)]
pub struct RequestOptions {
    /// The issuer (host and optional path; `https://` is stripped). Default: the `iss` claim.
    pub issuer: Option<String>,
    /// The AWS account of the OIDC provider. Default: the account of the policy's
    /// Federated principal for this issuer.
    pub account: Option<String>,
    /// The action. Default: `sts:AssumeRoleWithWebIdentity`.
    pub action: Option<String>,
    /// Treat every claim as a condition key (what-if), not only those AWS exposes.
    pub all_claims_are_keys: bool,
    /// Which key catalog to use.
    pub catalog: CatalogVersion,
    /// The evaluation time, epoch seconds: sets `aws:CurrentTime`/`aws:EpochTime` and
    /// checks `exp`/`nbf`/`iat`.
    pub now: Option<i64>,
    /// Extra context keys (e.g. `aws:SourceIp`), each with its values.
    pub context: Vec<(String, Vec<String>)>,
    /// The ARN of the role assumed: the resource an RCP's `Resource` element is matched
    /// against. Unknown by default: then an RCP statement scoped to some roles is not
    /// counted (the trace says so).
    pub role: Option<String>,
}

/// Where a context key's values came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum KeySource {
    /// A token claim AWS exposes for this issuer.
    Claim {
        /// The claim's name.
        claim: String,
    },
    /// A token claim made a key by `all_claims_are_keys`.
    WhatIf {
        /// The claim's name.
        claim: String,
    },
    /// The session-tags claim.
    SessionTags,
    /// The evaluation time.
    Clock,
    /// Given by the caller.
    Given,
}

/// One condition key in the request context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContextKey {
    /// The key, e.g. `token.actions.githubusercontent.com:sub`.
    pub key: String,
    /// Its values: one for single-valued keys, several for lists.
    pub values: Vec<String>,
    /// Where the values came from.
    pub source: KeySource,
    #[serde(skip)]
    pub(crate) lower: String,
}

/// A prepared request: build it once per token, evaluate it against many policies.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Request {
    /// The issuer, as host and optional path.
    pub issuer: String,
    /// The action.
    pub action: String,
    /// The account given by the caller, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// The ARN of the role assumed, if given (for RCPs' `Resource`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// The key catalog used.
    pub catalog: CatalogVersion,
    /// The request context (read it with [`Request::keys`]: the lookup index follows it).
    pub(crate) keys: Vec<ContextKey>,
    /// Claims in the token that are not condition keys for this issuer.
    pub unexposed_claims: Vec<String>,
    /// Notes about the token and the request (expiry, issuer mismatch, ignored claims).
    pub notes: Vec<Note>,
    /// Whether the token carries session tags (then `sts:TagSession` must be allowed too).
    pub has_session_tags: bool,
    #[serde(skip)]
    pub(crate) action_lower: String,
    #[serde(skip)]
    pub(crate) claims: Claims,
    #[serde(skip)]
    pub(crate) all_claims_are_keys: bool,
    /// Open-addressing table of key positions (+1, 0 = empty) by the lower-case name, for
    /// requests with many keys: each condition then finds its key in constant time, so
    /// evaluation stays linear in the number of conditions (empty for small requests,
    /// where a scan is faster).
    #[serde(skip)]
    index: Vec<u32>,
}

/// Requests with more keys than this get a lookup index.
const INDEX_FROM: usize = 24;

/// FNV-1a: a few lines, no dependency, good enough for a table of key names.
fn hash(name: &str) -> usize {
    let mut h: u32 = 0x811c_9dc5;
    for b in name.bytes() {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    h as usize
}

fn options_error(code: &'static str, message: String, help: &str, pointer: &str) -> Diagnostic {
    Diagnostic::options(code, message, help, pointer)
}

/// Reads a catalog version option (`2026-08`, `2023-06`); every face reports it alike.
pub fn catalog_option(text: &str) -> Result<CatalogVersion, Diagnostic> {
    CatalogVersion::parse(text).ok_or_else(|| {
        options_error(
            "invalid-catalog",
            format!("`{text}` is not a catalog version"),
            "use 2026-08 (current) or 2023-06",
            "/catalog",
        )
    })
}

/// Reads an evaluation-time option: epoch seconds or an ISO 8601 date-time.
pub fn time_option(text: &str) -> Result<i64, Diagnostic> {
    crate::policy::value::parse_timestamp(text).ok_or_else(|| {
        options_error(
            "invalid-time",
            format!("`{text}` is not a time"),
            "give epoch seconds or an ISO 8601 date-time like 2026-11-22T10:00:00Z",
            "/now",
        )
    })
}

/// The claims a policy's decision can depend on: those named by its condition keys and
/// policy variables, plus what the request itself reads (`iss`, Google's `aud`/`azp`, the
/// session-tags claim). Dropping every other claim before building the request leaves the
/// decision unchanged, so bulk callers move and parse only these (the trace, which lists
/// the whole request, still needs every claim).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimFilter {
    /// Lower-case claim names, each once (a handful: a linear scan beats sorting code in
    /// the WebAssembly build).
    names: Vec<String>,
}

impl ClaimFilter {
    /// The claims `policy` can read.
    pub fn of(policy: &crate::policy::model::Policy) -> ClaimFilter {
        let mut names: Vec<String> = Vec::new();
        let mut keep = |name: String| {
            if !names.contains(&name) {
                names.push(name);
            }
        };
        for name in ["iss", "aud", "azp", SESSION_TAGS_CLAIM] {
            keep(name.to_string());
        }
        // A key `issuer:claim` may have colons in its issuer (a port) or in its claim name:
        // every tail after a colon is kept. Keeping too many only costs a little time.
        let mut add = |key: &str| {
            for (i, _) in key.match_indices(':') {
                if let Some(tail) = key.get(i + 1..) {
                    keep(tail.to_ascii_lowercase());
                }
            }
        };
        for c in policy.statements.iter().flat_map(|s| &s.conditions) {
            add(&c.key);
            for v in &c.values {
                for variable in v.compiled.variables() {
                    add(&variable.key);
                }
            }
        }
        ClaimFilter { names }
    }

    /// The claim names kept, lower-case.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Whether the claim `name` (any case) is kept.
    pub fn keeps(&self, name: &str) -> bool {
        self.names.iter().any(|n| n.eq_ignore_ascii_case(name))
    }

    /// Reads claims JSON or a JWT as [`crate::read_claims_or_token`] does (the same
    /// errors), building only the claims the policy can read: what a decision needs.
    pub fn read(
        &self,
        text: &str,
    ) -> Result<crate::request::claims::ClaimsInput, crate::text::diagnostic::Diagnostic> {
        crate::request::claims::read_claims_or_token_keeping(text, Some(&|name| self.keeps(name)))
    }

    /// The claims without those the policy cannot read.
    pub fn apply(&self, mut claims: Claims) -> Claims {
        claims.retain(|name| self.keeps(name));
        claims
    }
}

impl Request {
    /// Builds the request context from claims.
    pub fn new(claims: &Claims, options: &RequestOptions) -> Result<Request, Diagnostic> {
        Request::from_claims(claims.clone(), options)
    }

    /// Builds the request context, keeping the claims (for policy variables) without a copy.
    pub fn from_claims(claims: Claims, options: &RequestOptions) -> Result<Request, Diagnostic> {
        let mut notes = Vec::new();
        let token_iss = claims.get("iss").and_then(ClaimValue::as_str);
        let issuer = match (&options.issuer, token_iss) {
            (Some(given), iss) => {
                let issuer = normalize_issuer(given)?;
                if let Some(iss) = iss {
                    if normalize_issuer(iss).ok().as_deref() != Some(issuer.as_str()) {
                        notes.push(Note::warning("issuer-mismatch", format!("the token's `iss` is `{iss}`, but the request is evaluated for the issuer `{issuer}`; STS matches the token's `iss` with a registered provider")));
                    }
                }
                issuer
            }
            (None, Some(iss)) => normalize_issuer(iss)?,
            (None, None) => {
                return Err(options_error(
                    "missing-issuer",
                    "the issuer is unknown: the claims have no `iss` and none was given".into(),
                    &format!(
                        "pass the issuer (e.g. --issuer {}) or add an `iss` claim",
                        crate::ci::github::ISSUER
                    ),
                    "/issuer",
                ))
            }
        };
        let action = options
            .action
            .clone()
            .unwrap_or_else(|| DEFAULT_ACTION.to_string());
        if !action.contains(':') {
            return Err(options_error(
                "invalid-action",
                format!("`{action}` is not an action"),
                "write service:Action, e.g. sts:AssumeRoleWithWebIdentity",
                "/action",
            ));
        }
        if let Some(account) = &options.account {
            if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
                return Err(options_error(
                    "invalid-account",
                    format!("`{account}` is not an AWS account id"),
                    "an account id is 12 digits",
                    "/account",
                ));
            }
        }
        let mut request = Request {
            issuer,
            action_lower: action.to_ascii_lowercase(),
            action,
            account: options.account.clone(),
            role: options.role.clone(),
            catalog: options.catalog,
            keys: Vec::new(),
            unexposed_claims: Vec::new(),
            notes,
            has_session_tags: false,
            // Moved in at the end: the context is built from a borrow of them first.
            claims: Claims::default(),
            all_claims_are_keys: options.all_claims_are_keys,
            index: Vec::new(),
        };
        request.add_claims(&claims, options);
        if let Some(now) = options.now {
            request.push(
                "aws:CurrentTime".into(),
                vec![format_epoch(now)],
                KeySource::Clock,
            );
            request.push(
                "aws:EpochTime".into(),
                vec![now.to_string()],
                KeySource::Clock,
            );
        }
        for (key, values) in &options.context {
            request.keys.retain(|k| !k.key.eq_ignore_ascii_case(key));
            request.push(key.clone(), values.clone(), KeySource::Given);
        }
        request
            .notes
            .extend(crate::request::claims::token_time_notes(
                &claims,
                options.now,
            ));
        request.claims = claims;
        request.build_index();
        Ok(request)
    }

    fn build_index(&mut self) {
        self.index.clear();
        if self.keys.len() <= INDEX_FROM {
            return;
        }
        let size = (self.keys.len() * 2).next_power_of_two();
        self.index.resize(size, 0);
        for (i, k) in self.keys.iter().enumerate() {
            let mut slot = hash(&k.lower) & (size - 1);
            // Probing in insertion order keeps the first of two equal keys first, as the
            // scan would find it.
            while self.index.get(slot).is_some_and(|&p| p != 0) {
                slot = (slot + 1) & (size - 1);
            }
            if let Some(cell) = self.index.get_mut(slot) {
                *cell = u32::try_from(i + 1).unwrap_or(0);
            }
        }
    }

    /// The request context: every condition key and its values.
    pub fn keys(&self) -> &[ContextKey] {
        &self.keys
    }

    fn push(&mut self, key: String, values: Vec<String>, source: KeySource) {
        let lower = key.to_ascii_lowercase();
        self.keys.push(ContextKey {
            key,
            values,
            source,
            lower,
        });
    }

    fn add_claims(&mut self, claims: &Claims, options: &RequestOptions) {
        let provider = Provider::of_issuer(&self.issuer);
        let google_azp = (provider == Provider::Google)
            .then(|| claims.get("azp").and_then(ClaimValue::as_str))
            .flatten();
        for (name, value) in claims.iter() {
            if name == SESSION_TAGS_CLAIM {
                self.add_session_tags(value);
                continue;
            }
            let exposed = provider_exposure(self.catalog, provider, name);
            let source = match (exposed, options.all_claims_are_keys) {
                (Exposure::No, false) => {
                    self.unexposed_claims.push(name.to_string());
                    continue;
                }
                (Exposure::No, true) => KeySource::WhatIf {
                    claim: name.to_string(),
                },
                _ => KeySource::Claim {
                    claim: name.to_string(),
                },
            };
            let Some(mut values) = key_values(value) else {
                self.notes.push(Note::warning("claim-not-a-key-value", format!("the claim `{name}` is {}, which cannot be a condition key value; it is treated as absent", value.describe())));
                continue;
            };
            // Google: when a token has `azp`, `accounts.google.com:aud` is the azp and
            // `:oaud` is the real audience (domain.md §3.2).
            if let (Some(azp), "aud") = (google_azp, name) {
                self.push(format!("{}:oaud", self.issuer), values, source.clone());
                values = vec![azp.to_string()];
            }
            self.push(format!("{}:{name}", self.issuer), values, source);
        }
    }

    fn add_session_tags(&mut self, value: &ClaimValue) {
        let ClaimValue::Object(members) = value else {
            return;
        };
        self.has_session_tags = true;
        for (name, v) in members {
            match (name.as_str(), v) {
                ("principal_tags", ClaimValue::Object(tags)) => {
                    let mut tag_keys = Vec::new();
                    for (tag, tag_value) in tags {
                        let values = key_values(tag_value).unwrap_or_default();
                        tag_keys.push(tag.clone());
                        self.push(
                            format!("aws:RequestTag/{tag}"),
                            values.into_iter().take(1).collect(),
                            KeySource::SessionTags,
                        );
                    }
                    self.push("aws:TagKeys".into(), tag_keys, KeySource::SessionTags);
                }
                ("transitive_tag_keys", v) => {
                    let values = key_values(v).unwrap_or_default();
                    self.push(
                        "sts:TransitiveTagKeys".into(),
                        values,
                        KeySource::SessionTags,
                    );
                }
                _ => {}
            }
        }
    }

    /// The context key, looked up case-insensitively (`key_lower` is lower-case).
    #[inline]
    pub(crate) fn lookup(&self, key_lower: &str) -> Option<&ContextKey> {
        if self.index.is_empty() {
            return self.keys.iter().find(|k| k.lower == key_lower);
        }
        let size = self.index.len();
        let mut slot = hash(key_lower) & (size - 1);
        loop {
            let position = *self.index.get(slot)? as usize;
            let key = self.keys.get(position.checked_sub(1)?)?;
            if key.lower == key_lower {
                return Some(key);
            }
            slot = (slot + 1) & (size - 1);
        }
    }

    /// The context key with this name (any case), if the request has it.
    pub fn key(&self, name: &str) -> Option<&ContextKey> {
        self.lookup(&name.to_ascii_lowercase())
    }
}

/// The values of a claim as context-key values: strings as they are, lists as several
/// values, numbers and booleans as their JSON text. Objects and null have none.
fn key_values(value: &ClaimValue) -> Option<Vec<String>> {
    match value {
        ClaimValue::String(s) => Some(vec![s.clone()]),
        ClaimValue::Number(n) => Some(vec![n.clone()]),
        ClaimValue::Bool(b) => Some(vec![b.to_string()]),
        ClaimValue::Array(items) => items
            .iter()
            .map(|i| match i {
                ClaimValue::String(s) => Some(s.clone()),
                ClaimValue::Number(n) => Some(n.clone()),
                ClaimValue::Bool(b) => Some(b.to_string()),
                _ => None,
            })
            .collect(),
        ClaimValue::Null | ClaimValue::Object(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hash index finds exactly what a scan finds, in requests large enough to have one.
    #[test]
    fn indexed_lookup_matches_a_scan() {
        for n in [0usize, 5, INDEX_FROM, INDEX_FROM + 1, 300] {
            let mut text = String::from(r#"{"iss":"https://token.actions.githubusercontent.com""#);
            for i in 0..n {
                text.push_str(&format!(r#","Claim{i}":"v{i}""#));
            }
            text.push('}');
            let claims = crate::request::claims::read_claims(&text).unwrap_or_default();
            let options = RequestOptions {
                all_claims_are_keys: true,
                context: vec![("aws:SourceIp".into(), vec!["203.0.113.7".into()])],
                ..RequestOptions::default()
            };
            let Ok(request) = Request::from_claims(claims, &options) else {
                panic!("request with {n} claims");
            };
            assert_eq!(request.index.is_empty(), request.keys.len() <= INDEX_FROM);
            for probe in request.keys.iter().map(|k| k.lower.clone()).chain([
                "absent:key".to_string(),
                "token.actions.githubusercontent.com:claim".into(),
            ]) {
                let scanned = request.keys.iter().find(|k| k.lower == probe);
                assert_eq!(request.lookup(&probe), scanned, "{n}: {probe}");
            }
        }
    }
}
