//! Layer 5, analysis: what a policy admits beyond one token. The attacker replay, lint,
//! exact regions (who-can, prove, diff), policies found inside other files, and the
//! repository settings (layer 3) the policies rely on.

pub(crate) mod guardrails;
pub(crate) mod lint;
pub(crate) mod region;
pub(crate) mod replay;
pub(crate) mod settings;
pub(crate) mod sources;
pub(crate) mod who_can;
