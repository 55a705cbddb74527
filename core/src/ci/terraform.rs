//! HCP Terraform: the shared issuer, the
//! `organization:...:project:...:workspace:...:run_phase:...` subject, and the token model.

use super::{literal, Model, Named, Scenarios, Token};
use crate::text::severity::FindingSeverity;

/// HCP Terraform's issuer (Terraform Enterprise instances have their own hosts).
pub(crate) const ISSUER: &str = "app.terraform.io";

/// The audience HCP Terraform's AWS integration requests by default.
pub(crate) const DEFAULT_AUDIENCE: &str = "aws.workload.identity";

/// HCP Terraform, by host.
pub(crate) fn recognises(host: &str, _path: &str) -> bool {
    host == ISSUER
}

/// The project of workspaces that are in none.
pub(crate) const DEFAULT_PROJECT: &str = "Default Project";

/// A run's subject.
pub(crate) fn subject(
    organization: &str,
    project: &str,
    workspace: &str,
    run_phase: &str,
) -> String {
    format!(
        "organization:{organization}:project:{project}:workspace:{workspace}:run_phase:{run_phase}"
    )
}

/// The subjects of every run of an organisation.
pub(crate) fn tenant_subject(organization: &str) -> String {
    format!("organization:{organization}:*")
}

/// Characters allowed in organisation and workspace names.
pub(crate) fn valid_name(s: &str) -> bool {
    super::valid_slug(s)
}

/// The token model: the intended token read off `named`, and the attacker scenarios.
pub(crate) fn model(named: &Named) -> Model {
    let mut t = Token::with(&[
        ("aud", "aws.workload.identity"),
        ("organization", "my-org"),
        ("project", "my-project"),
        ("workspace", "my-workspace"),
        ("run_phase", "apply"),
    ]);
    t.read_pairs(named.get("sub"));
    if let Some(aud) = named.get("aud").and_then(literal) {
        t.set("aud", aud);
    }
    let fix = |mut t: Token| {
        let sub = subject(
            t.get("organization"),
            t.get("project"),
            t.get("workspace"),
            t.get("run_phase"),
        );
        t.set("sub", sub);
        for (claim, part) in [
            ("terraform_organization_name", "organization"),
            ("terraform_project_name", "project"),
            ("terraform_workspace_name", "workspace"),
            ("terraform_run_phase", "run_phase"),
        ] {
            let v = t.get(part).to_string();
            t.set(claim, v);
            t.remove(part);
        }
        t
    };
    let base = t.clone();
    let ws = base.get("workspace").to_string();
    let mut list = Scenarios::new(&base, &fix);
    let mut add =
        |id, who, severity, change: &dyn Fn(&mut Token)| list.add(id, who, severity, change);
    add(
        "other-org",
        "a workspace of another HCP Terraform organisation".into(),
        FindingSeverity::Critical,
        &|t| t.set("organization", "zz-attacker"),
    );
    add(
        "other-project",
        "a workspace in another project of the organisation".into(),
        FindingSeverity::High,
        &|t| t.set("project", "zz-other-project"),
    );
    add(
        "other-workspace",
        "another workspace of the project".into(),
        FindingSeverity::High,
        &|t| t.set("workspace", "zz-other-workspace"),
    );
    add(
        "look-alike-workspace",
        format!("a workspace named like `{ws}-evil`"),
        FindingSeverity::High,
        &|t| t.set("workspace", format!("{ws}-evil")),
    );
    if base.get("run_phase") == "apply" {
        add(
            "plan-phase",
            "a plan run of the same workspace (plan credentials reach the apply role)".into(),
            FindingSeverity::High,
            &|t| t.set("run_phase", "plan"),
        );
    }
    list.model("hcp-terraform")
}
