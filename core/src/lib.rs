#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

mod analysis;
mod ci;
mod eval;
mod generate;
mod policy;
mod request;
mod text;

pub use analysis::who_can::{analyze, diff, prove, AdmittedCase, PolicyDiff, Proof, RegionReport};
pub use ci::Provider;
pub use request::catalog::CatalogVersion;
pub use request::claims::{
    decode_token, is_claims_json, read_claims, read_claims_or_token, token_time_notes, ClaimValue,
    Claims, ClaimsInput, DecodedToken, CLOCK_SKEW_SECONDS, MAX_CLAIMS_BYTES,
};
pub use text::diagnostic::{Diagnostic, FlatDiagnostic, Severity};

/// Parses a time given as epoch seconds or an ISO 8601 date-time; returns epoch seconds.
pub fn parse_timestamp(text: &str) -> Option<i64> {
    policy::value::parse_date(text).map(|millis| millis.div_euclid(1000))
}
pub use analysis::lint::{lint, Finding, LintOptions, LintReport, LINT_VERSION};
pub use analysis::replay::{replay, replay_from, Attempt, Replay};
pub use analysis::sources::{lint_source, DocumentLint, SourceKind, SourceLint, MAX_SOURCE_BYTES};
pub use eval::evaluate::evaluate;
pub use eval::matcher::decide;
pub use eval::trace::{
    Absence, ConditionTrace, Decision, DecisionReason, ElementTrace, ElementValue, Evaluation,
    RequestSummary, StatementTrace, ValueTrace, TRACE_VERSION,
};
pub use generate::{generate, read_intent, CiProvider, Generated, Intent, Repository};
pub use policy::model::{
    ActionPattern, ActionSpec, Condition, ConditionValue, Effect, Policy, PolicyVersion,
    PrincipalKind, PrincipalSpec, PrincipalValue, Statement,
};
pub use policy::operator::{BaseOperator, Family, Operator, SetQualifier};
pub use policy::parse::{parse_policy, Parsed, MAX_POLICY_BYTES, TRUST_POLICY_QUOTA};
pub use policy::pattern::Variable;
pub use request::context::{
    catalog_option, normalize_issuer, time_option, ClaimFilter, ContextKey, KeySource, Request,
    RequestOptions, DEFAULT_ACTION, SESSION_TAGS_CLAIM,
};
pub use text::json::push_json_string;
pub use text::note::{Note, NoteLevel};
pub use text::severity::FindingSeverity;
pub use text::source::{Location, Position, Span};
