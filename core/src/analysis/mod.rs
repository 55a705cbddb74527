//! Layer 5, analysis: what a policy admits beyond one token. The attacker replay, lint,
//! exact regions (who-can, prove, diff), and policies found inside other files.

pub(crate) mod lint;
pub(crate) mod region;
pub(crate) mod replay;
pub(crate) mod sources;
pub(crate) mod who_can;
