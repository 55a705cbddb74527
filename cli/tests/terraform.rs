//! Terraform source and whole repositories, as users meet them: `lint main.tf`, `lint .`,
//! and every policy command on a `.tf` module with `--resource` and `--var`.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly"
)]

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use common::{run, run_in, stdout, text};

/// A policy that trusts GitHub with no condition at all.
const OPEN: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]}"#;

const ROLE_TF: &str = r#"variable "org" {
  type    = string
  default = "acme"
}

resource "aws_iam_role" "deploy" {
  name = "deploy"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com" }
        StringLike   = { "token.actions.githubusercontent.com:sub" = "repo:${var.org}/api:ref:refs/heads/*" }
      }
    }]
  })
}

resource "aws_iam_role" "tight" {
  name = "tight"
  assume_role_policy = data.aws_iam_policy_document.tight.json
}

data "aws_iam_policy_document" "tight" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:sub"
      values   = ["repo:${var.org}/api:environment:prod"]
    }
  }
}
"#;

/// A repository as users have them: Terraform, a broken module, CDK output, plain JSON,
/// and places a scan must not read.
struct Tree(PathBuf);

impl Tree {
    fn new(name: &str) -> Tree {
        let root = std::env::temp_dir().join(format!("oidc-trust-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let files: &[(&str, &str)] = &[
            (".gitignore", "ignored/\ncdk.out\n"),
            ("infra/main.tf", ROLE_TF),
            ("infra/prod.tfvars", "org = \"acme-prod\"\n"),
            (
                "broken/main.tf",
                "resource \"aws_iam_role\" \"x\" {\n  name = \n}\n",
            ),
            ("ignored/open.json", OPEN),
            ("node_modules/pkg/open.json", OPEN),
            (".terraform/modules/x/open.json", OPEN),
            ("legacy/open.json", OPEN),
            ("policies/trust.json", OPEN),
            ("app/package.json", r#"{"name": "app", "version": "1.0.0"}"#),
            ("app/tsconfig.json", r#"{"compilerOptions": {}}"#),
        ];
        for (path, body) in files {
            let full = root.join(path);
            fs::create_dir_all(full.parent().unwrap()).unwrap();
            fs::write(full, body).unwrap();
        }
        let cdk = format!(
            r#"{{"Resources":{{"CdkRole":{{"Type":"AWS::IAM::Role","Properties":{{"AssumeRolePolicyDocument":{OPEN}}}}}}}}}"#
        );
        fs::create_dir_all(root.join("cdk.out")).unwrap();
        fs::write(root.join("cdk.out/App.template.json"), cdk).unwrap();
        Tree(root)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn arg(&self) -> String {
        self.0.to_string_lossy().into_owned()
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn json(out: &std::process::Output) -> Value {
    serde_json::from_str(&stdout(out))
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", stdout(out), text(&out.stderr)))
}

fn files_of(v: &Value) -> Vec<String> {
    let mut files: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["location"]["file"].as_str().unwrap().to_string())
        .collect();
    files.dedup();
    files
}

#[test]
fn a_directory_is_walked_like_a_repository() {
    let tree = Tree::new("walk");
    let root = tree.arg();
    let out = run(&["lint", &root, "--exclude", "legacy/**", "--format", "json"]);
    // A broken file is an input error, and every other file is still reported.
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let v = json(&out);
    assert_eq!(
        files_of(&v),
        [
            "infra/main.tf",
            "cdk.out/App.template.json",
            "policies/trust.json"
        ],
        "paths relative to the directory given; .gitignore, node_modules, .terraform and \
         --exclude honoured; CDK output read although ignored"
    );
    let e = &v["errors"][0];
    assert_eq!(e["code"], "hcl-syntax");
    assert_eq!(e["file"], "broken/main.tf");
    assert_eq!(
        (e["line"].as_u64(), e["column"].as_u64()),
        (Some(2), Some(10))
    );
    let wide = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "admits-any-branch")
        .unwrap();
    assert_eq!(wide["location"]["resource"], "aws_iam_role.deploy");
    assert_eq!(wide["location"]["line"], 16);
    // The policy document pins an environment: nothing above low for it.
    assert!(!v["findings"].as_array().unwrap().iter().any(|f| {
        f["location"]["resource"] == "aws_iam_role.tight"
            && !matches!(f["severity"].as_str(), Some("low" | "info"))
    }));

    // The same from inside the directory, with no argument, in every format.
    let here = run_in(tree.path(), &["lint", "--exclude", "legacy/**"]);
    assert_eq!(here.status.code(), Some(2));
    let t = stdout(&here);
    assert!(t.contains("--> infra/main.tf:16:"), "{t}");
    assert!(t.contains("--> broken/main.tf:2:10"), "{t}");
    assert!(!t.contains("legacy/") && !t.contains("node_modules") && !t.contains("ignored/"));
    assert!(
        t.trim_end()
            .ends_with("1 error kept a file or a policy from being read (above)"),
        "{t}"
    );

    let sarif = json(&run_in(tree.path(), &["lint", "--format", "sarif"]));
    let run0 = &sarif["runs"][0];
    let uris: Vec<&str> = run0["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(uris.contains(&"infra/main.tf") && uris.contains(&"legacy/open.json"));
    assert!(uris.iter().all(|u| !u.starts_with('/')), "{uris:?}");
    let note = &run0["invocations"][0]["toolExecutionNotifications"][0];
    assert_eq!(run0["invocations"][0]["executionSuccessful"], false);
    assert_eq!(
        note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "broken/main.tf"
    );

    let md = stdout(&run_in(tree.path(), &["lint", "--format", "markdown"]));
    assert!(md.contains("`infra/main.tf:16:"), "{md}");
    assert!(md.contains("`broken/main.tf:2:10`"), "{md}");
}

#[test]
fn a_tree_without_trust_policies_is_clean_and_quiet() {
    let root = std::env::temp_dir().join(format!("oidc-trust-empty-{}", std::process::id()));
    fs::create_dir_all(root.join("src")).unwrap();
    fs::write(root.join("package.json"), r#"{"name": "x"}"#).unwrap();
    fs::write(root.join("src/config.yaml"), "a: 1\n").unwrap();
    fs::write(
        root.join("src/bucket.tf"),
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"b\"\n}\n",
    )
    .unwrap();
    let out = run_in(&root, &["lint"]);
    let _ = fs::remove_dir_all(&root);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(stdout(&out).starts_with("0 findings"), "{}", stdout(&out));
    assert!(text(&out.stderr).is_empty(), "{}", text(&out.stderr));
}

#[test]
fn a_single_tf_file_reads_its_module_and_takes_variables() {
    let tree = Tree::new("file");
    let main = tree.path().join("infra/main.tf");
    let main = main.to_string_lossy();
    let v = json(&run(&["lint", &main, "--format", "json"]));
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "admits-any-branch")
        .unwrap();
    assert!(f["message"].as_str().unwrap().contains("acme/api"), "{f}");
    // --var-file, then --var over it.
    for (extra, org) in [
        (vec!["--var-file", "prod.tfvars"], "acme-prod"),
        (
            vec!["--var-file", "prod.tfvars", "--var", "org=other"],
            "other",
        ),
    ] {
        let mut args = vec!["lint", "main.tf", "--format", "json"];
        args.extend(extra);
        let v = json(&run_in(&tree.path().join("infra"), &args));
        let m = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == "admits-any-branch")
            .unwrap()["message"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(m.contains(&format!("`{org}/api`")), "{org}: {m}");
    }
}

#[test]
fn every_policy_command_reads_a_tf_module_with_resource() {
    let tree = Tree::new("commands");
    let dir = tree.path().join("infra");
    let claims = |sub: &str| {
        format!(
            r#"{{"iss":"https://token.actions.githubusercontent.com","aud":"sts.amazonaws.com","sub":"{sub}","repository":"acme/api"}}"#
        )
    };
    fs::write(
        dir.join("feature.json"),
        claims("repo:acme/api:ref:refs/heads/feature"),
    )
    .unwrap();
    fs::write(
        dir.join("prod.json"),
        claims("repo:acme/api:environment:prod"),
    )
    .unwrap();

    // Two roles: without --resource, the command says which there are.
    let out = run_in(
        &dir,
        &["eval", "--policy", "main.tf", "--claims", "feature.json"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("aws_iam_role.deploy") && err.contains("aws_iam_role.tight"),
        "{err}"
    );

    let eval = |resource: &str, claims: &str| {
        let out = run_in(
            &dir,
            &[
                "eval",
                "--policy",
                "main.tf",
                "--resource",
                resource,
                "--claims",
                claims,
                "--format",
                "json",
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        json(&out)
    };
    let v = eval("aws_iam_role.deploy", "feature.json");
    assert_eq!(v["decision"], "allow");
    // The trace points into the .tf file.
    // (v2: a condition's operator and key are entries of the `locations` table.)
    let at = |c: &serde_json::Value| &v["locations"][c.as_u64().unwrap() as usize];
    let sub = at(&v["statements"][0]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| at(&c["keyAt"])["text"] == "token.actions.githubusercontent.com:sub")
        .unwrap()["at"]);
    assert_eq!(sub["span"]["start"]["line"], 16, "{sub}");
    assert_eq!(sub["file"], "main.tf", "{sub}");
    assert_eq!(
        eval("aws_iam_role.tight", "feature.json")["decision"],
        "deny"
    );
    assert_eq!(eval("aws_iam_role.tight", "prod.json")["decision"], "allow");

    // who-can names the one environment of the tight role.
    let who = stdout(&run_in(
        &dir,
        &["who-can", "main.tf", "--resource", "aws_iam_role.tight"],
    ));
    assert!(who.contains("environment") && who.contains("prod"), "{who}");

    // replay and test run on the same module.
    let replay = stdout(&run_in(
        &dir,
        &["replay", "main.tf", "--resource", "aws_iam_role.deploy"],
    ));
    assert!(
        replay.contains("GETS IN (high): a push to an unprotected branch of `acme/api`"),
        "{replay}"
    );
    fs::write(
        dir.join("tests.json"),
        r#"[{"name": "prod deploys", "claims": {"iss":"https://token.actions.githubusercontent.com","aud":"sts.amazonaws.com","sub":"repo:acme/api:environment:prod"}, "expect": "allow"},
            {"name": "a branch does not", "claims": {"iss":"https://token.actions.githubusercontent.com","aud":"sts.amazonaws.com","sub":"repo:acme/api:ref:refs/heads/x"}, "expect": "deny"}]"#,
    )
    .unwrap();
    let test = run_in(
        &dir,
        &[
            "test",
            "main.tf",
            "tests.json",
            "--resource",
            "aws_iam_role.tight",
        ],
    );
    assert_eq!(
        test.status.code(),
        Some(0),
        "{}{}",
        stdout(&test),
        text(&test.stderr)
    );
    assert!(stdout(&test).contains("2 passed, 0 failed"));

    // An unknown address is an input error that lists the known ones.
    let out = run_in(
        &dir,
        &["who-can", "main.tf", "--resource", "aws_iam_role.nope"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("aws_iam_role.deploy"));
}

#[test]
fn a_tf_file_that_is_not_text_is_an_error_not_silence() {
    let root = std::env::temp_dir().join(format!("oidc-trust-latin1-{}", std::process::id()));
    fs::create_dir_all(&root).unwrap();
    fs::write(
        root.join("main.tf"),
        b"resource \"aws_iam_role\" \"r\" {\n  name = \"\xe9\"\n}\n",
    )
    .unwrap();
    let out = run_in(&root, &["lint", "main.tf", "--format", "json"]);
    let _ = fs::remove_dir_all(&root);
    assert_eq!(out.status.code(), Some(2));
    let v = json(&out);
    assert_eq!(v["errors"][0]["code"], "not-utf8");
    assert_eq!(v["errors"][0]["file"], "main.tf");
}

#[test]
fn skip_unrelated_reads_named_files_as_a_walk_does() {
    let tree = Tree::new("named");
    let root = tree.path();
    // Named as pre-commit names changed files: a policy, a .tf, and files with none.
    let args = [
        "lint",
        "--skip-unrelated",
        "--format",
        "json",
        "policies/trust.json",
        "infra/main.tf",
        "app/package.json",
        "app/tsconfig.json",
        ".gitignore",
    ];
    let v = json(&run_in(root, &args));
    assert_eq!(files_of(&v), ["policies/trust.json", "infra/main.tf"]);
    assert_eq!(v["errors"].as_array().unwrap().len(), 0, "{v}");
    // Without the flag, a named file must be a policy.
    let strict = run_in(root, &["lint", "app/package.json"]);
    assert_eq!(strict.status.code(), Some(2));
}
