//! The seed examples, compiled in: the policies of the hardening articles and realistic
//! GitHub Actions tokens. The first of each is what a first-time visitor sees.

/// One example input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Example {
    /// Stable id (the file name without extension).
    pub id: &'static str,
    /// What the picker shows.
    pub label: &'static str,
    /// The text loaded into the editor.
    pub text: &'static str,
}

macro_rules! example {
    ($id:literal, $label:literal, $path:literal) => {
        Example {
            id: $id,
            label: $label,
            text: include_str!(concat!("../../examples/", $path)),
        }
    };
}

/// Example trust policies (one in Terraform source; the last one loose, to try an
/// organisation RCP on).
pub const POLICIES: [Example; 6] = [
    example!(
        "basic-repo",
        "Repository-scoped (basic)",
        "policies/basic-repo.json"
    ),
    example!(
        "hardening-layer1",
        "Hardening layer 1: pinned workflow",
        "policies/hardening-layer1.json"
    ),
    example!(
        "hardening-layer2",
        "Hardening layer 2: + repository, workflow, actor",
        "policies/hardening-layer2.json"
    ),
    example!(
        "hardening-layer4",
        "Hardening layer 4: custom subject",
        "policies/hardening-layer4.json"
    ),
    example!(
        "terraform",
        "Terraform: two roles (jsonencode, policy document)",
        "terraform/main.tf"
    ),
    example!(
        "loose-any-repo",
        "Any GitHub repository (loose: try an organisation RCP)",
        "policies/loose-any-repo.json"
    ),
];

/// An organisation RCP in the shape of AWS's "Limit access to trusted OIDC identity
/// providers" sample: GitHub subjects must start with `repo:acme/`, GitLab's with
/// `project_path:acme/`.
pub const RCP_EXAMPLE: Example = example!(
    "trusted-oidc-tenants",
    "AWS's sample: only our GitHub organisation and GitLab group",
    "rcps/trusted-oidc-tenants.json"
);

/// Example tokens (claims JSON, and one raw JWT).
pub const TOKENS: [Example; 10] = [
    example!("main", "main branch push", "tokens/main.json"),
    example!("main-jwt", "main branch push (raw JWT)", "tokens/main.jwt"),
    example!(
        "pull-request",
        "pull_request (fork PR)",
        "tokens/pull-request.json"
    ),
    example!(
        "sibling-repo",
        "sibling repository (api-evil)",
        "tokens/sibling-repo.json"
    ),
    example!("other-org", "another organisation", "tokens/other-org.json"),
    example!(
        "human-actor",
        "run by another actor",
        "tokens/human-actor.json"
    ),
    example!("tag", "tag push", "tokens/tag.json"),
    example!("other-branch", "feature branch", "tokens/other-branch.json"),
    example!(
        "environment",
        "deployment environment",
        "tokens/environment.json"
    ),
    example!(
        "custom-sub-main",
        "custom sub claim (main)",
        "tokens/custom-sub-main.json"
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_texts_present() {
        for list in [&POLICIES[..], &TOKENS[..]] {
            for (i, e) in list.iter().enumerate() {
                assert!(!e.text.trim().is_empty(), "{}", e.id);
                assert!(list[..i].iter().all(|o| o.id != e.id), "{}", e.id);
            }
        }
    }
}
