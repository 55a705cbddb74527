//! `--rcp FILE` and `--role-arn`: the organisation's resource control policies, read from
//! whatever file holds them and evaluated with the trust policy (as extra Deny statements
//! marked with their RCP, so every command's analysis sees both layers).

use std::path::Path;

use oidc_trust::{Diagnostic, FoundPolicy, Policy, Rcp};

use crate::args::GuardrailArgs;
use crate::input;
use crate::policies::{self, Disk};
use crate::render::{self, Style};
use crate::Exit;

/// The trust policy with `--role-arn` and every `--rcp` applied; errors in an RCP are
/// printed, located in its file, and give the exit code.
pub(crate) fn guard(mut policy: Policy, args: &GuardrailArgs, st: &Style) -> Result<Policy, Exit> {
    if let Some(role) = &args.role_arn {
        policy.role = Some(role.clone());
    }
    if args.rcps.is_empty() {
        return Ok(policy);
    }
    let rcps = read(&args.rcps, st)?;
    Ok(policy.guarded_by(&rcps))
}

/// Reads the RCPs of every path, each named by its resource (Organizations name, Terraform
/// address) or its file.
pub(crate) fn read(paths: &[String], st: &Style) -> Result<Vec<Rcp>, Exit> {
    let mut out = Vec::new();
    let mut failed = false;
    for path in paths {
        match found_in(path) {
            Ok((file, found)) => {
                for f in found {
                    match parse(&file, &f) {
                        Ok((rcp, warnings)) => {
                            for d in warnings {
                                let name = d.location.file.clone().unwrap_or_else(|| file.clone());
                                let text = input::read(&name, "rcp").ok().map(|s| s.text);
                                eprint!("{}", render::diagnostic(&d, &name, text.as_deref(), st));
                            }
                            out.push(rcp);
                        }
                        Err(errors) => {
                            failed = true;
                            for d in errors {
                                let name = d.location.file.clone().unwrap_or_else(|| file.clone());
                                let text = input::read(&name, "rcp").ok().map(|s| s.text);
                                eprint!("{}", render::diagnostic(&d, &name, text.as_deref(), st));
                            }
                        }
                    }
                }
            }
            Err(d) => {
                failed = true;
                let name = d.location.file.clone().unwrap_or_else(|| path.clone());
                let text = d
                    .location
                    .span
                    .and_then(|_| input::read(&name, "rcp").ok())
                    .map(|s| s.text);
                eprint!("{}", render::diagnostic(&d, &name, text.as_deref(), st));
            }
        }
    }
    if failed {
        Err(Exit::BadInput)
    } else {
        Ok(out)
    }
}

/// The RCPs a file (or a Terraform module) holds, with the file's name.
fn found_in(path: &str) -> Result<(String, Vec<FoundPolicy>), Diagnostic> {
    let p = Path::new(path);
    if p.is_dir() || policies::is_terraform(path) {
        let disk = Disk::new(Path::new("."));
        let name = policies::clean(p);
        let dir = if p.is_dir() {
            name.clone()
        } else {
            p.parent()
                .map(policies::clean)
                .filter(|d| !d.is_empty())
                .unwrap_or_else(|| ".".into())
        };
        let read = oidc_trust::read_terraform(&dir, &disk, &Default::default());
        if let Some((file, d)) = read.diagnostics.into_iter().find(|(_, d)| d.is_error()) {
            let mut d = d;
            d.location.file.get_or_insert(file);
            return Err(d);
        }
        let rcps: Vec<FoundPolicy> = read
            .rcps
            .into_iter()
            .filter(|r| p.is_dir() || r.file.as_deref() == Some(name.as_str()))
            .collect();
        if rcps.is_empty() {
            return Err(input::usage_error(
                "no-rcp",
                format!(
                    "`{path}` holds no aws_organizations_policy of type RESOURCE_CONTROL_POLICY"
                ),
                "give the file or module that creates the RCP, or the RCP's JSON",
            ));
        }
        return Ok((name, rcps));
    }
    let source = input::read(path, "rcp")?;
    let found = oidc_trust::find_rcps(&source.text).map_err(|mut d| {
        d.location.file = Some(source.name.clone());
        d
    })?;
    Ok((source.name, found))
}

/// Parses one RCP found in `file`, its locations moved into that file.
fn parse(file: &str, found: &FoundPolicy) -> Result<(Rcp, Vec<Diagnostic>), Vec<Diagnostic>> {
    let in_file = |l: &oidc_trust::Location| {
        let mut l = found.locate(l);
        if l.file.is_none() {
            l.file = Some(found.file.clone().unwrap_or_else(|| file.to_string()));
        }
        l
    };
    match oidc_trust::parse_rcp(&found.text).into_result() {
        Ok((mut policy, warnings)) => {
            policy.for_each_location(&mut |l| *l = in_file(l));
            let name = found.resource.clone().unwrap_or_else(|| file.to_string());
            let warnings = warnings
                .into_iter()
                .map(|mut d| {
                    d.location = in_file(&d.location);
                    d
                })
                .collect();
            Ok((Rcp { name, policy }, warnings))
        }
        Err(refused) => Err(refused
            .diagnostics
            .into_iter()
            .filter(Diagnostic::is_error)
            .map(|mut d| {
                d.location = in_file(&d.location);
                d
            })
            .collect()),
    }
}
