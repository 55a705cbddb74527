//! `terraform show -json` of a plan or a state: every `aws_iam_role`'s `assume_role_policy`
//! and the `aws_iam_policy_document` data sources whose rendered JSON is a trust policy, in
//! the root module and child modules.

use super::{from_string, member, string, Embedded};
use crate::text::json::{Kind, Node};

pub(super) fn terraform(node: &Node, text: &str, out: &mut Vec<Embedded>) {
    let mut seen: Vec<String> = Vec::new();
    for (root, base) in [
        (member(node, "planned_values"), "/planned_values"),
        (member(node, "values"), "/values"),
        (
            member(node, "prior_state").and_then(|p| member(p, "values")),
            "/prior_state/values",
        ),
    ] {
        if let Some(module) = root.and_then(|r| member(r, "root_module")) {
            tf_module(module, &format!("{base}/root_module"), text, &mut seen, out);
        }
    }
}

fn tf_module(
    module: &Node,
    pointer: &str,
    text: &str,
    seen: &mut Vec<String>,
    out: &mut Vec<Embedded>,
) {
    if let Some(Kind::Array(resources)) = member(module, "resources").map(|n| &n.kind) {
        for (i, r) in resources.iter().enumerate() {
            let address = string(member(r, "address")).unwrap_or("?").to_string();
            let kind = string(member(r, "type")).unwrap_or("");
            let values = member(r, "values");
            let (attr, is_doc) = match kind {
                "aws_iam_role" => ("assume_role_policy", false),
                "aws_iam_policy_document" => ("json", true),
                _ => continue,
            };
            let Some(value) = values.and_then(|v| member(v, attr)) else {
                continue;
            };
            if seen.contains(&address) {
                continue;
            }
            let Kind::String(policy) = &value.kind else {
                continue;
            };
            // A policy document data source may be a permissions policy: only trust
            // policies (a Principal and an sts:AssumeRole* action) are linted.
            if is_doc && !(policy.contains("\"Principal\"") && policy.contains("sts:AssumeRole")) {
                continue;
            }
            seen.push(address.clone());
            out.push(from_string(
                value,
                text,
                address,
                format!("{pointer}/resources/{i}/values/{attr}"),
                false,
            ));
        }
    }
    if let Some(Kind::Array(children)) = member(module, "child_modules").map(|n| &n.kind) {
        for (i, child) in children.iter().enumerate() {
            tf_module(
                child,
                &format!("{pointer}/child_modules/{i}"),
                text,
                seen,
                out,
            );
        }
    }
}
