//! String patterns of condition values: literal text, `*`/`?` wildcards and `${...}`
//! policy variables, and the matchers that compare them with request values.
//!
//! `StringLike`'s `*` matches any run of characters, including `:` and `/` and the empty
//! run; `?` matches exactly one Unicode character (domain.md §2.2). Matching is
//! iterative with a single backtrack point, so it runs in O(pattern × value) at worst
//! and never recurses.

use serde::Serialize;

/// One piece of a parsed condition value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Part {
    /// Text compared as is.
    Lit(String),
    /// `*` in a wildcard operator: any run of characters.
    Star,
    /// `?` in a wildcard operator: exactly one character.
    One,
    /// `${key}` or `${key, 'default'}`.
    Var(Variable),
}

/// A policy variable inside a condition value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Variable {
    /// The key as written between `${` and `}` (without the default).
    pub key: String,
    /// The default value used when the key is absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    #[serde(skip)]
    pub(crate) key_lower: String,
}

/// A condition value split into [`Part`]s.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Template {
    pub(crate) parts: Vec<Part>,
}

impl Template {
    /// Parses `text`. Wildcards are recognised only when `wildcards`, variables only when
    /// `variables` (policy version 2012-10-17).
    pub(crate) fn parse(text: &str, wildcards: bool, variables: bool) -> Template {
        let mut parts = Vec::new();
        let mut lit = String::new();
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            if variables && rest.starts_with("${") {
                if let Some(close) = rest.find('}') {
                    let inner = rest.get(2..close).unwrap_or("");
                    rest = rest.get(close + 1..).unwrap_or("");
                    match inner {
                        "*" | "?" | "$" => lit.push_str(inner),
                        _ => {
                            flush(&mut parts, &mut lit);
                            parts.push(Part::Var(parse_variable(inner)));
                        }
                    }
                    continue;
                }
            }
            rest = rest.get(c.len_utf8()..).unwrap_or("");
            match c {
                '*' if wildcards => {
                    flush(&mut parts, &mut lit);
                    // Consecutive stars match the same strings as one.
                    if parts.last() != Some(&Part::Star) {
                        parts.push(Part::Star);
                    }
                }
                '?' if wildcards => {
                    flush(&mut parts, &mut lit);
                    parts.push(Part::One);
                }
                c => lit.push(c),
            }
        }
        flush(&mut parts, &mut lit);
        Template { parts }
    }

    /// Whether every policy variable of the template has a value in `vars`.
    #[inline]
    pub(crate) fn resolvable(&self, vars: &dyn Vars) -> bool {
        self.variables().all(|v| vars.get(v).is_some())
    }

    #[inline]
    pub(crate) fn variables(&self) -> impl Iterator<Item = &Variable> {
        self.parts.iter().filter_map(|p| match p {
            Part::Var(v) => Some(v),
            _ => None,
        })
    }

    pub(crate) fn has_variables(&self) -> bool {
        self.variables().next().is_some()
    }
}

fn flush(parts: &mut Vec<Part>, lit: &mut String) {
    if !lit.is_empty() {
        parts.push(Part::Lit(std::mem::take(lit)));
    }
}

fn parse_variable(inner: &str) -> Variable {
    let (key, default) = match inner.split_once(',') {
        Some((key, default)) => {
            let d = default.trim();
            let d = d
                .strip_prefix('\'')
                .and_then(|d| d.strip_suffix('\''))
                .unwrap_or(d);
            (key.trim(), Some(d.to_string()))
        }
        None => (inner.trim(), None),
    };
    Variable {
        key: key.to_string(),
        key_lower: key.to_ascii_lowercase(),
        default,
    }
}

/// Resolves policy variables to their text: the request's value, else the default.
pub(crate) trait Vars {
    /// The text of `v`, or `None` when it cannot be resolved.
    fn get<'s>(&'s self, v: &'s Variable) -> Option<&'s str>;
}

/// No variables resolve (only defaults do).
pub(crate) struct NoVars;

impl Vars for NoVars {
    fn get<'s>(&'s self, v: &'s Variable) -> Option<&'s str> {
        v.default.as_deref()
    }
}

fn piece<'a>(part: &'a Part, resolve: &'a dyn Vars) -> Option<&'a str> {
    match part {
        Part::Lit(s) => Some(s),
        Part::Var(v) => resolve.get(v),
        Part::Star | Part::One => None,
    }
}

/// Exact comparison of a template (no wildcards) with `value`.
#[inline]
pub(crate) fn equals<'a>(
    template: &'a Template,
    value: &str,
    ignore_case: bool,
    resolve: &'a dyn Vars,
) -> bool {
    let non_ascii = !value.is_ascii()
        || template
            .parts
            .iter()
            .any(|p| matches!(p, Part::Lit(s) if !s.is_ascii()));
    if ignore_case && non_ascii {
        let mut joined = String::new();
        for part in &template.parts {
            joined.push_str(piece(part, resolve).unwrap_or(""));
        }
        return joined.to_lowercase() == value.to_lowercase();
    }
    let mut rest = value;
    for part in &template.parts {
        let text = match part {
            Part::Star => "*",
            Part::One => "?",
            other => piece(other, resolve).unwrap_or(""),
        };
        let Some(head) = rest.get(..text.len()) else {
            return false;
        };
        let same = if ignore_case {
            head.eq_ignore_ascii_case(text)
        } else {
            head == text
        };
        if !same {
            return false;
        }
        rest = rest.get(text.len()..).unwrap_or("");
    }
    rest.is_empty()
}

/// Glob match of a template with `value`; when `captures` is given, it receives what
/// each `*` absorbed (for the trace).
#[inline]
pub(crate) fn glob<'a>(
    template: &'a Template,
    value: &str,
    resolve: &'a dyn Vars,
    mut captures: Option<&mut Vec<String>>,
) -> bool {
    let parts = &template.parts;
    let mut starts = vec![
        0usize;
        if captures.is_some() {
            parts.len() + 1
        } else {
            0
        }
    ];
    let (mut pi, mut vi) = (0usize, 0usize);
    let mut backtrack: Option<(usize, usize)> = None;
    loop {
        if let Some(slot) = starts.get_mut(pi) {
            *slot = vi;
        }
        let advanced = match parts.get(pi) {
            Some(Part::Star) => {
                backtrack = Some((pi + 1, vi));
                pi += 1;
                continue;
            }
            Some(Part::One) => match value.get(vi..).and_then(|r| r.chars().next()) {
                Some(c) => {
                    vi += c.len_utf8();
                    true
                }
                None => false,
            },
            Some(other) => {
                let text = piece(other, resolve).unwrap_or("");
                if value.get(vi..).is_some_and(|r| r.starts_with(text)) {
                    vi += text.len();
                    true
                } else {
                    false
                }
            }
            None => {
                if vi == value.len() {
                    if let Some(out) = captures.as_deref_mut() {
                        for (i, part) in parts.iter().enumerate() {
                            if *part == Part::Star {
                                let from = starts.get(i).copied().unwrap_or(0);
                                let to = starts.get(i + 1).copied().unwrap_or(value.len());
                                out.push(value.get(from..to).unwrap_or("").to_string());
                            }
                        }
                    }
                    return true;
                }
                false
            }
        };
        if advanced {
            pi += 1;
            continue;
        }
        match backtrack {
            Some((resume, mark)) => match value.get(mark..).and_then(|r| r.chars().next()) {
                Some(c) => {
                    let next = mark + c.len_utf8();
                    backtrack = Some((resume, next));
                    pi = resume;
                    vi = next;
                }
                None => return false,
            },
            None => return false,
        }
    }
}

/// The template with every variable replaced by its value, for the trace.
pub(crate) fn render<'a>(template: &'a Template, resolve: &'a dyn Vars) -> String {
    let mut out = String::new();
    for part in &template.parts {
        match part {
            Part::Star => out.push('*'),
            Part::One => out.push('?'),
            other => out.push_str(piece(other, resolve).unwrap_or("")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn like(pattern: &str, value: &str) -> bool {
        glob(&Template::parse(pattern, true, true), value, &NoVars, None)
    }

    // domain.md §2.2: `*` crosses `:` and `/` and may be empty; `?` is one character.
    #[test]
    fn stringlike_wildcards() {
        assert!(like("repo:acme/*", "repo:acme/api:ref:refs/heads/main"));
        assert!(like(
            "repo:acme/api:ref:refs/heads/main*",
            "repo:acme/api:ref:refs/heads/main"
        ));
        assert!(like("repo:acme/api*", "repo:acme/api-evil:pull_request"));
        assert!(like("mai?", "main"));
        assert!(like("é?", "éé"));
        assert!(!like("mai?", "mai"));
        assert!(!like("mai?", "mainn"));
        assert!(like("*", ""));
        assert!(like("a*b*c", "aXXbYYc"));
        assert!(!like("a*b*c", "aXXbYY"));
        assert!(!like("Repo:*", "repo:x"));
    }

    #[test]
    fn pathological_patterns_stay_fast() {
        let pattern = "*a".repeat(200) + "b";
        let value = "a".repeat(20_000);
        assert!(!like(&pattern, &value));
    }

    #[test]
    fn captures_report_what_stars_absorbed() {
        let t = Template::parse("repo:acme/*:ref:*", true, false);
        let mut caps = Vec::new();
        assert!(glob(
            &t,
            "repo:acme/api:x:ref:refs/heads/main",
            &NoVars,
            Some(&mut caps)
        ));
        assert_eq!(
            caps,
            vec!["api:x".to_string(), "refs/heads/main".to_string()]
        );
    }

    #[test]
    fn variables_and_escapes() {
        let t = Template::parse("a${*}b${?}${$}${aws:username, 'x'}", true, true);
        assert_eq!(t.parts[0], Part::Lit("a*b?$".into()));
        let Part::Var(v) = &t.parts[1] else {
            panic!("no variable")
        };
        assert_eq!(
            (v.key.as_str(), v.default.as_deref()),
            ("aws:username", Some("x"))
        );
        let literal = Template::parse("${aws:username}", true, false);
        assert_eq!(literal.parts, vec![Part::Lit("${aws:username}".into())]);
    }

    #[test]
    fn equality_respects_case_rules() {
        let t = Template::parse("Repo:X", false, false);
        assert!(!equals(&t, "repo:x", false, &NoVars));
        assert!(equals(&t, "repo:x", true, &NoVars));
        let t = Template::parse("ÉTÉ", false, false);
        assert!(equals(&t, "été", true, &NoVars));
        let star = Template::parse("repo:*", false, false);
        assert!(equals(&star, "repo:*", false, &NoVars));
        assert!(!equals(&star, "repo:x", false, &NoVars));
    }
}
