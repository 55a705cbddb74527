//! The generator's round trip: for random intents, the generated policy allows every token
//! the intent names and denies the attackers, and lint finds nothing to fix.

use oidc_trust::{
    generate, lint, parse_policy, read_claims, Decision, FindingSeverity, Intent, LintOptions,
    Repository, Request, RequestOptions,
};
use proptest::prelude::*;
use serde_json::json;

const GH: &str = "token.actions.githubusercontent.com";

#[derive(Debug, Clone)]
struct Job {
    owner: String,
    owner_id: String,
    repo: String,
    repo_id: String,
    context: String,
    event: &'static str,
    ref_: String,
    environment: Option<String>,
    workflow: String,
    actor: String,
}

fn token(job: &Job, intent: &Intent) -> String {
    let repo = if intent.immutable_subject {
        format!(
            "{}@{}/{}@{}",
            job.owner, job.owner_id, job.repo, job.repo_id
        )
    } else {
        format!("{}/{}", job.owner, job.repo)
    };
    let mut sub = format!("repo:{repo}:{}", job.context);
    if intent.custom_subject {
        sub.push_str(&format!(":job_workflow_ref:{}", job.workflow));
    }
    let mut c = json!({
        "iss": format!("https://{GH}"), "aud": "sts.amazonaws.com", "sub": sub,
        "repository": format!("{}/{}", job.owner, job.repo), "repository_owner": job.owner,
        "repository_id": job.repo_id, "repository_owner_id": job.owner_id, "ref": job.ref_,
        "event_name": job.event, "job_workflow_ref": job.workflow, "actor": job.actor,
    });
    if let Some(e) = &job.environment {
        c["environment"] = e.clone().into();
    }
    c.to_string()
}

fn decide(policy: &str, claims: &str) -> Decision {
    let policy = parse_policy(policy).policy.unwrap();
    let claims = read_claims(claims).unwrap();
    oidc_trust::decide(
        &policy,
        &Request::new(&claims, &RequestOptions::default()).unwrap(),
    )
}

prop_compose! {
    fn intents()(
        repos in proptest::sample::subsequence(vec![("acme", "api"), ("acme", "web"), ("octo-org", "infra-tools")], 1..=2),
        branches in proptest::sample::subsequence(vec!["main", "release", "prod"], 1..=2),
        environments in proptest::sample::subsequence(vec!["production", "staging"], 0..=1),
        workflow in proptest::option::of(Just(".github/workflows/deploy.yml@refs/heads/main")),
        actors in proptest::sample::subsequence(vec!["release-bot", "alice"], 0..=2),
        custom in any::<bool>(),
        immutable in any::<bool>(),
    ) -> Intent {
        Intent {
            account: "123456789012".into(),
            repositories: repos.iter().enumerate().map(|(i, (o, n))| Repository {
                owner: o.to_string(), name: n.to_string(),
                owner_id: Some(if *o == "acme" { "65" } else { "66" }.into()),
                id: Some(format!("{}", 100 + i)),
                ..Repository::default()
            }).collect(),
            branches: branches.iter().map(|b| b.to_string()).collect(),
            environments: environments.iter().map(|e| e.to_string()).collect(),
            workflow: workflow.map(str::to_string),
            actors: actors.iter().map(|a| a.to_string()).collect(),
            custom_subject: custom && workflow.is_some(),
            immutable_subject: immutable,
            ..Intent::default()
        }
    }
}

fn intended_jobs(intent: &Intent) -> Vec<Job> {
    let mut out = Vec::new();
    for r in &intent.repositories {
        let workflow = match &intent.workflow {
            Some(w) => format!("{}/{}/{w}", r.owner, r.name),
            None => format!(
                "{}/{}/.github/workflows/any.yml@refs/heads/main",
                r.owner, r.name
            ),
        };
        let actor = intent
            .actors
            .first()
            .cloned()
            .unwrap_or_else(|| "octocat".into());
        let base = Job {
            owner: r.owner.clone(),
            owner_id: r.owner_id.clone().unwrap(),
            repo: r.name.clone(),
            repo_id: r.id.clone().unwrap(),
            context: String::new(),
            event: "push",
            ref_: String::new(),
            environment: None,
            workflow,
            actor,
        };
        for b in &intent.branches {
            out.push(Job {
                context: format!("ref:refs/heads/{b}"),
                ref_: format!("refs/heads/{b}"),
                ..base.clone()
            });
        }
        for e in &intent.environments {
            out.push(Job {
                context: format!("environment:{e}"),
                ref_: "refs/heads/main".into(),
                environment: Some(e.clone()),
                ..base.clone()
            });
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn generated_policies_admit_the_intent_and_refuse_attackers(intent in intents()) {
        let g = generate(&intent).unwrap();
        let parsed = parse_policy(&g.policy);
        prop_assert!(parsed.diagnostics.iter().all(|d| !d.is_error()), "{:?}", parsed.diagnostics);
        let jobs = intended_jobs(&intent);
        for job in &jobs {
            prop_assert_eq!(decide(&g.policy, &token(job, &intent)), Decision::Allow, "intended {:?}\n{}", job, g.policy);
        }
        let job = jobs[0].clone();
        let mut attackers = vec![
            ("sibling repo", Job { repo: "zz-other".into(), repo_id: "900".into(), ..job.clone() }),
            ("same-prefix repo", Job { repo: format!("{}-evil", job.repo), repo_id: "901".into(), ..job.clone() }),
            ("other org", Job { owner: "zz-attacker".into(), owner_id: "902".into(), repo_id: "903".into(), ..job.clone() }),
            ("other branch", Job { context: "ref:refs/heads/zz-feature".into(), ref_: "refs/heads/zz-feature".into(), environment: None, ..job.clone() }),
            ("tag", Job { context: "ref:refs/tags/v1".into(), ref_: "refs/tags/v1".into(), environment: None, ..job.clone() }),
            ("pull request", Job { context: "pull_request".into(), event: "pull_request", ref_: "refs/pull/1/merge".into(), environment: None, ..job.clone() }),
        ];
        if intent.workflow.is_some() {
            attackers.push(("other workflow", Job { workflow: format!("{}/{}/.github/workflows/other.yml@refs/heads/main", job.owner, job.repo), ..job.clone() }));
        }
        if !intent.actors.is_empty() {
            attackers.push(("other actor", Job { actor: "mallory".into(), ..job.clone() }));
        }
        for (who, a) in &attackers {
            // Other repositories keep their own workflow files.
            let mut a = a.clone();
            if a.owner != job.owner || a.repo != job.repo {
                a.workflow = a.workflow.replace(&format!("{}/{}/", job.owner, job.repo), &format!("{}/{}/", a.owner, a.repo));
            }
            prop_assert_eq!(decide(&g.policy, &token(&a, &intent)), Decision::Deny, "{} got in\n{}", who, g.policy);
        }
        let report = lint(&g.policy, &LintOptions::default());
        prop_assert!(report.worst() <= Some(FindingSeverity::Low), "lint: {:?}\n{}", report.findings.iter().map(|f| (f.code, f.severity)).collect::<Vec<_>>(), g.policy);
    }
}

#[test]
fn opt_ins_are_warned_about_and_bad_intents_refused() {
    let repo = Repository {
        owner: "acme".into(),
        name: "api".into(),
        ..Repository::default()
    };
    let base = Intent {
        account: "123456789012".into(),
        repositories: vec![repo.clone()],
        branches: vec!["main".into()],
        ..Intent::default()
    };
    let pr = generate(&Intent {
        pull_requests: true,
        ..base.clone()
    })
    .unwrap();
    assert!(pr.warnings.iter().any(|w| w.contains("pull-request")));
    assert!(pr.policy.contains("repo:acme/api:pull_request"));
    let any = generate(&Intent {
        any_ref: true,
        ..base.clone()
    })
    .unwrap();
    assert!(any.policy.contains("\"StringLike\"") && any.policy.contains("repo:acme/api:*"));
    assert!(generate(&Intent {
        account: "12".into(),
        ..base.clone()
    })
    .is_err());
    assert!(generate(&Intent {
        repositories: vec![],
        ..base.clone()
    })
    .is_err());
    assert!(generate(&Intent {
        branches: vec![],
        ..base.clone()
    })
    .is_err());
    assert!(generate(&Intent {
        repositories: vec![Repository {
            name: "*".into(),
            ..repo.clone()
        }],
        ..base.clone()
    })
    .is_err());
    assert!(
        generate(&Intent {
            immutable_subject: true,
            ..base.clone()
        })
        .is_err(),
        "immutable subjects need ids"
    );
    assert!(
        generate(&Intent {
            custom_subject: true,
            ..base.clone()
        })
        .is_err(),
        "layer 4 needs the workflow"
    );
    let plain = generate(&base).unwrap();
    assert!(plain.summary.contains("acme/api") && plain.summary.contains("Excluded"));
}

/// Found by the `generate` fuzz target: `${...}` in a name is a policy variable unless
/// written as a literal; `*` in an environment name is not a wildcard.
#[test]
fn names_with_dollar_and_star_stay_literal() {
    let intent = Intent {
        account: "123456789012".into(),
        repositories: vec![Repository {
            owner: "acme".into(),
            name: "api".into(),
            ..Repository::default()
        }],
        environments: vec!["prod*".into()],
        actors: vec!["bot${a}".into()],
        ..Intent::default()
    };
    let g = generate(&intent).unwrap();
    let claims = |env: &str, actor: &str| {
        json!({"iss": format!("https://{GH}"), "aud": "sts.amazonaws.com", "sub": format!("repo:acme/api:environment:{env}"), "environment": env, "actor": actor, "repository": "acme/api"}).to_string()
    };
    assert_eq!(
        decide(&g.policy, &claims("prod*", "bot${a}")),
        Decision::Allow,
        "{}",
        g.policy
    );
    assert_eq!(
        decide(&g.policy, &claims("prod-x", "bot${a}")),
        Decision::Deny,
        "`*` stays literal"
    );
    assert_eq!(
        decide(&g.policy, &claims("prod*", "bot")),
        Decision::Deny,
        "`${{a}}` is not a variable"
    );
}

// --- Every other provider: the same round trip --------------------------------------------

fn allowed(policy: &str, claims: &serde_json::Value) -> bool {
    decide(policy, &claims.to_string()) == Decision::Allow
}

/// Sets `key` in a token to `value`.
fn with(claims: &serde_json::Value, pairs: &[(&str, &str)]) -> serde_json::Value {
    let mut c = claims.clone();
    for (k, v) in pairs {
        c[*k] = (*v).into();
    }
    c
}

/// The jobs the intent names (one token each) and attackers derived from the first.
fn provider_tokens(
    intent: &Intent,
) -> (
    Vec<serde_json::Value>,
    Vec<(&'static str, serde_json::Value)>,
) {
    let mut jobs = Vec::new();
    let mut attackers: Vec<(&'static str, serde_json::Value)> = Vec::new();
    let concrete = |glob: &str| glob.replace('*', "x").replace('?', "y");
    match intent.provider {
        oidc_trust::CiProvider::GitLab => {
            let gl_sub = |path: &str, kind: &str, r: &str| {
                format!("project_path:{path}:ref_type:{kind}:ref:{r}")
            };
            for r in &intent.repositories {
                let path = format!("{}/{}", r.owner, r.name);
                let refs = intent
                    .branches
                    .iter()
                    .map(|b| ("branch", concrete(b)))
                    .chain(intent.tags.iter().map(|t| ("tag", concrete(t))));
                for (kind, name) in refs {
                    jobs.push(json!({
                        "iss": "https://gitlab.com", "aud": "https://gitlab.com", "sub": gl_sub(&path, kind, &name),
                        "namespace_path": r.owner, "project_path": path, "project_id": r.id, "namespace_id": r.owner_id,
                        "ref_type": kind, "ref": name, "ref_protected": "true", "pipeline_source": "push",
                        "user_login": intent.actors.first().cloned().unwrap_or_else(|| "someone".into()),
                    }));
                }
            }
            let j = &jobs[0];
            let path = j["project_path"].as_str().unwrap().to_string();
            let (kind, r) = (
                j["ref_type"].as_str().unwrap().to_string(),
                j["ref"].as_str().unwrap().to_string(),
            );
            attackers.push((
                "other group",
                with(
                    j,
                    &[
                        ("sub", &gl_sub("zz-attacker/api", &kind, &r)),
                        ("project_id", "900"),
                        ("namespace_id", "901"),
                    ],
                ),
            ));
            attackers.push((
                "look-alike project",
                with(
                    j,
                    &[
                        ("sub", &gl_sub(&format!("{path}-evil"), &kind, &r)),
                        ("project_id", "902"),
                    ],
                ),
            ));
            attackers.push((
                "subgroup project",
                with(
                    j,
                    &[
                        ("sub", &gl_sub(&path.replace('/', "/zz/"), &kind, &r)),
                        ("project_id", "903"),
                    ],
                ),
            ));
            attackers.push((
                "unprotected branch",
                with(
                    j,
                    &[
                        ("sub", &gl_sub(&path, "branch", "zz-feature")),
                        ("ref", "zz-feature"),
                        ("ref_protected", "false"),
                    ],
                ),
            ));
            attackers.push((
                "unprotected ref of the same name",
                with(j, &[("ref_protected", "false")]),
            ));
            attackers.push((
                "re-created project",
                with(j, &[("project_id", "904"), ("namespace_id", "905")]),
            ));
            if intent.tags.is_empty() {
                attackers.push((
                    "tag named like the branch",
                    with(
                        j,
                        &[("sub", &gl_sub(&path, "tag", &r)), ("ref_type", "tag")],
                    ),
                ));
            }
            if !intent.actors.is_empty() {
                attackers.push(("other user", with(j, &[("user_login", "mallory")])));
            }
        }
        oidc_trust::CiProvider::Terraform => {
            let tf_sub = |o: &str, p: &str, w: &str, ph: &str| {
                format!("organization:{o}:project:{p}:workspace:{w}:run_phase:{ph}")
            };
            let phases = if intent.run_phases.is_empty() {
                vec!["apply".to_string()]
            } else {
                intent.run_phases.clone()
            };
            for r in &intent.repositories {
                let p = r
                    .project
                    .clone()
                    .unwrap_or_else(|| "Default Project".into());
                for ph in &phases {
                    jobs.push(json!({
                        "iss": "https://app.terraform.io", "aud": "aws.workload.identity", "sub": tf_sub(&r.owner, &p, &r.name, ph),
                        "terraform_organization_name": r.owner, "terraform_project_name": p, "terraform_workspace_name": r.name, "terraform_run_phase": ph,
                    }));
                }
            }
            let j = &jobs[0];
            let (o, p, w) = (
                j["terraform_organization_name"].as_str().unwrap(),
                j["terraform_project_name"].as_str().unwrap(),
                j["terraform_workspace_name"].as_str().unwrap(),
            );
            let ph = j["terraform_run_phase"].as_str().unwrap();
            attackers.push((
                "other org",
                with(j, &[("sub", &tf_sub("zz-attacker", p, w, ph))]),
            ));
            attackers.push((
                "other project",
                with(j, &[("sub", &tf_sub(o, "zz-other", w, ph))]),
            ));
            attackers.push((
                "look-alike workspace",
                with(j, &[("sub", &tf_sub(o, p, &format!("{w}-evil"), ph))]),
            ));
            if !phases.iter().any(|x| x == "plan") {
                attackers.push(("plan phase", with(j, &[("sub", &tf_sub(o, p, w, "plan"))])));
            }
        }
        oidc_trust::CiProvider::CircleCi => {
            let org = intent.repositories[0].owner.clone();
            let users = if intent.actors.is_empty() {
                vec!["99999999-9999-9999-9999-999999999999".to_string()]
            } else {
                intent.actors.clone()
            };
            for r in &intent.repositories {
                for u in &users {
                    jobs.push(json!({
                        "iss": format!("https://oidc.circleci.com/org/{org}"), "aud": org, "sub": format!("org/{org}/project/{}/user/{u}", r.name),
                        "oidc.circleci.com/project-id": r.name,
                    }));
                }
            }
            let j = &jobs[0];
            let other = "00000000-0000-0000-0000-00000000000f";
            attackers.push((
                "other project",
                with(
                    j,
                    &[
                        (
                            "sub",
                            &format!("org/{org}/project/{other}/user/{}", users[0]),
                        ),
                        ("oidc.circleci.com/project-id", other),
                    ],
                ),
            ));
            if !intent.actors.is_empty() {
                attackers.push((
                    "other user",
                    with(
                        j,
                        &[(
                            "sub",
                            &format!(
                                "org/{org}/project/{}/user/{other}",
                                intent.repositories[0].name
                            ),
                        )],
                    ),
                ));
            }
        }
        oidc_trust::CiProvider::Bitbucket => {
            let ws = intent.repositories[0].owner.clone();
            let aud = format!(
                "ari:cloud:bitbucket::workspace/{}",
                intent.repositories[0].owner_id.as_deref().unwrap()
            );
            let step = "{44444444-4444-4444-4444-444444444444}";
            for r in &intent.repositories {
                let subs: Vec<String> = if intent.environments.is_empty() {
                    vec![
                        format!("{}:{step}", r.name),
                        format!("{}:{{55555555-5555-5555-5555-555555555555}}:{step}", r.name),
                    ]
                } else {
                    intent
                        .environments
                        .iter()
                        .map(|e| format!("{}:{e}:{step}", r.name))
                        .collect()
                };
                for sub in subs {
                    jobs.push(json!({
                        "iss": format!("https://api.bitbucket.org/2.0/workspaces/{ws}/pipelines-config/identity/oidc"), "aud": aud, "sub": sub, "repositoryUuid": r.name,
                    }));
                }
            }
            let j = &jobs[0];
            attackers.push((
                "other repository",
                with(
                    j,
                    &[(
                        "sub",
                        &format!("{{99999999-0000-0000-0000-000000000001}}:{step}"),
                    )],
                ),
            ));
            if let Some(e) = intent.environments.first() {
                attackers.push((
                    "other environment",
                    with(
                        j,
                        &[(
                            "sub",
                            &format!(
                                "{}:{{99999999-0000-0000-0000-000000000002}}:{step}",
                                intent.repositories[0].name
                            ),
                        )],
                    ),
                ));
                attackers.push((
                    "no environment",
                    with(
                        j,
                        &[("sub", &format!("{}:{step}", intent.repositories[0].name))],
                    ),
                ));
                let _ = e;
            }
        }
        oidc_trust::CiProvider::Buildkite => {
            let bk_sub = |o: &str, p: &str, r: &str| {
                format!("organization:{o}:pipeline:{p}:ref:{r}:commit:0123abc:step:deploy")
            };
            for r in &intent.repositories {
                for b in &intent.branches {
                    let b = concrete(b);
                    jobs.push(json!({
                        "iss": "https://agent.buildkite.com", "aud": "sts.amazonaws.com", "sub": bk_sub(&r.owner, &r.name, &format!("refs/heads/{b}")),
                        "organization_slug": r.owner, "pipeline_slug": r.name, "build_branch": b,
                        "organization_id": r.owner_id, "pipeline_id": r.id,
                    }));
                }
            }
            let j = &jobs[0];
            let (o, p) = (
                j["organization_slug"].as_str().unwrap(),
                j["pipeline_slug"].as_str().unwrap(),
            );
            let r = format!("refs/heads/{}", j["build_branch"].as_str().unwrap());
            attackers.push((
                "other org",
                with(
                    j,
                    &[
                        ("sub", &bk_sub("zz-attacker", p, &r)),
                        ("organization_id", "x-org"),
                    ],
                ),
            ));
            attackers.push((
                "other pipeline",
                with(
                    j,
                    &[
                        ("sub", &bk_sub(o, "zz-other", &r)),
                        ("pipeline_id", "x-pipe"),
                    ],
                ),
            ));
            attackers.push((
                "look-alike pipeline",
                with(
                    j,
                    &[
                        ("sub", &bk_sub(o, &format!("{p}-evil"), &r)),
                        ("pipeline_id", "x-pipe2"),
                    ],
                ),
            ));
            attackers.push((
                "other branch",
                with(j, &[("sub", &bk_sub(o, p, "refs/heads/zz-feature"))]),
            ));
            attackers.push((
                "pull request head",
                with(j, &[("sub", &bk_sub(o, p, "refs/pull/1/head"))]),
            ));
        }
        oidc_trust::CiProvider::GitHub => unreachable!("covered above"),
    }
    (jobs, attackers)
}

fn uuid(n: usize) -> String {
    format!("{n:08x}-1111-2222-3333-444444444444")
}

fn other_intents() -> impl Strategy<Value = Intent> {
    use oidc_trust::CiProvider as P;
    let repo = |p: P, s: &str, owner_id: Option<String>, id: Option<String>| Repository {
        owner_id,
        id,
        ..Repository::parse(p, s).unwrap()
    };
    let base = |provider| Intent {
        provider,
        account: "123456789012".into(),
        ..Intent::default()
    };
    let gitlab = (
        proptest::sample::subsequence(vec!["acme/api", "acme/platform/web", "octo/tools"], 1..=2),
        proptest::sample::subsequence(vec!["main", "release-*", "prod"], 1..=2),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(move |(repos, branches, tags, actor)| Intent {
            repositories: repos
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    repo(
                        P::GitLab,
                        r,
                        Some(format!("{}", 10 + r.len())),
                        Some(format!("{}", 100 + i)),
                    )
                })
                .collect(),
            branches: branches.iter().map(|b| b.to_string()).collect(),
            tags: if tags { vec!["v*".into()] } else { vec![] },
            actors: if actor {
                vec!["maintainer".into()]
            } else {
                vec![]
            },
            ..base(P::GitLab)
        });
    let terraform = (
        proptest::sample::subsequence(
            vec!["acme/infra/network", "acme/default-ws", "acme/infra/dns"],
            1..=2,
        ),
        proptest::sample::subsequence(vec!["plan", "apply"], 1..=2),
    )
        .prop_map(move |(repos, phases)| Intent {
            repositories: repos
                .iter()
                .map(|r| repo(P::Terraform, r, None, None))
                .collect(),
            run_phases: phases.iter().map(|p| p.to_string()).collect(),
            ..base(P::Terraform)
        });
    let circleci = (1usize..=2, 1usize..=2).prop_map(move |(projects, users)| Intent {
        repositories: (0..projects)
            .map(|i| {
                repo(
                    P::CircleCi,
                    &format!("{}/{}", uuid(1), uuid(10 + i)),
                    None,
                    None,
                )
            })
            .collect(),
        actors: (0..users).map(|i| uuid(20 + i)).collect(),
        ..base(P::CircleCi)
    });
    let bitbucket = (1usize..=2, 0usize..=2).prop_map(move |(repos, envs)| Intent {
        repositories: (0..repos)
            .map(|i| {
                repo(
                    P::Bitbucket,
                    &format!("acme/{{{}}}", uuid(30 + i)),
                    Some(uuid(2)),
                    None,
                )
            })
            .collect(),
        environments: (0..envs).map(|i| format!("{{{}}}", uuid(40 + i))).collect(),
        ..base(P::Bitbucket)
    });
    let buildkite = (
        proptest::sample::subsequence(vec!["acme/deploy", "acme/release-tools"], 1..=2),
        proptest::sample::subsequence(vec!["main", "release/*"], 1..=2),
        any::<bool>(),
    )
        .prop_map(move |(repos, branches, ids)| Intent {
            repositories: repos
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    repo(
                        P::Buildkite,
                        r,
                        ids.then(|| "org-1".into()),
                        ids.then(|| format!("pipe-{i}")),
                    )
                })
                .collect(),
            branches: branches.iter().map(|b| b.to_string()).collect(),
            ..base(P::Buildkite)
        });
    prop_oneof![gitlab, terraform, circleci, bitbucket, buildkite]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 120, ..ProptestConfig::default() })]

    /// GitLab, HCP Terraform, CircleCI, Bitbucket and Buildkite: the intent's jobs get in;
    /// our attackers and the attacker replay of the generated policy do not; lint finds
    /// nothing to fix.
    #[test]
    fn every_provider_admits_the_intent_and_refuses_attackers(intent in other_intents()) {
        let g = generate(&intent).unwrap();
        let (jobs, attackers) = provider_tokens(&intent);
        prop_assert!(!jobs.is_empty());
        for job in &jobs {
            prop_assert!(allowed(&g.policy, job), "intended {}\n{}", job, g.policy);
        }
        for (who, token) in &attackers {
            prop_assert!(!allowed(&g.policy, token), "{} got in: {}\n{}", who, token, g.policy);
        }
        let policy = parse_policy(&g.policy).policy.unwrap();
        for r in oidc_trust::replay(&policy) {
            for a in &r.attempts {
                prop_assert_eq!(a.decision, Decision::Deny, "replay {} got in\n{}", a.scenario, g.policy);
            }
        }
        let report = lint(&g.policy, &LintOptions::default());
        prop_assert!(report.worst() <= Some(FindingSeverity::Low), "lint: {:?}\n{}", report.findings.iter().map(|f| (f.code, f.severity)).collect::<Vec<_>>(), g.policy);
    }
}

// --- The seed articles' cases ----------------------------------------------------------------

/// The four seed policies (examples/policies), as intents. The generator must admit every
/// example token the seed admits for the intended job, and may refuse more only where the
/// seed is weak — each such token is listed with why. Its outputs are golden files.
#[test]
fn seed_cases_are_reproduced_or_improved() {
    let acme_api = Repository {
        owner: "acme".into(),
        name: "api".into(),
        owner_id: Some("65".into()),
        id: Some("74".into()),
        ..Repository::default()
    };
    let main = Intent {
        account: "123456789012".into(),
        repositories: vec![acme_api],
        branches: vec!["main".into()],
        role_name: Some("deploy".into()),
        ..Intent::default()
    };
    let workflow = Some(".github/workflows/deploy.yml@refs/heads/main".to_string());
    let broad = "the seed's `repo:acme/api:*` admits every ref, environment and pull request of the repository; the intent is the main branch";
    /// Example tokens the seed admits and the generated policy refuses, with why.
    type Improvements<'a> = Vec<(&'a str, &'a str)>;
    let cases: Vec<(&str, Intent, Improvements)> = vec![
        (
            "basic-repo",
            main.clone(),
            vec![
                ("environment", broad),
                ("other-branch", broad),
                (
                    "pull-request",
                    "the seed admits pull-request runs, which execute unreviewed code",
                ),
                ("tag", broad),
                (
                    "custom-sub-main",
                    "the seed's glob also matches a customised subject the intent does not use",
                ),
            ],
        ),
        (
            "hardening-layer1",
            Intent {
                workflow: workflow.clone(),
                ..main.clone()
            },
            vec![],
        ),
        (
            "hardening-layer2",
            Intent {
                workflow: workflow.clone(),
                workflow_name: Some("Deploy".into()),
                actors: vec!["release-bot".into(), "alice".into()],
                ..main.clone()
            },
            vec![],
        ),
        (
            "hardening-layer4",
            Intent {
                workflow,
                custom_subject: true,
                ..main.clone()
            },
            vec![],
        ),
    ];
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let root = oidc_trust_tests::root();
    let mut tokens: Vec<(String, String)> = std::fs::read_dir(root.join("examples/tokens"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            (
                p.file_stem().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    tokens.sort();
    for (name, intent, improvements) in cases {
        let g = generate(&intent).unwrap();
        let seed = oidc_trust_tests::read(&format!("examples/policies/{name}.json"));
        for (token, claims) in &tokens {
            let (theirs, ours) = (decide(&seed, claims), decide(&g.policy, claims));
            let listed = improvements.iter().any(|(t, _)| t == token);
            match (theirs, ours) {
                (Decision::Deny, Decision::Allow) => panic!(
                    "{name}: the generated policy admits `{token}`, which the seed refuses\n{}",
                    g.policy
                ),
                (Decision::Allow, Decision::Deny) => {
                    assert!(listed, "{name}: `{token}` refused without a reason listed")
                }
                _ => assert!(
                    !listed,
                    "{name}: `{token}` is listed as an improvement but decided alike"
                ),
            }
        }
        let dir = root.join("tests/golden/generate").join(name);
        let ci_file = g.ci_config_path.rsplit('/').next().unwrap().to_string();
        let mut files = vec![
            ("trust-policy.json".to_string(), g.policy.clone()),
            ("main.tf".to_string(), g.terraform.clone()),
            ("template.yaml".to_string(), g.cloudformation.clone()),
            (ci_file, g.ci_config.clone()),
            ("SUMMARY.txt".to_string(), format!("{}\n", g.summary)),
        ];
        if let Some(sh) = &g.gh_sub {
            files.push(("gh-sub.sh".to_string(), sh.clone()));
        }
        if !improvements.is_empty() {
            let mut why = String::from(
                "Tokens the seed policy admits and the generated one refuses, and why:\n\n",
            );
            for (t, reason) in &improvements {
                why.push_str(&format!("- examples/tokens/{t}.json: {reason}\n"));
            }
            files.push(("IMPROVEMENTS.md".to_string(), why));
        }
        for (file, text) in files {
            let path = dir.join(&file);
            if update {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, &text).unwrap();
            }
            let golden = std::fs::read_to_string(&path).unwrap_or_else(|_| {
                panic!("{}: missing; run with UPDATE_GOLDEN=1", path.display())
            });
            assert_eq!(
                text,
                golden,
                "{}: differs from the golden file (UPDATE_GOLDEN=1 to accept)",
                path.display()
            );
        }
    }
}

/// Layer 4 with the claim keys the user picks: the policy matches exactly that format, in
/// that order, and lint finds nothing to fix.
#[test]
fn customised_subjects_follow_the_chosen_keys() {
    let intent = Intent {
        account: "123456789012".into(),
        repositories: vec![Repository {
            owner: "acme".into(),
            name: "api".into(),
            owner_id: Some("65".into()),
            id: Some("74".into()),
            ..Repository::default()
        }],
        environments: vec!["prod:eu".into()],
        custom_subject: true,
        subject_keys: [
            "repo",
            "context",
            "repository_visibility",
            "runner_environment",
        ]
        .map(String::from)
        .to_vec(),
        subject_values: vec![
            ("runner_environment".into(), "github-hosted".into()),
            ("repository_visibility".into(), "private".into()),
        ],
        ..Intent::default()
    };
    let g = generate(&intent).unwrap();
    assert_eq!(g.include_claim_keys, intent.subject_keys);
    let claims = |sub: &str| {
        json!({"iss": format!("https://{GH}"), "aud": "sts.amazonaws.com", "sub": sub, "repository_id": "74", "repository_owner_id": "65"}).to_string()
    };
    let ok = "repo:acme/api:environment:prod%3Aeu:repository_visibility:private:runner_environment:github-hosted";
    assert_eq!(
        decide(&g.policy, &claims(ok)),
        Decision::Allow,
        "{}",
        g.policy
    );
    for bad in [
        "repo:acme/api:environment:prod%3Aeu:repository_visibility:private:runner_environment:self-hosted",
        "repo:acme/api:environment:prod%3Aeu:runner_environment:github-hosted:repository_visibility:private",
        "repo:acme/api:environment:prod%3Aeu",
        "repo:acme/api:ref:refs/heads/main:repository_visibility:private:runner_environment:github-hosted",
    ] {
        assert_eq!(decide(&g.policy, &claims(bad)), Decision::Deny, "{bad}");
    }
    let report = lint(&g.policy, &LintOptions::default());
    assert!(
        report.worst() <= Some(FindingSeverity::Low),
        "{:?}",
        report.findings.iter().map(|f| f.code).collect::<Vec<_>>()
    );
    // What cannot work is refused: no value, no repo, keys without layer 4.
    let refused = |i: Intent| {
        generate(&i)
            .err()
            .map(|d| d.location.pointer)
            .unwrap_or_default()
    };
    assert_eq!(
        refused(Intent {
            subject_values: vec![],
            ..intent.clone()
        }),
        "/subjectKeys/2"
    );
    assert_eq!(
        refused(Intent {
            subject_keys: vec!["context".into()],
            subject_values: vec![],
            ..intent.clone()
        }),
        "/subjectKeys"
    );
    assert_eq!(
        refused(Intent {
            custom_subject: false,
            ..intent.clone()
        }),
        "/subjectKeys"
    );
}

/// Malformed values are refused where they are, never written into a policy.
#[test]
fn malformed_values_are_refused_with_their_pointer() {
    let base = Intent {
        account: "123456789012".into(),
        repositories: vec![Repository::parse(oidc_trust::CiProvider::GitHub, "acme/api").unwrap()],
        branches: vec!["main".into()],
        ..Intent::default()
    };
    let cases: Vec<(Intent, &str)> = vec![
        (
            Intent {
                branches: vec!["".into()],
                ..base.clone()
            },
            "/branches/0",
        ),
        (
            Intent {
                branches: vec!["main".into(), "a:b".into()],
                ..base.clone()
            },
            "/branches/1",
        ),
        (
            Intent {
                tags: vec!["v 1".into()],
                ..base.clone()
            },
            "/tags/0",
        ),
        // No guessed ref: a token's job_workflow_ref always names one.
        (
            Intent {
                workflow: Some(".github/workflows/deploy.yml".into()),
                ..base.clone()
            },
            "/workflow",
        ),
        (
            Intent {
                environments: vec!["prod\n".into()],
                ..base.clone()
            },
            "/environments/0",
        ),
        (
            Intent {
                actors: vec![" ".into()],
                ..base.clone()
            },
            "/actors/0",
        ),
        (
            Intent {
                workflow: Some("deploy.sh@refs/heads/main".into()),
                ..base.clone()
            },
            "/workflow",
        ),
        (
            Intent {
                workflow_name: Some(String::new()),
                ..base.clone()
            },
            "/workflowName",
        ),
        (
            Intent {
                audience: Some(String::new()),
                ..base.clone()
            },
            "/audience",
        ),
        (
            Intent {
                issuer: Some("token.actions.githubusercontent.com/a b".into()),
                ..base.clone()
            },
            "/issuer",
        ),
        (
            Intent {
                region: Some("US East".into()),
                ..base.clone()
            },
            "/region",
        ),
        (
            Intent {
                role_name: Some("a/b".into()),
                ..base.clone()
            },
            "/role",
        ),
        (
            Intent {
                provider_arn: Some("arn:aws:iam::123456789012:oidc-provider/gitlab.com".into()),
                ..base.clone()
            },
            "/providerArn",
        ),
    ];
    for (intent, pointer) in cases {
        match generate(&intent) {
            Ok(g) => panic!("{pointer}: accepted\n{}", g.policy),
            Err(d) => assert_eq!(d.location.pointer, pointer, "{}", d.message),
        }
    }
}

// Issue 14: the generator's issuer goes through the one normaliser (an `http://` issuer
// used to be kept as written, and the policy named a provider that cannot exist).
#[test]
fn the_given_issuer_is_normalised() {
    let g = generate(&Intent {
        account: "123456789012".into(),
        repositories: vec![Repository {
            owner: "acme".into(),
            name: "api".into(),
            ..Repository::default()
        }],
        branches: vec!["main".into()],
        issuer: Some(" http://token.actions.githubusercontent.com/acme/ ".into()),
        ..Intent::default()
    })
    .unwrap();
    assert_eq!(g.issuer, "token.actions.githubusercontent.com/acme");
    assert!(
        g.policy
            .contains("oidc-provider/token.actions.githubusercontent.com/acme\""),
        "{}",
        g.policy
    );
    assert!(!g.policy.contains("http://"), "{}", g.policy);
}

#[test]
fn layer_three_generates_the_controls_or_says_why_not() {
    let base = Intent {
        account: "123456789012".into(),
        repositories: vec![Repository {
            owner: "acme".into(),
            name: "api".into(),
            ..Repository::default()
        }],
        branches: vec!["main".into(), "release/*".into()],
        tags: vec!["v*".into()],
        environments: vec!["prod".into()],
        workflow: Some(".github/workflows/deploy.yml@refs/heads/main".into()),
        layer3: true,
        code_owners: vec!["@acme/platform".into()],
        reviewers: vec!["acme/release".into(), "alice".into()],
        no_admin_bypass: true,
        terrateam_team: Some("sre".into()),
        ..Intent::default()
    };
    let g = generate(&base).unwrap();
    let file = |path: &str| {
        g.layer3
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("no {path} in {:?}", g.layer3))
            .content
            .clone()
    };
    let owners = file(".github/CODEOWNERS");
    assert!(owners.contains("/.github/workflows/ @acme/platform"));
    assert!(owners.contains("/.github/workflows/deploy.yml @acme/platform"));
    let sh = file("layer3.sh");
    // The trusted branches, spanning deeper names as IAM's `*` does; the tags; the
    // environment limited to the trusted refs, with reviewers and no admin bypass.
    assert!(sh.contains("\"include\": [\"~DEFAULT_BRANCH\", \"refs/heads/main\", \"refs/heads/release/*\", \"refs/heads/release/*/**/*\"]"));
    assert!(sh.contains("\"require_code_owner_review\": true"));
    assert!(sh.contains("\"include\": [\"refs/tags/v*\", \"refs/tags/v*/**/*\"]"));
    assert!(sh.contains("gh api --method PUT repos/acme/api/environments/prod"));
    assert!(
        sh.contains("\"custom_branch_policies\": true")
            && sh.contains("\"can_admins_bypass\": false")
    );
    assert!(sh.contains("reviewer_1=$(gh api orgs/acme/teams/release --jq .id)"));
    assert!(sh.contains("reviewer_2=$(gh api users/alice --jq .id)"));
    assert!(sh.contains("deployment-branch-policies -f name='release/*' -f type=branch"));
    assert!(sh.contains("deployment-branch-policies -f name='v*' -f type=tag"));
    let terrateam = file(".terrateam/config.yml");
    assert!(terrateam.contains("ci_config_update: ['team:sre']"));
    assert!(terrateam.contains(".github/workflows/deploy.yml: ['team:sre']"));
    assert!(g.summary.contains("Layer 3 protects"));
    assert!(!g
        .warnings
        .iter()
        .any(|w| w.contains("tags are often unprotected")));

    // Without branches or tags, the environment takes protected branches only.
    let env_only = generate(&Intent {
        branches: vec![],
        tags: vec![],
        workflow: None,
        ..base.clone()
    })
    .unwrap();
    let sh = &env_only
        .layer3
        .iter()
        .find(|f| f.path == "layer3.sh")
        .unwrap()
        .content;
    assert!(sh.contains("\"protected_branches\": true, \"custom_branch_policies\": false"));
    // The default branch is still protected: CODEOWNERS is read there.
    assert!(sh.contains("\"include\": [\"~DEFAULT_BRANCH\"]"));
    // Neither branches nor reviewers: the environment would have no gate at all.
    let e = generate(&Intent {
        branches: vec![],
        tags: vec![],
        workflow: None,
        reviewers: vec![],
        ..base.clone()
    })
    .unwrap_err();
    assert_eq!(e.location.pointer, "/reviewers");

    // Refusals, each at its pointer.
    let refused = |intent: Intent, pointer: &str| {
        let e = generate(&intent).unwrap_err();
        assert_eq!(e.location.pointer, pointer, "{}", e.message);
    };
    refused(
        Intent {
            code_owners: vec![],
            ..base.clone()
        },
        "/codeOwners",
    );
    refused(
        Intent {
            any_ref: true,
            ..base.clone()
        },
        "/anyRef",
    );
    refused(
        Intent {
            reviewers: (0..7).map(|i| format!("user{i}")).collect(),
            ..base.clone()
        },
        "/reviewers",
    );
    refused(
        Intent {
            reviewers: vec!["a/b/c".into()],
            ..base.clone()
        },
        "/reviewers/0",
    );
    refused(
        Intent {
            branches: vec!["ma'in".into()],
            ..base.clone()
        },
        "/branches/0",
    );
    refused(
        Intent {
            code_owners: vec!["@team with space".into()],
            ..base.clone()
        },
        "/codeOwners/0",
    );
    refused(
        Intent {
            terrateam_team: Some("a/b".into()),
            ..base.clone()
        },
        "/terrateamTeam",
    );
    let circle = Intent {
        provider: oidc_trust::CiProvider::Terraform,
        repositories: vec![Repository {
            owner: "acme".into(),
            name: "prod".into(),
            ..Repository::default()
        }],
        branches: vec![],
        tags: vec![],
        environments: vec![],
        workflow: None,
        reviewers: vec![],
        terrateam_team: None,
        ..base.clone()
    };
    refused(circle, "/layer3");

    // GitLab: protected branches and tags; the pipeline's code owners.
    let gitlab = generate(&Intent {
        provider: oidc_trust::CiProvider::GitLab,
        repositories: vec![Repository {
            owner: "acme/infra".into(),
            name: "api".into(),
            ..Repository::default()
        }],
        environments: vec![],
        workflow: None,
        reviewers: vec![],
        ..base.clone()
    })
    .unwrap();
    let sh = &gitlab
        .layer3
        .iter()
        .find(|f| f.path == "layer3.sh")
        .unwrap()
        .content;
    assert!(sh.contains("glab api --method POST projects/acme%2Finfra%2Fapi/protected_branches -f name='main' -F push_access_level=0"));
    assert!(sh.contains("protected_tags -f name='v*'"));
    assert!(gitlab.layer3.iter().any(|f| f.path == ".gitlab/CODEOWNERS"));
}

// Issue 19, the layer-3 round trip: the settings that running the generated controls would
// leave (simulated from layer3.sh's request bodies and the CODEOWNERS files, in the shape
// GitHub's API returns) make the layer-3 lint clean; removing any one control makes it
// fire. Tag rulesets are generated but not checked by lint yet, so they are not removed.
mod layer3_round_trip {
    use super::*;
    use std::collections::BTreeMap;

    /// One settings file: (name, JSON text), and whether removing it must fire.
    type Files = Vec<(String, String, bool)>;

    fn b64(s: &str) -> String {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in s.as_bytes().chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    fn decode(segment: &str) -> String {
        segment
            .replace("%2F", "/")
            .replace("%20", " ")
            .replace("%25", "%")
    }

    /// The settings GitHub would return after layer3.sh and the CODEOWNERS files.
    fn settings(layer3: &[oidc_trust::ControlFile], only_repo: &str) -> Files {
        let mut files: Files = Vec::new();
        let mut envs: BTreeMap<String, Vec<serde_json::Value>> = BTreeMap::new();
        let mut policies: BTreeMap<(String, String), Vec<serde_json::Value>> = BTreeMap::new();
        for f in layer3 {
            if f.path.ends_with("CODEOWNERS") {
                let repo = f
                    .path
                    .strip_prefix("layer3/")
                    .and_then(|p| p.strip_suffix("/.github/CODEOWNERS"))
                    .unwrap_or(only_repo);
                let body = json!({"type": "file", "path": ".github/CODEOWNERS", "encoding": "base64", "content": b64(&f.content),
                    "url": format!("https://api.github.com/repos/{repo}/contents/.github/CODEOWNERS?ref=main")});
                files.push((format!("codeowners-{repo}.json"), body.to_string(), true));
                continue;
            }
            let lines: Vec<&str> = f.content.lines().collect();
            let mut i = 0;
            while i < lines.len() {
                let line = lines[i]
                    .replace("$reviewer_1", "101")
                    .replace("$reviewer_2", "102");
                i += 1;
                let Some(call) = line.strip_prefix("gh api --method ") else {
                    continue;
                };
                let words: Vec<&str> = call.split_whitespace().collect();
                let path = words[1];
                let mut body = String::new();
                if call.contains("--input -") {
                    while lines[i] != "JSON" {
                        body.push_str(
                            &lines[i]
                                .replace("$reviewer_1", "101")
                                .replace("$reviewer_2", "102"),
                        );
                        i += 1;
                    }
                    i += 1;
                }
                let parts: Vec<&str> = path.split('/').collect();
                let repo = format!("{}/{}", parts[1], parts[2]);
                match (words[0], parts.get(3).copied(), parts.get(5).copied()) {
                    ("POST", Some("rulesets"), _) => {
                        let mut r: serde_json::Value = serde_json::from_str(&body).unwrap();
                        r["source_type"] = json!("Repository");
                        r["source"] = json!(repo);
                        // Tag rulesets are not checked by lint: removing them fires nothing.
                        let removable = r["target"] == "branch";
                        files.push((
                            format!("ruleset-{}.json", files.len()),
                            r.to_string(),
                            removable,
                        ));
                    }
                    ("PUT", Some("environments"), None) => {
                        let put: serde_json::Value = serde_json::from_str(&body).unwrap();
                        let name = decode(parts[4]);
                        let mut rules = Vec::new();
                        if put["reviewers"].as_array().is_some_and(|r| !r.is_empty()) {
                            rules.push(json!({"type": "required_reviewers", "reviewers": put["reviewers"]}));
                        }
                        if put["deployment_branch_policy"]["custom_branch_policies"] == true {
                            rules.push(json!({"type": "branch_policy"}));
                        }
                        envs.entry(repo.clone()).or_default().push(json!({"name": name, "protection_rules": rules,
                            "deployment_branch_policy": put["deployment_branch_policy"],
                            "url": format!("https://api.github.com/repos/{repo}/environments/{}", parts[4])}));
                    }
                    ("POST", Some("environments"), Some("deployment-branch-policies")) => {
                        let field = |k: &str| {
                            call.split(&format!("-f {k}="))
                                .nth(1)
                                .unwrap()
                                .split_whitespace()
                                .next()
                                .unwrap()
                                .trim_matches('\'')
                                .to_string()
                        };
                        policies
                            .entry((repo, decode(parts[4])))
                            .or_default()
                            .push(json!({"name": field("name"), "type": field("type")}));
                    }
                    other => panic!("unexpected call {other:?}: {line}"),
                }
            }
        }
        // Each repository's default branch, for the rulesets' `~DEFAULT_BRANCH`.
        let mut seen: Vec<String> = Vec::new();
        for (name, text, _) in files.clone() {
            if name.starts_with("ruleset-") {
                let r: serde_json::Value = serde_json::from_str(&text).unwrap();
                let repo = r["source"].as_str().unwrap().to_string();
                if !seen.contains(&repo) {
                    files.push((
                        format!("repository-{repo}.json"),
                        json!({"full_name": repo, "default_branch": "main"}).to_string(),
                        false,
                    ));
                    seen.push(repo);
                }
            }
        }
        for (repo, list) in envs {
            let body = json!({"repository": repo, "total_count": list.len(), "environments": list});
            files.push((format!("environments-{repo}.json"), body.to_string(), true));
        }
        for ((repo, env), list) in policies {
            let body = json!({"repository": repo, "environment": env, "total_count": list.len(), "branch_policies": list});
            files.push((
                format!("branch-policies-{repo}-{env}.json"),
                body.to_string(),
                false,
            ));
        }
        files
    }

    fn lint(policy: &str, files: &[(String, String, bool)]) -> Vec<oidc_trust::Finding> {
        let mut check = oidc_trust::Layer3Check::new();
        check.add_policy("trust-policy.json", policy);
        for (name, text, _) in files {
            let read = check.add_settings(name, text);
            assert!(matches!(read, Some(Ok(_))), "{name}: {read:?}\n{text}");
        }
        check.findings()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
        #[test]
        fn generated_layer_three_settings_satisfy_lint_and_each_control_counts(
            repos in proptest::sample::subsequence(vec![("acme", "api"), ("acme", "web")], 1..=2),
            branches in proptest::sample::subsequence(vec!["main", "release/*", "prod"], 0..=2),
            tags in proptest::sample::subsequence(vec!["v*"], 0..=1),
            environments in proptest::sample::subsequence(vec!["production", "qa env"], 0..=2),
            workflow in proptest::option::of(proptest::sample::select(vec![
                ".github/workflows/deploy.yml@refs/heads/main",
                "acme/workflows/.github/workflows/deploy.yml@refs/heads/main",
            ])),
            reviewers in proptest::sample::subsequence(vec!["acme/sre", "alice"], 0..=2),
        ) {
            prop_assume!(!branches.is_empty() || !environments.is_empty() || !tags.is_empty());
            let intent = Intent {
                account: "123456789012".into(),
                repositories: repos.iter().map(|(o, n)| Repository { owner: (*o).into(), name: (*n).into(), ..Repository::default() }).collect(),
                branches: branches.iter().map(|s| (*s).to_string()).collect(),
                tags: tags.iter().map(|s| (*s).to_string()).collect(),
                environments: environments.iter().map(|s| (*s).to_string()).collect(),
                workflow: workflow.map(str::to_string),
                layer3: true,
                code_owners: vec!["@acme/platform".into()],
                reviewers: reviewers.iter().map(|s| (*s).to_string()).collect(),
                ..Intent::default()
            };
            // An environment with neither a trusted branch nor a reviewer is refused: its
            // only gate would be GitHub's "protected branches".
            if !environments.is_empty() && branches.is_empty() && reviewers.is_empty() {
                let refused = generate(&intent).unwrap_err();
                prop_assert_eq!(refused.location.pointer.as_str(), "/reviewers");
                return Ok(());
            }
            let g = generate(&intent).unwrap();
            let files = settings(&g.layer3, &format!("{}/{}", repos[0].0, repos[0].1));
            let clean = lint(&g.policy, &files);
            prop_assert!(clean.is_empty(), "{clean:#?}\n{}\n{:#?}", g.policy, g.layer3);
            for (i, (name, _, removable)) in files.iter().enumerate() {
                if !removable {
                    continue;
                }
                let mut fewer = files.clone();
                fewer.remove(i);
                let found = lint(&g.policy, &fewer);
                prop_assert!(!found.is_empty(), "removing {name} went unnoticed\n{}", g.policy);
            }
            // An environment's deployment branch policy, removed, is noticed too.
            for (i, (name, text, _)) in files.iter().enumerate().filter(|(_, f)| f.0.starts_with("environments-")) {
                let mut v: serde_json::Value = serde_json::from_str(text).unwrap();
                for e in v["environments"].as_array_mut().unwrap() {
                    e["deployment_branch_policy"] = serde_json::Value::Null;
                    e["protection_rules"] = json!(e["protection_rules"].as_array().unwrap().iter().filter(|r| r["type"] != "branch_policy").cloned().collect::<Vec<_>>());
                }
                let mut fewer = files.clone();
                fewer[i].1 = v.to_string();
                let found = lint(&g.policy, &fewer);
                prop_assert!(found.iter().any(|f| f.code.starts_with("environment-")), "{name} without a branch policy went unnoticed");
            }
        }
    }
}

// --- The organisation guardrail (generate --rcp) ---------------------------------------------

/// A role that trusts every token of `issuer`: what an RCP must make safe.
fn loose_role(issuer: &str) -> oidc_trust::Policy {
    parse_policy(
        &json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Federated": format!("arn:aws:iam::123456789012:oidc-provider/{issuer}")},
            "Action": "sts:AssumeRoleWithWebIdentity"}]})
        .to_string(),
    )
    .policy
    .unwrap()
}

fn rcp_of(intent: &Intent) -> (oidc_trust::GeneratedRcp, Vec<oidc_trust::Rcp>) {
    let g = oidc_trust::generate_rcp(std::slice::from_ref(intent), &[]).unwrap();
    let parsed = oidc_trust::parse_rcp(&g.policy);
    assert!(
        parsed.diagnostics.is_empty(),
        "{:?}\n{}",
        parsed.diagnostics,
        g.policy
    );
    let rcp = oidc_trust::Rcp {
        name: "generated".into(),
        policy: parsed.policy.unwrap(),
    };
    (g, vec![rcp])
}

fn decide_claims(policy: &oidc_trust::Policy, claims: &serde_json::Value) -> Decision {
    let claims = read_claims(&claims.to_string()).unwrap();
    oidc_trust::decide(
        policy,
        &Request::new(&claims, &RequestOptions::default()).unwrap(),
    )
}

/// The round trip of the guardrail, for any intent: the generated role with the RCP still
/// admits every intended job (the RCP locks nobody out); a role that trusts the whole issuer,
/// with the RCP, admits the intended jobs and no attacker token of another tenant, and no
/// token of another issuer.
fn check_guardrail(
    intent: &Intent,
    jobs: &[serde_json::Value],
    foreign: &[serde_json::Value],
) -> Result<(), TestCaseError> {
    let role = generate(intent).unwrap();
    let (g, rcps) = rcp_of(intent);
    let guarded_role = parse_policy(&role.policy).policy.unwrap().guarded_by(&rcps);
    let loose = loose_role(&role.issuer).guarded_by(&rcps);
    for job in jobs {
        prop_assert_eq!(
            decide_claims(&guarded_role, job),
            Decision::Allow,
            "locked out: {}\n{}",
            job,
            g.policy
        );
        prop_assert_eq!(
            decide_claims(&loose, job),
            Decision::Allow,
            "locked out of a loose role: {}\n{}",
            job,
            g.policy
        );
    }
    for token in foreign {
        prop_assert_eq!(
            decide_claims(&loose, token),
            Decision::Deny,
            "another tenant got in: {}\n{}",
            token,
            g.policy
        );
    }
    // The replay of the loose role: every token that gets in is one of the tenant's own.
    for r in oidc_trust::replay(&loose) {
        for a in r.attempts.iter().filter(|a| a.decision == Decision::Allow) {
            let sub = a.claims.get("sub").and_then(|v| v.as_str()).unwrap_or("");
            let own = g.tenants.iter().any(|(_, subjects)| {
                subjects.is_empty()
                    || subjects
                        .iter()
                        .any(|s| sub.starts_with(s.trim_end_matches('*')))
            });
            prop_assert!(
                own,
                "replay {} got in as `{}`\n{}",
                a.scenario,
                sub,
                g.policy
            );
        }
    }
    // Another issuer altogether (an EKS cluster): denied unless trusted as well.
    let eks = "oidc.eks.us-east-1.amazonaws.com/id/ABCDEF";
    let pod = json!({"iss": format!("https://{eks}"), "sub": "system:serviceaccount:default:app", "aud": "sts.amazonaws.com"});
    prop_assert_eq!(
        decide_claims(&loose_role(eks).guarded_by(&rcps), &pod),
        Decision::Deny
    );
    let with_eks =
        oidc_trust::generate_rcp(std::slice::from_ref(intent), &[eks.to_string()]).unwrap();
    let eks_rcp = oidc_trust::Rcp {
        name: "g".into(),
        policy: oidc_trust::parse_rcp(&with_eks.policy).policy.unwrap(),
    };
    prop_assert_eq!(
        decide_claims(&loose_role(eks).guarded_by(&[eks_rcp]), &pod),
        Decision::Allow
    );
    // The Terraform renders the same policy: read back with the Terraform reader.
    let read = oidc_trust::read_terraform_text("rcp.tf", &g.terraform);
    prop_assert_eq!(read.rcps.len(), 1, "{}", g.terraform);
    let from_tf: serde_json::Value = serde_json::from_str(&read.rcps[0].text).unwrap();
    let from_json: serde_json::Value = serde_json::from_str(&g.policy).unwrap();
    prop_assert_eq!(from_tf, from_json);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn the_github_guardrail_admits_the_organisation_and_refuses_other_tenants(intent in intents()) {
        let jobs: Vec<serde_json::Value> = intended_jobs(&intent)
            .iter()
            .map(|j| serde_json::from_str(&token(j, &intent)).unwrap())
            .collect();
        let job = intended_jobs(&intent)[0].clone();
        let attacker = Job { owner: "zz-attacker".into(), owner_id: "902".into(), ..job };
        let foreign = vec![serde_json::from_str(&token(&attacker, &intent)).unwrap()];
        check_guardrail(&intent, &jobs, &foreign)?;
    }

    #[test]
    fn every_providers_guardrail_admits_the_organisation(intent in other_intents()) {
        let (jobs, attackers) = provider_tokens(&intent);
        // Tenants of the same issuer other than the intent's (the providers' "other
        // organisation/group" attackers); Bitbucket and CircleCI issuers are per tenant.
        let foreign: Vec<serde_json::Value> = attackers
            .into_iter()
            .filter(|(who, _)| who.contains("other org") || who.contains("other group") || who.contains("another organisation"))
            .map(|(_, t)| t)
            .collect();
        check_guardrail(&intent, &jobs, &foreign)?;
    }
}

#[test]
fn the_guardrail_for_several_ci_systems_is_one_rcp() {
    let gh = Intent {
        account: "123456789012".into(),
        repositories: vec![Repository {
            owner: "acme".into(),
            name: "api".into(),
            owner_id: Some("65".into()),
            ..Repository::default()
        }],
        immutable_subject: false,
        ..Intent::default()
    };
    let gl = Intent {
        provider: oidc_trust::CiProvider::GitLab,
        account: "123456789012".into(),
        repositories: vec![
            Repository::parse(oidc_trust::CiProvider::GitLab, "acme/platform/web").unwrap(),
        ],
        ..Intent::default()
    };
    let g = oidc_trust::generate_rcp(&[gh, gl], &[]).unwrap();
    assert_eq!(
        g.tenants,
        vec![
            (
                GH.to_string(),
                vec!["repo:acme/*".to_string(), "repo:acme@65/*".to_string()]
            ),
            (
                "gitlab.com".to_string(),
                vec!["project_path:acme/*".to_string()]
            ),
        ]
    );
    let v: serde_json::Value = serde_json::from_str(&g.policy).unwrap();
    let sids: Vec<&str> = v["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["Sid"].as_str().unwrap())
        .collect();
    assert_eq!(
        sids,
        [
            "OnlyOurGitHubTenant",
            "OnlyOurGitLabTenant",
            "OnlyOurIdentityProviders"
        ]
    );
    assert!(g.warnings[0].contains("EKS"), "{:?}", g.warnings);
    assert!(g
        .terraform
        .contains("type        = \"RESOURCE_CONTROL_POLICY\""));
    assert!(g.terraform.contains("target_id = var.rcp_target_id"));
    // A subject customised without `repo` first cannot be matched by its start.
    let odd = Intent {
        account: "123456789012".into(),
        repositories: vec![Repository {
            owner: "acme".into(),
            name: "api".into(),
            ..Repository::default()
        }],
        custom_subject: true,
        workflow: Some(".github/workflows/deploy.yml@refs/heads/main".into()),
        subject_keys: vec!["context".into(), "repo".into()],
        ..Intent::default()
    };
    let e = oidc_trust::generate_rcp(&[odd], &[]).unwrap_err();
    assert_eq!(
        (e.code, e.location.pointer.as_str()),
        ("invalid-intent", "/subjectKeys")
    );
}
