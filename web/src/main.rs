//! The oidc-trust playground. Until the Yew application lands, this binary evaluates the
//! seed policy against a main-branch token to prove the core builds for the browser target.
fn main() {
    let policy = oidc_trust::parse_policy(include_str!("../../examples/policies/basic-repo.json"));
    let count = policy.diagnostics.len();
    if policy.policy.is_none() {
        std::process::exit(i32::try_from(count).unwrap_or(1).max(1));
    }
}
