//! The trace's words: why a principal, an action, a condition and each comparison
//! matched or not. Kept apart from the matcher so that the rules read as rules.

use std::net::IpAddr;

use crate::eval::trace::Absence;
use crate::policy::model::*;
use crate::policy::operator::{BaseOperator, Family, SetQualifier};
use crate::policy::pattern::{self, Part, Template, Vars};
use crate::policy::value::{parse_bool, parse_date, parse_number};

/// Why the principal element matched `issuer` or not.
pub(crate) fn principal(spec: &PrincipalSpec, issuer: &str, matched: bool) -> String {
    if spec.any {
        return "`\"*\"` matches every principal, including any web identity".into();
    }
    if matched {
        "the principal names this token's identity provider".into()
    } else if spec
        .values
        .iter()
        .any(|v| v.kind == PrincipalKind::Federated && v.value.eq_ignore_ascii_case(issuer))
    {
        format!("a provider is named by its ARN, arn:aws:iam::ACCOUNT:oidc-provider/{issuer}")
    } else if spec.values.iter().any(|v| {
        v.kind == PrincipalKind::Federated
            && crate::policy::arn::named_issuer(&v.value).eq_ignore_ascii_case(issuer)
    }) {
        "the principal names this provider in another account".into()
    } else {
        format!("no principal names the provider `{issuer}`")
    }
}

/// Whether an RCP's resource element covers the role, in words.
pub(crate) fn resource(negated: bool, listed: Option<bool>, role: Option<&str>) -> String {
    let element = if negated { "NotResource" } else { "Resource" };
    match (listed, role) {
        (None, None) => format!("the role is unknown, so whether `{element}` covers it is unknown: the statement is not counted (give the role's ARN)"),
        (None, Some(_)) => format!("`{element}` has policy variables, which oidc-trust does not resolve in ARNs: whether it covers the role is unknown, so the statement is not counted"),
        (Some(true), Some(role)) if !negated => format!("`Resource` covers the role `{role}`"),
        (Some(true), _) if !negated => "`Resource` covers every role".to_string(),
        (Some(true), _) => format!("`NotResource` lists the role `{}`, so the statement does not cover it", role.unwrap_or("*")),
        (Some(false), Some(role)) if negated => format!("`NotResource` does not list the role `{role}`, so the statement covers it"),
        (Some(false), role) => format!("`{element}` does not list the role `{}`", role.unwrap_or("?")),
    }
}

/// Why the action element covers the action or not.
pub(crate) fn action(negated: bool, listed: bool) -> String {
    match (negated, listed) {
        (false, true) => "the action is listed".into(),
        (false, false) => "the action is not listed".into(),
        (true, true) => {
            "the action is listed under `NotAction`, so the statement does not cover it".into()
        }
        (true, false) => "`NotAction` covers every action not listed, including this one".into(),
    }
}

/// Why a `Null` condition value holds or not.
pub(crate) fn null(compiled: &Compiled, present: bool) -> String {
    match (compiled, present) {
        (Compiled::Null(true), false) => "`true` asks for the key to be absent, and it is".into(),
        (Compiled::Null(true), true) => {
            "`true` asks for the key to be absent, but it is present".into()
        }
        (Compiled::Null(false), true) => "`false` asks for the key to be present, and it is".into(),
        _ => "`false` asks for the key to be present, but it is absent".into(),
    }
}

/// Why the condition holds or not, as a whole.
pub(crate) fn condition(
    c: &Condition,
    values: Option<&[String]>,
    holds: bool,
    absence: Option<&Absence>,
) -> String {
    let op = c.operator;
    let negated = op.base.is_negated();
    if op.base == BaseOperator::Null {
        return if holds {
            "the key's presence is as required".into()
        } else {
            "the key's presence is not as required".into()
        };
    }
    let Some(values) = values else {
        let why_absent = absence.map(describe_absence).unwrap_or_default();
        let rule = if op.if_exists {
            "`IfExists` makes the condition true when the key is absent".to_string()
        } else {
            match op.qualifier {
                Some(SetQualifier::ForAllValues) => "`ForAllValues` is true when the key is absent, so this condition constrains nothing here".into(),
                Some(SetQualifier::ForAnyValue) => "`ForAnyValue` is false when the key is absent".into(),
                None if negated => "a negated operator is true when the key is absent, so this condition constrains nothing here".into(),
                None => "a positive operator is false when the key is absent".into(),
            }
        };
        return format!("{why_absent}; {rule}");
    };
    let n = values.len();
    match (op.qualifier, negated, holds) {
        (Some(SetQualifier::ForAllValues), false, true) => {
            format!("every request value ({n}) matches a policy value")
        }
        (Some(SetQualifier::ForAllValues), false, false) => {
            "a request value matches no policy value".into()
        }
        (Some(SetQualifier::ForAllValues), true, true) => {
            "no request value matches any policy value".into()
        }
        (Some(SetQualifier::ForAllValues), true, false) => {
            "a request value matches a policy value".into()
        }
        (Some(SetQualifier::ForAnyValue), false, true) => {
            "a request value matches a policy value".into()
        }
        (Some(SetQualifier::ForAnyValue), false, false) => {
            "no request value matches any policy value".into()
        }
        (Some(SetQualifier::ForAnyValue), true, true) => {
            "a request value matches none of the policy values".into()
        }
        (Some(SetQualifier::ForAnyValue), true, false) => {
            "every request value matches a policy value".into()
        }
        (None, false, true) => "the request value matches a policy value (values are OR-ed)".into(),
        (None, false, false) => format!(
            "the request value matches none of the {} policy value(s)",
            c.values.len()
        ),
        (None, true, true) => {
            "the request value matches none of the policy values, as the negated operator requires"
                .into()
        }
        (None, true, false) => {
            "the request value matches a policy value, which the negated operator forbids".into()
        }
    }
}

fn describe_absence(a: &Absence) -> String {
    match a {
        Absence::ClaimMissing { claim } => format!("the token has no `{claim}` claim, so the key is absent"),
        Absence::ClaimNotExposed { claim } => format!("the token has a `{claim}` claim, but AWS does not expose it as a condition key for this issuer, so the key is absent"),
        Absence::ClaimNotAValue { claim } => format!("the `{claim}` claim is not a string, number, boolean or list, so the key is absent"),
        Absence::OtherIssuer { issuer } => format!("the key belongs to the issuer `{issuer}`, not this token's, so it is absent"),
        Absence::TimeNotGiven => "no evaluation time was given, so the time key is absent".into(),
        Absence::NotGiven => "oidc-trust does not derive this key from a token and none was given, so it is absent".into(),
    }
}

/// Explains one comparison in words.
pub(crate) fn comparison(
    base: BaseOperator,
    compiled: &Compiled,
    s: &str,
    matched: bool,
    resolve: &dyn Vars,
) -> String {
    match compiled {
        Compiled::Text(t) => explain_text(base, t, s, matched, resolve),
        Compiled::Number(n) => match parse_number(s) {
            None => format!("`{s}` is not a number, so it matches no numeric value"),
            Some(_) => format!(
                "{s} {} {}",
                if matched {
                    "satisfies"
                } else {
                    "does not satisfy"
                },
                show_number(*n)
            ),
        },
        Compiled::Date(_) => match parse_date(s) {
            None => format!("`{s}` is not a date, so it matches no date value"),
            Some(_) => (if matched {
                "the date comparison holds"
            } else {
                "the date comparison does not hold"
            })
            .into(),
        },
        Compiled::Bool(b) => match parse_bool(s) {
            None => format!("`{s}` is not true or false"),
            Some(v) => format!(
                "{v} {} {b}",
                if matched { "equals" } else { "differs from" }
            ),
        },
        Compiled::Ip(_) => match s.trim().parse::<IpAddr>() {
            Err(_) => format!("`{s}` is not an IP address"),
            Ok(_) => (if matched {
                "the address is in the range"
            } else {
                "the address is outside the range"
            })
            .into(),
        },
        Compiled::Binary(_) => (if matched {
            "the bytes are equal"
        } else {
            "the bytes differ"
        })
        .into(),
        Compiled::Arn(_) => {
            if s.splitn(6, ':').count() < 6 {
                format!("`{s}` is not an ARN (it has fewer than six `:`-separated parts)")
            } else if matched {
                "every ARN segment matches".into()
            } else {
                "an ARN segment does not match (ARN operators compare segment by segment, so `*` never spans `:`)".into()
            }
        }
        Compiled::Null(_) => String::new(),
    }
}

/// A policy number for messages, without Rust's float formatting (which costs the
/// WebAssembly build ~12 KB): integers as integers, others to six decimals.
fn show_number(x: f64) -> String {
    if x.is_finite() && x.fract() == 0.0 && x.abs() < 9.0e15 {
        return (x as i64).to_string();
    }
    if !x.is_finite() {
        return if x.is_nan() {
            "NaN".into()
        } else if x > 0.0 {
            "infinity".into()
        } else {
            "-infinity".into()
        };
    }
    let sign = if x < 0.0 { "-" } else { "" };
    let scaled = (x.abs() * 1_000_000.0).round();
    if scaled >= 9.0e15 {
        return format!("{sign}{}", (x.abs().round()) as u64);
    }
    let scaled = scaled as u64;
    let frac = format!("{:06}", scaled % 1_000_000);
    format!(
        "{sign}{}.{}",
        scaled / 1_000_000,
        frac.trim_end_matches('0')
    )
    .trim_end_matches('.')
    .to_string()
}

fn explain_text(
    base: BaseOperator,
    t: &Template,
    s: &str,
    matched: bool,
    resolve: &dyn Vars,
) -> String {
    if !t.resolvable(resolve) {
        return "a policy variable is not in the request, so this value cannot match".into();
    }
    if base.has_wildcards() {
        let mut captures = Vec::new();
        if pattern::glob(t, s, resolve, Some(&mut captures)) {
            let spans: Vec<&String> = captures
                .iter()
                .filter(|c| c.contains(':') || c.contains('/'))
                .collect();
            return match (captures.is_empty(), spans.first()) {
                (true, _) => "equal (no wildcard)".into(),
                (false, Some(c)) => format!(
                    "matches: `*` stands for `{c}`, which spans `{}`",
                    if c.contains(':') { ":" } else { "/" }
                ),
                (false, None) => format!(
                    "matches: `*` stands for {}",
                    captures
                        .iter()
                        .map(|c| format!("`{c}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
        }
        let lowered = Template {
            parts: t
                .parts
                .iter()
                .map(|p| match p {
                    Part::Lit(l) => Part::Lit(l.to_lowercase()),
                    other => other.clone(),
                })
                .collect(),
        };
        if pattern::glob(&lowered, &s.to_lowercase(), resolve, None) {
            return "does not match: the letter case differs (StringLike is case-sensitive)".into();
        }
        return "does not match the pattern".into();
    }
    if matched {
        return if base.ignores_case() && !pattern::equals(t, s, false, resolve) {
            "equal ignoring case".into()
        } else {
            "equal".into()
        };
    }
    if !base.ignores_case() && pattern::equals(t, s, true, resolve) {
        return "differs only in letter case (this operator is case-sensitive)".into();
    }
    let rendered = pattern::render(t, resolve);
    if base.family() == Family::String && (rendered.contains('*') || rendered.contains('?')) {
        let as_glob = Template::parse(&rendered, true, false);
        if pattern::glob(&as_glob, s, resolve, None) {
            return format!(
                "differs: `*` and `?` are literal characters under `{}`; `StringLike` would match",
                base.name()
            );
        }
    }
    let common = rendered
        .chars()
        .zip(s.chars())
        .take_while(|(a, b)| a == b)
        .count();
    let policy_rest: String = rendered.chars().skip(common).take(24).collect();
    let token_rest: String = s.chars().skip(common).take(24).collect();
    match (policy_rest.is_empty(), token_rest.is_empty()) {
        (true, false) => {
            format!("differs: the token's value continues after the policy's with `{token_rest}`")
        }
        (false, true) => format!(
            "differs: the token's value stops where the policy's continues with `{policy_rest}`"
        ),
        _ => format!(
            "differs at character {}: the policy has `{policy_rest}`, the token has `{token_rest}`",
            common + 1
        ),
    }
}
