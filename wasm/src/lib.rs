//! WebAssembly bindings of oidc-trust. The npm package is built from this crate; until
//! its bindings land it re-exports the core so that the crate compiles for wasm32.
pub use oidc_trust::*;
