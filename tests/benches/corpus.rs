//! Criterion benchmarks on a realistic mixed corpus, and how evaluation grows.
//!
//! The corpus: every subvectors vector (93 policies over five issuers, each with its
//! token), the four seed policies against the ten example tokens, and the seed policies
//! against their attacker replays (full, realistic GitHub tokens). Per-pair figures are
//! reported by criterion as elements per second: decisions/s on one core.
//!
//! Growth: one statement/condition/value dimension at a time from 1 to 1,000, on a
//! policy where every element must be looked at (the last one is the match).
#![allow(clippy::unwrap_used, reason = "benchmarks run on known-good inputs")]

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use oidc_trust::{
    decide, evaluate, generate, lint, parse_policy, read_claims, replay, Claims, Intent, Policy,
    Repository, Request, RequestOptions,
};
use oidc_trust_tests::{read, root, subvector_suites};

const SEEDS: [&str; 4] = [
    "basic-repo",
    "hardening-layer1",
    "hardening-layer2",
    "hardening-layer4",
];

/// One corpus entry: the policy text, parsed, and a token's claims as text and request.
struct Pair {
    policy_text: String,
    policy: Policy,
    claims_text: String,
    request: Request,
}

fn request(claims: &Claims, issuer: &str) -> Request {
    let options = RequestOptions {
        issuer: Some(issuer.to_string()),
        ..RequestOptions::default()
    };
    Request::new(claims, &options).unwrap()
}

fn corpus() -> Vec<Pair> {
    let mut pairs = Vec::new();
    for suite in subvector_suites() {
        for v in &suite.vectors {
            let policy_text = serde_json::to_string_pretty(&v.policy()).unwrap();
            let claims_text = v.token_claims().to_string();
            let claims = read_claims(&claims_text).unwrap();
            pairs.push(Pair {
                policy: parse_policy(&policy_text).policy.unwrap(),
                request: request(&claims, &v.issuer_host()),
                policy_text,
                claims_text,
            });
        }
    }
    let mut tokens = Vec::new();
    for entry in std::fs::read_dir(root().join("examples/tokens")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            tokens.push(std::fs::read_to_string(path).unwrap());
        }
    }
    tokens.sort();
    for name in SEEDS {
        let policy_text = read(&format!("examples/policies/{name}.json"));
        let policy = parse_policy(&policy_text).policy.unwrap();
        let mut texts = tokens.clone();
        for r in replay(&policy) {
            texts.extend(r.attempts.iter().map(|a| claims_json(&a.claims)));
        }
        for claims_text in texts {
            let claims = read_claims(&claims_text).unwrap();
            pairs.push(Pair {
                policy_text: policy_text.clone(),
                policy: policy.clone(),
                request: request(&claims, "token.actions.githubusercontent.com"),
                claims_text,
            });
        }
    }
    pairs
}

fn claims_json(claims: &Claims) -> String {
    serde_json::to_string(claims).unwrap()
}

fn corpus_benches(c: &mut Criterion) {
    let pairs = corpus();
    let mut g = c.benchmark_group("corpus");
    g.throughput(Throughput::Elements(pairs.len() as u64));
    g.bench_function("decide", |b| {
        b.iter(|| {
            for p in &pairs {
                black_box(decide(&p.policy, &p.request));
            }
        })
    });
    g.bench_function("evaluate-trace", |b| {
        b.iter(|| {
            for p in &pairs {
                black_box(evaluate(&p.policy, &p.request));
            }
        })
    });
    // One-shot: what a CLI call or a fresh page does: parse the policy and the claims,
    // build the request, decide.
    g.bench_function("one-shot", |b| {
        b.iter(|| {
            for p in &pairs {
                let policy = parse_policy(&p.policy_text).policy.unwrap();
                let claims = read_claims(&p.claims_text).unwrap();
                let options = RequestOptions {
                    issuer: Some(p.request.issuer.clone()),
                    ..RequestOptions::default()
                };
                let request = Request::from_claims(claims, &options).unwrap();
                black_box(decide(&policy, &request));
            }
        })
    });
    g.finish();

    let mut texts: Vec<&str> = pairs.iter().map(|p| p.policy_text.as_str()).collect();
    texts.dedup();
    let mut g = c.benchmark_group("corpus-policies");
    g.throughput(Throughput::Elements(texts.len() as u64));
    g.bench_function("parse", |b| {
        b.iter(|| {
            for t in &texts {
                black_box(parse_policy(t));
            }
        })
    });
    g.sample_size(10);
    g.bench_function("lint", |b| {
        b.iter(|| {
            for t in &texts {
                black_box(lint(t, &Default::default()));
            }
        })
    });
    g.finish();
}

fn generate_benches(c: &mut Criterion) {
    let repo = |owner: &str, name: &str| Repository {
        owner: owner.into(),
        name: name.into(),
        owner_id: Some("65".into()),
        id: Some("74".into()),
        ..Repository::default()
    };
    let intents = [
        (
            "basic",
            Intent {
                account: "123456789012".into(),
                repositories: vec![repo("acme", "api")],
                branches: vec!["main".into()],
                ..Intent::default()
            },
        ),
        (
            "hardened",
            Intent {
                account: "123456789012".into(),
                repositories: vec![repo("acme", "api"), repo("acme", "web")],
                branches: vec!["main".into(), "release/*".into()],
                environments: vec!["prod".into()],
                workflow: Some(".github/workflows/deploy.yml@refs/heads/main".into()),
                actors: vec!["release-bot".into()],
                custom_subject: true,
                ..Intent::default()
            },
        ),
    ];
    for (name, intent) in &intents {
        c.bench_function(&format!("generate/{name}"), |b| {
            b.iter(|| generate(black_box(intent)).unwrap())
        });
    }
}

const ISSUER: &str = "token.actions.githubusercontent.com";

/// A statement whose `sub` condition lists `values` values (the last one matches).
fn statement(conditions: usize, values: usize, matching: bool) -> String {
    let mut conds = Vec::new();
    for i in 0..conditions {
        // Extra conditions are on keys the token has, all satisfied, so every one is read.
        let key = if i == 0 {
            "sub".to_string()
        } else {
            format!("c{i}")
        };
        let list: Vec<String> = (0..values)
            .map(|v| {
                if v + 1 == values && matching {
                    if i == 0 {
                        "\"repo:acme/api:ref:refs/heads/main\"".to_string()
                    } else {
                        format!("\"v{i}\"")
                    }
                } else {
                    format!("\"o{v}*\"")
                }
            })
            .collect();
        conds.push(format!("\"{ISSUER}:{key}\": [{}]", list.join(",")));
    }
    format!(
        r#"{{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::123456789012:oidc-provider/{ISSUER}"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringLike":{{{}}}}}}}"#,
        conds.join(",")
    )
}

fn growth_policy(statements: usize, conditions: usize, values: usize) -> String {
    let list: Vec<String> = (0..statements)
        .map(|s| statement(conditions, values, s + 1 == statements))
        .collect();
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        list.join(",")
    )
}

/// A token with `sub` and the made-up claims `c1`..`c{extra}` (all made condition keys).
fn growth_request(extra: usize) -> Request {
    let mut claims = format!(
        r#"{{"iss":"https://{ISSUER}","aud":"sts.amazonaws.com","sub":"repo:acme/api:ref:refs/heads/main""#
    );
    for i in 1..=extra {
        claims.push_str(&format!(",\"c{i}\":\"v{i}\""));
    }
    claims.push('}');
    let options = RequestOptions {
        all_claims_are_keys: true,
        ..RequestOptions::default()
    };
    Request::from_claims(read_claims(&claims).unwrap(), &options).unwrap()
}

fn growth_benches(c: &mut Criterion) {
    for (dimension, shape) in [
        ("statements", (1, 0, 0)),
        ("conditions", (0, 1, 0)),
        ("values", (0, 0, 1)),
    ] {
        let mut g = c.benchmark_group(format!("growth-{dimension}"));
        g.sample_size(20);
        for n in [1usize, 10, 100, 1000] {
            let pick = |axis: usize| if axis == 1 { n } else { 1 };
            let text = growth_policy(pick(shape.0), pick(shape.1), pick(shape.2));
            // The token grows with the conditions (each reads its own claim), not otherwise.
            let request = growth_request(pick(shape.1) - 1);
            let policy = parse_policy(&text).policy.unwrap();
            assert_eq!(
                decide(&policy, &request),
                oidc_trust::Decision::Allow,
                "{dimension} {n}"
            );
            g.throughput(Throughput::Elements(n as u64));
            g.bench_with_input(BenchmarkId::new("decide", n), &policy, |b, p| {
                b.iter(|| decide(black_box(p), &request))
            });
            g.bench_with_input(BenchmarkId::new("evaluate-trace", n), &policy, |b, p| {
                b.iter(|| evaluate(black_box(p), &request))
            });
        }
        g.finish();
    }
}

criterion_group!(group, corpus_benches, generate_benches, growth_benches);
criterion_main!(group);
