//! Trace format v2 carries what v1 does: every trace of the corpus, written as v2 and
//! expanded back by the rules `docs/trace.md` gives a reader, equals its v1 form.

use oidc_trust::{
    evaluate, parse_policy, parse_rcp, read_claims_or_token, Evaluation, LocationTable, Policy,
    Rcp, Request, RequestOptions,
};
use oidc_trust_tests::{read, subvector_suites, GoldenCase};
use serde_json::{json, Map, Value};

/// Expands a v2 trace into v1 with `table` (the inlined `locations`, or the compiled
/// policy's table), exactly as a reader of docs/trace.md would.
fn expand(v2: &Value, table: &[Value]) -> Value {
    assert_eq!(v2["version"], 2);
    let loc = |at: &Value| -> (Value, Option<Value>) {
        let i = at
            .as_u64()
            .unwrap_or_else(|| panic!("`at` is not an index: {at}"));
        let mut entry = table[i as usize].as_object().unwrap().clone();
        let text = entry.remove("text");
        (Value::Object(entry), text)
    };
    let r = &v2["request"];
    let issuer = r["issuer"].as_str().unwrap();
    let mut keys = Vec::new();
    if let Some(claims) = r["claims"].as_object() {
        for (claim, values) in claims {
            let values = match values {
                Value::String(_) => json!([values]),
                other => other.clone(),
            };
            keys.push(json!({"key": format!("{issuer}:{claim}"), "values": values,
                "source": {"kind": "claim", "claim": claim}}));
        }
    }
    for k in r["keys"].as_array().into_iter().flatten() {
        let mut source = json!({"kind": k["source"]});
        if let Some(c) = k.get("claim") {
            source["claim"] = c.clone();
        }
        keys.push(json!({"key": k["key"], "values": k["values"], "source": source}));
    }
    let account = r.get("account").and_then(Value::as_str);
    let principal = r.get("principal").cloned().unwrap_or_else(|| {
        json!(format!(
            "arn:aws:iam::{}:oidc-provider/{issuer}",
            account.unwrap_or("ACCOUNT")
        ))
    });
    let mut request = json!({"issuer": issuer, "principal": principal});
    if let Some(a) = account {
        request["account"] = json!(a);
    }
    for f in ["accountSource", "action", "catalog"] {
        request[f] = r[f].clone();
    }
    request["keys"] = json!(keys);
    request["unexposedClaims"] = r.get("unexposedClaims").cloned().unwrap_or(json!([]));

    let element = |e: &Value| -> Value {
        let values: Vec<Value> = e["values"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                let (location, text) = loc(&v["at"]);
                json!({"value": text.unwrap(), "matched": v["matched"], "location": location})
            })
            .collect();
        json!({"matched": e["matched"], "why": e["why"], "location": loc(&e["at"]).0, "values": values})
    };
    let statements: Vec<Value> = v2["statements"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(index, s)| {
            let conditions: Vec<Value> = s["conditions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    let (location, operator) = loc(&c["at"]);
                    let (key_location, key) = loc(&c["keyAt"]);
                    let key = key.unwrap();
                    let mut out = Map::new();
                    out.insert("operator".into(), operator.unwrap());
                    out.insert("key".into(), key.clone());
                    out.insert("satisfied".into(), c["satisfied"].clone());
                    out.insert("why".into(), c["why"].clone());
                    if c.get("absence").is_none() {
                        let values = c.get("requestValues").cloned().unwrap_or_else(|| {
                            // The one request key named like the condition's key.
                            let named: Vec<&Value> = keys
                                .iter()
                                .filter(|k| {
                                    k["key"]
                                        .as_str()
                                        .unwrap()
                                        .eq_ignore_ascii_case(key.as_str().unwrap())
                                })
                                .collect();
                            assert_eq!(named.len(), 1, "requestValues left out but ambiguous");
                            named[0]["values"].clone()
                        });
                        out.insert("requestValues".into(), values);
                    } else {
                        out.insert("absence".into(), c["absence"].clone());
                    }
                    out.insert("location".into(), location);
                    out.insert("keyLocation".into(), key_location);
                    let values: Vec<Value> = c["values"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|v| {
                            let (location, text) = loc(&v["at"]);
                            let mut o = Map::new();
                            o.insert("value".into(), text.unwrap());
                            if let Some(r) = v.get("resolved") {
                                o.insert("resolved".into(), r.clone());
                            }
                            if let Some(r) = v.get("request") {
                                o.insert("request".into(), r.clone());
                            }
                            o.insert("matched".into(), v["matched"].clone());
                            o.insert("why".into(), v["why"].clone());
                            o.insert("location".into(), location);
                            Value::Object(o)
                        })
                        .collect();
                    out.insert("values".into(), json!(values));
                    Value::Object(out)
                })
                .collect();
            let mut out = Map::new();
            out.insert("index".into(), json!(index));
            if let Some(sid) = s.get("sid") {
                out.insert("sid".into(), sid.clone());
            }
            out.insert("effect".into(), s["effect"].clone());
            out.insert("location".into(), loc(&s["at"]).0);
            out.insert("applies".into(), s["applies"].clone());
            out.insert("summary".into(), s["summary"].clone());
            out.insert("principal".into(), element(&s["principal"]));
            out.insert("action".into(), element(&s["action"]));
            if let Some(r) = s.get("resource") {
                out.insert("resource".into(), element(r));
            }
            out.insert("conditions".into(), json!(conditions));
            if let Some(r) = s.get("rcp") {
                out.insert("rcp".into(), r.clone());
            }
            Value::Object(out)
        })
        .collect();
    let mut out = json!({
        "version": 1,
        "decision": v2["decision"],
        "reason": v2["reason"],
        "summary": v2["summary"],
        "request": request,
        "statements": statements,
        "notes": v2["notes"],
        "diagnostics": v2.get("diagnostics").cloned().unwrap_or(json!([])),
    });
    if let Some(h) = v2.get("tokenHeader") {
        out["tokenHeader"] = h.clone();
    }
    out
}

/// v1 with the request keys in a fixed order (v2 writes the plain claims first).
fn normalised(mut v1: Value) -> Value {
    if let Some(keys) = v1["request"]["keys"].as_array_mut() {
        keys.sort_by(|a, b| a["key"].as_str().cmp(&b["key"].as_str()));
    }
    v1
}

/// Checks one evaluation both ways: one-shot (table inlined) and compiled (the policy's
/// table, warnings left out).
fn check(name: &str, policy: &Policy, e: &Evaluation) {
    let v1 = normalised(serde_json::to_value(e.v1()).unwrap());
    let one_shot = serde_json::to_value(e.one_shot()).unwrap();
    let table = one_shot["locations"].as_array().unwrap().clone();
    assert_eq!(
        normalised(expand(&one_shot, &table)),
        v1,
        "{name}: one-shot v2 differs from v1"
    );
    let compiled = LocationTable::of_policy(policy);
    // The two tables agree, so an index means the same in one-shot and compiled output.
    assert_eq!(
        serde_json::to_value(&compiled).unwrap(),
        one_shot["locations"],
        "{name}: one-shot and compiled tables differ"
    );
    let per_token = serde_json::to_value(e.wire(&compiled)).unwrap();
    assert!(per_token.get("locations").is_none() && per_token.get("diagnostics").is_none());
    let table = serde_json::to_value(&compiled).unwrap();
    let mut want = v1;
    want["diagnostics"] = json!([]);
    assert_eq!(
        normalised(expand(&per_token, table.as_array().unwrap())),
        want,
        "{name}: compiled v2 differs from v1"
    );
}

fn eval(policy: &Policy, claims: &str, options: &RequestOptions) -> Evaluation {
    let input = read_claims_or_token(claims).unwrap();
    let request = Request::from_claims(input.claims, options).unwrap();
    evaluate(policy, &request).with_inputs(&[], input.header)
}

#[test]
fn v2_expands_to_v1_on_the_whole_corpus() {
    let mut count = 0;
    let cases: Vec<GoldenCase> =
        serde_json::from_str(&read("tests/corpus/eval/cases.json")).unwrap();
    for case in &cases {
        let parsed = parse_policy(&read(&case.policy));
        let policy = parsed.policy.clone().unwrap();
        let options = RequestOptions {
            now: case.now,
            ..RequestOptions::default()
        };
        let mut e = eval(&policy, &read(&case.claims), &options);
        // The policy's warnings travel in one-shot output.
        e.diagnostics = parsed.diagnostics.clone();
        check(&case.name, &policy, &e);
        count += 1;
    }
    for suite in subvector_suites() {
        for v in &suite.vectors {
            let policy = oidc_trust_tests::policy(&v.policy().to_string());
            let e = eval(&policy, &v.token_claims().to_string(), &Default::default());
            check(&format!("{}/{}", suite.suite, v.id), &policy, &e);
            count += 1;
        }
    }
    // Every example policy against every example token, with what-if keys, a given
    // context key and a known account, and once guarded by an RCP (statements and
    // locations from a second document, a `Resource` element).
    let rcp = Rcp {
        name: "guard".into(),
        policy: parse_rcp(&read("examples/rcps/trusted-oidc-tenants.json"))
            .policy
            .unwrap(),
    };
    let tokens = [
        "custom-sub-main.json",
        "environment.json",
        "human-actor.json",
        "main.jwt",
        "other-org.json",
        "pull-request.json",
        "tag.json",
    ];
    for p in [
        "basic-repo",
        "hardening-layer1",
        "hardening-layer2",
        "hardening-layer4",
        "loose-any-repo",
    ] {
        let policy = oidc_trust_tests::policy(&read(&format!("examples/policies/{p}.json")));
        let guarded = policy.guarded_by(std::slice::from_ref(&rcp));
        for t in tokens {
            let claims = read(&format!("examples/tokens/{t}"));
            let options = RequestOptions {
                all_claims_are_keys: true,
                account: Some("210987654321".into()),
                context: vec![("aws:SourceIp".into(), vec!["203.0.113.7".into()])],
                role: Some("arn:aws:iam::210987654321:role/deploy".into()),
                ..RequestOptions::default()
            };
            check(
                &format!("{p}/{t}"),
                &policy,
                &eval(&policy, &claims, &options),
            );
            let e = eval(&guarded, &claims, &Default::default());
            check(&format!("{p}+rcp/{t}"), &guarded, &e);
            count += 2;
        }
    }
    assert!(count > 150, "{count} traces checked");
}

#[test]
fn one_shot_output_is_self_contained_and_compiled_output_is_not() {
    let policy = oidc_trust_tests::policy(&read("examples/policies/basic-repo.json"));
    let e = eval(
        &policy,
        &read("examples/tokens/main.json"),
        &Default::default(),
    );
    let one_shot = serde_json::to_value(e.one_shot()).unwrap();
    // The operator of the first condition, by index into the inlined table.
    let c = &one_shot["statements"][0]["conditions"][0];
    let at = c["at"].as_u64().unwrap() as usize;
    assert_eq!(one_shot["locations"][at]["text"], "StringEquals");
    assert_eq!(
        one_shot["locations"][at]["pointer"],
        "/Statement/0/Condition/StringEquals"
    );
    // The plain claims are written as the token has them; the principal is implied.
    assert_eq!(one_shot["request"]["claims"]["aud"], "sts.amazonaws.com");
    assert!(one_shot["request"].get("principal").is_none());
    assert!(c.get("requestValues").is_none(), "implied by the request");
    // Compiled output refers to the policy's table, which does not change per token.
    let table = LocationTable::of_policy(&policy);
    let other = eval(
        &policy,
        &read("examples/tokens/other-org.json"),
        &Default::default(),
    );
    let a = serde_json::to_value(e.wire(&table)).unwrap();
    let b = serde_json::to_value(other.wire(&table)).unwrap();
    assert_eq!(
        a["statements"][0]["conditions"][1]["at"],
        b["statements"][0]["conditions"][1]["at"]
    );
    assert_eq!(b["decision"], "deny");
}

#[test]
fn a_location_missing_from_the_table_is_written_whole_not_lost() {
    let policy = oidc_trust_tests::policy(&read("examples/policies/basic-repo.json"));
    let e = eval(
        &policy,
        &read("examples/tokens/main.json"),
        &Default::default(),
    );
    let empty = LocationTable::default();
    let v = serde_json::to_value(e.wire(&empty)).unwrap();
    let at = &v["statements"][0]["conditions"][0]["at"];
    assert_eq!(at["text"], "StringEquals");
    assert_eq!(at["pointer"], "/Statement/0/Condition/StringEquals");
}
