//! Finding trust policies in what a user names: a policy file, a Terraform plan or state, a
//! CloudFormation or SAM template (JSON or YAML), account authorization details, Terraform
//! source (a `.tf` file is read with the rest of its module), or a whole directory.
//!
//! The core reads no file: [`Disk`] hands it files (and keeps the texts it read, so that
//! findings can be shown with their line), and [`walk`] lists a tree as ripgrep does
//! (`.gitignore` honoured, hidden folders, `.terraform/` and `node_modules/` skipped).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use oidc_trust::{Diagnostic, Evaluation, Files, FoundPolicy, Location, TerraformOptions};

use crate::input::usage_error;
use crate::yaml::{self, Converted};

/// Files under a root, read on demand; paths are `/`-separated and relative to the root.
pub(crate) struct Disk {
    root: PathBuf,
    texts: RefCell<BTreeMap<String, String>>,
}

impl Disk {
    pub(crate) fn new(root: &Path) -> Disk {
        Disk {
            root: root.to_path_buf(),
            texts: RefCell::new(BTreeMap::new()),
        }
    }

    fn full(&self, path: &str) -> PathBuf {
        if path == "." {
            self.root.clone()
        } else {
            self.root.join(path)
        }
    }

    /// The text of a file read so far (for showing a finding's line).
    pub(crate) fn text(&self, path: &str) -> Option<String> {
        self.texts.borrow().get(path).cloned()
    }

    /// Keeps a text read by other means (standard input, a file named on the command line).
    pub(crate) fn remember(&self, path: &str, text: &str) {
        self.texts
            .borrow_mut()
            .insert(path.to_string(), text.to_string());
    }

    /// Forgets the texts read (a walk shows each module's findings, then moves on).
    pub(crate) fn forget(&self) {
        self.texts.borrow_mut().clear();
    }
}

impl Files for Disk {
    fn read(&self, path: &str) -> Option<String> {
        if let Some(t) = self.texts.borrow().get(path) {
            return Some(t.clone());
        }
        let bytes = std::fs::read(self.full(path)).ok()?;
        let text = String::from_utf8(bytes).ok()?;
        self.texts
            .borrow_mut()
            .insert(path.to_string(), text.clone());
        Some(text)
    }

    fn list(&self, dir: &str) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.full(dir)) else {
            return Vec::new();
        };
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter_map(|e| e.file_name().into_string().ok())
            .collect();
        names.sort();
        names
    }
}

/// `/`-separated, without a leading `./`.
pub(crate) fn clean(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    let s = s.strip_prefix("./").unwrap_or(&s).to_string();
    if s.is_empty() {
        ".".into()
    } else {
        s
    }
}

/// The policies one input holds, with what is needed to show them.
pub(crate) struct Found {
    /// The input as named to the user.
    pub(crate) name: String,
    pub(crate) policies: Vec<FoundPolicy>,
    /// Problems of the input, each with the file it is in.
    pub(crate) diagnostics: Vec<(String, Diagnostic)>,
    /// A YAML template's way from the JSON the core read back to the YAML.
    converted: Option<Converted>,
}

impl Found {
    /// Moves a location of one of the policies (already in the core's text) into the file
    /// the user gave (YAML templates are read as JSON).
    pub(crate) fn finish(&self, l: &mut oidc_trust::Location) {
        if let Some(c) = &self.converted {
            c.relocate_location(l);
        }
    }

    /// The one policy a single-policy command works on: the only one, or the one
    /// `--resource` names.
    pub(crate) fn pick(&self, resource: Option<&str>) -> Result<&FoundPolicy, Diagnostic> {
        let names = || {
            self.policies
                .iter()
                .filter_map(|p| p.resource.clone())
                .collect::<Vec<_>>()
                .join(", ")
        };
        match (resource, self.policies.as_slice()) {
            (None, [one]) => Ok(one),
            (None, []) => Err(usage_error(
                "no-trust-policy",
                format!("no trust policy found in `{}`", self.name),
                "give a trust policy, or a file that holds one",
            )),
            (None, _) => Err(usage_error(
                "several-policies",
                format!(
                    "`{}` holds {} trust policies",
                    self.name,
                    self.policies.len()
                ),
                &format!("pick one with --resource ADDRESS: {}", names()),
            )),
            (Some(r), _) => self
                .policies
                .iter()
                .find(|p| p.resource.as_deref() == Some(r))
                .ok_or_else(|| {
                    usage_error(
                        "unknown-resource",
                        format!("`{}` holds no trust policy named `{r}`", self.name),
                        &format!("the policies it holds: {}", names()),
                    )
                }),
        }
    }
}

/// The one policy a command works on, from whatever file holds it.
pub(crate) struct Loaded {
    pub(crate) policy: FoundPolicy,
    found: Found,
    disk: Disk,
}

impl Loaded {
    /// Where a location of the policy's text is, in the file the user gave.
    pub(crate) fn locate(&self, l: &Location) -> Location {
        let mut out = self.policy.locate(l);
        self.found.finish(&mut out);
        out
    }

    /// Moves every location of an evaluation into the file.
    ///
    /// A policy read out of another file (a `.tf` module, a template, a plan) names that
    /// file in every location: a module spans several, and an editor needs the file.
    pub(crate) fn relocate(&self, e: &mut Evaluation) {
        self.policy.relocate(e);
        if self.found.converted.is_some() {
            e.for_each_location(&mut |l| self.found.finish(l));
        }
        if self.policy.resource.is_some() {
            let file = self
                .policy
                .file
                .clone()
                .unwrap_or_else(|| self.found.name.clone());
            e.for_each_location(&mut |l| {
                if l.file.is_none() {
                    l.file = Some(file.clone());
                }
            });
        }
    }

    /// The file a (relocated) location points into, with its text, for showing its line.
    pub(crate) fn source_for(&self, l: &Location) -> crate::input::Source {
        let name = l
            .file
            .clone()
            .or_else(|| self.policy.file.clone())
            .unwrap_or_else(|| self.found.name.clone());
        crate::input::Source {
            text: self.disk.text(&name).unwrap_or_default(),
            name,
        }
    }
}

/// Loads the one policy `arg` holds (`-` is standard input), or the one `resource` names.
pub(crate) fn load(
    arg: &str,
    resource: Option<&str>,
    tf: &TerraformOptions,
) -> Result<Loaded, Diagnostic> {
    let disk = Disk::new(Path::new("."));
    let found = read(arg, &disk, tf)?;
    if let Some((file, d)) = found.diagnostics.iter().find(|(_, d)| d.is_error()) {
        let mut d = d.clone();
        if d.location.file.is_none() && *file != found.name {
            d.location.file = Some(file.clone());
        }
        return Err(d);
    }
    let policy = found.pick(resource)?.clone();
    Ok(Loaded {
        policy,
        found,
        disk,
    })
}

/// Whether a path names Terraform source (a file of a module).
pub(crate) fn is_terraform(path: &str) -> bool {
    oidc_trust::is_terraform_file(path)
}

/// Reads the policies of one named input: a file of any kind, or a directory holding a
/// Terraform module. A `.tf` file is read with its module, keeping that file's policies.
pub(crate) fn read(arg: &str, disk: &Disk, tf: &TerraformOptions) -> Result<Found, Diagnostic> {
    let path = Path::new(arg);
    if path.is_dir() {
        let name = clean(path);
        let read = oidc_trust::read_terraform(&name, disk, tf);
        return Ok(Found {
            name,
            policies: read.policies,
            diagnostics: read.diagnostics,
            converted: None,
        });
    }
    if is_terraform(arg) {
        let name = clean(path);
        if !path.exists() {
            return Err(usage_error(
                "io",
                format!("cannot read the file `{arg}`: it does not exist"),
                "check the path",
            ));
        }
        let dir = path.parent().map(clean).unwrap_or_else(|| ".".into());
        let dir = if dir.is_empty() { ".".to_string() } else { dir };
        let read = oidc_trust::read_terraform(&dir, disk, tf);
        // The module's other files give the values; the file named gives the policies.
        let policies = read
            .policies
            .into_iter()
            .filter(|p| p.file.as_deref() == Some(name.as_str()))
            .collect();
        return Ok(Found {
            name,
            policies,
            diagnostics: read.diagnostics,
            converted: None,
        });
    }
    let source = crate::input::read(arg, "policy")?;
    disk.remember(&source.name, &source.text);
    // YAML only by name (templates): a policy file that is not JSON gets JSON's error.
    let lower = arg.to_ascii_lowercase();
    let converted = if [".yaml", ".yml", ".template"]
        .iter()
        .any(|e| lower.ends_with(e))
    {
        yaml::to_json_if_yaml(&source.text)?
    } else {
        Converted::Json
    };
    let (_, policies) = oidc_trust::find_policies(converted.json(&source.text))?;
    Ok(Found {
        name: source.name,
        policies,
        diagnostics: Vec::new(),
        converted: matches!(converted, Converted::Yaml { .. }).then_some(converted),
    })
}

/// A file a walk found.
pub(crate) enum Item {
    /// A directory holding `.tf` files: one Terraform module (its path relative to the
    /// root).
    Module(String),
    /// A file that may hold policies (JSON or YAML), relative to the root.
    File(String),
}

/// Directories no walk enters: Terraform's provider and module cache, npm's packages.
const SKIPPED: [&str; 2] = [".terraform", "node_modules"];

/// Lists the tree under `root` as a lint reads it, in path order. `excludes` are globs
/// (`--exclude`), matched against paths relative to the root.
pub(crate) fn walk(root: &Path, excludes: &[String]) -> Result<Vec<Item>, Diagnostic> {
    let mut overrides = ignore::overrides::OverrideBuilder::new(root);
    for g in excludes {
        overrides.add(&format!("!{g}")).map_err(|e| {
            usage_error(
                "invalid-exclude",
                format!("`{g}` is not a glob: {e}"),
                "write a glob such as 'modules/legacy/**' or '*.tfvars.json'",
            )
        })?;
    }
    let overrides = overrides.build().map_err(|e| {
        usage_error(
            "invalid-exclude",
            format!("the --exclude globs cannot be used: {e}"),
            "write globs such as 'modules/legacy/**'",
        )
    })?;
    let walker = ignore::WalkBuilder::new(root)
        .overrides(overrides.clone())
        .require_git(false)
        .filter_entry(|e| {
            let name = e.file_name().to_string_lossy();
            !(e.file_type().is_some_and(|t| t.is_dir()) && SKIPPED.contains(&name.as_ref()))
        })
        .sort_by_file_name(|a, b| a.cmp(b))
        .build();
    let mut modules: Vec<String> = Vec::new();
    let mut files = Vec::new();
    for entry in walker.filter_map(Result::ok) {
        if entry.file_type().is_some_and(|t| t.is_dir()) {
            files.extend(cdk_templates(root, entry.path(), &overrides));
            continue;
        }
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
        let name = clean(rel);
        if is_terraform(&name) {
            let dir = rel.parent().map(clean).unwrap_or_else(|| ".".into());
            let dir = if dir.is_empty() { ".".to_string() } else { dir };
            if !modules.contains(&dir) {
                modules.push(dir);
            }
        } else if may_hold_policies(&name) {
            files.push(name);
        }
    }
    // A directory another module calls (`source = "./modules/role"`) is read with the
    // caller's arguments, not on its own (its variables would have no values).
    let called = called_modules(root, &modules);
    let mut out: Vec<Item> = modules
        .into_iter()
        .filter(|m| !called.contains(m))
        .map(Item::Module)
        .collect();
    // Files after modules: a file a module reads (`file("trust.json")`) is linted there.
    // A CDK template is found twice when `cdk.out` is not ignored.
    let mut seen = std::collections::HashSet::new();
    out.extend(
        files
            .into_iter()
            .filter(|f| seen.insert(f.clone()))
            .map(Item::File),
    );
    Ok(out)
}

/// CDK's synthesised templates (`cdk.out/*.template.json`, and those of nested assemblies)
/// under `dir`. They are build output, so `.gitignore` usually lists `cdk.out`; they are read
/// anyway because they are where a CDK app's trust policies are written out. `--exclude`
/// still applies.
fn cdk_templates(root: &Path, dir: &Path, excludes: &ignore::overrides::Override) -> Vec<String> {
    let out_dir = dir.join("cdk.out");
    let mut found = Vec::new();
    let mut dirs = vec![out_dir];
    while let Some(d) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        let mut names: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        names.sort();
        for path in names {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            if path.is_dir() && name.starts_with("assembly-") {
                dirs.push(path);
            } else if name.ends_with(".template.json") {
                let rel = path.strip_prefix(root).unwrap_or(&path);
                if !excludes.matched(rel, false).is_ignore() {
                    found.push(clean(rel));
                }
            }
        }
    }
    found
}

/// The module directories (relative to `root`) that modules of `dirs` call as local
/// modules, read off their `.tf` files' `source = "./..."` lines.
fn called_modules(root: &Path, dirs: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for dir in dirs {
        let full = if dir == "." {
            root.to_path_buf()
        } else {
            root.join(dir)
        };
        let Ok(entries) = std::fs::read_dir(&full) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().to_string();
            if !name.ends_with(".tf") {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(entry.path()) else {
                continue;
            };
            for line in text.lines() {
                let Some(rest) = line.trim_start().strip_prefix("source") else {
                    continue;
                };
                let Some(value) = rest.trim_start().strip_prefix('=') else {
                    continue;
                };
                let value = value.trim().trim_matches('"');
                if value.starts_with("./") || value.starts_with("../") {
                    let target = if dir == "." {
                        PathBuf::from(value)
                    } else {
                        Path::new(dir).join(value)
                    };
                    out.push(normalize(&target));
                }
            }
        }
    }
    out
}

/// A relative path with `.` and `..` folded.
fn normalize(path: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                if parts.pop().is_none() {
                    parts.push("..".into());
                }
            }
            other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
        }
    }
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

/// Files a walk reads: JSON and YAML (policies, plans, templates, CDK's
/// `cdk.out/*.template.json`, account details).
pub(crate) fn may_hold_policies(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".json", ".yaml", ".yml", ".template"]
        .iter()
        .any(|e| lower.ends_with(e))
        && !lower.ends_with(".tfvars.json")
        && !lower.ends_with("package-lock.json")
}

/// Whether a file's text may hold a trust policy, judged cheaply before parsing (a walk
/// reads many files that hold none: those are skipped silently).
pub(crate) fn looks_like_policies(text: &str) -> bool {
    let has = |s: &str| text.contains(s);
    // A policy document or a Terraform plan: a principal and an AssumeRole action.
    (has("Principal") && (has("sts:AssumeRole") || has("sts:assumerole")))
        // CloudFormation, SAM and CDK templates: a role.
        || has("AWS::IAM::Role")
        // Account details list roles with their (maybe URL-encoded) trust policies.
        || has("RoleDetailList")
}

/// Loads and parses the one policy `arg` holds; when that fails, prints why (located in
/// the file) and gives the exit code.
pub(crate) fn load_policy(
    arg: &str,
    resource: Option<&str>,
    terraform: &crate::args::TerraformArgs,
    st: &crate::render::Style,
) -> Result<(Loaded, oidc_trust::Policy), crate::Exit> {
    let fail = |d: &Diagnostic, source: Option<crate::input::Source>| {
        let name = source
            .as_ref()
            .map(|s| s.name.clone())
            .unwrap_or_else(|| arg.to_string());
        eprint!(
            "{}",
            crate::render::diagnostic(d, &name, source.as_ref().map(|s| s.text.as_str()), st)
        );
        crate::Exit::BadInput
    };
    let tf = crate::input::terraform_options(&terraform.vars, &terraform.var_files)
        .map_err(|d| fail(&d, None))?;
    let loaded = load(arg, resource, &tf).map_err(|d| {
        let source = d.location.span.and_then(|_| {
            crate::input::read(d.location.file.as_deref().unwrap_or(arg), "policy").ok()
        });
        fail(&d, source)
    })?;
    match oidc_trust::parse_policy(&loaded.policy.text).into_result() {
        Ok((mut policy, _)) => {
            // An account dump names the role: RCP statements scoped to roles are decided.
            policy.role.clone_from(&loaded.policy.role);
            Ok((loaded, policy))
        }
        Err(refused) => {
            for d in refused.diagnostics.iter().filter(|d| d.is_error()) {
                let mut d = d.clone();
                d.location = loaded.locate(&d.location);
                fail(&d, Some(loaded.source_for(&d.location)));
            }
            Err(crate::Exit::BadInput)
        }
    }
}
