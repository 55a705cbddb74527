//! Reading inputs: files, standard input and inline tokens, and turning flags into
//! request options. Errors are core diagnostics so that every face reports them alike.

use std::io::Read;

use oidc_trust::{Diagnostic, RequestOptions, TerraformOptions};

use crate::args::EvalArgs;

/// An input read from a file, standard input, or the command line.
pub(crate) struct Source {
    /// How to name it in messages.
    pub(crate) name: String,
    pub(crate) text: String,
}

/// Why a file could not be read, in words that are the same on every system (the OS's own
/// error numbers differ, natively and under WASI).
pub(crate) fn why(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::NotFound => "it does not exist".into(),
        K::PermissionDenied => "permission denied".into(),
        K::IsADirectory => "it is a directory".into(),
        K::InvalidData => "it is not UTF-8 text".into(),
        _ => {
            let text = e.to_string();
            match text.find(" (os error") {
                Some(i) => text[..i].to_string(),
                None => text,
            }
        }
    }
}

pub(crate) fn usage_error(code: &'static str, message: String, help: &str) -> Diagnostic {
    Diagnostic::options(code, message, help, "")
}

/// Reads `arg`: `-` is standard input, anything else a file.
pub(crate) fn read(arg: &str, what: &str) -> Result<Source, Diagnostic> {
    if arg == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(|e| {
            usage_error(
                "io",
                format!("cannot read the {what} from standard input: {}", why(&e)),
                "pipe UTF-8 text into the command",
            )
        })?;
        return Ok(Source {
            name: "<stdin>".into(),
            text,
        });
    }
    let bytes = std::fs::read(arg).map_err(|e| {
        usage_error(
            "io",
            format!("cannot read the {what} file `{arg}`: {}", why(&e)),
            "check the path",
        )
    })?;
    let text = String::from_utf8(bytes).map_err(|_| {
        usage_error(
            "not-utf8",
            format!("the {what} file `{arg}` is not UTF-8 text"),
            "save the file as UTF-8",
        )
    })?;
    Ok(Source {
        name: arg.to_string(),
        text,
    })
}

/// Reads `--token`: a file when one exists at that path, else the JWT itself.
pub(crate) fn read_token(arg: &str) -> Result<Source, Diagnostic> {
    let looks_like_jwt = arg.starts_with("eyJ") || arg.matches('.').count() >= 2;
    if arg != "-" && !std::path::Path::new(arg).exists() && looks_like_jwt && !arg.contains('/') {
        return Ok(Source {
            name: "<token>".into(),
            text: arg.to_string(),
        });
    }
    read(arg, "token")
}

/// Builds request options from the flags.
pub(crate) fn options(args: &EvalArgs) -> Result<RequestOptions, Diagnostic> {
    let catalog = oidc_trust::support::catalog_option(&args.catalog)?;
    let now = args
        .now
        .as_deref()
        .map(oidc_trust::support::time_option)
        .transpose()?;
    let mut context = Vec::new();
    for kv in &args.context {
        let Some((k, v)) = kv.split_once('=') else {
            return Err(usage_error(
                "invalid-context",
                format!("`{kv}` is not KEY=VALUE"),
                "write e.g. --context aws:SourceIp=203.0.113.7",
            ));
        };
        context.push((
            k.trim().to_string(),
            v.split(',').map(|s| s.trim().to_string()).collect(),
        ));
    }
    Ok(RequestOptions {
        issuer: args.issuer.clone(),
        account: args.account.clone(),
        action: Some(args.action.clone()),
        all_claims_are_keys: args.all_claims_are_keys,
        catalog,
        now,
        context,
        role: args.guardrails.role_arn.clone(),
    })
}

/// `--var NAME=VALUE` and `--var-file FILE` as the Terraform reader takes them.
pub(crate) fn terraform_options(
    vars: &[String],
    var_files: &[String],
) -> Result<TerraformOptions, Diagnostic> {
    let mut out = TerraformOptions {
        var_files: var_files.to_vec(),
        vars: Vec::new(),
    };
    for kv in vars {
        let Some((k, v)) = kv.split_once('=') else {
            return Err(usage_error(
                "invalid-var",
                format!("`{kv}` is not NAME=VALUE"),
                "write e.g. --var org=acme, or --var 'repos=[\"acme/api\"]'",
            ));
        };
        out.vars.push((k.trim().to_string(), v.to_string()));
    }
    Ok(out)
}
