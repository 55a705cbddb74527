//! `aws iam get-account-authorization-details`: every role's `AssumeRolePolicyDocument`,
//! URL-encoded (the raw API) or decoded (the CLI).

use super::{from_string, member, re_emit, string, Embedded};
use crate::text::json::{Kind, Node};

pub(super) fn account(node: &Node, text: &str, out: &mut Vec<Embedded>) {
    let Some(Kind::Array(roles)) = member(node, "RoleDetailList").map(|n| &n.kind) else {
        return;
    };
    for (i, role) in roles.iter().enumerate() {
        let name = string(member(role, "RoleName"))
            .or(string(member(role, "Arn")))
            .unwrap_or("?")
            .to_string();
        let Some(doc) = member(role, "AssumeRolePolicyDocument") else {
            continue;
        };
        let pointer = format!("/RoleDetailList/{i}/AssumeRolePolicyDocument");
        match &doc.kind {
            // The raw API returns the document URL-encoded; the CLI decodes it to an object.
            Kind::String(s) => out.push(from_string(
                doc,
                text,
                name,
                pointer,
                s.contains('%') && !s.trim_start().starts_with('{'),
            )),
            _ => out.push(re_emit(doc, name, pointer, None)),
        }
    }
}
