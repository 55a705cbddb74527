//! Every generated artifact carries the policy, value for value: Terraform is parsed with a
//! real HCL parser and its `jsonencode(...)` evaluated (so `$${` escapes are checked), the
//! CloudFormation and CI YAML are parsed, and each must hold the same document, role and
//! audience as the policy JSON. Every provider, with and without an existing OIDC provider.

use hcl::eval::{Context, Evaluate};
use hcl::{Body, Expression};
use oidc_trust::{generate, CiProvider, Generated, Intent, Repository};
use serde_json::{json, Value};
use yaml_rust2::{Yaml, YamlLoader};

fn repo(provider: CiProvider, text: &str, owner_id: Option<&str>, id: Option<&str>) -> Repository {
    Repository {
        owner_id: owner_id.map(str::to_string),
        id: id.map(str::to_string),
        ..Repository::parse(provider, text).unwrap()
    }
}

/// One intent per provider, with the awkward values the escapes must survive.
pub(crate) fn intents() -> Vec<(&'static str, Intent)> {
    let base = |provider| Intent {
        provider,
        account: "123456789012".into(),
        ..Intent::default()
    };
    let gh = CiProvider::GitHub;
    vec![
        (
            "github-layers-1-2-4",
            Intent {
                repositories: vec![repo(gh, "acme/api", Some("65"), Some("74"))],
                branches: vec!["main".into(), "release/*".into()],
                environments: vec!["prod:eu".into()],
                workflow: Some(".github/workflows/deploy.yml@refs/heads/main".into()),
                workflow_name: Some("Deploy ${{ x }}".into()),
                actors: vec!["release-bot".into(), "dollar$bot".into()],
                custom_subject: true,
                subject_keys: ["repo", "context", "job_workflow_ref", "runner_environment"].map(String::from).to_vec(),
                subject_values: vec![("runner_environment".into(), "github-hosted".into())],
                ..base(gh)
            },
        ),
        (
            "github-enterprise-existing-provider",
            Intent {
                issuer: Some("token.actions.githubusercontent.com/acme-corp".into()),
                provider_arn: Some("arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com/acme-corp".into()),
                repositories: vec![repo(gh, "acme/api", Some("65"), Some("74")), repo(gh, "acme/web", Some("65"), Some("75"))],
                tags: vec!["v*".into()],
                immutable_subject: true,
                role_name: Some("release".into()),
                region: Some("eu-west-1".into()),
                ..base(gh)
            },
        ),
        (
            "gitlab",
            Intent {
                repositories: vec![repo(CiProvider::GitLab, "acme/platform/api", Some("7"), Some("100"))],
                branches: vec!["main".into()],
                tags: vec!["v%{x}*".into()],
                actors: vec!["maintainer".into()],
                ..base(CiProvider::GitLab)
            },
        ),
        (
            "gitlab-self-managed",
            Intent {
                issuer: Some("gitlab.example.com".into()),
                repositories: vec![repo(CiProvider::GitLab, "acme/api", None, None)],
                branches: vec!["main".into()],
                ..base(CiProvider::GitLab)
            },
        ),
        (
            "circleci",
            Intent {
                repositories: vec![repo(CiProvider::CircleCi, "11111111-2222-3333-4444-555555555555/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", None, None)],
                actors: vec!["66666666-7777-8888-9999-000000000000".into()],
                ..base(CiProvider::CircleCi)
            },
        ),
        (
            "terraform",
            Intent {
                repositories: vec![repo(CiProvider::Terraform, "acme/infra/prod-network", None, None), repo(CiProvider::Terraform, "acme/default-ws", None, None)],
                run_phases: vec!["apply".into()],
                ..base(CiProvider::Terraform)
            },
        ),
        (
            "bitbucket",
            Intent {
                repositories: vec![repo(CiProvider::Bitbucket, "acme/{11111111-1111-1111-1111-111111111111}", Some("22222222-2222-2222-2222-222222222222"), None)],
                environments: vec!["{33333333-3333-3333-3333-333333333333}".into()],
                ..base(CiProvider::Bitbucket)
            },
        ),
        (
            "buildkite",
            Intent {
                repositories: vec![repo(CiProvider::Buildkite, "acme/deploy", Some("org-uuid-1"), Some("pipeline-uuid-1"))],
                branches: vec!["main".into()],
                ..base(CiProvider::Buildkite)
            },
        ),
    ]
}

fn federated(policy: &Value) -> String {
    policy["Statement"][0]["Principal"]["Federated"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The policy `jsonencode(...)` builds in the Terraform, and the provider's url/audience.
fn terraform_policy(g: &Generated, provider_arn: &str) -> (Value, Option<(String, Vec<String>)>) {
    let body: Body =
        hcl::parse(&g.terraform).unwrap_or_else(|e| panic!("HCL: {e}\n{}", g.terraform));
    let mut ctx = Context::new();
    ctx.declare_var(
        "aws_iam_openid_connect_provider",
        hcl::value!({ ci = { arn = (provider_arn) } }),
    );
    let mut policy = None;
    let mut provider = None;
    for block in body.blocks() {
        let labels: Vec<&str> = block.labels().iter().map(|l| l.as_str()).collect();
        match labels.as_slice() {
            ["aws_iam_role", "ci"] => {
                for a in block.body().attributes() {
                    if a.key() == "assume_role_policy" {
                        let Expression::FuncCall(call) = a.expr() else {
                            panic!("not jsonencode")
                        };
                        assert_eq!(call.name.name.as_str(), "jsonencode");
                        let value: hcl::Value = call.args[0].evaluate(&ctx).unwrap();
                        policy = Some(serde_json::to_value(value).unwrap());
                    }
                }
            }
            ["aws_iam_openid_connect_provider", "ci"] => {
                let mut url = String::new();
                let mut ids = Vec::new();
                for a in block.body().attributes() {
                    let v = serde_json::to_value(a.expr().evaluate(&ctx).unwrap()).unwrap();
                    match a.key() {
                        "url" => url = v.as_str().unwrap().to_string(),
                        "client_id_list" => {
                            ids = v
                                .as_array()
                                .unwrap()
                                .iter()
                                .map(|x| x.as_str().unwrap().to_string())
                                .collect()
                        }
                        _ => {}
                    }
                }
                provider = Some((url, ids));
            }
            _ => {}
        }
    }
    (policy.expect("a role with assume_role_policy"), provider)
}

pub(crate) fn to_json(y: &Yaml) -> Value {
    match y {
        Yaml::String(s) => Value::String(s.clone()),
        Yaml::Integer(i) => json!(i),
        Yaml::Real(r) => Value::String(r.clone()),
        Yaml::Boolean(b) => Value::Bool(*b),
        Yaml::Array(items) => Value::Array(items.iter().map(to_json).collect()),
        Yaml::Hash(h) => Value::Object(
            h.iter()
                .map(|(k, v)| {
                    (
                        k.as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| format!("{k:?}")),
                        to_json(v),
                    )
                })
                .collect(),
        ),
        Yaml::Null => Value::Null,
        other => panic!("unexpected YAML {other:?}"),
    }
}

fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

#[test]
fn every_artifact_carries_the_same_policy() {
    for (name, intent) in intents() {
        let g = generate(&intent).unwrap_or_else(|d| panic!("{name}: {}", d.message));
        let policy: Value = serde_json::from_str(&g.policy).unwrap();
        let arn = federated(&policy);

        // Terraform: jsonencode(...) evaluates to the policy, Federated included.
        let (tf, provider) = terraform_policy(&g, &arn);
        assert_eq!(tf, policy, "{name}: Terraform policy\n{}", g.terraform);
        match (&intent.provider_arn, provider) {
            (None, Some((url, ids))) => {
                assert_eq!(url, format!("https://{}", g.issuer), "{name}");
                assert_eq!(ids, vec![g.audience.clone()], "{name}");
            }
            (Some(_), None) => {}
            (given, made) => panic!("{name}: provider given {given:?}, created {made:?}"),
        }

        // CloudFormation: the role's document is the policy (the provider by Ref).
        let docs = YamlLoader::load_from_str(&g.cloudformation)
            .unwrap_or_else(|e| panic!("{name}: {e}\n{}", g.cloudformation));
        let cfn = to_json(&docs[0]);
        let mut doc = cfn["Resources"]["Role"]["Properties"]["AssumeRolePolicyDocument"].clone();
        let expected_principal = if intent.provider_arn.is_some() {
            arn.clone()
        } else {
            "OidcProvider".into()
        };
        assert_eq!(
            doc["Statement"][0]["Principal"]["Federated"],
            json!(expected_principal),
            "{name}"
        );
        doc["Statement"][0]["Principal"]["Federated"] = json!(arn);
        assert_eq!(
            doc, policy,
            "{name}: CloudFormation policy\n{}",
            g.cloudformation
        );
        assert_eq!(
            cfn["Resources"].get("OidcProvider").is_some(),
            intent.provider_arn.is_none(),
            "{name}"
        );

        // The CI configuration names this role (and, where it sets one, this audience).
        let mut texts = Vec::new();
        match g.ci_config_path.ends_with(".tf") {
            false => {
                let docs = YamlLoader::load_from_str(&g.ci_config)
                    .unwrap_or_else(|e| panic!("{name}: {e}\n{}", g.ci_config));
                strings(&to_json(&docs[0]), &mut texts);
            }
            // HCP Terraform's is HCL (workspace variables).
            true => {
                let body: Body = hcl::parse(&g.ci_config)
                    .unwrap_or_else(|e| panic!("{name}: {e}\n{}", g.ci_config));
                for b in body.blocks() {
                    for a in b.body().attributes() {
                        if let Ok(v) = a.expr().evaluate(&Context::new()) {
                            strings(&serde_json::to_value(v).unwrap(), &mut texts);
                        }
                    }
                }
            }
        }
        assert!(
            texts.iter().any(|t| t.contains(&g.role_arn)),
            "{name}: no role ARN in\n{}",
            g.ci_config
        );
        if matches!(intent.provider, CiProvider::GitLab | CiProvider::Terraform) {
            assert!(
                texts.contains(&g.audience),
                "{name}: no audience in\n{}",
                g.ci_config
            );
        }

        // GitHub's subject customisation exactly when the policy expects one.
        assert_eq!(
            g.gh_sub.is_some(),
            intent.custom_subject || intent.immutable_subject,
            "{name}"
        );
        if let Some(sh) = &g.gh_sub {
            for r in &intent.repositories {
                assert!(
                    sh.contains(&format!(
                        "repos/{}/{}/actions/oidc/customization/sub",
                        r.owner, r.name
                    )),
                    "{name}"
                );
            }
            let body: Value = serde_json::from_str(
                sh.lines()
                    .find(|l| l.starts_with("echo"))
                    .unwrap()
                    .split('\'')
                    .nth(1)
                    .unwrap(),
            )
            .unwrap();
            if intent.custom_subject {
                assert_eq!(
                    body["include_claim_keys"],
                    json!(g.include_claim_keys),
                    "{name}"
                );
            }
            assert_eq!(
                body["use_immutable_subject"].as_bool().unwrap_or(false),
                intent.immutable_subject,
                "{name}"
            );
        }
    }
}
