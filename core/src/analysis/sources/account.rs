//! `aws iam get-account-authorization-details`, `get-role` and `list-roles`: every role's
//! `AssumeRolePolicyDocument`, URL-encoded (the raw API) or decoded (the CLI).

use super::{from_string, member, re_emit, string, Embedded};
use crate::text::json::{Kind, Node};

pub(super) fn account(node: &Node, text: &str, out: &mut Vec<Embedded>) {
    let Some(Kind::Array(roles)) = member(node, "RoleDetailList").map(|n| &n.kind) else {
        return;
    };
    for (i, r) in roles.iter().enumerate() {
        role(r, text, format!("/RoleDetailList/{i}"), out);
    }
}

/// `aws iam get-role` (and `create-role`, `update-assume-role-policy`): `{"Role": {…}}`;
/// `aws iam list-roles`: `{"Roles": […]}`.
pub(super) fn roles(node: &Node, text: &str, out: &mut Vec<Embedded>) {
    if let Some(r) = member(node, "Role") {
        role(r, text, "/Role".into(), out);
    }
    if let Some(Kind::Array(list)) = member(node, "Roles").map(|n| &n.kind) {
        for (i, r) in list.iter().enumerate() {
            role(r, text, format!("/Roles/{i}"), out);
        }
    }
}

/// One role's trust policy, named by the role.
fn role(role: &Node, text: &str, at: String, out: &mut Vec<Embedded>) {
    let name = string(member(role, "RoleName"))
        .or(string(member(role, "Arn")))
        .unwrap_or("?")
        .to_string();
    let Some(doc) = member(role, "AssumeRolePolicyDocument") else {
        return;
    };
    let pointer = format!("{at}/AssumeRolePolicyDocument");
    let mut embedded = match &doc.kind {
        // The raw API returns the document URL-encoded; the CLI decodes it to an object.
        Kind::String(s) => from_string(
            doc,
            text,
            name,
            pointer,
            s.contains('%') && !s.trim_start().starts_with('{'),
        ),
        _ => re_emit(doc, name, pointer, None),
    };
    embedded.role = string(member(role, "Arn")).map(str::to_string);
    out.push(embedded);
}
