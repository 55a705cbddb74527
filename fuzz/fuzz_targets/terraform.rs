//! Any text as Terraform: read alone (as pasted in the playground) and as a module of
//! several files (split at NUL bytes: `main.tf`, `modules/role/main.tf`, `trust.json`,
//! `terraform.tfvars`), so local modules, `file()` and tfvars are reached too. Reading and
//! linting never panic, and every location stays inside its file.
#![no_main]
use libfuzzer_sys::fuzz_target;
use oidc_trust::{read_terraform, read_terraform_text, Files, TerraformOptions, TerraformRead};

const NAMES: [&str; 4] = [
    "main.tf",
    "modules/role/main.tf",
    "trust.json",
    "terraform.tfvars",
];

struct Tree(Vec<(&'static str, String)>);

impl Files for Tree {
    fn read(&self, path: &str) -> Option<String> {
        let path = path.trim_start_matches("./");
        self.0.iter().find(|(n, _)| *n == path).map(|(_, t)| t.clone())
    }
    fn list(&self, dir: &str) -> Vec<String> {
        let dir = dir.trim_start_matches("./").trim_end_matches('/');
        self.0
            .iter()
            .filter_map(|(n, _)| {
                let (parent, name) = n.rsplit_once('/').unwrap_or(("", n));
                let parent = if parent.is_empty() { "." } else { parent };
                (parent == dir || (dir.is_empty() && parent == ".")).then(|| name.to_string())
            })
            .collect()
    }
}

fn check(read: &TerraformRead, text_of: &dyn Fn(Option<&str>) -> Option<String>) {
    for p in &read.policies {
        let report = p.lint(&Default::default());
        for f in &report.findings {
            let (Some(span), Some(text)) = (f.location.span, text_of(f.location.file.as_deref().or(p.file.as_deref()))) else {
                continue;
            };
            assert!(span.start.byte as usize <= text.len(), "{f:?}");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let alone = read_terraform_text("main.tf", text);
    check(&alone, &|_| Some(text.to_string()));
    let tree = Tree(
        NAMES
            .iter()
            .zip(text.split('\0'))
            .map(|(n, t)| (*n, t.to_string()))
            .collect(),
    );
    let read = read_terraform(".", &tree, &TerraformOptions::default());
    check(&read, &|file| tree.read(file.unwrap_or("main.tf")));
});
