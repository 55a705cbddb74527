//! The architecture as tests: the core's layering rule, no import cycles (core and CLI),
//! and one home per CI system (ARCHITECTURE.md states these rules).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use oidc_trust_tests::root;

/// The core's layers, lowest first: a module may import its own layer and lower ones.
const LAYERS: [&str; 7] = [
    "text", "ci", "policy", "request", "eval", "analysis", "generate",
];

/// Issuer hosts: only `core/src/ci/` may name them.
const HOSTS: [&str; 14] = [
    "token.actions.githubusercontent.com",
    ".ghe.com",
    "github.com/enterprises",
    "gitlab.com",
    "app.terraform.io",
    "api.bitbucket.org",
    "oidc.circleci.com",
    "agent.buildkite.com",
    "buildkite.dev",
    "accounts.google.com",
    "cognito-identity.amazonaws.com",
    "graph.facebook.com",
    "www.amazon.com",
    "identity.oraclecloud.com",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file: unit tests and comments left out.
fn code_lines(path: &Path) -> Vec<(usize, String)> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("#[cfg(test)]") {
            break;
        }
        if trimmed.starts_with("//") {
            continue;
        }
        out.push((i + 1, line.to_string()));
    }
    out
}

/// `crate::a::b::...` paths named in the code, as their module parts (`["a", "b"]`).
fn crate_paths(line: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find("crate::") {
        let after = &rest[i + "crate::".len()..];
        // `use crate::{a, b}` would hide the layer: the rule asks for full paths.
        let path: Vec<String> = after
            .split("::")
            .map_while(|seg| {
                let ident: String = seg
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '{')
                    .collect();
                (!ident.is_empty()).then_some(ident)
            })
            .collect();
        out.push(path);
        rest = after;
    }
    out
}

/// The module a file is, as path parts: `core/src/eval/matcher.rs` → `["eval", "matcher"]`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts
        .last()
        .is_some_and(|p| p == "mod" || p == "lib" || p == "main")
    {
        parts.pop();
    }
    parts
}

/// Module-level dependency edges of a crate: every `crate::` path resolved to the longest
/// module prefix that is a file of the crate.
fn edges(src: &Path) -> BTreeMap<Vec<String>, Vec<Vec<String>>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let modules: Vec<Vec<String>> = files.iter().map(|f| module_of(src, f)).collect();
    let mut graph = BTreeMap::new();
    for (file, module) in files.iter().zip(&modules) {
        let mut deps: Vec<Vec<String>> = Vec::new();
        for (_, line) in code_lines(file) {
            for path in crate_paths(&line) {
                let target = (1..=path.len())
                    .rev()
                    .map(|n| path[..n].to_vec())
                    .find(|prefix| modules.contains(prefix));
                if let Some(t) = target {
                    if &t != module && !deps.contains(&t) && !t.is_empty() {
                        deps.push(t);
                    }
                }
            }
        }
        graph.insert(module.clone(), deps);
    }
    graph
}

/// A cycle in the graph, if there is one.
fn cycle(graph: &BTreeMap<Vec<String>, Vec<Vec<String>>>) -> Option<Vec<String>> {
    fn visit(
        node: &Vec<String>,
        graph: &BTreeMap<Vec<String>, Vec<Vec<String>>>,
        stack: &mut Vec<Vec<String>>,
        done: &mut Vec<Vec<String>>,
    ) -> Option<Vec<String>> {
        if let Some(i) = stack.iter().position(|n| n == node) {
            return Some(
                stack[i..]
                    .iter()
                    .chain([node])
                    .map(|m| m.join("::"))
                    .collect(),
            );
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node.clone());
        for next in graph.get(node).into_iter().flatten() {
            // A parent module re-exporting its children is not a cycle.
            if next.starts_with(node) || node.starts_with(next) {
                continue;
            }
            if let Some(c) = visit(next, graph, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        done.push(node.clone());
        None
    }
    let mut done = Vec::new();
    graph
        .keys()
        .find_map(|n| visit(n, graph, &mut Vec::new(), &mut done))
}

#[test]
fn no_layer_imports_a_higher_one() {
    let src = root().join("core/src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut wrong = Vec::new();
    let mut checked = 0;
    for file in &files {
        let module = module_of(&src, file);
        let Some(own) = module
            .first()
            .and_then(|m| LAYERS.iter().position(|l| l == m))
        else {
            continue; // lib.rs: the crate's face, above every layer
        };
        for (n, line) in code_lines(file) {
            for path in crate_paths(&line) {
                checked += 1;
                let first = path.first().map(String::as_str).unwrap_or("");
                match LAYERS.iter().position(|l| *l == first) {
                    Some(layer) if layer <= own => {}
                    Some(_) => wrong.push(format!(
                        "{}:{n}: layer `{}` imports the higher layer `{first}`",
                        file.display(),
                        LAYERS[own]
                    )),
                    None => wrong.push(format!(
                        "{}:{n}: `crate::{first}` bypasses the layers: name the module path",
                        file.display()
                    )),
                }
            }
        }
    }
    assert!(checked > 100, "the scan found only {checked} paths");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn core_and_cli_have_no_import_cycles() {
    for krate in ["core/src", "cli/src"] {
        let graph = edges(&root().join(krate));
        assert!(graph.len() > 8, "{krate}: {} modules", graph.len());
        assert_eq!(cycle(&graph), None, "{krate} has an import cycle");
    }
    // The check can fail: a made-up cycle is found.
    let mut graph = BTreeMap::new();
    graph.insert(vec!["a".to_string()], vec![vec!["b".to_string()]]);
    graph.insert(vec!["b".to_string()], vec![vec!["a".to_string()]]);
    assert!(cycle(&graph).is_some());
}

#[test]
fn only_ci_names_issuer_hosts() {
    let src = root().join("core/src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut wrong = Vec::new();
    for file in files.iter().filter(|f| !f.starts_with(src.join("ci"))) {
        for (n, line) in code_lines(file) {
            if let Some(host) = HOSTS.iter().find(|h| line.contains(*h)) {
                wrong.push(format!("{}:{n}: names `{host}`", file.display()));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "ask core/src/ci/ instead:\n{}",
        wrong.join("\n")
    );
}

/// Every `domain.md §N.N` cited in code, tests and docs names a section of `docs/domain.md`.
#[test]
fn every_domain_citation_resolves() {
    let domain = std::fs::read_to_string(root().join("docs/domain.md")).unwrap();
    let sections: Vec<String> = domain
        .lines()
        .filter(|l| l.starts_with('#'))
        .filter_map(|l| l.trim_start_matches('#').split_whitespace().next())
        .map(|n| n.trim_end_matches('.').to_string())
        .collect();
    let mut files = Vec::new();
    for dir in [
        "core/src",
        "cli/src",
        "tests/integration",
        "wasm/src",
        "web/src",
        "docs",
    ] {
        collect(&root().join(dir), &mut files);
    }
    files.push(root().join("ARCHITECTURE.md"));
    let mut cited = 0;
    let mut unresolved = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        let mut rest = text.as_str();
        while let Some(i) = rest.find("domain.md §") {
            rest = &rest[i + "domain.md §".len()..];
            let n: String = rest
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            let n = n.trim_end_matches('.').to_string();
            if n.is_empty() {
                continue; // prose about citations, not a citation
            }
            cited += 1;
            if !sections.contains(&n) {
                unresolved.push(format!("{}: §{n}", f.display()));
            }
        }
    }
    assert!(cited > 20, "{cited} citations found");
    assert!(unresolved.is_empty(), "{unresolved:?}");
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs" || e == "md") {
            out.push(path);
        }
    }
}
