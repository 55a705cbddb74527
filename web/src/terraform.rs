//! The Terraform reader, for pasted HCL. In the browser it is a WebAssembly module of its
//! own (the npm package's `oidc-trust/terraform` reader, see `lazy`), fetched the first
//! time HCL is pasted: the page's first load stays within its budget. Natively (the tests) the core
//! reads directly, through the same wire: the policies serialised whole, then read back.

use oidc_trust::{Diagnostic, FoundPolicy, Location, Severity, Span};
use serde::Deserialize;

/// What reading pasted HCL gave.
#[derive(Debug, Clone, PartialEq)]
pub enum HclRead {
    /// The reader is on its way: the page analyses again when it arrives.
    Pending,
    /// The reader could not be loaded: why.
    Unavailable(String),
    /// The trust policies and the reader's problems.
    Read(Vec<FoundPolicy>, Vec<Diagnostic>),
}

/// The reader's answer as it crosses from its module: policies whole, problems flat.
#[derive(Deserialize)]
struct Wire {
    policies: Vec<FoundPolicy>,
    diagnostics: Vec<WireDiagnostic>,
}

#[derive(Deserialize)]
struct WireDiagnostic {
    code: String,
    severity: String,
    message: String,
    help: String,
    pointer: String,
    span: Option<Span>,
}

/// The reader's JSON, as the engine's types.
pub(crate) fn from_wire(json: &str) -> HclRead {
    match serde_json::from_str::<Wire>(json) {
        Ok(w) => HclRead::Read(
            w.policies,
            w.diagnostics
                .into_iter()
                .map(|d| Diagnostic {
                    code: intern(&d.code),
                    severity: if d.severity == "error" {
                        Severity::Error
                    } else {
                        Severity::Warning
                    },
                    message: d.message,
                    help: d.help,
                    input: "policy",
                    location: Location {
                        pointer: d.pointer,
                        span: d.span,
                        file: None,
                    },
                })
                .collect(),
        ),
        Err(e) => HclRead::Unavailable(format!("its answer could not be read ({e})")),
    }
}

/// Diagnostic codes are `&'static str`: the reader's few codes are kept once each.
fn intern(code: &str) -> &'static str {
    use std::cell::RefCell;
    thread_local! {
        static CODES: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
    }
    CODES.with(|codes| {
        let mut codes = codes.borrow_mut();
        if let Some(c) = codes.iter().find(|c| **c == code) {
            return *c;
        }
        // Bounded by the reader's set of codes (a dozen), not by what users paste.
        let c: &'static str = Box::leak(code.to_string().into_boxed_str());
        codes.push(c);
        c
    })
}

/// Reads pasted HCL (natively: the core, through the wire).
#[cfg(not(target_arch = "wasm32"))]
pub fn read(text: &str) -> HclRead {
    let read = oidc_trust::read_terraform_text("main.tf", text);
    let diagnostics: Vec<serde_json::Value> = read
        .diagnostics
        .iter()
        .map(|(_, d)| serde_json::to_value(d).unwrap_or_default())
        .collect();
    let json = serde_json::json!({ "policies": read.policies, "diagnostics": diagnostics });
    from_wire(&json.to_string())
}

#[cfg(target_arch = "wasm32")]
pub use browser::read;

#[cfg(target_arch = "wasm32")]
mod browser {
    use wasm_bindgen::prelude::*;

    use super::{from_wire, HclRead};

    #[wasm_bindgen(inline_js = r#"
export function terraform_found(m, text) {
  const source = m.readTerraform(['main.tf', text], [], [], true);
  try { return source.found(); } finally { source.free(); }
}
"#)]
    extern "C" {
        #[wasm_bindgen(catch)]
        fn terraform_found(module: &JsValue, text: &str) -> Result<String, JsValue>;
    }

    /// Reads pasted HCL; the first call starts loading the reader and answers `Pending`
    /// (the page reads again when it arrives: `lazy::on_ready`).
    pub fn read(text: &str) -> HclRead {
        match crate::lazy::module("terraform", "oidc_trust_terraform") {
            Ok(Some(m)) => match terraform_found(&m, text) {
                Ok(json) => from_wire(&json),
                Err(e) => HclRead::Unavailable(e.as_string().unwrap_or_else(|| "it failed".into())),
            },
            Ok(None) => HclRead::Pending,
            Err(e) => HclRead::Unavailable(e),
        }
    }
}
