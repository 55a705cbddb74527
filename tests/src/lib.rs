//! Shared helpers of the cross-face tests: loading examples and corpora, turning
//! conformance vectors into policies, and one `check_*` function per suite so that API
//! changes touch one place.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly on bad fixtures"
)]

use std::path::{Path, PathBuf};

use oidc_trust::{
    evaluate, parse_policy, read_claims_or_token, Evaluation, Policy, Request, RequestOptions,
};
use serde::Deserialize;
use serde_json::{json, Map, Value};

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Reads a file relative to the repository root.
pub fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// Parses a policy that must be valid.
pub fn policy(text: &str) -> Policy {
    let parsed = parse_policy(text);
    match parsed.policy {
        Some(p) => p,
        None => panic!("invalid policy: {:#?}", parsed.diagnostics),
    }
}

/// Evaluates policy text against claims (JSON or JWT) text.
pub fn check_eval(policy_text: &str, claims_text: &str, options: &RequestOptions) -> Evaluation {
    let policy = policy(policy_text);
    let claims = read_claims_or_token(claims_text)
        .unwrap_or_else(|d| panic!("bad claims: {d:#?}"))
        .claims;
    let request = Request::new(&claims, options).unwrap_or_else(|d| panic!("bad request: {d:#?}"));
    let evaluation = evaluate(&policy, &request);
    assert_eq!(
        oidc_trust::decide(&policy, &request),
        evaluation.decision,
        "decide and evaluate disagree"
    );
    assert_eq!(
        oidc_trust::verdict(&policy, &request),
        (evaluation.decision, evaluation.reason.clone()),
        "verdict and evaluate disagree"
    );
    evaluation
}

/// One golden evaluation case (`tests/corpus/eval/cases.json`).
#[derive(Debug, Deserialize)]
pub struct GoldenCase {
    /// Name, also the golden file's name.
    pub name: String,
    /// Policy file, relative to the root.
    pub policy: String,
    /// Claims or token file, relative to the root.
    pub claims: String,
    /// Expected decision.
    pub expect: String,
    /// Evaluation time, epoch seconds.
    pub now: Option<i64>,
}

/// One subvectors vector.
#[derive(Debug, Deserialize)]
pub struct Vector {
    /// Stable id.
    pub id: String,
    /// `github`, `gitlab`, `circleci`, `bitbucket`, `terraform-cloud`.
    pub issuer: String,
    /// The token's `sub`.
    pub subject: String,
    /// Claims beyond `sub`, when the vector needs them.
    pub claims: Option<Map<String, Value>>,
    /// The condition: a leaf or `aws-all` of leaves.
    pub condition: Value,
    /// `match` or `no-match`.
    pub expect: String,
    /// The vector's security grade, when it has one.
    pub judgment: Option<Judgment>,
}

/// A subvectors security grade.
#[derive(Debug, Deserialize)]
pub struct Judgment {
    /// `safe`, `caution` or `dangerous`.
    pub grade: String,
    /// Why.
    pub reason: String,
}

/// A subvectors suite file.
#[derive(Debug, Deserialize)]
pub struct Suite {
    /// Suite name.
    pub suite: String,
    /// The vectors.
    pub vectors: Vec<Vector>,
}

impl Vector {
    /// The issuer host (and path) the vector's tokens come from.
    pub fn issuer_host(&self) -> String {
        match self.issuer.as_str() {
            "github" => "token.actions.githubusercontent.com".into(),
            "gitlab" => "gitlab.com".into(),
            "terraform-cloud" => "app.terraform.io".into(),
            "bitbucket" => {
                "api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc".into()
            }
            "circleci" => {
                let org = self.subject.split('/').nth(1).unwrap_or("org");
                format!("oidc.circleci.com/org/{org}")
            }
            other => panic!("unknown issuer {other}"),
        }
    }

    /// The trust policy the vector describes.
    pub fn policy(&self) -> Value {
        let issuer = self.issuer_host();
        let mut condition = Map::new();
        let leaves = match self.condition.get("consumer").and_then(Value::as_str) {
            Some("aws-all") => self
                .condition
                .get("of")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
            _ => vec![self.condition.clone()],
        };
        for leaf in leaves {
            let base = match leaf.get("consumer").and_then(Value::as_str) {
                Some("aws-stringequals") => "StringEquals",
                Some("aws-stringlike") => "StringLike",
                other => panic!("{}: unknown consumer {other:?}", self.id),
            };
            let op = match leaf.get("qualifier").and_then(Value::as_str) {
                Some(q) => format!("{q}:{base}"),
                None => base.to_string(),
            };
            let claim = leaf.get("claim").and_then(Value::as_str).unwrap_or("sub");
            let block = condition.entry(op).or_insert_with(|| json!({}));
            let key = format!("{issuer}:{claim}");
            assert!(
                block.get(&key).is_none(),
                "{}: the same operator and key twice",
                self.id
            );
            block[key] = leaf.get("pattern").cloned().unwrap_or(Value::Null);
        }
        trust_policy(&issuer, Value::Object(condition))
    }

    /// The token's claims.
    pub fn token_claims(&self) -> Value {
        let mut claims = self.claims.clone().unwrap_or_default();
        claims
            .entry("sub")
            .or_insert_with(|| Value::String(self.subject.clone()));
        claims.insert(
            "iss".into(),
            Value::String(format!("https://{}", self.issuer_host())),
        );
        Value::Object(claims)
    }
}

/// A one-statement Allow trust policy for `issuer` with `condition`.
pub fn trust_policy(issuer: &str, condition: Value) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": format!("arn:aws:iam::123456789012:oidc-provider/{issuer}")},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": condition,
        }]
    })
}

/// Loads every AWS suite of the vendored subvectors vectors.
pub fn subvector_suites() -> Vec<Suite> {
    let dir = root().join("tests/vectors/subvectors");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with("-aws.json"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| {
            serde_json::from_str(&std::fs::read_to_string(f).unwrap_or_default())
                .unwrap_or_else(|e| panic!("{}: {e}", f.display()))
        })
        .collect()
}
