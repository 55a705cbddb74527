//! Who can assume the role, exactly: the region of tokens a policy admits for an issuer,
//! as a union of cases with a witness token each; proofs that every admitted token meets
//! given constraints (or a counterexample); and the difference between two policies.
//!
//! Exact for string conditions on the issuer's keys (StringEquals/Like, their negations and
//! IgnoreCase forms, IfExists, set qualifiers on single-valued claims, Null). Anything else
//! — numeric, date, IP, ARN and Bool conditions, policy variables, keys not derived from a
//! token — is over-approximated (an Allow condition treated as true, a Deny statement
//! dropped) and listed in `approximations`; witnesses and counterexamples are always
//! confirmed by the evaluator, so an approximation can make an answer inconclusive, never
//! wrong.

use serde::Serialize;

use crate::analysis::region::{subtract, witness, Atom, Case, KeyTerm, Outcome, Test};
use crate::analysis::replay::trusted_issuers;
use crate::ci::Provider;
use crate::eval::matcher::{decide, statement_targets};
use crate::eval::trace::Decision;
use crate::policy::model::{Compiled, Condition, Effect, Policy, Statement};
use crate::policy::operator::{BaseOperator, Family, SetQualifier};
use crate::request::catalog::{exposure, CatalogVersion, Exposure};
use crate::request::claims::{ClaimValue, Claims};
use crate::request::context::{Request, RequestOptions};

/// One admitted case: per-key constraints and a token the evaluator allows.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AdmittedCase {
    /// `claim: constraint` for every constrained claim, in words.
    pub constraints: Vec<String>,
    /// A token in the case (claims), when one was found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub witness: Option<Claims>,
    /// Whether the evaluator allows the witness (false only under an approximation).
    pub confirmed: bool,
    #[serde(skip)]
    pub(crate) case: Case,
}

/// The region a policy admits for one issuer.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RegionReport {
    /// The issuer.
    pub issuer: String,
    /// In one sentence per case, for reviewers.
    pub summary: Vec<String>,
    /// The admitted cases (empty: nobody).
    pub cases: Vec<AdmittedCase>,
    /// What was not analysed exactly.
    pub approximations: Vec<String>,
    /// What holds for the claims a case does not list.
    pub unconstrained: &'static str,
    #[serde(skip)]
    pub(crate) region: Vec<Case>,
}

/// Claims a case does not mention take any value (or none): said with every region.
const UNCONSTRAINED: &str = "claims a case does not list are unconstrained: any value, or absent";

/// The answer of [`prove`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "result", rename_all = "camelCase")]
pub enum Proof {
    /// Every admitted token meets the constraints.
    Proved {
        /// What the proof did not cover exactly.
        approximations: Vec<String>,
    },
    /// A token the policy allows that breaks a constraint.
    Counterexample {
        /// Its claims.
        claims: Claims,
        /// The case it comes from.
        constraints: Vec<String>,
    },
    /// Only approximated cases break the constraints, and the evaluator allows none of
    /// their witnesses.
    Inconclusive {
        /// Why.
        approximations: Vec<String>,
    },
}

/// The answer of [`diff`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyDiff {
    /// The issuer.
    pub issuer: String,
    /// Tokens the new policy admits and the old one does not.
    pub newly_admitted: Vec<AdmittedCase>,
    /// Tokens the old policy admits and the new one does not.
    pub newly_refused: Vec<AdmittedCase>,
    /// What was not analysed exactly.
    pub approximations: Vec<String>,
}

impl RegionReport {
    /// Whether the region holds this token (claims of the issuer's token). With no
    /// approximation, this is exactly whether the policy allows it.
    pub fn admits(&self, claims: &Claims) -> bool {
        self.region.iter().any(|c| in_case(&self.issuer, c, claims))
    }
}

/// Who can assume the role: the region of tokens the policy admits, for every OIDC issuer
/// it trusts (or only `issuer`), as cases with an example token each.
///
/// # Example
/// ```
/// let policy = r#"{
///   "Version": "2012-10-17",
///   "Statement": [{
///     "Effect": "Allow",
///     "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
///     "Action": "sts:AssumeRoleWithWebIdentity",
///     "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/api:*"}}
///   }]
/// }"#;
/// # let policy = oidc_trust::parse_policy(policy).policy.expect("valid"); // ok: a doc example on a literal input
/// let regions = oidc_trust::who_can(&policy, None);
/// assert_eq!(
///     regions[0].summary[0],
///     "repository `acme/api`, any branch, tag, environment or pull request; from any workflow"
/// );
/// assert!(regions[0].cases[0].confirmed);
/// ```
pub fn who_can(policy: &Policy, issuer: Option<&str>) -> Vec<RegionReport> {
    issuers(policy, issuer)
        .iter()
        .map(|i| region_report(policy, i))
        .collect()
}

fn issuers(policy: &Policy, issuer: Option<&str>) -> Vec<String> {
    match issuer {
        Some(i) => vec![crate::ci::normalize_issuer(i)
            .unwrap_or_else(|_| i.to_string())
            .to_ascii_lowercase()],
        None => trusted_issuers(policy),
    }
}

fn region_report(policy: &Policy, issuer: &str) -> RegionReport {
    let (region, approximations) = region_of(policy, issuer);
    let cases = admitted(policy, issuer, &region, &|_| true);
    let summary = cases.iter().map(|c| sentence(issuer, &c.case)).collect();
    RegionReport {
        issuer: issuer.to_string(),
        summary,
        cases,
        approximations,
        unconstrained: UNCONSTRAINED,
        region,
    }
}

/// Proves that every token `policy` admits for `issuer` has each `claim` matching its glob.
pub fn prove(policy: &Policy, issuer: &str, only: &[(String, String)]) -> Proof {
    let issuer = issuers(policy, Some(issuer)).remove(0);
    let (region, mut approximations) = region_of(policy, &issuer);
    let mut wanted = Case::all();
    for (claim, glob) in only {
        let key = format!("{issuer}:{}", claim.to_ascii_lowercase());
        wanted.and_key(
            &key,
            &KeyTerm {
                absent_ok: false,
                present_ok: true,
                tests: vec![Test {
                    any_of: vec![Atom::new(glob, true, false, false)],
                    negated: false,
                }],
            },
        );
    }
    let outside = subtract(&region, &[wanted]);
    let found = admitted(policy, &issuer, &outside, &|_| true);
    if let Some(c) = found.iter().find(|c| c.confirmed) {
        return Proof::Counterexample {
            claims: c.witness.clone().unwrap_or_default(),
            constraints: c.constraints.clone(),
        };
    }
    if found.is_empty() {
        Proof::Proved { approximations }
    } else {
        approximations.push("a case outside the constraints was found, but the evaluator refuses its witness: the approximations above decide it".into());
        Proof::Inconclusive { approximations }
    }
}

/// What changes from `old` to `new`, per issuer either trusts.
pub fn diff(old: &Policy, new: &Policy) -> Vec<PolicyDiff> {
    let mut all = trusted_issuers(old);
    for i in trusted_issuers(new) {
        if !all.contains(&i) {
            all.push(i);
        }
    }
    all.into_iter()
        .map(|issuer| {
            let (a, mut notes) = region_of(old, &issuer);
            let (b, more) = region_of(new, &issuer);
            for n in more {
                if !notes_contains(&notes, &n) {
                    notes.push(n);
                }
            }
            let allowed_by =
                |p: &Policy, claims: &Claims| verdict(p, &issuer, claims) == Decision::Allow;
            let both = candidates(&[old, new], &issuer);
            let newly_admitted = admitted_from(
                new,
                &issuer,
                &subtract(&b, &a),
                &|c| !allowed_by(old, c),
                &both,
            );
            let newly_refused = admitted_from(
                old,
                &issuer,
                &subtract(&a, &b),
                &|c| !allowed_by(new, c),
                &both,
            );
            PolicyDiff {
                issuer,
                newly_admitted,
                newly_refused,
                approximations: notes,
            }
        })
        .collect()
}

fn notes_contains(notes: &[String], n: &str) -> bool {
    notes.iter().any(|x| x == n)
}

/// Realistic tokens to prefer as witnesses: the attacker replay's, which are complete
/// tokens of the CI system (the search's shortest strings are exact but terse).
fn candidates(policies: &[&Policy], issuer: &str) -> Vec<Claims> {
    policies
        .iter()
        .flat_map(|p| crate::analysis::replay::replay(p))
        .filter(|r| r.issuer == issuer)
        .flat_map(|r| std::iter::once(r.intended).chain(r.attempts.into_iter().map(|a| a.claims)))
        .collect()
}

/// Whether `claims` fall in `case` (the issuer's keys read as the evaluator would).
fn in_case(issuer: &str, case: &Case, claims: &Claims) -> bool {
    let prefix = format!("{issuer}:");
    let value_of = |key: &str| {
        let claim = key.strip_prefix(&prefix)?;
        if exposure(CatalogVersion::default(), issuer, claim) == Exposure::No {
            return None;
        }
        claims
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(claim))
            .and_then(|(_, v)| match v {
                ClaimValue::String(s) | ClaimValue::Number(s) => Some(s.clone()),
                ClaimValue::Bool(b) => Some(b.to_string()),
                _ => None,
            })
    };
    case.admits(&value_of)
}

/// Cases of `region` that are not empty, each with a witness the evaluator allows under
/// `policy` and `extra` accepts: a realistic candidate when one fits, else the search's.
fn admitted(
    policy: &Policy,
    issuer: &str,
    region: &[Case],
    extra: &dyn Fn(&Claims) -> bool,
) -> Vec<AdmittedCase> {
    admitted_from(
        policy,
        issuer,
        region,
        extra,
        &candidates(&[policy], issuer),
    )
}

fn admitted_from(
    policy: &Policy,
    issuer: &str,
    region: &[Case],
    extra: &dyn Fn(&Claims) -> bool,
    candidates: &[Claims],
) -> Vec<AdmittedCase> {
    let mut out = Vec::new();
    for case in region {
        let realistic = candidates.iter().find(|c| {
            in_case(issuer, case, c) && verdict(policy, issuer, c) == Decision::Allow && extra(c)
        });
        let (claims, decided) = match (realistic, witness(case)) {
            (_, Outcome::Empty) => continue,
            (Some(c), _) => (Some(c.clone()), true),
            (None, Outcome::Undecided) => (None, false),
            (None, Outcome::Witness(values)) => (Some(token(issuer, &values)), true),
        };
        let confirmed = decided
            && claims
                .as_ref()
                .is_some_and(|c| verdict(policy, issuer, c) == Decision::Allow && extra(c));
        out.push(AdmittedCase {
            constraints: describe(issuer, case),
            witness: claims,
            confirmed,
            case: case.clone(),
        });
    }
    out
}

fn verdict(policy: &Policy, issuer: &str, claims: &Claims) -> Decision {
    let options = RequestOptions {
        issuer: Some(issuer.to_string()),
        ..RequestOptions::default()
    };
    Request::new(claims, &options)
        .map(|r| decide(policy, &r))
        .unwrap_or(Decision::Deny)
}

/// A token with the witness's values for the issuer's keys.
fn token(issuer: &str, values: &[(String, Option<String>)]) -> Claims {
    let prefix = format!("{issuer}:");
    let mut claims = Claims::from_pairs([(
        "iss".to_string(),
        ClaimValue::String(format!("https://{issuer}")),
    )]);
    for (key, value) in values {
        if let (Some(claim), Some(v)) = (key.strip_prefix(&prefix), value) {
            // A present key with no test still needs a value: a plain word reads best.
            let v = if v.is_empty() {
                "any".to_string()
            } else {
                v.clone()
            };
            claims.insert(claim.to_string(), ClaimValue::String(v));
        }
    }
    claims
}

/// The region: Allow cases minus Deny cases, over-approximated where not exact.
fn region_of(policy: &Policy, issuer: &str) -> (Vec<Case>, Vec<String>) {
    let claims = Claims::from_pairs([(
        "iss".to_string(),
        ClaimValue::String(format!("https://{issuer}")),
    )]);
    let options = RequestOptions {
        issuer: Some(issuer.to_string()),
        ..RequestOptions::default()
    };
    let mut notes = Vec::new();
    let Ok(request) = Request::new(&claims, &options) else {
        notes.push(format!(
            "`{issuer}` is not an issuer oidc-trust can build a request for"
        ));
        return (Vec::new(), notes);
    };
    let mut allow = Vec::new();
    let mut deny = Vec::new();
    for s in &policy.statements {
        if !statement_targets(policy, s, &request) {
            continue;
        }
        let exact = statement_case(policy, s, issuer, &mut notes);
        match (s.effect, exact) {
            (Effect::Allow, StatementCase::Case(c)) => allow.push(c),
            (Effect::Allow, StatementCase::Approximate(c)) => allow.push(c),
            (Effect::Deny, StatementCase::Case(c)) => deny.push(c),
            (Effect::Deny, StatementCase::Approximate(_)) => notes.push(format!(
                "{} has conditions analysed only approximately: left out, so the region may be larger than what the policy admits",
                s.rcp
                    .as_ref()
                    .map(|r| format!("{} (Deny)", r.describe()))
                    .unwrap_or_else(|| format!("Deny statement {}", s.index))
            )),
            (_, StatementCase::Never) => {}
        }
    }
    notes.push("tokens with session tags (`https://aws.amazon.com/tags`) also need sts:TagSession; not modelled".into());
    (subtract(&allow, &deny), notes)
}

enum StatementCase {
    Case(Case),
    /// Some conditions were left out (treated as true).
    Approximate(Case),
    /// Some condition can never hold.
    Never,
}

fn statement_case(
    policy: &Policy,
    s: &Statement,
    issuer: &str,
    notes: &mut Vec<String>,
) -> StatementCase {
    let mut case = Case::all();
    let mut approximate = false;
    let prefix = format!("{issuer}:");
    for c in &s.conditions {
        let claim = c.key_lower.strip_prefix(&prefix);
        // Keys the token does not provide: the condition sees an absent key.
        let exposed =
            claim.is_some_and(|cl| exposure(CatalogVersion::default(), issuer, cl) != Exposure::No);
        if !exposed {
            if c.key_lower.starts_with("aws:") || c.key_lower.starts_with("sts:") {
                notes.push(format!(
                    "statement {}: `{}` is not derived from the token; evaluated as absent",
                    s.index, c.key
                ));
            }
            if holds_when_absent(c) {
                continue;
            }
            return StatementCase::Never;
        }
        match key_term(policy, c) {
            Some(term) => case.and_key(&c.key_lower, &term),
            None => {
                approximate = true;
                notes.push(format!(
                    "statement {}: `{} {}` is not a string comparison oidc-trust analyses exactly",
                    s.index, c.operator_text, c.key
                ));
            }
        }
    }
    if approximate {
        StatementCase::Approximate(case)
    } else {
        StatementCase::Case(case)
    }
}

/// The same rule as the evaluator's for an absent key.
fn holds_when_absent(c: &Condition) -> bool {
    let op = c.operator;
    if op.base == BaseOperator::Null {
        return c
            .values
            .iter()
            .any(|v| matches!(v.compiled, Compiled::Null(true)));
    }
    op.if_exists
        || op.qualifier == Some(SetQualifier::ForAllValues)
        || (op.qualifier.is_none() && op.base.is_negated())
}

/// A condition on a single-valued key as a key term; `None` when not exact.
fn key_term(policy: &Policy, c: &Condition) -> Option<KeyTerm> {
    let op = c.operator;
    if op.base == BaseOperator::Null {
        let absent = c
            .values
            .iter()
            .any(|v| matches!(v.compiled, Compiled::Null(true)));
        let present = c
            .values
            .iter()
            .any(|v| matches!(v.compiled, Compiled::Null(false)));
        return Some(KeyTerm {
            absent_ok: absent,
            present_ok: present,
            tests: Vec::new(),
        });
    }
    if op.base.family() != Family::String {
        return None;
    }
    let variables = policy.version.substitutes_variables();
    let mut atoms = Vec::new();
    for v in &c.values {
        let mut escapes_removed = v
            .text
            .replace("${*}", "")
            .replace("${?}", "")
            .replace("${$}", "");
        if !variables {
            escapes_removed.clear();
        }
        if escapes_removed.contains("${") {
            return None;
        }
        atoms.push(Atom::new(
            &v.text,
            op.base.has_wildcards(),
            op.base.ignores_case(),
            variables,
        ));
    }
    Some(KeyTerm {
        absent_ok: holds_when_absent(c),
        present_ok: true,
        tests: vec![Test {
            any_of: atoms,
            negated: op.base.is_negated(),
        }],
    })
}

/// Each constrained claim of a case, in words.
fn describe(issuer: &str, case: &Case) -> Vec<String> {
    let prefix = format!("{issuer}:");
    case.keys
        .iter()
        .map(|(k, t)| {
            let name = k.strip_prefix(&prefix).unwrap_or(k);
            format!("{name} {}", describe_term(t))
        })
        .collect()
}

fn describe_term(t: &KeyTerm) -> String {
    if !t.present_ok {
        return "absent".into();
    }
    let mut parts: Vec<String> = t
        .tests
        .iter()
        .map(|test| {
            // "= `a` or `b`", "like `x*` or = `y`": the relation is said when it changes.
            let mut joined = String::new();
            let mut last = "";
            for a in &test.any_of {
                let relation = match (a.glob && a.text.contains(['*', '?']), a.ignore_case) {
                    (true, _) => "like",
                    (false, true) => "= (any case)",
                    (false, false) => "=",
                };
                if !joined.is_empty() {
                    joined.push_str(" or ");
                }
                if relation != last {
                    joined.push_str(relation);
                    joined.push(' ');
                    last = relation;
                }
                joined.push_str(&format!("`{}`", a.text));
            }
            if test.negated {
                format!("not ({joined})")
            } else {
                joined
            }
        })
        .collect();
    if parts.is_empty() {
        parts.push("present (any value)".into());
    }
    let body = parts.join(" and ");
    if t.absent_ok {
        format!("absent, or {body}")
    } else {
        body
    }
}

/// A reviewer's sentence for a case: who, on which refs, through which workflow.
fn sentence(issuer: &str, case: &Case) -> String {
    let github = Provider::of_issuer(issuer) == Provider::GitHub;
    let sub_key = format!("{issuer}:sub");
    let sub = case.term(&sub_key);
    let positive: Vec<&Atom> = sub
        .tests
        .iter()
        .filter(|t| !t.negated)
        .flat_map(|t| &t.any_of)
        .collect();
    let who = if !sub.present_ok {
        "nobody (the subject must be absent, and tokens always carry one)".to_string()
    } else if positive.is_empty() {
        format!("any subject of `{issuer}`")
    } else {
        // A test's values are alternatives; several tests on the subject (a trust policy's
        // condition and an RCP's, say) must all hold.
        let test = |t: &Test| {
            if github {
                t.any_of
                    .iter()
                    .map(|a| crate::ci::github::describe(&a.text))
                    .collect::<Vec<_>>()
                    .join("; or ")
            } else {
                t.any_of
                    .iter()
                    .map(
                        |a| match (a.text.as_str(), a.glob && a.text.contains(['*', '?'])) {
                            ("*", true) => "any subject".to_string(),
                            (t, true) => format!("subjects like `{t}`"),
                            (t, false) => format!("subject `{t}`"),
                        },
                    )
                    .collect::<Vec<_>>()
                    .join(" or ")
            }
        };
        sub.tests
            .iter()
            .filter(|t| !t.negated)
            .map(test)
            .collect::<Vec<_>>()
            .join("; limited to ")
    };
    let except: Vec<String> = sub
        .tests
        .iter()
        .filter(|t| t.negated)
        .flat_map(|t| &t.any_of)
        .map(|a| format!("`{}`", a.text))
        .collect();
    let mut out = who;
    if !except.is_empty() {
        out.push_str(&format!(", except {}", except.join(", ")));
    }
    let others: Vec<String> = describe(issuer, case)
        .into_iter()
        .filter(|d| !d.starts_with("sub "))
        .collect();
    if !others.is_empty() {
        out.push_str(&format!("; with {}", others.join(", ")));
    }
    let pins_workflow = case
        .keys
        .iter()
        .any(|(k, _)| k.ends_with(":job_workflow_ref"))
        || positive
            .iter()
            .any(|a| crate::ci::github::subject_names_workflow(&a.text));
    if !pins_workflow && github {
        out.push_str("; from any workflow");
    }
    out
}
