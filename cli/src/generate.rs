//! `oidc-trust generate`: a hardened trust policy and everything around it, from who may
//! assume the role (flags, a spec file, or both: flags override the file).

use std::path::Path;

use oidc_trust::{generate, read_intent, CiProvider, Diagnostic, Generated, Intent, Repository};

use crate::args::{GenerateArgs, GenerateFormat, ProviderArg, SubScope};
use crate::input;
use crate::render::{self, Style};
use crate::Exit;
use std::io::{self, Write};

pub(crate) fn run(args: &GenerateArgs, st: &Style, out: &mut dyn Write) -> io::Result<Exit> {
    if args.rcp {
        return guardrail(args, st, out);
    }
    if args.spec.len() > 1 {
        let d = input::usage_error(
            "invalid-argument",
            format!(
                "{} spec files given; a role is generated from one",
                args.spec.len()
            ),
            "give one --spec (several go with --rcp, one per CI system)",
        );
        eprint!("{}", render::diagnostic(&d, "options", None, st));
        return Ok(Exit::BadInput);
    }
    let (intent, spec_name) = match intent(args, args.spec.first()) {
        Ok(x) => x,
        Err((d, name, text)) => {
            eprint!("{}", render::diagnostic(&d, &name, text.as_deref(), st));
            return Ok(Exit::BadInput);
        }
    };
    let generated = match generate(&intent) {
        Ok(g) => g,
        Err(d) => {
            eprint!("{}", render::diagnostic(&d, &spec_name, None, st));
            return Ok(Exit::BadInput);
        }
    };
    let result = match args.format {
        GenerateFormat::All => write_all(&generated, args.out.as_deref(), out)?,
        format => {
            if args.out.is_some() {
                Err(input::usage_error(
                    "invalid-argument",
                    "--out goes with --format all".into(),
                    "write one output to standard output, or every output with --format all --out DIR",
                ))
            } else {
                match one(&generated, format) {
                    Ok(text) => {
                        out.write_all(text.as_bytes())?;
                        Ok(())
                    }
                    Err(d) => Err(d),
                }
            }
        }
    };
    if let Err(d) = result {
        eprint!("{}", render::diagnostic(&d, "options", None, st));
        return Ok(Exit::BadInput);
    }
    // The summary carries the warnings itself.
    if args.format != GenerateFormat::Summary {
        for w in &generated.warnings {
            eprintln!("warning: {w}");
        }
    }
    Ok(Exit::Ok)
}

fn provider(p: ProviderArg) -> CiProvider {
    match p {
        ProviderArg::Github => CiProvider::GitHub,
        ProviderArg::Gitlab => CiProvider::GitLab,
        ProviderArg::Circleci => CiProvider::CircleCi,
        ProviderArg::Terraform => CiProvider::Terraform,
        ProviderArg::Bitbucket => CiProvider::Bitbucket,
        ProviderArg::Buildkite => CiProvider::Buildkite,
    }
}

/// The intent: the spec file's, then each flag given over it.
/// On error: the diagnostic, the input's name, and its text (for the source excerpt).
type Failure = (Diagnostic, String, Option<String>);

fn intent(args: &GenerateArgs, spec: Option<&String>) -> Result<(Intent, String), Failure> {
    let options = |d| (d, "options".to_string(), None);
    let (mut intent, name) = match spec {
        Some(path) => {
            let source = input::read(path, "spec").map_err(options)?;
            let converted = crate::yaml::to_json_if_yaml(&source.text)
                .map_err(|d| (d, source.name.clone(), Some(source.text.clone())))?;
            let intent = read_intent(converted.json(&source.text)).map_err(|mut d| {
                converted.relocate_location(&mut d.location);
                (d, source.name.clone(), Some(source.text.clone()))
            })?;
            (intent, source.name)
        }
        None => (Intent::default(), "options".to_string()),
    };
    if let Some(p) = args.provider {
        intent.provider = provider(p);
    }
    if !args.repos.is_empty() {
        intent.repositories.clear();
        for (i, r) in args.repos.iter().enumerate() {
            let mut repo = Repository::parse(intent.provider, r).ok_or_else(|| {
                options(Diagnostic::options(
                    "invalid-intent",
                    format!("`{r}` is not a {}", intent.provider.source_noun()),
                    &format!("write --repo {}", intent.provider.source_noun()),
                    &format!("/repositories/{i}"),
                ))
            })?;
            repo.owner_id = args.owner_ids.get(i).cloned();
            repo.id = args.repo_ids.get(i).cloned();
            intent.repositories.push(repo);
        }
    } else if !args.owner_ids.is_empty() || !args.repo_ids.is_empty() {
        // Ids given for the spec's repositories, in order.
        for (i, r) in intent.repositories.iter_mut().enumerate() {
            if let Some(id) = args.owner_ids.get(i) {
                r.owner_id = Some(id.clone());
            }
            if let Some(id) = args.repo_ids.get(i) {
                r.id = Some(id.clone());
            }
        }
    }
    let set = |field: &mut Option<String>, flag: &Option<String>| {
        if flag.is_some() {
            field.clone_from(flag);
        }
    };
    if let Some(a) = &args.account {
        intent.account.clone_from(a);
    }
    set(&mut intent.role_name, &args.role);
    set(&mut intent.provider_arn, &args.provider_arn);
    set(&mut intent.region, &args.region);
    set(&mut intent.issuer, &args.issuer);
    set(&mut intent.audience, &args.audience);
    set(&mut intent.workflow, &args.workflow);
    set(&mut intent.workflow_name, &args.workflow_name);
    for (field, flag) in [
        (&mut intent.branches, &args.branches),
        (&mut intent.tags, &args.tags),
        (&mut intent.environments, &args.environments),
        (&mut intent.run_phases, &args.phases),
        (&mut intent.actors, &args.actors),
    ] {
        if !flag.is_empty() {
            field.clone_from(flag);
        }
    }
    if !args.sub_keys.is_empty() {
        intent.subject_keys.clone_from(&args.sub_keys);
        intent.custom_subject = true;
    }
    for (i, kv) in args.sub_values.iter().enumerate() {
        let Some((k, v)) = kv.split_once('=') else {
            return Err(options(Diagnostic::options(
                "invalid-intent",
                format!("`{kv}` is not KEY=VALUE"),
                "e.g. --sub-value runner_environment=github-hosted",
                &format!("/subjectValues/{i}"),
            )));
        };
        intent.subject_values.retain(|(name, _)| name != k);
        intent.subject_values.push((k.to_string(), v.to_string()));
    }
    if let Some(scope) = args.sub_scope {
        intent.org_subject = scope == SubScope::Org;
    }
    if !args.code_owners.is_empty() {
        intent.code_owners.clone_from(&args.code_owners);
    }
    if !args.reviewers.is_empty() {
        intent.reviewers.clone_from(&args.reviewers);
    }
    set(&mut intent.terrateam_team, &args.terrateam_team);
    intent.no_admin_bypass |= args.no_admin_bypass;
    intent.pull_requests |= args.pull_requests;
    intent.any_ref |= args.any_ref;
    intent.custom_subject |= args.custom_subject;
    intent.immutable_subject |= args.immutable_subject;
    // A guardrail is about tenants, not a role's account.
    if intent.account.is_empty() && !args.rcp {
        return Err(options(Diagnostic::options(
            "invalid-intent",
            "no AWS account given".into(),
            "give --account 123456789012 (or \"account\" in the spec)",
            "/account",
        )));
    }
    for layer in &args.layers {
        let missing = match layer {
            1 => intent.workflow.is_none().then_some("layer 1 pins the workflow: give --workflow .github/workflows/FILE.yml@refs/heads/main"),
            2 => (intent.actors.is_empty() && intent.workflow_name.is_none()).then_some("layer 2 pins who runs it: give --actor LOGIN and/or --workflow-name NAME"),
            3 => {
                intent.layer3 = true;
                None
            }
            4 => {
                intent.custom_subject = true;
                None
            }
            _ => Some("the layers are 1 (workflow file), 2 (actor, repository, workflow name), 3 (protections on the CI configuration) and 4 (customised subject)"),
        };
        if let Some(help) = missing {
            return Err(options(Diagnostic::options(
                "invalid-intent",
                format!("--layer {layer} cannot be applied"),
                help,
                "/layers",
            )));
        }
    }
    Ok((intent, name))
}

/// `generate --rcp`: the organisation guardrail for the intents (one per spec file, or the
/// flags' one).
fn guardrail(args: &GenerateArgs, st: &Style, out: &mut dyn Write) -> io::Result<Exit> {
    let specs: Vec<Option<&String>> = if args.spec.is_empty() {
        vec![None]
    } else {
        args.spec.iter().map(Some).collect()
    };
    let mut intents = Vec::new();
    for spec in specs {
        match intent(args, spec) {
            Ok((i, _)) => intents.push(i),
            Err((d, name, text)) => {
                eprint!("{}", render::diagnostic(&d, &name, text.as_deref(), st));
                return Ok(Exit::BadInput);
            }
        }
    }
    let g = match oidc_trust::generate_rcp(&intents, &args.rcp_trust) {
        Ok(g) => g,
        Err(d) => {
            let name = args.spec.first().map(String::as_str).unwrap_or("options");
            eprint!("{}", render::diagnostic(&d, name, None, st));
            return Ok(Exit::BadInput);
        }
    };
    let summary = || {
        let mut s = g.summary.clone();
        for w in &g.warnings {
            s.push_str(&format!("Warning: {w}\n"));
        }
        s
    };
    let text = match args.format {
        GenerateFormat::Json => g.policy.clone(),
        GenerateFormat::Terraform => g.terraform.clone(),
        GenerateFormat::Summary => summary(),
        GenerateFormat::All => {
            let files = [
                ("rcp.json".to_string(), g.policy.clone()),
                ("rcp.tf".to_string(), g.terraform.clone()),
                ("RCP-SUMMARY.txt".to_string(), summary()),
            ];
            return Ok(match write_files(&files, args.out.as_deref(), out)? {
                Ok(()) => Exit::Ok,
                Err(d) => {
                    eprint!("{}", render::diagnostic(&d, "options", None, st));
                    Exit::BadInput
                }
            });
        }
        other => {
            let d = input::usage_error(
                "invalid-argument",
                format!("--rcp writes json, terraform, summary or all, not {other:?}")
                    .to_lowercase(),
                "the guardrail is one policy: --format json or terraform",
            );
            eprint!("{}", render::diagnostic(&d, "options", None, st));
            return Ok(Exit::BadInput);
        }
    };
    out.write_all(text.as_bytes())?;
    if args.format != GenerateFormat::Summary {
        for w in &g.warnings {
            eprintln!("warning: {w}");
        }
    }
    Ok(Exit::Ok)
}

fn one(g: &Generated, format: GenerateFormat) -> Result<String, Diagnostic> {
    Ok(match format {
        GenerateFormat::Json => g.policy.clone(),
        GenerateFormat::Terraform => g.terraform.clone(),
        GenerateFormat::Cloudformation => g.cloudformation.clone(),
        GenerateFormat::Workflow => g.ci_config.clone(),
        GenerateFormat::GhSub => g.gh_sub.clone().ok_or_else(|| {
            input::usage_error(
                "invalid-argument",
                "there is no subject customisation to set".into(),
                "gh-sub is for GitHub with --layer 4 (customised subject) or --immutable-subject",
            )
        })?,
        GenerateFormat::Layer3 => {
            if g.layer3.is_empty() {
                return Err(input::usage_error(
                    "invalid-argument",
                    "there are no layer-3 controls to show".into(),
                    "add --layer 3 (with --code-owner @ORG/TEAM)",
                ));
            }
            g.layer3
                .iter()
                .map(|f| format!("# ==> {} ({})\n{}", f.path, f.what, f.content))
                .collect::<Vec<_>>()
                .join("\n")
        }
        GenerateFormat::Summary | GenerateFormat::All => summary(g),
    })
}

fn summary(g: &Generated) -> String {
    let mut out = format!("{}\n", g.summary);
    if !g.include_claim_keys.is_empty() {
        out.push_str(&format!(
            "Each repository must set its OIDC subject to include_claim_keys {:?} (see gh-sub).\n",
            g.include_claim_keys
        ));
    }
    for w in &g.warnings {
        out.push_str(&format!("Warning: {w}\n"));
    }
    out
}

/// Writes every output of a role into `dir`: the names say what each is.
fn write_all(
    g: &Generated,
    dir: Option<&str>,
    out: &mut dyn Write,
) -> io::Result<Result<(), Diagnostic>> {
    let mut files = vec![
        ("trust-policy.json".to_string(), g.policy.clone()),
        ("main.tf".to_string(), g.terraform.clone()),
        ("template.yaml".to_string(), g.cloudformation.clone()),
        (g.ci_config_path.clone(), g.ci_config.clone()),
        ("SUMMARY.txt".to_string(), summary(g)),
    ];
    if let Some(sh) = &g.gh_sub {
        files.push(("gh-sub.sh".to_string(), sh.clone()));
    }
    for f in &g.layer3 {
        files.push((f.path.clone(), f.content.clone()));
    }
    write_files(&files, dir, out)
}

/// Writes each (name, text) into `dir`, saying so on `out`. The outer error is standard
/// output's, the inner one the files'.
fn write_files(
    files: &[(String, String)],
    dir: Option<&str>,
    out: &mut dyn Write,
) -> io::Result<Result<(), Diagnostic>> {
    let Some(dir) = dir else {
        return Ok(Err(input::usage_error(
            "invalid-argument",
            "--format all needs --out DIR".into(),
            "name the folder to write into, e.g. --out generated",
        )));
    };
    for (name, text) in files {
        let path = Path::new(dir).join(name);
        let io = |e: io::Error| {
            input::usage_error(
                "io",
                format!(
                    "cannot write `{}`: {}",
                    path.display(),
                    crate::input::why(&e)
                ),
                "check that the folder is writable",
            )
        };
        let written = match path.parent() {
            Some(parent) => {
                std::fs::create_dir_all(parent).and_then(|_| std::fs::write(&path, text))
            }
            None => std::fs::write(&path, text),
        };
        if let Err(e) = written {
            return Ok(Err(io(e)));
        }
        writeln!(out, "wrote {}", path.display())?;
    }
    Ok(Ok(()))
}
