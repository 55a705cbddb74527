//! The Terraform module's exports (`oidc-trust/terraform`): reads `.tf` and `.tf.json`
//! text into trust policies, and maps locations in a policy back into the HCL.
//!
//! Only the reader is here: the policies it finds are JSON text that the main module
//! evaluates and lints, and `api.js`'s results are moved into the HCL with `locate`. The
//! evaluator is not linked twice, and this module stays within its size budget.

use oidc_trust::{read_terraform, read_terraform_text, Files, Location, Position, Span};
use oidc_trust::{TerraformOptions, TerraformRead};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::{pairs, to_json};

/// What a read found, kept in wasm memory so that locations can be mapped later.
#[wasm_bindgen]
#[derive(Debug)]
pub struct TerraformSource {
    read: TerraformRead,
}

/// Files given from JS: path, text, path, text...
struct Given(Vec<(String, String)>);

fn clean(path: &str) -> &str {
    path.trim_start_matches("./")
}

impl Files for Given {
    fn read(&self, path: &str) -> Option<String> {
        let path = clean(path);
        self.0
            .iter()
            .find(|(p, _)| clean(p) == path)
            .map(|(_, t)| t.clone())
    }

    fn list(&self, dir: &str) -> Vec<String> {
        let dir = clean(dir).trim_end_matches('/');
        let dir = if dir == "." { "" } else { dir };
        self.0
            .iter()
            .filter_map(|(p, _)| {
                let p = clean(p);
                let (parent, name) = p.rsplit_once('/').unwrap_or(("", p));
                (parent == dir).then(|| name.to_string())
            })
            .collect()
    }
}

/// Reads Terraform: one pasted text (`alone`: a file, a block, or a bare
/// `jsonencode({...})`), or a module given as files (`files` flat: path, text...; read from
/// its root directory). `vars` is flat: name, value... (`--var`); `var_files` are paths
/// among `files`.
#[wasm_bindgen(js_name = readTerraform)]
pub fn read(
    files: Vec<String>,
    vars: Vec<String>,
    var_files: Vec<String>,
    alone: bool,
) -> TerraformSource {
    let pairs = pairs(files);
    let options = TerraformOptions {
        var_files,
        vars: crate::pairs(vars),
    };
    let read = match pairs.as_slice() {
        [(name, text)] if alone && options.vars.is_empty() && options.var_files.is_empty() => {
            read_terraform_text(name, text)
        }
        _ => read_terraform(".", &Given(pairs), &options),
    };
    TerraformSource { read }
}

#[wasm_bindgen]
impl TerraformSource {
    /// The policies (resource, file, pointer, JSON text) and the problems, as JSON.
    pub fn summary(&self) -> Result<String, JsValue> {
        #[derive(Serialize)]
        struct Policy<'a> {
            resource: Option<&'a str>,
            file: Option<&'a str>,
            pointer: &'a str,
            text: &'a str,
        }
        #[derive(Serialize)]
        struct Problem<'a> {
            file: &'a str,
            #[serde(flatten)]
            diagnostic: &'a oidc_trust::Diagnostic,
        }
        #[derive(Serialize)]
        struct Summary<'a> {
            policies: Vec<Policy<'a>>,
            diagnostics: Vec<Problem<'a>>,
            files: &'a [String],
        }
        to_json(&Summary {
            policies: self
                .read
                .policies
                .iter()
                .map(|p| Policy {
                    resource: p.resource.as_deref(),
                    file: p.file.as_deref(),
                    pointer: &p.pointer,
                    text: &p.text,
                })
                .collect(),
            diagnostics: self
                .read
                .diagnostics
                .iter()
                .map(|(file, diagnostic)| Problem { file, diagnostic })
                .collect(),
            files: &self.read.files,
        })
    }

    /// Every policy whole, way back included, and the problems, as JSON
    /// (`{"policies": [FoundPolicy...], "diagnostics": [...]}`): what the playground's
    /// lazily loaded reader hands to the engine it already has.
    pub fn found(&self) -> Result<String, JsValue> {
        #[derive(Serialize)]
        struct Found<'a> {
            policies: &'a [oidc_trust::FoundPolicy],
            diagnostics: Vec<&'a oidc_trust::Diagnostic>,
        }
        to_json(&Found {
            policies: &self.read.policies,
            diagnostics: self.read.diagnostics.iter().map(|(_, d)| d).collect(),
        })
    }

    /// Maps locations of policy `index`'s text into the HCL: `spans` flat (start byte, end
    /// byte; `u32::MAX` for a location without span), one pointer each. JSON array.
    pub fn locate(
        &self,
        index: usize,
        spans: Vec<u32>,
        pointers: Vec<String>,
    ) -> Result<String, JsValue> {
        let Some(p) = self.read.policies.get(index) else {
            return to_json(&[] as &[Location]);
        };
        // The read maps byte offsets: lines and columns of the policy text are not needed.
        let at = |byte: u32| Position {
            byte,
            line: 0,
            column: 0,
            utf16: 0,
        };
        let out: Vec<Location> = pointers
            .into_iter()
            .zip(spans.chunks(2))
            .map(|(pointer, span)| {
                let span = match span {
                    [start, end] if *start != u32::MAX => Some(Span {
                        start: at(*start),
                        end: at(*end),
                    }),
                    _ => None,
                };
                p.locate(&Location {
                    pointer,
                    span,
                    file: None,
                })
            })
            .collect();
        to_json(&out)
    }

    /// What policy `index`'s source left unsure, as findings and as evaluation notes:
    /// `{"findings": [...], "notes": [...]}`.
    pub fn caveats(&self, index: usize) -> Result<String, JsValue> {
        #[derive(Serialize)]
        struct Caveats {
            findings: Vec<oidc_trust::Finding>,
            notes: Vec<oidc_trust::Note>,
        }
        let (findings, notes) = match self.read.policies.get(index) {
            Some(p) => (p.source_findings(), p.source_notes()),
            None => (Vec::new(), Vec::new()),
        };
        to_json(&Caveats { findings, notes })
    }
}
