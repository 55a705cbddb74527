//! The oidc-trust playground: paste a trust policy and a token, see allow/deny for every
//! statement and condition. Everything runs in the page: the core is compiled in, so a
//! pasted token never leaves the browser.
//!
//! `state` (inputs → analysis), `share` (links) and `examples` are plain Rust, tested
//! natively; `app` and `view` render them with Yew, and `editor` is the code editor both
//! text boxes use.

pub mod app;
pub mod editor;
pub mod examples;
pub mod generate_view;
pub mod generator;
pub mod lazy;
pub mod remember;
pub mod share;
pub mod state;
pub mod terraform;
mod view;
