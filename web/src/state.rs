//! The playground's state and what it shows, as plain data: the inputs a user typed, the
//! messages that change them, and the analysis of those inputs. No DOM here, so all of it
//! is tested natively; the components only render an [`Analysis`] and send [`Msg`]s.

use std::rc::Rc;

use oidc_trust::support::{token_time_notes, unwrap_pasted_token};
use oidc_trust::{
    decode_token, evaluate, find_policies, lint, parse_policy, read_claims, CatalogVersion, Claims,
    Diagnostic, Evaluation, FoundPolicy, LintOptions, LintReport, Location, Note, RegionReport,
    Request, RequestOptions, Severity, SourceKind,
};

use crate::examples::{POLICIES, TOKENS};
use crate::terraform::{self, HclRead};

/// What the user typed or picked. Everything shown derives from this.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Inputs {
    /// The trust policy text: a policy document, Terraform source (`aws_iam_role`,
    /// `jsonencode({...})`, `aws_iam_policy_document`), a CloudFormation template or a plan.
    pub policy: String,
    /// Which of the policies the text holds to evaluate (a resource address or logical
    /// id); empty for the first.
    pub resource: String,
    /// Claims JSON or a raw JWT.
    pub claims: String,
    /// The request options.
    pub options: Options,
    /// The organisation's resource control policy (its JSON, or `aws organizations
    /// describe-policy` output); empty for none.
    pub rcp: String,
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
    /// When the request is evaluated (time keys, expiry notes).
    pub time: EvalTime,
}

/// The time a request is evaluated at: part of the state, so that a link or an embed shows
/// its reader the decision its author saw, and examples (old tokens) never expire by
/// surprise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvalTime {
    /// This browser's clock, read at every change.
    Now,
    /// The token's `iat`: a moment it was valid. What the examples are evaluated at.
    Issued,
    /// A fixed instant in epoch seconds: what a link carries in place of "now".
    At(i64),
    /// No time: time keys are absent and expiry is not checked.
    Off,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            issuer: String::new(),
            action: String::new(),
            account: String::new(),
            all_claims_are_keys: false,
            catalog: CatalogVersion::default(),
            time: EvalTime::Now,
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
    /// Evaluate the policy of this resource (the text holds several).
    Resource(String),
    /// One option changed.
    Option(OptionChange),
    /// Replace everything (a share link was opened).
    Restore(Inputs),
    /// The Terraform reader arrived (or failed to): analyse again.
    Reread,
    /// Put back the text the last example replaced.
    UndoExample,
    /// Typing paused: bring the findings and who-can up to date with the policy.
    Settle,
    /// The organisation RCP's text changed.
    Rcp(String),
}

/// Who sent a message: the user, a link, or the page itself.
enum Kind {
    User,
    Restore,
    Internal,
}

/// Which input an example replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The policy box.
    Policy,
    /// The token box.
    Claims,
}

/// Text of the user's that an example replaced, kept until the next change so that one
/// click brings it back (the textarea's own undo does not survive a replaced value).
#[derive(Debug, Clone, PartialEq)]
pub struct Replaced {
    /// Which box.
    pub field: Field,
    /// What replaced it, as the sentence's subject: "The example “…”", "The opened link".
    pub by: String,
    /// The user's text.
    pub text: String,
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
    /// Evaluation time.
    Time(EvalTime),
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
    /// The user's text the last example replaced, until the next change.
    pub replaced: Option<Replaced>,
    /// The inputs came from a link and the user has not changed them since: nothing of
    /// theirs to remember on this device.
    pub restored: bool,
}

impl State {
    /// The state for these inputs at time `now`.
    pub fn new(inputs: Inputs, now: Option<i64>) -> State {
        let analysis = Rc::new(analyse(&inputs, now));
        State {
            inputs,
            now,
            analysis,
            replaced: None,
            restored: false,
        }
    }

    /// Which example each box holds unchanged, if any: what the example menus show.
    pub fn loaded(&self) -> (Option<usize>, Option<usize>) {
        (
            POLICIES.iter().position(|e| e.text == self.inputs.policy),
            TOKENS.iter().position(|e| e.text == self.inputs.claims),
        )
    }

    /// The state after `msg`, evaluated at `now`.
    pub fn apply(&self, msg: Msg, now: Option<i64>) -> State {
        let mut inputs = self.inputs.clone();
        let mut replaced = None;
        // The user's own text (not empty, not an example) is kept when an example replaces it.
        let keep = |field: Field, text: &str, by: String| {
            let examples = if field == Field::Policy {
                &POLICIES[..]
            } else {
                &TOKENS[..]
            };
            (!text.trim().is_empty() && !examples.iter().any(|e| e.text == text)).then(|| {
                Replaced {
                    field,
                    by,
                    text: text.to_string(),
                }
            })
        };
        // Typing in the policy re-evaluates at once but leaves the findings and who-can (the
        // slow part, and independent of the token) to `Settle`, sent once typing pauses.
        let typed = matches!(msg, Msg::Policy(_) | Msg::Rcp(_));
        let settle = matches!(msg, Msg::Settle | Msg::Reread);
        let msg_kind = match msg {
            Msg::Restore(_) => Kind::Restore,
            Msg::Settle | Msg::Reread => Kind::Internal,
            _ => Kind::User,
        };
        match msg {
            Msg::Policy(text) => inputs.policy = text,
            Msg::Resource(r) => inputs.resource = r,
            Msg::Claims(text) => inputs.claims = text,
            Msg::Rcp(text) => inputs.rcp = text,
            Msg::ExamplePolicy(i) => {
                if let Some(example) = POLICIES.get(i) {
                    replaced = keep(
                        Field::Policy,
                        &inputs.policy,
                        format!("The example “{}”", example.label),
                    );
                    inputs.policy = example.text.to_string();
                    inputs.resource.clear();
                }
            }
            Msg::ExampleToken(i) => {
                if let Some(example) = TOKENS.get(i) {
                    replaced = keep(
                        Field::Claims,
                        &inputs.claims,
                        format!("The example “{}”", example.label),
                    );
                    inputs.claims = example.text.to_string();
                    // The examples are old tokens: evaluated "now" they would all be expired.
                    if inputs.options.time == EvalTime::Now {
                        inputs.options.time = EvalTime::Issued;
                    }
                }
            }
            Msg::UndoExample => {
                if let Some(r) = &self.replaced {
                    match r.field {
                        Field::Policy => inputs.policy = r.text.clone(),
                        Field::Claims => inputs.claims = r.text.clone(),
                    }
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
                    OptionChange::Time(v) => o.time = v,
                }
            }
            // A link opened in the page (or "open in the evaluator") replaces the policy:
            // the user's own text gets the same undo an example gives.
            Msg::Restore(restored) => {
                if restored.policy != inputs.policy {
                    replaced = keep(Field::Policy, &inputs.policy, "The opened link".into());
                }
                inputs = restored;
            }
            Msg::Reread => replaced = self.replaced.clone(),
            Msg::Settle => replaced = self.replaced.clone(),
        }
        let old = &self.analysis;
        // The RCP is part of what the findings and who-can judge.
        let same_policy = inputs.policy == self.inputs.policy
            && inputs.resource == self.inputs.resource
            && inputs.rcp == self.inputs.rcp
            && inputs.options.catalog == self.inputs.options.catalog;
        let analysis = if settle || !(typed || same_policy) {
            analyse(&inputs, now)
        } else {
            // The findings and who-can of the policy shown so far: still right when only
            // the token or an option changed, stale (and shown so) while the policy is typed.
            Analysis {
                lint: old.lint.clone(),
                who: old.who.clone(),
                stale: old.stale || !same_policy,
                ..analyse_with(&inputs, now, false)
            }
        };
        let restored = match msg_kind {
            Kind::Restore => true,
            Kind::Internal => self.restored,
            Kind::User => false,
        };
        State {
            inputs,
            now,
            analysis: Rc::new(analysis),
            replaced,
            restored,
        }
    }
}

impl Default for State {
    /// The first example policy and token, as a first-time visitor sees them.
    fn default() -> Self {
        State::new(
            Inputs {
                policy: POLICIES.first().map(|e| e.text).unwrap_or("").to_string(),
                resource: String::new(),
                claims: TOKENS.first().map(|e| e.text).unwrap_or("").to_string(),
                options: Options {
                    time: EvalTime::Issued,
                    ..Options::default()
                },
                rcp: String::new(),
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
    /// Where the policy was read from, when the text is not a policy document itself.
    pub source: Option<SourceView>,
    /// Pasted Terraform waits for the reader, fetched on first use.
    pub pending: bool,
    /// Nothing in the policy box yet.
    pub policy_empty: bool,
    /// The instant the request is evaluated at (epoch seconds); none without a time.
    pub time: Option<i64>,
    /// The findings and who-can are those of the policy before the last keystrokes: they
    /// are brought up to date once typing pauses ([`Msg::Settle`]).
    pub stale: bool,
    /// Errors and warnings about the organisation RCP, located in its box. With an error
    /// the RCP is not applied.
    pub rcp_diagnostics: Vec<Diagnostic>,
    /// The organisation RCP is applied to the evaluation, findings and who-can.
    pub rcp_applied: bool,
}

/// A policy read out of Terraform source, a template or a plan: which one, among which.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceView {
    /// What the text is, in words: "Terraform", "CloudFormation template"...
    pub kind: &'static str,
    /// The resources that hold a trust policy, in source order.
    pub resources: Vec<String>,
    /// The one evaluated.
    pub chosen: usize,
    /// The policy as AWS will see it (the JSON Terraform renders), indented.
    pub rendered: String,
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
        /// What was removed around the token before decoding it (quotes, `Bearer `, line
        /// breaks, the token endpoint's wrapper), in words; empty for a bare token.
        unwrapped: Vec<&'static str>,
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
    /// With the expiry and not-before remarks for an evaluation at `now`.
    fn timed(mut self, now: Option<i64>) -> ClaimsView {
        if let ClaimsView::Json { claims, notes } | ClaimsView::Jwt { claims, notes, .. } =
            &mut self
        {
            *notes = token_time_notes(claims, now);
        }
        self
    }

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
    analyse_with(inputs, now, true)
}

/// [`analyse`], with or without the findings and who-can (`slow`).
fn analyse_with(inputs: &Inputs, now: Option<i64>, slow: bool) -> Analysis {
    let claims = read_claims_view(&inputs.claims);
    let now = match inputs.options.time {
        EvalTime::Now => now,
        EvalTime::Issued => claims
            .claims()
            .and_then(|c| c.get("iat"))
            .and_then(oidc_trust::ClaimValue::as_seconds),
        EvalTime::At(t) => Some(t),
        EvalTime::Off => None,
    };
    let claims = claims.timed(now);
    // No policy to evaluate (empty, or a source without one): the claims and why.
    let unevaluated = |claims, policy_diagnostics, pending, policy_empty| Analysis {
        policy_diagnostics,
        claims,
        evaluation: None,
        request_error: None,
        lint: None,
        who: Vec::new(),
        source: None,
        pending,
        policy_empty,
        time: now,
        stale: false,
        rcp_diagnostics: Vec::new(),
        rcp_applied: false,
    };
    if inputs.policy.trim().is_empty() {
        return unevaluated(claims, Vec::new(), false, true);
    }
    let (found, source, mut source_diagnostics) =
        match read_source(&inputs.policy, &inputs.resource) {
            Read::Policy => (None, None, Vec::new()),
            Read::Found(found, view, diagnostics) => (Some(found), Some(view), diagnostics),
            Read::Nothing(diagnostics) | Read::Pending(diagnostics) => {
                // Pending with nothing to say: the reader is on its way.
                let pending = diagnostics.is_empty();
                return unevaluated(claims, diagnostics, pending, false);
            }
        };
    let text = found
        .as_ref()
        .map_or(inputs.policy.as_str(), |f| f.text.as_str());
    let parsed = parse_policy(text);
    let (rcps, rcp_diagnostics) = read_rcp(&inputs.rcp);
    let guarded = parsed.policy.as_ref().map(|p| {
        let mut p = p.guarded_by(&rcps);
        // An account dump or `get-role` output names the role, for RCPs scoped to roles.
        p.role = found.as_ref().and_then(|f| f.role.clone());
        p
    });
    // Every location moves from the rendered JSON into the text the user pasted.
    let here = |l: &Location| found.as_ref().map_or_else(|| l.clone(), |f| f.locate(l));
    let mut request_error = None;
    let evaluation = match (&guarded, claims.claims()) {
        (Some(policy), Some(c)) => match Request::new(c, &request_options(&inputs.options, now)) {
            Ok(request) => {
                let mut e = evaluate(policy, &request);
                if let Some(f) = &found {
                    f.relocate(&mut e);
                }
                Some(e)
            }
            Err(d) => {
                request_error = Some(d);
                None
            }
        },
        _ => None,
    };
    let options = LintOptions {
        account: None,
        catalog: inputs.options.catalog,
        rcps: rcps.clone(),
        ..LintOptions::default()
    };
    let lint = parsed
        .policy
        .as_ref()
        .filter(|_| slow)
        .map(|_| match &found {
            Some(f) => f.lint(&options),
            None => lint(text, &options),
        });
    let who = guarded
        .as_ref()
        .filter(|_| slow)
        .map(|p| oidc_trust::who_can(p, None))
        .unwrap_or_default();
    let mut policy_diagnostics: Vec<Diagnostic> = parsed
        .diagnostics
        .into_iter()
        .map(|mut d| {
            d.location = here(&d.location);
            d
        })
        .collect();
    policy_diagnostics.append(&mut source_diagnostics);
    Analysis {
        policy_diagnostics,
        claims,
        evaluation,
        request_error,
        lint,
        who,
        source,
        pending: false,
        policy_empty: false,
        time: now,
        stale: false,
        rcp_applied: !rcps.is_empty(),
        rcp_diagnostics,
    }
}

/// The name the playground's one RCP goes by in traces and findings.
pub const RCP_NAME: &str = "organisation RCP";

/// The organisation RCP box, read: the RCPs it holds (an RCP's JSON, `describe-policy`
/// output, a plan with several), and their diagnostics located in the box. With any error,
/// none is applied.
fn read_rcp(text: &str) -> (Vec<oidc_trust::Rcp>, Vec<Diagnostic>) {
    if text.trim().is_empty() {
        return (Vec::new(), Vec::new());
    }
    let found = match oidc_trust::find_rcps(text) {
        Ok(found) => found,
        Err(d) => return (Vec::new(), vec![d]),
    };
    let mut rcps = Vec::new();
    let mut diagnostics = Vec::new();
    for f in &found {
        let parsed = oidc_trust::parse_rcp(&f.text);
        diagnostics.extend(parsed.diagnostics.into_iter().map(|mut d| {
            d.location = f.locate(&d.location);
            d
        }));
        if let Some(mut policy) = parsed.policy {
            policy.for_each_location(&mut |l| *l = f.locate(l));
            rcps.push(oidc_trust::Rcp {
                name: f.resource.clone().unwrap_or_else(|| RCP_NAME.to_string()),
                policy,
            });
        }
    }
    if diagnostics.iter().any(Diagnostic::is_error) {
        rcps.clear();
    }
    (rcps, diagnostics)
}

/// What the policy text holds.
enum Read {
    /// A policy document: read as it is.
    Policy,
    /// A policy inside Terraform, a template or a plan, with the source's own remarks.
    Found(Box<FoundPolicy>, SourceView, Vec<Diagnostic>),
    /// Terraform or a template without a usable trust policy: why.
    Nothing(Vec<Diagnostic>),
    /// Terraform, and the reader is on its way (empty), or could not come (why).
    Pending(Vec<Diagnostic>),
}

/// Whether pasted text is Terraform rather than JSON (or a typo'd JSON document, whose
/// error the JSON reader explains better).
fn looks_like_terraform(text: &str) -> bool {
    let t = text.trim_start();
    !t.starts_with(['{', '[', '"'])
        && [
            "resource \"",
            "data \"",
            "module \"",
            "jsonencode(",
            "assume_role_policy",
            "statement {",
            "locals {",
            "variable \"",
        ]
        .iter()
        .any(|k| t.contains(k))
}

fn read_source(text: &str, resource: &str) -> Read {
    let (kind, policies, diagnostics) = if looks_like_terraform(text) {
        match terraform::read(text) {
            HclRead::Read(policies, diagnostics) => ("Terraform", policies, diagnostics),
            HclRead::Pending => return Read::Pending(Vec::new()),
            HclRead::Unavailable(why) => {
                return Read::Pending(vec![Diagnostic {
                    code: "terraform-reader-unavailable",
                    severity: Severity::Error,
                    message: format!("the Terraform reader could not be loaded: {why}"),
                    help: "reload the page; or paste the JSON the resource renders (`terraform show -json`, or the policy itself)".into(),
                    input: "policy",
                    location: Location::pointer_only(""),
                }])
            }
        }
    } else {
        match find_policies(text) {
            Ok((SourceKind::Policy, _)) | Err(_) => return Read::Policy,
            Ok((kind, policies)) => {
                let name = match kind {
                    SourceKind::Terraform => "Terraform plan",
                    SourceKind::Cloudformation => "CloudFormation template",
                    SourceKind::Role => "aws iam role output",
                    _ => "account authorization details",
                };
                (name, policies, Vec::new())
            }
        }
    };
    if policies.is_empty() {
        let mut diagnostics: Vec<Diagnostic> = diagnostics;
        if !diagnostics.iter().any(Diagnostic::is_error) {
            diagnostics.push(Diagnostic {
                code: "no-trust-policy",
                severity: Severity::Error,
                message: format!("no trust policy found in this {kind}"),
                help: "paste an aws_iam_role with its assume_role_policy, a jsonencode({...}) value, a data \"aws_iam_policy_document\" block, or a policy document".into(),
                input: "policy",
                location: Location::pointer_only(""),
            });
        }
        return Read::Nothing(diagnostics);
    }
    let resources: Vec<String> = policies
        .iter()
        .enumerate()
        .map(|(i, p)| {
            p.resource
                .clone()
                .unwrap_or_else(|| format!("policy {}", i + 1))
        })
        .collect();
    let chosen = resources.iter().position(|r| r == resource).unwrap_or(0);
    let Some(found) = policies.into_iter().nth(chosen) else {
        return Read::Policy;
    };
    let view = SourceView {
        kind,
        resources,
        chosen,
        rendered: oidc_trust::support::indent_json(&found.text),
    };
    Read::Found(Box::new(found), view, diagnostics)
}

fn read_claims_as_typed(text: &str) -> ClaimsView {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        ClaimsView::Empty
    } else if oidc_trust::support::is_claims_json(trimmed) {
        match read_claims(text) {
            Ok(claims) => ClaimsView::Json {
                claims,
                notes: Vec::new(),
            },
            Err(d) => ClaimsView::Error(d),
        }
    } else {
        // The text as typed (leading whitespace included): errors point into what was pasted.
        match decode_token(text) {
            Ok(token) => jwt_view(token, Vec::new()),
            Err(d) => ClaimsView::Error(d),
        }
    }
}

/// The claims box, read leniently: a token pasted in quotes, wrapped across lines, after
/// `Bearer ` or inside the token endpoint's response is decoded, with a note saying what
/// was removed. Errors still point into the text as typed. Without time notes:
/// [`ClaimsView::timed`] adds them once the evaluation time is known.
fn read_claims_view(text: &str) -> ClaimsView {
    if let Some(u) = unwrap_pasted_token(text) {
        if let Ok(token) = decode_token(&u.token) {
            return jwt_view(token, u.removed);
        }
    }
    read_claims_as_typed(text)
}

fn jwt_view(token: oidc_trust::DecodedToken, unwrapped: Vec<&'static str>) -> ClaimsView {
    ClaimsView::Jwt {
        unwrapped,
        header: token.header,
        claims: token.claims,
        signed: token.signed,
        notes: Vec::new(),
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
        role: None,
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
    fn the_menus_show_the_loaded_example_and_undo_brings_back_typed_text() {
        let s = State::default();
        assert_eq!(s.loaded(), (Some(0), Some(0)));
        // Replacing an example loses nothing: no undo offered.
        let s = s.apply(Msg::ExamplePolicy(1), None);
        assert_eq!((s.loaded().0, &s.replaced), (Some(1), &None));
        let mine = POLICIES[0].text.replace("acme/api", "acme/mine");
        let s = s.apply(Msg::Policy(mine.clone()), None);
        assert_eq!(s.loaded().0, None);
        let s = s.apply(Msg::ExamplePolicy(2), None);
        let r = s.replaced.clone().unwrap();
        assert_eq!(
            (r.field, r.by.as_str(), r.text.as_str()),
            (
                Field::Policy,
                format!("The example “{}”", POLICIES[2].label).as_str(),
                mine.as_str()
            )
        );
        // The offer survives the Terraform reader's arrival, not the next change.
        assert!(s.apply(Msg::Reread, None).replaced.is_some());
        assert!(s.apply(Msg::Claims("{}".into()), None).replaced.is_none());
        let s = s.apply(Msg::UndoExample, None);
        assert_eq!(
            (s.inputs.policy.as_str(), &s.replaced),
            (mine.as_str(), &None)
        );
        // A link opened in the page is undone the same way; its inputs are not the user's
        // until they change them (nothing to remember on this device).
        let link = Inputs {
            policy: POLICIES[1].text.into(),
            ..s.inputs.clone()
        };
        let opened = s.apply(Msg::Restore(link), None);
        assert!(opened.restored);
        assert_eq!(
            opened.replaced.as_ref().map(|r| r.by.as_str()),
            Some("The opened link")
        );
        assert!(opened.apply(Msg::Settle, None).restored);
        assert!(!opened.apply(Msg::Claims("{}".into()), None).restored);
        let back = opened.apply(Msg::UndoExample, None);
        assert_eq!(back.inputs.policy, mine);
    }

    #[test]
    fn tokens_are_read_as_pasted_with_a_note_on_what_was_removed() {
        let jwt = TOKENS[example_token("main-jwt")].text.trim();
        let wrapped: String = jwt
            .as_bytes()
            .chunks(50)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join("\n");
        for (text, removed) in [
            (format!("\"{jwt}\""), "the surrounding quotes"),
            (wrapped, "the line breaks and spaces inside the token"),
            (
                format!("{{\"count\": 1, \"value\": \"{jwt}\"}}"),
                "the token endpoint's {\"value\": …} wrapper",
            ),
        ] {
            let s = State::default().apply(Msg::Claims(text.clone()), None);
            match &s.analysis.claims {
                ClaimsView::Jwt { unwrapped, .. } => assert_eq!(unwrapped, &[removed], "{text}"),
                other => panic!("{text}: {other:?}"),
            }
            assert_eq!(
                s.analysis.evaluation.as_ref().map(|e| e.decision),
                Some(Decision::Allow)
            );
        }
        // A broken token is still reported against the text as typed.
        let s = State::default().apply(Msg::Claims("\"eyJ.x\"".into()), None);
        assert!(matches!(s.analysis.claims, ClaimsView::Error(_)));
    }

    #[test]
    fn an_empty_policy_box_waits_and_get_role_output_is_read() {
        let s = State::default().apply(Msg::Policy("  \n".into()), None);
        assert!(s.analysis.policy_empty && s.analysis.policy_diagnostics.is_empty());
        let get_role = format!(
            "{{\"Role\": {{\"RoleName\": \"deploy\", \"AssumeRolePolicyDocument\": {}}}}}",
            POLICIES[0].text
        );
        let s = State::default().apply(Msg::Policy(get_role), None);
        let source = s.analysis.source.as_ref().unwrap();
        assert_eq!(
            (source.kind, source.resources.as_slice()),
            ("aws iam role output", &["deploy".to_string()][..])
        );
        assert_eq!(
            s.analysis.evaluation.as_ref().map(|e| e.decision),
            Some(Decision::Allow)
        );
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
        // Typed: the verdict is new at once, the findings are the last policy's (stale)
        // until typing pauses.
        let broken = s.apply(Msg::Policy("{".into()), None);
        assert!(broken.analysis.evaluation.is_none() && broken.analysis.stale);
        assert_eq!(broken.analysis.lint, s.analysis.lint);
        let settled = broken.apply(Msg::Settle, None);
        assert!(settled.analysis.lint.is_none() && !settled.analysis.stale);
        // A token change neither recomputes nor staleness-marks them.
        let token = settled
            .apply(Msg::Policy(POLICIES[0].text.into()), None)
            .apply(Msg::Settle, None);
        let again = token.apply(Msg::ExampleToken(3), None);
        assert!(!again.analysis.stale && again.analysis.lint == token.analysis.lint);
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
    fn the_time_is_the_tokens_issue_time_for_examples_and_the_users_choice_otherwise() {
        let later = 4_000_000_000;
        let expired = |s: &State| {
            let trace = s.analysis.evaluation.as_ref().unwrap().notes.iter();
            let pane = match &s.analysis.claims {
                ClaimsView::Json { notes, .. } | ClaimsView::Jwt { notes, .. } => notes.iter(),
                _ => [].iter(),
            };
            (
                trace.clone().any(|n| n.code == "token-expired"),
                pane.clone().any(|n| n.code == "token-expired"),
            )
        };
        // A first visit evaluates the example token when it was issued: not expired.
        let s = State::new(State::default().inputs, Some(later));
        let iat = TOKENS[0].text.split("\"iat\": ").nth(1).unwrap();
        let iat: i64 = iat[..iat.find(|c: char| !c.is_ascii_digit()).unwrap()]
            .parse()
            .unwrap();
        assert_eq!(s.analysis.time, Some(iat));
        assert_eq!(expired(&s), (false, false));
        // "Now" by the clock: expired, in the trace and the token pane.
        let s = s.apply(Msg::Option(OptionChange::Time(EvalTime::Now)), Some(later));
        assert_eq!((s.analysis.time, expired(&s)), (Some(later), (true, true)));
        // A pasted token keeps the chosen time; an example token goes back to its issue time.
        let s = s.apply(
            Msg::Claims(TOKENS[0].text.replace("main", "main ")),
            Some(later),
        );
        assert_eq!(s.inputs.options.time, EvalTime::Now);
        let s = s.apply(Msg::ExampleToken(0), Some(later));
        assert_eq!(s.inputs.options.time, EvalTime::Issued);
        // No time at all; a fixed instant.
        let s = s.apply(Msg::Option(OptionChange::Time(EvalTime::Off)), Some(later));
        assert_eq!((s.analysis.time, expired(&s)), (None, (false, false)));
        let s = s.apply(Msg::Option(OptionChange::Time(EvalTime::At(later))), None);
        assert_eq!((s.analysis.time, expired(&s)), (Some(later), (true, true)));
    }

    fn example_policy(id: &str) -> usize {
        POLICIES.iter().position(|p| p.id == id).unwrap()
    }

    /// The text a span covers, by its UTF-16 offsets (what the editor selects).
    fn selected(text: &str, span: oidc_trust::Span) -> String {
        let units: Vec<u16> = text.encode_utf16().collect();
        String::from_utf16_lossy(&units[span.start.utf16 as usize..span.end.utf16 as usize])
    }

    #[test]
    fn terraform_is_read_like_json_and_located_in_the_hcl() {
        let s = State::default().apply(Msg::ExamplePolicy(example_policy("terraform")), None);
        let a = &s.analysis;
        let source = a.source.as_ref().unwrap();
        assert_eq!(source.kind, "Terraform");
        assert_eq!(
            source.resources,
            ["aws_iam_role.deploy", "aws_iam_role.release"]
        );
        assert_eq!(source.chosen, 0);
        assert!(
            source.rendered.contains("\"repo:acme/api:*\""),
            "{}",
            source.rendered
        );
        // The trace's sub condition selects the HCL that wrote it.
        let e = a.evaluation.as_ref().unwrap();
        assert_eq!(e.decision, Decision::Allow);
        let sub = e.statements[0]
            .conditions
            .iter()
            .find(|c| c.key.ends_with(":sub"))
            .unwrap();
        let text = selected(&s.inputs.policy, sub.values[0].location.span.unwrap());
        assert!(text.contains("repo:${var.repository}:*"), "{text}");
        // Findings too, with the unknown-free variable resolved from its default.
        let f = a
            .lint
            .as_ref()
            .unwrap()
            .findings
            .iter()
            .find(|f| f.code == "admits-pull-request")
            .unwrap();
        assert!(selected(&s.inputs.policy, f.location.span.unwrap())
            .contains("repo:${var.repository}:*"));

        // The policy document role: the main branch gets in, a pull request does not.
        let s = s.apply(Msg::Resource("aws_iam_role.release".into()), None);
        assert_eq!(s.analysis.source.as_ref().unwrap().chosen, 1);
        assert_eq!(
            s.analysis.evaluation.as_ref().unwrap().decision,
            Decision::Allow
        );
        let s = s.apply(Msg::ExampleToken(example_token("pull-request")), None);
        assert_eq!(
            s.analysis.evaluation.as_ref().unwrap().decision,
            Decision::Deny
        );
    }

    #[test]
    fn pasted_terraform_fragments_and_broken_hcl() {
        let fragment = "jsonencode({\n  Version = \"2012-10-17\"\n  Statement = [{\n    Effect = \"Allow\"\n    Action = \"sts:AssumeRoleWithWebIdentity\"\n    Principal = { Federated = \"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com\" }\n    Condition = { StringLike = { \"token.actions.githubusercontent.com:sub\" = \"repo:${var.org}/*\" } }\n  }]\n})";
        let s = State::default()
            .apply(Msg::Policy(fragment.into()), None)
            .apply(Msg::Settle, None);
        let codes: Vec<&str> = s
            .analysis
            .lint
            .as_ref()
            .unwrap()
            .findings
            .iter()
            .map(|f| f.code)
            .collect();
        assert!(codes.contains(&"unresolved-value"), "{codes:?}");
        // `repo:<var.org>/*` matches no real subject: the main token is refused, and the
        // trace says why it cannot be sure.
        let e = s.analysis.evaluation.as_ref().unwrap();
        assert_eq!(e.decision, Decision::Deny);
        assert!(e.notes.iter().any(|n| n.code == "unresolved-value"));

        let broken = s.apply(
            Msg::Policy("resource \"aws_iam_role\" \"x\" {\n  assume_role_policy = \n}".into()),
            None,
        );
        let error = broken.analysis.policy_errors().next().unwrap();
        assert_eq!(error.code, "hcl-syntax");
        assert_eq!(error.location.span.unwrap().start.line, 2);
        assert!(broken.analysis.evaluation.is_none());

        let none = s.apply(
            Msg::Policy("resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"b\"\n}".into()),
            None,
        );
        assert_eq!(
            none.analysis.policy_errors().next().unwrap().code,
            "no-trust-policy"
        );
    }

    #[test]
    fn a_cloudformation_template_is_read_too() {
        let template = include_str!("../../tests/fixtures/sources/cloudformation-sub.json");
        let s = State::default().apply(Msg::Policy(template.into()), None);
        let source = s.analysis.source.as_ref().unwrap();
        assert_eq!(source.kind, "CloudFormation template");
        assert_eq!(source.resources, ["DefaultedRole", "UnknownRole"]);
        let e = s.analysis.evaluation.as_ref().unwrap();
        assert_eq!(e.decision, Decision::Allow);
        assert!(e.notes.iter().any(|n| n.code == "parameter-default"));
    }

    #[test]
    fn rendered_json_is_indented_in_its_own_order() {
        let text = r#"{"Version":"2012-10-17","Statement":[{"Sid":"","Effect":"Allow","Action":[],"Condition":{"StringLike":{"k":"a,b:{c}\\\"d"}}}]}"#;
        let shown = oidc_trust::support::indent_json(text);
        assert!(
            shown.starts_with("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n"),
            "{shown}"
        );
        assert!(shown.contains("\"Action\": [],"), "{shown}");
        assert!(shown.contains("\"k\": \"a,b:{c}\\\\\\\"d\""), "{shown}");
        let back: serde_json::Value = serde_json::from_str(&shown).unwrap();
        assert_eq!(
            back,
            serde_json::from_str::<serde_json::Value>(text).unwrap()
        );
    }

    #[test]
    fn an_organisation_rcp_is_applied_to_the_verdict_findings_and_who_can() {
        let s = State::default()
            .apply(Msg::ExamplePolicy(example_policy("loose-any-repo")), None)
            .apply(Msg::ExampleToken(example_token("other-org")), None);
        let e = s.analysis.evaluation.as_ref().unwrap();
        assert_eq!(
            e.decision,
            Decision::Allow,
            "the loose role alone lets another organisation in"
        );
        assert!(!s.analysis.rcp_applied);

        // The verdict follows the RCP at once; the findings and who-can are stale until
        // typing pauses.
        let typed = s.apply(Msg::Rcp(crate::examples::RCP_EXAMPLE.text.into()), None);
        assert!(
            typed.analysis.stale,
            "an RCP change makes the findings stale"
        );
        let s = typed.apply(Msg::Settle, None);
        assert!(!s.analysis.stale);
        assert!(s.analysis.rcp_applied);
        assert!(s.analysis.rcp_diagnostics.is_empty());
        let e = s.analysis.evaluation.as_ref().unwrap();
        assert_eq!(e.decision, Decision::Deny);
        assert!(matches!(
            e.reason,
            oidc_trust::DecisionReason::RcpDeny { .. }
        ));
        let rcp = e
            .statements
            .iter()
            .find(|st| st.applies && st.rcp.is_some())
            .unwrap();
        assert_eq!(rcp.rcp.as_ref().unwrap().name, RCP_NAME);
        // Its locations are in the RCP's box: line 4 is the first statement's `{`.
        assert_eq!(rcp.location.span.unwrap().start.line, 4);
        let lint = s.analysis.lint.as_ref().unwrap();
        assert!(lint
            .findings
            .iter()
            .any(|f| f.code == "admits-other-org" && f.blocked_by.is_some()));
        assert!(
            s.analysis.who[0].summary[0].contains("acme"),
            "{:?}",
            s.analysis.who[0].summary
        );

        // A refused RCP is reported in its box and not applied.
        let bad = crate::examples::RCP_EXAMPLE
            .text
            .replacen("\"Deny\"", "\"Allow\"", 1);
        let s = s.apply(Msg::Rcp(bad), None);
        assert!(!s.analysis.rcp_applied);
        let d = &s.analysis.rcp_diagnostics[0];
        assert_eq!(
            (d.code, d.location.span.unwrap().start.line),
            ("rcp-allow", 6)
        );
        assert_eq!(
            s.analysis.evaluation.as_ref().unwrap().decision,
            Decision::Allow
        );

        // The link carries it.
        let link = crate::share::fragment(&s.inputs, crate::share::Mode::Edit);
        let (back, _) = crate::share::restore(&link).unwrap().unwrap();
        assert_eq!(back.rcp, s.inputs.rcp);
    }
}
