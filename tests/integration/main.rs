//! The integration tests of oidc-trust, in one binary (fast linking on small machines).
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly"
)]

// Subvectors' AWS vectors, observed against live IAM: every one must hold.
mod conformance;
// Golden traces of the seed policies against realistic GitHub tokens.
mod golden;
// Trace format v2 carries what v1 does, on the whole corpus.
mod trace;
// Per-operator and per-rule semantics, each citing domain.md.
mod semantics;
// Bad input: every error is located and coded.
mod diagnostics;
// Domain laws checked on random policies and tokens.
mod laws;
mod lint;
// Exact who-can regions against the evaluator.
mod analysis;
// The layering rule, import cycles, one home per CI system.
mod architecture;
// Every code is documented.
mod codes;
// Resource control policies evaluated with the trust policy.
mod rcp;
// Terraform source read without Terraform.
mod terraform;
// The generator: random intents, generated policies, attackers.
mod generate;
// Terraform, CloudFormation and CI files carry the generated policy, value for value.
mod artifacts;
