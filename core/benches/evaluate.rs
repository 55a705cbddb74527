//! Criterion benchmarks: parsing, request building and evaluation on the seed policies.
//! Decisions per second on one core = 1 / the `decide` time.
#![allow(clippy::unwrap_used, reason = "benchmarks run on known-good inputs")]

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use oidc_trust::{decide, evaluate, parse_policy, read_claims_or_token, Request, RequestOptions};

const POLICIES: [(&str, &str); 3] = [
    (
        "basic-repo",
        include_str!("../../examples/policies/basic-repo.json"),
    ),
    (
        "layer1",
        include_str!("../../examples/policies/hardening-layer1.json"),
    ),
    (
        "layer2",
        include_str!("../../examples/policies/hardening-layer2.json"),
    ),
];
const TOKEN: &str = include_str!("../../examples/tokens/main.json");
const JWT: &str = include_str!("../../examples/tokens/main.jwt");

fn benches(c: &mut Criterion) {
    let claims = read_claims_or_token(TOKEN).unwrap().claims;
    let request = Request::new(&claims, &RequestOptions::default()).unwrap();
    for (name, text) in POLICIES {
        let policy = parse_policy(text).policy.unwrap();
        c.bench_function(&format!("parse/{name}"), |b| {
            b.iter(|| parse_policy(black_box(text)))
        });
        c.bench_function(&format!("decide/{name}"), |b| {
            b.iter(|| decide(black_box(&policy), black_box(&request)))
        });
        c.bench_function(&format!("evaluate-trace/{name}"), |b| {
            b.iter(|| evaluate(black_box(&policy), black_box(&request)))
        });
        c.bench_function(&format!("lint/{name}"), |b| {
            b.iter(|| oidc_trust::lint(black_box(text), &Default::default()))
        });
        c.bench_function(&format!("who-can/{name}"), |b| {
            b.iter(|| oidc_trust::who_can(black_box(&policy), None))
        });
    }
    c.bench_function("claims/read-json", |b| {
        b.iter(|| read_claims_or_token(black_box(TOKEN)).unwrap())
    });
    c.bench_function("request/from-claims", |b| {
        b.iter(|| Request::new(black_box(&claims), &RequestOptions::default()).unwrap())
    });
    c.bench_function("request/from-jwt", |b| {
        b.iter(|| {
            let claims = read_claims_or_token(black_box(JWT)).unwrap().claims;
            Request::from_claims(claims, &RequestOptions::default()).unwrap()
        })
    });
    let text = POLICIES[0].1;
    c.bench_function("one-shot/basic-repo", |b| {
        b.iter(|| {
            let policy = parse_policy(black_box(text)).policy.unwrap();
            let claims = read_claims_or_token(black_box(TOKEN)).unwrap().claims;
            decide(
                &policy,
                &Request::new(&claims, &RequestOptions::default()).unwrap(),
            )
        })
    });
}

criterion_group!(group, benches);
criterion_main!(group);
