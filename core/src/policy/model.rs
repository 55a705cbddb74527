//! The parsed trust policy: statements, principals, actions and conditions, each with
//! the location it was read from. Built by [`crate::parse_policy`]; read by the evaluator.

use serde::Serialize;

use crate::policy::operator::Operator;
use crate::policy::pattern::Template;
use crate::policy::value::IpRange;
use crate::text::source::Location;

/// A trust policy that IAM would accept (warnings aside).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Policy {
    /// The `Version` element.
    pub version: PolicyVersion,
    /// The statements, in document order.
    pub statements: Vec<Statement>,
    /// Things the evaluator must assume about this document (e.g. which duplicate key
    /// IAM keeps); copied into every trace.
    #[serde(skip)]
    pub(crate) assumptions: Vec<ParseAssumption>,
    /// The ARN of the role this trust policy belongs to, when known (an account dump says
    /// it): the resource that RCP `Resource` elements are matched against when the request
    /// does not name one.
    #[serde(skip)]
    pub role: Option<String>,
}

/// An assumption made while reading the document.
#[derive(Debug, Clone)]
pub(crate) struct ParseAssumption {
    pub(crate) code: &'static str,
    pub(crate) message: String,
    pub(crate) pointer: String,
}

/// The policy language version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PolicyVersion {
    /// `2012-10-17`: policy variables are substituted.
    #[serde(rename = "2012-10-17")]
    V2012,
    /// `2008-10-17`: `${...}` is literal text.
    #[serde(rename = "2008-10-17")]
    V2008,
    /// No `Version`: the 2008 rules apply.
    #[serde(rename = "missing")]
    Missing,
}

impl PolicyVersion {
    /// Whether `${...}` policy variables are substituted.
    pub fn substitutes_variables(self) -> bool {
        self == PolicyVersion::V2012
    }
}

/// `Allow` or `Deny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Effect {
    /// Grants the action when the statement applies.
    Allow,
    /// Refuses the action when the statement applies, whatever else allows it.
    Deny,
}

/// One statement.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Statement {
    /// Position in the `Statement` list (0 for a single statement object).
    pub index: usize,
    /// The `Sid`, if any.
    pub sid: Option<String>,
    /// `Allow` or `Deny`.
    pub effect: Effect,
    /// Where the statement is.
    pub location: Location,
    /// Who the statement is about.
    pub principal: PrincipalSpec,
    /// Which actions the statement is about.
    pub action: ActionSpec,
    /// The conditions, one per operator and key, all of which must hold.
    pub conditions: Vec<Condition>,
    /// The `Resource` or `NotResource` element: only in a resource control policy (a trust
    /// policy has none: the role is the resource).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<ResourceSpec>,
    /// For a statement of a resource control policy evaluated with a trust policy
    /// ([`Policy::guarded_by`]): which RCP and which of its statements this is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rcp: Option<RcpStatement>,
}

/// The `Resource` or `NotResource` element of an RCP statement.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceSpec {
    /// `NotResource`: the statement covers every resource *not* listed.
    pub negated: bool,
    /// Where the element is.
    pub location: Location,
    /// The listed ARN patterns, OR-ed.
    pub patterns: Vec<ResourcePattern>,
}

/// One resource pattern, e.g. `arn:aws:iam::*:role/deploy-*`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourcePattern {
    /// The pattern as written.
    pub text: String,
    /// Where it is.
    pub location: Location,
    /// ARNs match case-sensitively, with `*` and `?`.
    #[serde(skip)]
    pub(crate) glob: Template,
}

/// Where a guardrail statement comes from: its RCP's name and its place in that RCP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RcpStatement {
    /// The RCP's name (its Organizations name, Terraform address or file name).
    pub name: String,
    /// The statement's position in the RCP.
    pub index: usize,
    /// The statement's `Sid`, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
}

impl RcpStatement {
    /// `RCP `name` statement N (`Sid`)`, counted from 0 as the trust policy's statements
    /// and JSON pointers are.
    pub fn describe(&self) -> String {
        match &self.sid {
            Some(sid) => format!("RCP `{}` statement {} (`{sid}`)", self.name, self.index),
            None => format!("RCP `{}` statement {}", self.name, self.index),
        }
    }
}

/// A resource control policy with the name it is reported under. Read with
/// [`crate::parse_rcp`]; evaluated with a trust policy through [`Policy::guarded_by`].
#[derive(Debug, Clone)]
pub struct Rcp {
    /// The name findings and traces give it.
    pub name: String,
    /// The parsed RCP.
    pub policy: Policy,
}

impl Policy {
    /// The trust policy with the Deny statements of `rcps` appended, each marked with the
    /// RCP it comes from. AWS denies the call when any statement of any RCP attached above
    /// the role's account denies it (domain.md §8.2), so to every analysis (decide,
    /// evaluate, replay, lint, who-can) an RCP statement is one more Deny statement whose
    /// principal is everyone. The `Allow` of the AWS-managed `RCPFullAWSAccess`, always
    /// attached, lets everything through RCP evaluation and is left out.
    pub fn guarded_by(&self, rcps: &[Rcp]) -> Policy {
        let mut guarded = self.clone();
        for rcp in rcps {
            for s in rcp
                .policy
                .statements
                .iter()
                .filter(|s| s.effect == Effect::Deny)
            {
                let mut s = s.clone();
                s.rcp = Some(RcpStatement {
                    name: rcp.name.clone(),
                    index: s.index,
                    sid: s.sid.clone(),
                });
                s.index = guarded.statements.len();
                guarded.statements.push(s);
            }
        }
        guarded
    }

    /// Calls `f` on every location in the policy (a face moves an RCP's locations into the
    /// file it was read from before guarding a trust policy with it).
    pub fn for_each_location(&mut self, f: &mut dyn FnMut(&mut Location)) {
        for s in &mut self.statements {
            f(&mut s.location);
            f(&mut s.principal.location);
            s.principal
                .values
                .iter_mut()
                .for_each(|v| f(&mut v.location));
            f(&mut s.action.location);
            s.action
                .patterns
                .iter_mut()
                .for_each(|p| f(&mut p.location));
            if let Some(r) = &mut s.resource {
                f(&mut r.location);
                r.patterns.iter_mut().for_each(|p| f(&mut p.location));
            }
            for c in &mut s.conditions {
                f(&mut c.operator_location);
                f(&mut c.key_location);
                c.values.iter_mut().for_each(|v| f(&mut v.location));
            }
        }
    }

    /// Whether any statement comes from an RCP.
    pub fn has_rcps(&self) -> bool {
        self.statements.iter().any(|s| s.rcp.is_some())
    }
}

/// The `Principal` element.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PrincipalSpec {
    /// Where the element is.
    pub location: Location,
    /// `"Principal": "*"`: everyone.
    pub any: bool,
    /// The listed principals, OR-ed.
    pub values: Vec<PrincipalValue>,
}

/// The kind of a principal entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PrincipalKind {
    /// An identity provider: an OIDC provider ARN or a built-in web identity provider.
    Federated,
    /// An AWS account or IAM principal.
    #[serde(rename = "AWS")]
    Aws,
    /// An AWS service.
    Service,
    /// An S3 canonical user.
    CanonicalUser,
}

impl PrincipalKind {
    /// The key used in the policy.
    pub fn name(self) -> &'static str {
        match self {
            PrincipalKind::Federated => "Federated",
            PrincipalKind::Aws => "AWS",
            PrincipalKind::Service => "Service",
            PrincipalKind::CanonicalUser => "CanonicalUser",
        }
    }
}

/// One principal value.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PrincipalValue {
    /// Its kind.
    pub kind: PrincipalKind,
    /// The value as written.
    pub value: String,
    /// Where it is.
    pub location: Location,
}

/// The `Action` or `NotAction` element.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionSpec {
    /// `NotAction`: the statement covers every action *not* listed.
    pub negated: bool,
    /// Where the element is.
    pub location: Location,
    /// The listed action patterns, OR-ed.
    pub patterns: Vec<ActionPattern>,
}

/// One action pattern, e.g. `sts:AssumeRole*`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionPattern {
    /// The pattern as written.
    pub text: String,
    /// Where it is.
    pub location: Location,
    /// Lower-cased glob: actions match case-insensitively.
    #[serde(skip)]
    pub(crate) glob: Template,
}

/// One condition: an operator applied to one key with one or more values.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    /// The operator.
    pub operator: Operator,
    /// The operator as written.
    pub operator_text: String,
    /// Where the operator is.
    pub operator_location: Location,
    /// The key as written.
    pub key: String,
    /// Where the key is.
    pub key_location: Location,
    /// The values, OR-ed (NOR for negated operators).
    pub values: Vec<ConditionValue>,
    #[serde(skip)]
    pub(crate) key_lower: String,
}

/// One condition value.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConditionValue {
    /// The value as written (booleans and numbers as their JSON text).
    pub text: String,
    /// Where it is.
    pub location: Location,
    #[serde(skip)]
    pub(crate) compiled: Compiled,
}

/// A condition value prepared for its operator's family.
#[derive(Debug, Clone)]
pub(crate) enum Compiled {
    Text(Template),
    Number(f64),
    Date(i64),
    Bool(bool),
    Binary(Vec<u8>),
    Ip(IpRange),
    /// Six colon-separated segments; the last one takes the rest of the ARN.
    Arn(Vec<Template>),
    Null(bool),
}

impl Compiled {
    /// The policy variables in this value.
    pub(crate) fn variables(&self) -> Vec<&crate::policy::pattern::Variable> {
        match self {
            Compiled::Text(t) => t.variables().collect(),
            Compiled::Arn(segments) => segments.iter().flat_map(|t| t.variables()).collect(),
            _ => Vec::new(),
        }
    }
}

/// Splits a condition key into its prefix (an issuer, or a service such as `aws`) and name.
pub(crate) fn split_key(key: &str) -> Option<(&str, &str)> {
    key.split_once(':')
}
