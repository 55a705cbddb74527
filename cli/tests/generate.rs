//! `oidc-trust generate` as users run it: every format, every provider, a spec file (JSON
//! or YAML) with flags over it, and located errors.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly"
)]

mod common;

use std::path::{Path, PathBuf};

use common::{run, text};

fn temp(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("oidc-trust-generate-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const ACCOUNT: [&str; 2] = ["--account", "123456789012"];

/// One invocation per provider; each must write every file and lint clean, the
/// CloudFormation template included (its `!Ref` to the created provider is resolved).
#[test]
fn format_all_writes_every_output_and_each_lints_clean() {
    let cases: [(&str, &[&str], &str); 6] = [
        (
            "github",
            &[
                "--repo",
                "acme/api",
                "--branch",
                "main",
                "--layer",
                "4",
                "--workflow",
                ".github/workflows/release.yml@refs/heads/main",
                "--repo-id",
                "74",
                "--owner-id",
                "65",
            ],
            ".github/workflows/release.yml",
        ),
        (
            "gitlab",
            &[
                "--provider",
                "gitlab",
                "--repo",
                "acme/platform/api",
                "--branch",
                "main",
                "--repo-id",
                "100",
                "--owner-id",
                "7",
            ],
            ".gitlab-ci.yml",
        ),
        (
            "circleci",
            &[
                "--provider",
                "circleci",
                "--repo",
                "11111111-2222-3333-4444-555555555555/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
                "--actor",
                "66666666-7777-8888-9999-000000000000",
            ],
            ".circleci/config.yml",
        ),
        (
            "terraform",
            &["--provider", "terraform", "--repo", "acme/infra/network"],
            "workspace-variables.tf",
        ),
        (
            "bitbucket",
            &[
                "--provider",
                "bitbucket",
                "--repo",
                "acme/{11111111-1111-1111-1111-111111111111}",
                "--owner-id",
                "22222222-2222-2222-2222-222222222222",
                "--environment",
                "{33333333-3333-3333-3333-333333333333}",
            ],
            "bitbucket-pipelines.yml",
        ),
        (
            "buildkite",
            &[
                "--provider",
                "buildkite",
                "--repo",
                "acme/deploy",
                "--branch",
                "main",
            ],
            ".buildkite/pipeline.yml",
        ),
    ];
    for (name, args, ci_file) in cases {
        let dir = temp(name);
        let out_dir = dir.to_str().unwrap();
        let mut all = vec!["generate"];
        all.extend(ACCOUNT);
        all.extend(args);
        all.extend(["--format", "all", "--out", out_dir]);
        let out = run(&all);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", text(&out.stderr));
        for file in [
            "trust-policy.json",
            "main.tf",
            "template.yaml",
            "SUMMARY.txt",
            ci_file,
        ] {
            assert!(Path::new(out_dir).join(file).is_file(), "{name}: no {file}");
        }
        assert_eq!(
            Path::new(out_dir).join("gh-sub.sh").is_file(),
            name == "github",
            "{name}"
        );
        let policy = dir.join("trust-policy.json");
        let template = dir.join("template.yaml");
        let lint = run(&[
            "lint",
            policy.to_str().unwrap(),
            template.to_str().unwrap(),
            "--fail-on",
            "low",
        ]);
        assert_eq!(
            lint.status.code(),
            Some(0),
            "{name}: {}{}",
            text(&lint.stdout),
            text(&lint.stderr)
        );
        assert!(
            text(&lint.stdout).contains("0 findings in 2 files"),
            "{name}: {}",
            text(&lint.stdout)
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn each_format_prints_one_output() {
    let base = [
        "generate",
        "--account",
        "123456789012",
        "--repo",
        "acme/api",
        "--branch",
        "main",
    ];
    let with = |extra: &[&str]| {
        let mut a = base.to_vec();
        a.extend(extra);
        run(&a)
    };
    let tf = text(&with(&["--format", "terraform"]).stdout);
    assert!(
        tf.contains("resource \"aws_iam_role\" \"ci\"") && tf.contains("jsonencode({"),
        "{tf}"
    );
    let cfn = text(
        &with(&[
            "--format",
            "cloudformation",
            "--provider-arn",
            "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com",
        ])
        .stdout,
    );
    assert!(
        cfn.contains("AWS::IAM::Role") && !cfn.contains("AWS::IAM::OIDCProvider"),
        "{cfn}"
    );
    let wf = text(
        &with(&[
            "--format",
            "workflow",
            "--region",
            "eu-west-1",
            "--role",
            "deployer",
        ])
        .stdout,
    );
    assert!(
        wf.contains("id-token: write") && wf.contains("role/deployer") && wf.contains("eu-west-1"),
        "{wf}"
    );
    let no_sub = with(&["--format", "gh-sub"]);
    assert_eq!(no_sub.status.code(), Some(2), "nothing to customise");
    let sub = text(
        &with(&[
            "--format",
            "gh-sub",
            "--layer",
            "4",
            "--workflow",
            ".github/workflows/deploy.yml@refs/heads/main",
        ])
        .stdout,
    );
    assert!(
        sub.contains("gh api --method PUT repos/acme/api/actions/oidc/customization/sub"),
        "{sub}"
    );
    let org = text(
        &with(&[
            "--format",
            "gh-sub",
            "--layer",
            "4",
            "--workflow",
            ".github/workflows/deploy.yml@refs/heads/main",
            "--sub-scope",
            "org",
        ])
        .stdout,
    );
    assert!(
        org.contains("PUT orgs/acme/actions/oidc/customization/sub")
            && org.contains("'{\"use_default\":false}' | gh api --method PUT repos/acme/api/"),
        "{org}"
    );
    assert_eq!(
        with(&["--layer", "1"]).status.code(),
        Some(2),
        "layer 1 needs --workflow"
    );
    assert_eq!(
        with(&["--format", "json", "--out", "x"]).status.code(),
        Some(2),
        "--out is for all"
    );
    assert_eq!(
        with(&["--provider", "gitlab", "--environment", "prod"])
            .status
            .code(),
        Some(2),
        "GitLab has no environment"
    );
}

#[test]
fn a_spec_file_with_flags_over_it() {
    let dir = temp("spec");
    let yaml = dir.join("intent.yaml");
    std::fs::write(
        &yaml,
        "provider: gitlab\naccount: \"123456789012\"\nrepositories:\n  - repo: acme/platform/api\n    id: 100\n    ownerId: 7\nbranches: [main]\n",
    )
    .unwrap();
    let out = run(&["generate", "--spec", yaml.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let policy = text(&out.stdout);
    assert!(
        policy.contains("project_path:acme/platform/api:ref_type:branch:ref:main")
            && policy.contains("\"gitlab.com:project_id\": \"100\""),
        "{policy}"
    );
    // Flags override the file.
    let prod = text(
        &run(&[
            "generate",
            "--spec",
            yaml.to_str().unwrap(),
            "--branch",
            "prod",
        ])
        .stdout,
    );
    assert!(
        prod.contains("ref:prod") && !prod.contains("ref:main"),
        "{prod}"
    );
    // A mistake is located in the YAML file, with a suggestion.
    let bad = dir.join("bad.yaml");
    std::fs::write(
        &bad,
        "provider: github\naccount: \"123456789012\"\nbranchs: [main]\n",
    )
    .unwrap();
    let out = run(&["generate", "--spec", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("invalid-spec")
            && err.contains("did you mean `branches`?")
            && err.contains("bad.yaml:3:"),
        "{err}"
    );
    // JSON too, with the type error's pointer.
    let json = dir.join("intent.json");
    std::fs::write(&json, "{\"account\": \"123456789012\",\n \"repositories\": [\"acme/api\"],\n \"pullRequests\": \"yes\"}").unwrap();
    let err = text(&run(&["generate", "--spec", json.to_str().unwrap()]).stderr);
    assert!(
        err.contains("/pullRequests") && err.contains("intent.json:3:"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The spec documented in docs/generate.md (kept as examples/intents/github.yaml) works.
#[test]
fn the_documented_spec_generates() {
    let out = run(&[
        "generate",
        "--spec",
        "examples/intents/github.yaml",
        "--format",
        "summary",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let summary = text(&out.stdout);
    assert!(
        summary.contains("acme/api, acme/web")
            && summary.contains("role/deploy")
            && summary.contains("release-bot"),
        "{summary}"
    );
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/generate.md"))
        .unwrap();
    let example = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/intents/github.yaml"
    ))
    .unwrap();
    assert!(
        doc.contains(&example),
        "docs/generate.md and examples/intents/github.yaml differ"
    );
}
