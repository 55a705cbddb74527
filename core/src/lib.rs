#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

// The layers, lowest first; a module may use only its own layer and those above it in this
// list (ARCHITECTURE.md; tests/integration/architecture.rs checks it).
mod analysis;
mod ci;
mod eval;
mod generate;
mod policy;
mod request;
mod text;

// --- the policy language ---------------------------------------------------------------------
pub use policy::model::{
    ActionPattern, ActionSpec, Condition, ConditionValue, Effect, Policy, PolicyVersion,
    PrincipalKind, PrincipalSpec, PrincipalValue, Rcp, RcpStatement, ResourcePattern, ResourceSpec,
    Statement,
};
pub use policy::operator::{BaseOperator, Family, Operator, SetQualifier};
pub use policy::parse::{
    parse_policy, parse_rcp, Parsed, Refused, MAX_POLICY_BYTES, RCP_QUOTA, TRUST_POLICY_QUOTA,
};
pub use policy::pattern::Variable;

// --- reporting -------------------------------------------------------------------------------
pub use text::diagnostic::{Diagnostic, Severity};
pub use text::note::{Note, NoteLevel};
pub use text::severity::FindingSeverity;
pub use text::source::{Location, Position, Span};

// --- tokens and requests ---------------------------------------------------------------------
pub use ci::Provider;
pub use request::catalog::CatalogVersion;
pub use request::claims::{
    decode_token, read_claims, read_claims_or_token, ClaimValue, Claims, ClaimsInput, DecodedToken,
    CLOCK_SKEW_SECONDS, MAX_CLAIMS_BYTES,
};
pub use request::context::{
    ClaimFilter, ContextKey, KeySource, Request, RequestOptions, DEFAULT_ACTION, SESSION_TAGS_CLAIM,
};

// --- the decision ----------------------------------------------------------------------------
pub use eval::evaluate::evaluate;
pub use eval::matcher::{decide, verdict};
pub use eval::trace::{
    Absence, ConditionTrace, Decision, DecisionReason, ElementTrace, ElementValue, Evaluation,
    RequestSummary, StatementTrace, ValueTrace, TRACE_VERSION_1,
};
pub use eval::wire::{LocationTable, TraceV1, TraceV2, TRACE_VERSION};

// --- beyond one token ------------------------------------------------------------------------
pub use analysis::lint::{lint, Finding, LintOptions, LintReport, LINT_VERSION};
pub use analysis::replay::{replay, replay_from, Attempt, Replay};
pub use analysis::settings::{Layer3Check, SettingsKind};
pub use analysis::sources::{
    find_policies, find_rcps, is_terraform_file, lint_source, lint_source_with, read_terraform,
    read_terraform_text, DocumentLint, Files, FoundPolicy, SourceKind, SourceLint,
    TerraformOptions, TerraformRead, MAX_SOURCE_BYTES, MAX_TF_BYTES,
};
pub use analysis::who_can::{diff, prove, who_can, AdmittedCase, PolicyDiff, Proof, RegionReport};
pub use ci::TemplateAssumption;

// --- generation ------------------------------------------------------------------------------
pub use generate::{
    generate, generate_rcp, read_intent, CiProvider, ControlFile, Generated, GeneratedRcp, Intent,
    Repository,
};

/// Helpers the faces (CLI, npm package, playground) share so that they read options and
/// write output alike. Not the engine: a program that evaluates policies needs none of them.
pub mod support {
    pub use crate::ci::normalize_issuer;
    pub use crate::policy::value::{format_epoch, parse_timestamp};
    pub use crate::request::claims::{is_claims_json, token_time_notes};
    pub use crate::request::context::{catalog_option, time_option};
    pub use crate::request::pasted::{unwrap_pasted_token, UnwrappedToken};
    pub use crate::text::diagnostic::FlatDiagnostic;
    pub use crate::text::json::{indent_json, push_json_string};
}
