#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

mod analyze;
mod catalog;
mod claims;
mod diagnostic;
mod eval;
mod generate;
mod json;
mod lint;
mod operator;
mod parse;
mod pattern;
mod policy;
mod region;
mod replay;
mod request;
mod source;
mod sources;
mod trace;
mod value;

pub use analyze::{analyze, diff, prove, AdmittedCase, PolicyDiff, Proof, RegionReport};
pub use catalog::{CatalogVersion, Provider};
pub use claims::{
    decode_token, is_claims_json, read_claims, read_claims_or_token, token_time_notes, ClaimValue,
    Claims, ClaimsInput, DecodedToken, CLOCK_SKEW_SECONDS, MAX_CLAIMS_BYTES,
};
pub use diagnostic::{Diagnostic, FlatDiagnostic, Severity};

/// Parses a time given as epoch seconds or an ISO 8601 date-time; returns epoch seconds.
pub fn parse_timestamp(text: &str) -> Option<i64> {
    value::parse_date(text).map(|millis| millis.div_euclid(1000))
}
pub use eval::{decide, evaluate};
pub use generate::{generate, read_intent, CiProvider, Generated, Intent, Repository};
pub use json::push_json_string;
pub use lint::{lint, Finding, LintOptions, LintReport, LINT_VERSION};
pub use operator::{BaseOperator, Family, Operator, SetQualifier};
pub use parse::{parse_policy, Parsed, MAX_POLICY_BYTES, TRUST_POLICY_QUOTA};
pub use pattern::Variable;
pub use policy::{
    ActionPattern, ActionSpec, Condition, ConditionValue, Effect, Policy, PolicyVersion,
    PrincipalKind, PrincipalSpec, PrincipalValue, Statement,
};
pub use replay::{replay, replay_from, Attempt, Replay, Severity as FindingSeverity};
pub use request::{
    catalog_option, normalize_issuer, time_option, ClaimFilter, ContextKey, KeySource, Request,
    RequestOptions, DEFAULT_ACTION, SESSION_TAGS_CLAIM,
};
pub use source::{Location, Position, Span};
pub use sources::{lint_source, DocumentLint, SourceKind, SourceLint, MAX_SOURCE_BYTES};
pub use trace::{
    Absence, ConditionTrace, Decision, DecisionReason, ElementTrace, ElementValue, Evaluation,
    Note, NoteLevel, RequestSummary, StatementTrace, ValueTrace, TRACE_VERSION,
};
