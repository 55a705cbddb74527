//! Condition operators: their names, families, negation, `IfExists` and set qualifiers.
//!
//! Semantics follow AWS's condition-operator reference (domain.md §2.2): a negated
//! operator is true when *no* policy value matches; `...IfExists` is true when the key
//! is absent; `ForAnyValue:`/`ForAllValues:` compare sets of request values.

use serde::Serialize;

/// The comparison an operator performs, without `IfExists` or a set qualifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[allow(missing_docs, reason = "the variants are AWS's operator names")]
pub enum BaseOperator {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

/// The kind of value an operator compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    /// Strings, exact or with `*`/`?` wildcards.
    String,
    /// Numbers.
    Numeric,
    /// Dates (ISO 8601 or epoch seconds).
    Date,
    /// `true`/`false`.
    Bool,
    /// Base64-encoded bytes.
    Binary,
    /// IP addresses and CIDR ranges.
    Ip,
    /// ARNs, compared segment by segment.
    Arn,
    /// Key presence.
    Null,
}

/// How a `ForAnyValue:` or `ForAllValues:` prefix compares a set of request values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SetQualifier {
    /// True when at least one request value satisfies the operator.
    ForAnyValue,
    /// True when every request value satisfies the operator (and when there are none).
    ForAllValues,
}

/// A full condition operator as written in a policy, e.g. `ForAnyValue:StringLikeIfExists`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Operator {
    /// The comparison.
    pub base: BaseOperator,
    /// `ForAnyValue:` / `ForAllValues:`, if present.
    pub qualifier: Option<SetQualifier>,
    /// Whether the name ends in `IfExists`.
    pub if_exists: bool,
}

use BaseOperator as B;

const ALL: [BaseOperator; 27] = [
    B::StringEquals,
    B::StringNotEquals,
    B::StringEqualsIgnoreCase,
    B::StringNotEqualsIgnoreCase,
    B::StringLike,
    B::StringNotLike,
    B::NumericEquals,
    B::NumericNotEquals,
    B::NumericLessThan,
    B::NumericLessThanEquals,
    B::NumericGreaterThan,
    B::NumericGreaterThanEquals,
    B::DateEquals,
    B::DateNotEquals,
    B::DateLessThan,
    B::DateLessThanEquals,
    B::DateGreaterThan,
    B::DateGreaterThanEquals,
    B::Bool,
    B::BinaryEquals,
    B::IpAddress,
    B::NotIpAddress,
    B::ArnEquals,
    B::ArnLike,
    B::ArnNotEquals,
    B::ArnNotLike,
    B::Null,
];

impl BaseOperator {
    /// AWS's name of the operator.
    pub fn name(self) -> &'static str {
        match self {
            B::StringEquals => "StringEquals",
            B::StringNotEquals => "StringNotEquals",
            B::StringEqualsIgnoreCase => "StringEqualsIgnoreCase",
            B::StringNotEqualsIgnoreCase => "StringNotEqualsIgnoreCase",
            B::StringLike => "StringLike",
            B::StringNotLike => "StringNotLike",
            B::NumericEquals => "NumericEquals",
            B::NumericNotEquals => "NumericNotEquals",
            B::NumericLessThan => "NumericLessThan",
            B::NumericLessThanEquals => "NumericLessThanEquals",
            B::NumericGreaterThan => "NumericGreaterThan",
            B::NumericGreaterThanEquals => "NumericGreaterThanEquals",
            B::DateEquals => "DateEquals",
            B::DateNotEquals => "DateNotEquals",
            B::DateLessThan => "DateLessThan",
            B::DateLessThanEquals => "DateLessThanEquals",
            B::DateGreaterThan => "DateGreaterThan",
            B::DateGreaterThanEquals => "DateGreaterThanEquals",
            B::Bool => "Bool",
            B::BinaryEquals => "BinaryEquals",
            B::IpAddress => "IpAddress",
            B::NotIpAddress => "NotIpAddress",
            B::ArnEquals => "ArnEquals",
            B::ArnLike => "ArnLike",
            B::ArnNotEquals => "ArnNotEquals",
            B::ArnNotLike => "ArnNotLike",
            B::Null => "Null",
        }
    }

    /// The kind of value compared.
    pub fn family(self) -> Family {
        match self {
            B::StringEquals
            | B::StringNotEquals
            | B::StringEqualsIgnoreCase
            | B::StringNotEqualsIgnoreCase
            | B::StringLike
            | B::StringNotLike => Family::String,
            B::NumericEquals
            | B::NumericNotEquals
            | B::NumericLessThan
            | B::NumericLessThanEquals
            | B::NumericGreaterThan
            | B::NumericGreaterThanEquals => Family::Numeric,
            B::DateEquals
            | B::DateNotEquals
            | B::DateLessThan
            | B::DateLessThanEquals
            | B::DateGreaterThan
            | B::DateGreaterThanEquals => Family::Date,
            B::Bool => Family::Bool,
            B::BinaryEquals => Family::Binary,
            B::IpAddress | B::NotIpAddress => Family::Ip,
            B::ArnEquals | B::ArnLike | B::ArnNotEquals | B::ArnNotLike => Family::Arn,
            B::Null => Family::Null,
        }
    }

    /// Whether the operator is true when *no* policy value matches (NOR over values).
    pub fn is_negated(self) -> bool {
        matches!(
            self,
            B::StringNotEquals
                | B::StringNotEqualsIgnoreCase
                | B::StringNotLike
                | B::NumericNotEquals
                | B::DateNotEquals
                | B::NotIpAddress
                | B::ArnNotEquals
                | B::ArnNotLike
        )
    }

    /// Whether `*` and `?` in policy values are wildcards.
    pub fn has_wildcards(self) -> bool {
        matches!(
            self,
            B::StringLike
                | B::StringNotLike
                | B::ArnEquals
                | B::ArnLike
                | B::ArnNotEquals
                | B::ArnNotLike
        )
    }

    /// Whether `${...}` policy variables are substituted (version 2012-10-17 only).
    pub fn supports_variables(self) -> bool {
        matches!(self.family(), Family::String | Family::Arn)
    }

    /// Whether string comparison ignores case.
    pub fn ignores_case(self) -> bool {
        matches!(
            self,
            B::StringEqualsIgnoreCase | B::StringNotEqualsIgnoreCase
        )
    }
}

/// Why an operator name is not valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OperatorError {
    pub(crate) message: String,
    pub(crate) help: String,
}

impl Operator {
    /// Parses an operator name such as `ForAllValues:StringNotLikeIfExists`.
    pub(crate) fn parse(name: &str) -> Result<Operator, OperatorError> {
        let (qualifier, rest) = if let Some(rest) = name.strip_prefix("ForAnyValue:") {
            (Some(SetQualifier::ForAnyValue), rest)
        } else if let Some(rest) = name.strip_prefix("ForAllValues:") {
            (Some(SetQualifier::ForAllValues), rest)
        } else {
            (None, name)
        };
        let (if_exists, base_name) = match rest.strip_suffix("IfExists") {
            Some(base) => (true, base),
            None => (false, rest),
        };
        let Some(base) = ALL.iter().copied().find(|b| b.name() == base_name) else {
            return Err(unknown(name));
        };
        if base == B::Null && if_exists {
            return Err(OperatorError {
                message: format!(
                    "`{name}` is not a condition operator: `Null` has no `IfExists` form"
                ),
                help: "`Null` already tests whether the key exists; write `Null`".into(),
            });
        }
        if base == B::Null && qualifier.is_some() {
            return Err(OperatorError {
                message: format!(
                    "`{name}` is not a condition operator: `Null` takes no set qualifier"
                ),
                help: "write `Null` without `ForAnyValue:`/`ForAllValues:`".into(),
            });
        }
        Ok(Operator {
            base,
            qualifier,
            if_exists,
        })
    }

    /// The canonical name, e.g. `ForAnyValue:StringLikeIfExists`.
    pub fn name(&self) -> String {
        let prefix = match self.qualifier {
            Some(SetQualifier::ForAnyValue) => "ForAnyValue:",
            Some(SetQualifier::ForAllValues) => "ForAllValues:",
            None => "",
        };
        format!(
            "{prefix}{}{}",
            self.base.name(),
            if self.if_exists { "IfExists" } else { "" }
        )
    }
}

fn unknown(name: &str) -> OperatorError {
    let candidates = ALL.iter().map(|b| b.name());
    let (prefix, rest) = match name.split_once(':') {
        Some((p, r)) => (format!("{p}:"), r),
        None => (String::new(), name),
    };
    let stem = rest.strip_suffix("IfExists").unwrap_or(rest);
    let mut help = String::from(
        "condition operators are AWS's names, case-sensitive, e.g. `StringEquals` or `StringLike`",
    );
    let mut good_prefix = prefix.clone();
    if let Some(known_prefix) = ["ForAnyValue:", "ForAllValues:"]
        .iter()
        .find(|p| p.eq_ignore_ascii_case(&prefix))
    {
        good_prefix = (*known_prefix).to_string();
        if *known_prefix != prefix {
            help = format!("the set qualifier is written `{known_prefix}`");
        }
    } else if !prefix.is_empty() {
        help = format!("`{prefix}` is not a set qualifier: use `ForAnyValue:` or `ForAllValues:`");
    }
    let suffix = if rest.ends_with("IfExists") {
        "IfExists"
    } else {
        ""
    };
    if let Some(s) = crate::text::diagnostic::suggest(stem, candidates) {
        let candidate = format!("{good_prefix}{s}{suffix}");
        if candidate != name {
            help = format!("did you mean `{candidate}`?");
        }
    }
    OperatorError {
        message: format!("`{name}` is not a condition operator"),
        help,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_prefixes_and_suffixes() {
        let op = Operator::parse("ForAllValues:StringNotLikeIfExists").unwrap();
        assert_eq!(op.base, B::StringNotLike);
        assert_eq!(op.qualifier, Some(SetQualifier::ForAllValues));
        assert!(op.if_exists);
        assert_eq!(op.name(), "ForAllValues:StringNotLikeIfExists");
        for b in ALL {
            assert_eq!(Operator::parse(b.name()).unwrap().base, b);
        }
    }

    #[test]
    fn unknown_operators_get_suggestions() {
        let e = Operator::parse("StringEqual").unwrap_err();
        assert!(e.help.contains("`StringEquals`"), "{}", e.help);
        let e = Operator::parse("stringlike").unwrap_err();
        assert!(e.help.contains("`StringLike`"), "{}", e.help);
        assert!(Operator::parse("NullIfExists").is_err());
        assert!(Operator::parse("ForAnyValue:Null").is_err());
        let e = Operator::parse("forallvalues:StringEquals").unwrap_err();
        assert!(e.help.contains("ForAllValues:"), "{}", e.help);
    }
}
