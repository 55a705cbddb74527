//! The playground's state and what it shows, as plain data: the inputs a user typed, the
//! messages that change them, and the analysis of those inputs. No DOM here, so all of it
//! is tested natively; the components only render an [`Analysis`] and send [`Msg`]s.

use std::rc::Rc;

use oidc_trust::support::token_time_notes;
use oidc_trust::{
    decode_token, evaluate, lint, parse_policy, read_claims, CatalogVersion, Claims, Diagnostic,
    Evaluation, LintOptions, LintReport, Note, RegionReport, Request, RequestOptions,
};

use crate::examples::{POLICIES, TOKENS};

/// What the user typed or picked. Everything shown derives from this.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Inputs {
    /// The trust policy text.
    pub policy: String,
    /// Claims JSON or a raw JWT.
    pub claims: String,
    /// The request options.
    pub options: Options,
}

/// The request options the playground exposes; empty strings mean "default".
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Issuer override (default: the token's `iss`).
    pub issuer: String,
    /// Action (default: `sts:AssumeRoleWithWebIdentity`).
    pub action: String,
    /// Account of the OIDC provider (default: the policy's).
    pub account: String,
    /// What-if: every claim is a condition key.
    pub all_claims_are_keys: bool,
    /// Key catalog version.
    pub catalog: CatalogVersion,
    /// Evaluate at the browser's current time (time keys, expiry notes).
    pub use_clock: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            issuer: String::new(),
            action: String::new(),
            account: String::new(),
            all_claims_are_keys: false,
            catalog: CatalogVersion::default(),
            use_clock: true,
        }
    }
}

/// A change to the inputs.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    /// The policy text changed.
    Policy(String),
    /// The claims/token text changed.
    Claims(String),
    /// Load example policy `i` of [`POLICIES`].
    ExamplePolicy(usize),
    /// Load example token `i` of [`TOKENS`].
    ExampleToken(usize),
    /// One option changed.
    Option(OptionChange),
    /// Replace everything (a share link was opened).
    Restore(Inputs),
}

/// One option edit.
#[derive(Debug, Clone, PartialEq)]
pub enum OptionChange {
    /// Issuer text.
    Issuer(String),
    /// Action text.
    Action(String),
    /// Account text.
    Account(String),
    /// What-if toggle.
    AllClaimsAreKeys(bool),
    /// Catalog version.
    Catalog(CatalogVersion),
    /// Current-time toggle.
    UseClock(bool),
}

/// The playground state: the inputs, and the analysis computed from them.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    /// What the user typed.
    pub inputs: Inputs,
    /// The evaluation time used for the analysis (epoch seconds), when the clock is on.
    pub now: Option<i64>,
    /// What the inputs mean.
    pub analysis: Rc<Analysis>,
}

impl State {
    /// The state for these inputs at time `now`.
    pub fn new(inputs: Inputs, now: Option<i64>) -> State {
        let analysis = Rc::new(analyse(&inputs, now));
        State {
            inputs,
            now,
            analysis,
        }
    }

    /// The state after `msg`, evaluated at `now`.
    pub fn apply(&self, msg: Msg, now: Option<i64>) -> State {
        let mut inputs = self.inputs.clone();
        match msg {
            Msg::Policy(text) => inputs.policy = text,
            Msg::Claims(text) => inputs.claims = text,
            Msg::ExamplePolicy(i) => {
                if let Some(example) = POLICIES.get(i) {
                    inputs.policy = example.text.to_string();
                }
            }
            Msg::ExampleToken(i) => {
                if let Some(example) = TOKENS.get(i) {
                    inputs.claims = example.text.to_string();
                }
            }
            Msg::Option(change) => {
                let o = &mut inputs.options;
                match change {
                    OptionChange::Issuer(v) => o.issuer = v,
                    OptionChange::Action(v) => o.action = v,
                    OptionChange::Account(v) => o.account = v,
                    OptionChange::AllClaimsAreKeys(v) => o.all_claims_are_keys = v,
                    OptionChange::Catalog(v) => o.catalog = v,
                    OptionChange::UseClock(v) => o.use_clock = v,
                }
            }
            Msg::Restore(restored) => inputs = restored,
        }
        State::new(inputs, now)
    }
}

impl Default for State {
    /// The first example policy and token, as a first-time visitor sees them.
    fn default() -> Self {
        State::new(
            Inputs {
                policy: POLICIES.first().map(|e| e.text).unwrap_or("").to_string(),
                claims: TOKENS.first().map(|e| e.text).unwrap_or("").to_string(),
                options: Options::default(),
            },
            None,
        )
    }
}

/// Everything the page shows about the inputs.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    /// Errors and warnings about the policy, in document order.
    pub policy_diagnostics: Vec<Diagnostic>,
    /// The claims, as read.
    pub claims: ClaimsView,
    /// The evaluation, when policy, claims and options are all usable.
    pub evaluation: Option<Evaluation>,
    /// Why there is no evaluation, when the policy and claims are fine but the request is
    /// not (e.g. no issuer).
    pub request_error: Option<Diagnostic>,
    /// Lint findings and the attacker replay, when the policy is valid (no token needed).
    pub lint: Option<LintReport>,
    /// Exactly who can assume the role, per trusted issuer, when the policy is valid.
    pub who: Vec<RegionReport>,
}

/// The claims input, read.
#[derive(Debug, Clone, PartialEq)]
pub enum ClaimsView {
    /// Nothing typed yet.
    Empty,
    /// A JSON object of claims.
    Json {
        /// The claims.
        claims: Claims,
        /// Expiry and not-before remarks.
        notes: Vec<Note>,
    },
    /// A JWT, decoded (never verified).
    Jwt {
        /// The JOSE header.
        header: Claims,
        /// The payload.
        claims: Claims,
        /// Whether it has a signature segment.
        signed: bool,
        /// Expiry and not-before remarks.
        notes: Vec<Note>,
    },
    /// Unreadable.
    Error(Diagnostic),
}

impl ClaimsView {
    /// The claims, when readable.
    pub fn claims(&self) -> Option<&Claims> {
        match self {
            ClaimsView::Json { claims, .. } | ClaimsView::Jwt { claims, .. } => Some(claims),
            _ => None,
        }
    }
}

impl Analysis {
    /// The errors of the policy (warnings left out).
    pub fn policy_errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.policy_diagnostics.iter().filter(|d| d.is_error())
    }
}

/// Reads the inputs and evaluates them when it can.
pub fn analyse(inputs: &Inputs, now: Option<i64>) -> Analysis {
    let parsed = parse_policy(&inputs.policy);
    let now = if inputs.options.use_clock { now } else { None };
    let claims = read_claims_view(&inputs.claims, now);
    let mut request_error = None;
    let evaluation = match (&parsed.policy, claims.claims()) {
        (Some(policy), Some(c)) => match Request::new(c, &request_options(&inputs.options, now)) {
            Ok(request) => Some(evaluate(policy, &request)),
            Err(d) => {
                request_error = Some(d);
                None
            }
        },
        _ => None,
    };
    let lint = parsed.policy.as_ref().map(|_| {
        lint(
            &inputs.policy,
            &LintOptions {
                account: None,
                catalog: inputs.options.catalog,
            },
        )
    });
    let who = parsed
        .policy
        .as_ref()
        .map(|p| oidc_trust::who_can(p, None))
        .unwrap_or_default();
    Analysis {
        policy_diagnostics: parsed.diagnostics,
        claims,
        evaluation,
        request_error,
        lint,
        who,
    }
}

fn read_claims_view(text: &str, now: Option<i64>) -> ClaimsView {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        ClaimsView::Empty
    } else if oidc_trust::support::is_claims_json(trimmed) {
        match read_claims(text) {
            Ok(claims) => {
                let notes = token_time_notes(&claims, now);
                ClaimsView::Json { claims, notes }
            }
            Err(d) => ClaimsView::Error(d),
        }
    } else {
        match decode_token(trimmed) {
            Ok(token) => {
                let notes = token_time_notes(&token.claims, now);
                ClaimsView::Jwt {
                    header: token.header,
                    claims: token.claims,
                    signed: token.signed,
                    notes,
                }
            }
            Err(d) => ClaimsView::Error(d),
        }
    }
}

fn request_options(o: &Options, now: Option<i64>) -> RequestOptions {
    let text = |s: &str| {
        let s = s.trim();
        (!s.is_empty()).then(|| s.to_string())
    };
    RequestOptions {
        issuer: text(&o.issuer),
        account: text(&o.account),
        action: text(&o.action),
        all_claims_are_keys: o.all_claims_are_keys,
        catalog: o.catalog,
        now,
        context: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oidc_trust::Decision;

    fn example_token(id: &str) -> usize {
        TOKENS.iter().position(|t| t.id == id).unwrap()
    }

    #[test]
    fn the_first_visit_shows_an_allowed_main_branch_token() {
        let s = State::default();
        let e = s.analysis.evaluation.as_ref().unwrap();
        assert_eq!(e.decision, Decision::Allow);
        assert!(s.analysis.policy_diagnostics.iter().all(|d| !d.is_error()));
    }

    #[test]
    fn switching_to_a_sibling_repo_token_denies_on_sub() {
        let s = State::default().apply(Msg::ExampleToken(example_token("sibling-repo")), None);
        let e = s.analysis.evaluation.as_ref().unwrap();
        assert_eq!(e.decision, Decision::Deny);
        let failed: Vec<_> = e.statements[0]
            .conditions
            .iter()
            .filter(|c| !c.satisfied)
            .map(|c| c.key.as_str())
            .collect();
        assert_eq!(failed, ["token.actions.githubusercontent.com:sub"]);
    }

    #[test]
    fn a_raw_jwt_is_decoded_and_evaluated() {
        let s = State::default().apply(Msg::ExampleToken(example_token("main-jwt")), None);
        assert!(matches!(
            s.analysis.claims,
            ClaimsView::Jwt { signed: true, .. }
        ));
        assert_eq!(
            s.analysis.evaluation.as_ref().unwrap().decision,
            Decision::Allow
        );
    }

    #[test]
    fn a_malformed_policy_gives_a_located_error_and_no_verdict() {
        let s = State::default().apply(
            Msg::Policy("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [ }\n}".into()),
            None,
        );
        assert!(s.analysis.evaluation.is_none());
        let e = s.analysis.policy_errors().next().unwrap();
        let start = e.location.span.unwrap().start;
        assert_eq!((e.code, start.line, start.column), ("json-syntax", 3, 18));
    }

    #[test]
    fn bad_claims_and_empty_claims_are_told_apart() {
        let s = State::default().apply(Msg::Claims("  ".into()), None);
        assert_eq!(s.analysis.claims, ClaimsView::Empty);
        let s = s.apply(Msg::Claims("eyJ.broken".into()), None);
        assert!(matches!(s.analysis.claims, ClaimsView::Error(_)));
        assert!(s.analysis.evaluation.is_none());
    }

    #[test]
    fn options_reach_the_request() {
        let s = State::default().apply(
            Msg::Option(OptionChange::Action("sts:AssumeRole".into())),
            None,
        );
        assert_eq!(
            s.analysis.evaluation.as_ref().unwrap().decision,
            Decision::Deny
        );
        let s = s.apply(Msg::Option(OptionChange::Action(String::new())), None);
        assert_eq!(
            s.analysis.evaluation.as_ref().unwrap().decision,
            Decision::Allow
        );
        let s = s.apply(Msg::Option(OptionChange::Account("12".into())), None);
        assert_eq!(
            s.analysis.request_error.as_ref().unwrap().code,
            "invalid-account"
        );
    }

    #[test]
    fn findings_come_with_the_policy_not_the_token() {
        let s = State::default().apply(Msg::Claims(String::new()), None);
        let report = s.analysis.lint.as_ref().unwrap();
        assert!(report
            .findings
            .iter()
            .any(|f| f.code == "admits-pull-request"));
        let broken = s.apply(Msg::Policy("{".into()), None);
        assert!(broken.analysis.lint.is_none());
    }

    #[test]
    fn who_can_is_computed_from_the_policy_and_its_examples_load_as_tokens() {
        let s = State::default();
        let region = &s.analysis.who[0];
        assert!(
            region.summary[0].contains("pull request"),
            "{:?}",
            region.summary
        );
        let witness = region.cases[0].witness.clone().unwrap();
        let text = serde_json::to_string_pretty(&witness).unwrap();
        let s = s.apply(Msg::Claims(text), None);
        assert_eq!(
            s.analysis.evaluation.as_ref().unwrap().decision,
            oidc_trust::Decision::Allow
        );
    }

    #[test]
    fn the_clock_is_used_only_when_on() {
        let later = 4_000_000_000;
        let s = State::default().apply(Msg::Claims(TOKENS[0].text.into()), Some(later));
        let expired = |s: &State| {
            s.analysis
                .evaluation
                .as_ref()
                .unwrap()
                .notes
                .iter()
                .any(|n| n.code == "token-expired")
        };
        assert!(expired(&s));
        let s = s.apply(Msg::Option(OptionChange::UseClock(false)), Some(later));
        assert!(!expired(&s));
    }
}
