//! `oidc-trust generate`: a hardened trust policy from who may assume the role.

use oidc_trust::{generate, Diagnostic, Intent, Repository};

use crate::args::{GenerateArgs, GenerateFormat};
use crate::render::{self, Style};
use crate::Exit;

pub(crate) fn run(args: &GenerateArgs, st: &Style) -> Exit {
    let mut repositories = Vec::new();
    for (i, r) in args.repos.iter().enumerate() {
        let Some((owner, name)) = r.split_once('/') else {
            let d = Diagnostic::options(
                "invalid-intent",
                format!("`{r}` is not OWNER/REPO"),
                "write e.g. --repo acme/api",
                &format!("/repositories/{i}"),
            );
            eprint!("{}", render::diagnostic(&d, "options", None, st));
            return Exit::BadInput;
        };
        repositories.push(Repository {
            owner: owner.to_string(),
            name: name.to_string(),
            owner_id: args.owner_ids.get(i).cloned(),
            id: args.repo_ids.get(i).cloned(),
        });
    }
    let intent = Intent {
        account: args.account.clone(),
        issuer: args.issuer.clone(),
        audience: None,
        repositories,
        branches: args.branches.clone(),
        tags: args.tags.clone(),
        environments: args.environments.clone(),
        pull_requests: args.pull_requests,
        any_ref: args.any_ref,
        workflow: args.workflow.clone(),
        actors: args.actors.clone(),
        custom_subject: args.custom_subject,
        immutable_subject: args.immutable_subject,
    };
    match generate(&intent) {
        Ok(g) => {
            match args.format {
                GenerateFormat::Json => print!("{}", g.policy),
                GenerateFormat::Summary => {
                    println!("{}", g.summary);
                    if !g.include_claim_keys.is_empty() {
                        println!(
                            "Each repository must set its OIDC subject to include_claim_keys {:?}.",
                            g.include_claim_keys
                        );
                    }
                }
            }
            for w in &g.warnings {
                eprintln!("warning: {w}");
            }
            Exit::Ok
        }
        Err(d) => {
            eprint!("{}", render::diagnostic(&d, "options", None, st));
            Exit::BadInput
        }
    }
}
