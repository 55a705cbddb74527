//! The evaluation trace: one serialisable type shared by the CLI, the npm package and
//! the playground.
//!
//! # Format v1 (deprecated)
//!
//! The wire format is v2 ([`Evaluation::wire`], [`Evaluation::one_shot`]). `Evaluation` itself still serialises to camelCase JSON: `version` (1), `decision` (`allow` or
//! `deny`), `reason` (`{kind: allowed|explicitDeny|rcpDeny|noAllow|tagSessionNotAllowed,
//! statements}`), `summary`, `request` (issuer, principal, account, action, catalog,
//! context keys, unexposed claims), `statements` (each with its principal, action and
//! condition checks), and `notes` (token timing, assumptions). Every check carries a
//! `location`: a JSON pointer into the policy and, when the policy was read from text,
//! the span with line, column and UTF-16 offsets. Fields are only ever added within a
//! version.

use serde::Serialize;

use crate::policy::model::Effect;
use crate::request::catalog::CatalogVersion;
use crate::request::context::ContextKey;
use crate::text::note::Note;
use crate::text::source::Location;

/// The version of [`Evaluation`]'s own serialisation: format v1, deprecated (the wire
/// format is v2, written by [`Evaluation::wire`] and [`Evaluation::one_shot`]).
pub const TRACE_VERSION_1: u32 = 1;

/// Allow or deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// The role may be assumed.
    Allow,
    /// The role may not be assumed.
    Deny,
}

impl Decision {
    /// `allow` or `deny`.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allow => "allow",
            Decision::Deny => "deny",
        }
    }
}

/// Why the decision is what it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum DecisionReason {
    /// Allow statements apply and no Deny statement does.
    Allowed {
        /// Indexes of the Allow statements that apply.
        statements: Vec<usize>,
    },
    /// A Deny statement applies: explicit deny beats any allow.
    ExplicitDeny {
        /// Indexes of the Deny statements that apply.
        statements: Vec<usize>,
    },
    /// No Allow statement applies: denied by default.
    NoAllow,
    /// No Deny statement of the trust policy applies, but a statement of a resource control
    /// policy does: the organisation's guardrail decided.
    RcpDeny {
        /// Indexes of the RCP statements that apply (each trace statement says which RCP).
        statements: Vec<usize>,
    },
    /// The token carries session tags and no statement allows `sts:TagSession`.
    TagSessionNotAllowed {
        /// Indexes of the Allow statements that apply to the main action.
        statements: Vec<usize>,
    },
}

/// The full answer: the decision and how every statement and condition contributed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Evaluation {
    /// Always [`TRACE_VERSION_1`]: this type serialises as format v1; `wire` and
    /// `one_shot` write v2.
    pub version: u32,
    /// Allow or deny.
    pub decision: Decision,
    /// Why.
    pub reason: DecisionReason,
    /// The decision and its reason in one sentence.
    pub summary: String,
    /// What was evaluated.
    pub request: RequestSummary,
    /// Every statement, in order.
    pub statements: Vec<StatementTrace>,
    /// Token timing, request remarks and assumptions.
    pub notes: Vec<Note>,
    /// Warnings about the policy, filled in by the face that parsed it (errors stop
    /// evaluation, so there are none here).
    pub diagnostics: Vec<crate::text::diagnostic::Diagnostic>,
    /// The JOSE header, when the claims were read from a JWT (filled in by the face).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_header: Option<crate::request::claims::Claims>,
}

impl Evaluation {
    /// Calls `f` on every location in the trace (faces move them into the file a policy
    /// was found in).
    pub fn for_each_location(&mut self, f: &mut dyn FnMut(&mut Location)) {
        // RCP statements are located in their own documents, not in the trust policy's file.
        for s in self.statements.iter_mut().filter(|s| s.rcp.is_none()) {
            f(&mut s.location);
            f(&mut s.principal.location);
            s.principal
                .values
                .iter_mut()
                .for_each(|v| f(&mut v.location));
            f(&mut s.action.location);
            s.action.values.iter_mut().for_each(|v| f(&mut v.location));
            for c in &mut s.conditions {
                f(&mut c.location);
                f(&mut c.key_location);
                c.values.iter_mut().for_each(|v| f(&mut v.location));
            }
        }
        self.diagnostics.iter_mut().for_each(|d| f(&mut d.location));
    }

    /// The evaluation with what came with its inputs: the policy's warnings and the
    /// token's header. The CLI's `--format json` and the npm package print this.
    pub fn with_inputs(
        mut self,
        diagnostics: &[crate::text::diagnostic::Diagnostic],
        token_header: Option<crate::request::claims::Claims>,
    ) -> Evaluation {
        self.diagnostics = diagnostics.to_vec();
        self.token_header = token_header;
        self
    }
}

/// The evaluated request.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestSummary {
    /// The issuer.
    pub issuer: String,
    /// The caller: `arn:aws:iam::ACCOUNT:oidc-provider/ISSUER`, or the built-in provider name.
    pub principal: String,
    /// The account of the OIDC provider, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// Where the account came from: `given`, `policy`, or `unknown`.
    pub account_source: &'static str,
    /// The action.
    pub action: String,
    /// The key catalog used.
    pub catalog: CatalogVersion,
    /// The request context.
    pub keys: Vec<ContextKey>,
    /// Token claims that are not condition keys for this issuer.
    pub unexposed_claims: Vec<String>,
}

/// How one statement was evaluated.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatementTrace {
    /// Position in the policy.
    pub index: usize,
    /// The Sid, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// Allow or Deny.
    pub effect: Effect,
    /// Where the statement is.
    pub location: Location,
    /// Whether principal, action and every condition matched.
    pub applies: bool,
    /// In one sentence.
    pub summary: String,
    /// The `Principal` check.
    pub principal: ElementTrace,
    /// The `Action`/`NotAction` check.
    pub action: ElementTrace,
    /// The `Resource`/`NotResource` check, for an RCP statement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<ElementTrace>,
    /// Every condition, in document order.
    pub conditions: Vec<ConditionTrace>,
    /// For an RCP statement: which RCP, and its place there (its locations point into
    /// that RCP's text).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rcp: Option<crate::policy::model::RcpStatement>,
}

/// The check of a `Principal` or `Action` element.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ElementTrace {
    /// Whether the element matched the request.
    pub matched: bool,
    /// Why, in words.
    pub why: String,
    /// Where the element is.
    pub location: Location,
    /// Each listed value and whether it matched.
    pub values: Vec<ElementValue>,
}

/// One value of a `Principal` or `Action` element.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ElementValue {
    /// The value as written.
    pub value: String,
    /// Whether it matched.
    pub matched: bool,
    /// Where it is.
    pub location: Location,
}

/// How one condition (operator + key) was evaluated.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConditionTrace {
    /// The operator as written.
    pub operator: String,
    /// The key as written.
    pub key: String,
    /// Whether the condition holds.
    pub satisfied: bool,
    /// Why, in words.
    pub why: String,
    /// The request's values for the key; absent when the key is not in the request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_values: Option<Vec<String>>,
    /// Why the key is absent, when it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub absence: Option<Absence>,
    /// Where the operator is.
    pub location: Location,
    /// Where the key is.
    pub key_location: Location,
    /// Each policy value compared with each request value.
    pub values: Vec<ValueTrace>,
}

/// Why a condition key is absent from the request context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Absence {
    /// The token has no such claim.
    ClaimMissing {
        /// The claim's name.
        claim: String,
    },
    /// The token has the claim, but AWS does not expose it as a condition key.
    ClaimNotExposed {
        /// The claim's name.
        claim: String,
    },
    /// The claim is an object or null, which cannot be a key value.
    ClaimNotAValue {
        /// The claim's name.
        claim: String,
    },
    /// The key belongs to another issuer.
    OtherIssuer {
        /// The issuer the key names.
        issuer: String,
    },
    /// The key is time-based and no evaluation time was given.
    TimeNotGiven,
    /// A key oidc-trust does not derive from a token; it can be given explicitly.
    NotGiven,
}

/// One comparison of a policy value with a request value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ValueTrace {
    /// The policy value as written.
    pub value: String,
    /// The value after policy-variable substitution, when it has variables.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved: Option<String>,
    /// The request value compared; absent when the key is absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<String>,
    /// Whether the two match (before negation).
    pub matched: bool,
    /// Why, in words.
    pub why: String,
    /// Where the policy value is.
    pub location: Location,
}
