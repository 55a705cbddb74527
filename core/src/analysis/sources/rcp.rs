//! Resource control policies where they live: an RCP file, the output of `aws organizations
//! describe-policy` (the policy as a JSON string under `Policy.Content`), or a Terraform plan
//! or state with `aws_organizations_policy` resources of type `RESOURCE_CONTROL_POLICY`.
//! (`.tf` source is read by the Terraform reader, which returns RCPs apart.) Each comes back
//! as a [`FoundPolicy`], so a face locates an RCP's errors in the file the user gave.

use super::{from_string, member, string, Embedded, FileIndex, FoundPolicy, MAX_SOURCE_BYTES};
use crate::text::diagnostic::{Diagnostic, Reporter, Severity};
use crate::text::json::{self, Kind, Node};
use crate::text::source::LineIndex;

/// The type Organizations gives resource control policies.
const RCP_TYPE: &str = "RESOURCE_CONTROL_POLICY";

/// The resource control policies in a file's text: the file itself when it is a policy, the
/// `Content` of `describe-policy` output, or every RCP of a Terraform plan or state. An
/// error, located, when the text is not JSON or holds no RCP (an SCP's `describe-policy`
/// output, `list-policies` output, which has no content).
///
/// ```
/// let described = r#"{"Policy": {
///   "PolicySummary": {"Name": "oidc-guard", "Type": "RESOURCE_CONTROL_POLICY", "AwsManaged": false},
///   "Content": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"sts:AssumeRoleWithWebIdentity\",\"Resource\":\"*\",\"Condition\":{\"StringNotLikeIfExists\":{\"token.actions.githubusercontent.com:sub\":\"repo:acme/*\"}}}]}"
/// }}"#;
/// let found = oidc_trust::find_rcps(described).unwrap(); // ok: a doc example on a literal input
/// assert_eq!(found[0].resource.as_deref(), Some("oidc-guard"));
/// assert!(oidc_trust::parse_rcp(&found[0].text).policy.is_some());
/// ```
pub fn find_rcps(text: &str) -> Result<Vec<FoundPolicy>, Diagnostic> {
    let r = Reporter::new(text, "rcp");
    let refuse = |code: &'static str, message: String, help: &str, range: (usize, usize)| {
        r.make(Severity::Error, code, message, help, "", range)
    };
    if text.len() > MAX_SOURCE_BYTES {
        return Err(refuse(
            "input-too-large",
            format!(
                "the file is {} bytes; oidc-trust reads up to {MAX_SOURCE_BYTES}",
                text.len()
            ),
            "split the file",
            (0, 0),
        ));
    }
    let node =
        json::parse(text).map_err(|e| refuse("json-syntax", e.message, &e.help, (e.at, e.at)))?;
    let mut found: Vec<Embedded> = Vec::new();
    if member(&node, "Statement").is_some() || member(&node, "Version").is_some() {
        return Ok(vec![FoundPolicy::whole(text)]);
    }
    if let Some(policy) = member(&node, "Policy") {
        let summary = member(policy, "PolicySummary");
        let kind = string(summary.and_then(|s| member(s, "Type")));
        if let Some(kind) = kind.filter(|k| *k != RCP_TYPE) {
            return Err(refuse(
                "not-an-rcp",
                format!("this policy is of type `{kind}`, not a resource control policy"),
                "give the describe-policy output of an RCP (type RESOURCE_CONTROL_POLICY)",
                (policy.start, policy.end),
            ));
        }
        let name = string(summary.and_then(|s| member(s, "Name")))
            .or_else(|| string(summary.and_then(|s| member(s, "Id"))))
            .unwrap_or("RCP")
            .to_string();
        match member(policy, "Content") {
            Some(content) if matches!(content.kind, Kind::String(_)) => {
                found.push(from_string(
                    content,
                    text,
                    name,
                    "/Policy/Content".into(),
                    false,
                ));
            }
            _ => {
                return Err(refuse(
                    "no-rcp",
                    "the `Policy` object has no `Content` string".into(),
                    "give the output of `aws organizations describe-policy --policy-id p-...`",
                    (policy.start, policy.end),
                ))
            }
        }
    } else if member(&node, "format_version").is_some() {
        for (root, base) in [
            (member(&node, "planned_values"), "/planned_values"),
            (member(&node, "values"), "/values"),
        ] {
            if let Some(module) = root.and_then(|r| member(r, "root_module")) {
                plan_module(module, &format!("{base}/root_module"), text, &mut found);
            }
        }
        if found.is_empty() {
            return Err(refuse(
                "no-rcp",
                "no `aws_organizations_policy` of type RESOURCE_CONTROL_POLICY in this plan or state".into(),
                "give the plan or state of the configuration that creates the RCP, or the RCP's JSON",
                (0, 0),
            ));
        }
    } else if member(&node, "Policies").is_some() {
        return Err(refuse(
            "no-rcp",
            "`list-policies` output names policies but holds none of their content".into(),
            "run `aws organizations describe-policy --policy-id p-...` for each RCP and give that output",
            (node.start, node.end),
        ));
    } else {
        return Err(refuse(
            "no-rcp",
            "this file holds no resource control policy".into(),
            "give an RCP's JSON, `aws organizations describe-policy` output, a Terraform plan, or `.tf` source with an aws_organizations_policy",
            (node.start, node.end),
        ));
    }
    let files = FileIndex {
        names: vec!["(this file)"],
        indexes: vec![LineIndex::new(text)],
    };
    Ok(found.into_iter().map(|e| e.resolve(&files)).collect())
}

fn plan_module(module: &Node, pointer: &str, text: &str, out: &mut Vec<Embedded>) {
    if let Some(Kind::Array(resources)) = member(module, "resources").map(|n| &n.kind) {
        for (i, r) in resources.iter().enumerate() {
            let values = member(r, "values");
            if string(member(r, "type")) != Some("aws_organizations_policy")
                || string(values.and_then(|v| member(v, "type"))) != Some(RCP_TYPE)
            {
                continue;
            }
            let Some(content) = values
                .and_then(|v| member(v, "content"))
                .filter(|c| matches!(c.kind, Kind::String(_)))
            else {
                continue;
            };
            let address = string(member(r, "address")).unwrap_or("?").to_string();
            let at = format!("{pointer}/resources/{i}/values/content");
            if !out.iter().any(|e| e.resource == address) {
                out.push(from_string(content, text, address, at, false));
            }
        }
    }
    if let Some(Kind::Array(children)) = member(module, "child_modules").map(|n| &n.kind) {
        for (i, child) in children.iter().enumerate() {
            plan_module(child, &format!("{pointer}/child_modules/{i}"), text, out);
        }
    }
}
