//! CloudFormation templates (JSON; the CLI turns YAML into JSON first): every
//! `AWS::IAM::Role`'s `AssumeRolePolicyDocument`, written as an object (intrinsics become
//! placeholders) or as a string.

use super::{from_string, member, re_emit, string, Embedded, STAND_IN_ACCOUNT};
use crate::text::json::{Kind, Node};

pub(super) fn cloudformation(node: &Node, text: &str, out: &mut Vec<Embedded>) {
    let Some(Kind::Object(resources)) = member(node, "Resources").map(|n| &n.kind) else {
        return;
    };
    // `Ref` to an OIDC provider of the same template is its ARN (in a stand-in account).
    let refs: Vec<(String, String)> = resources
        .iter()
        .filter(|m| string(member(&m.value, "Type")) == Some("AWS::IAM::OIDCProvider"))
        .filter_map(|m| {
            let url = string(member(&m.value, "Properties").and_then(|p| member(p, "Url")))?;
            let host = url.trim_start_matches("https://").trim_end_matches('/');
            Some((
                m.key.clone(),
                format!("arn:aws:iam::{STAND_IN_ACCOUNT}:oidc-provider/{host}"),
            ))
        })
        .collect();
    for m in resources {
        if string(member(&m.value, "Type")) != Some("AWS::IAM::Role") {
            continue;
        }
        let Some(doc) =
            member(&m.value, "Properties").and_then(|p| member(p, "AssumeRolePolicyDocument"))
        else {
            continue;
        };
        let pointer = format!(
            "/Resources/{}/Properties/AssumeRolePolicyDocument",
            crate::text::source::push_pointer("", &m.key).trim_start_matches('/')
        );
        match &doc.kind {
            Kind::String(_) => out.push(from_string(doc, text, m.key.clone(), pointer, false)),
            _ => out.push(re_emit(doc, m.key.clone(), pointer, Some(&refs))),
        }
    }
}

pub(super) fn is_intrinsic(key: &str) -> bool {
    key == "Ref" || key.starts_with("Fn::")
}

/// Pseudo parameters with a value that cannot change a trust decision.
pub(super) fn pseudo(name: &str) -> Option<&'static str> {
    match name {
        "AWS::AccountId" => Some(STAND_IN_ACCOUNT),
        "AWS::Partition" => Some("aws"),
        "AWS::URLSuffix" => Some("amazonaws.com"),
        "AWS::Region" => Some("us-east-1"),
        _ => None,
    }
}

/// `Fn::Sub` text with `${Param}` resolved where `known` can, else made opaque (`<Param>`,
/// since `${...}` would read as an IAM policy variable). Also says whether all resolved.
pub(super) fn placeholders(
    template: &str,
    known: &dyn Fn(&str) -> Option<String>,
) -> (String, bool) {
    let mut out = String::new();
    let mut all = true;
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find('}') {
            Some(end) if !after.starts_with('!') => {
                let name = &after[..end];
                match known(name) {
                    Some(v) => out.push_str(&v),
                    None => {
                        all = false;
                        out.push('<');
                        out.push_str(name);
                        out.push('>');
                    }
                }
                rest = &after[end + 1..];
            }
            _ => {
                out.push_str("${");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    (out, all)
}
