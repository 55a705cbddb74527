//! CODEOWNERS as GitHub reads it: one `PATTERN OWNER...` per line, gitignore-style
//! patterns (but `docs/*` does not reach nested files), the last matching line wins, a line without owners leaves its files unowned,
//! and a line GitHub cannot read (a `!` negation or a `[...]` range) is skipped.

use crate::ci::github::fnmatch;

/// One line that GitHub applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Line {
    pub(crate) pattern: String,
    pub(crate) owners: Vec<String>,
    /// 1-based line number in the file.
    pub(crate) number: usize,
}

/// The lines of a CODEOWNERS text that GitHub applies.
pub(crate) fn parse(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = match raw.split_once(" #") {
            Some((before, _)) => before,
            None => raw,
        }
        .trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = line.split_whitespace();
        let Some(pattern) = words.next() else {
            continue;
        };
        if pattern.starts_with('!') || pattern.contains(['[', ']']) {
            continue;
        }
        out.push(Line {
            pattern: pattern.to_string(),
            owners: words.map(str::to_string).collect(),
            number: i + 1,
        });
    }
    out
}

/// The line that decides who owns `path` (relative to the repository root), if any.
pub(crate) fn owner_line<'a>(lines: &'a [Line], path: &str) -> Option<&'a Line> {
    lines.iter().rev().find(|l| matches(&l.pattern, path))
}

/// Whether a CODEOWNERS pattern matches a file: a pattern with a `/` at its start or in
/// its middle is anchored at the root, others match at any depth; a pattern that matches
/// a directory owns everything below it; a trailing `/` matches directories only.
fn matches(pattern: &str, path: &str) -> bool {
    let mut p = pattern;
    let mut dir_only = false;
    if let Some(stripped) = p.strip_suffix("/**") {
        p = stripped;
        dir_only = true;
    }
    if let Some(stripped) = p.strip_suffix('/') {
        p = stripped;
        dir_only = true;
    }
    let anchored = p.starts_with('/') || p.contains('/');
    let p = p.trim_start_matches('/');
    if p.is_empty() {
        // `/` or `/**`: the whole repository.
        return dir_only;
    }
    let segments: Vec<&str> = path.split('/').collect();
    let n = segments.len();
    let starts = if anchored { 0..1 } else { 0..n };
    // GitHub departs from gitignore here: `docs/*` owns `docs/a.md`, not `docs/x/a.md`, so
    // a last segment with a wildcard does not reach into the directories it matches.
    let last_is_glob = p.rsplit('/').next().is_some_and(|l| l.contains(['*', '?']));
    for start in starts {
        for end in start + 1..=n {
            if (dir_only && end == n) || (!dir_only && last_is_glob && end < n) {
                continue;
            }
            let candidate = segments
                .get(start..end)
                .map(|s| s.join("/"))
                .unwrap_or_default();
            if fnmatch(p, &candidate) == Some(true) {
                return true;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owner(text: &str, path: &str) -> Vec<String> {
        let lines = parse(text);
        owner_line(&lines, path)
            .map(|l| l.owners.clone())
            .unwrap_or_default()
    }

    #[test]
    fn patterns_follow_github_and_the_last_match_wins() {
        let text = "# comment\n* @all\n/.github/workflows/ @ci\n/.github/workflows/deploy.yml @ops @sec # inline\ndocs/* @docs\napps/ @apps\n*.md\n![x] @nobody\n";
        assert_eq!(
            owner(text, ".github/workflows/deploy.yml"),
            ["@ops", "@sec"]
        );
        assert_eq!(owner(text, ".github/workflows/test.yml"), ["@ci"]);
        assert_eq!(owner(text, ".github/workflows/sub/x.yml"), ["@ci"]);
        assert_eq!(owner(text, "src/main.rs"), ["@all"]);
        assert_eq!(owner(text, "docs/a.txt"), ["@docs"]);
        // `docs/*` is anchored and does not reach nested files.
        assert_eq!(owner(text, "docs/x/a.txt"), ["@all"]);
        // `apps/` matches a directory at any depth.
        assert_eq!(owner(text, "x/apps/y.js"), ["@apps"]);
        // A line without owners leaves its files unowned.
        assert!(owner(text, "README.md").is_empty());
        assert!(owner_line(&parse(text), "README.md").is_some());
        assert_eq!(parse(text).len(), 6, "the `!` line is skipped");
    }

    #[test]
    fn anchoring_and_double_stars() {
        assert!(matches("/.github/", ".github/workflows/a.yml"));
        assert!(!matches("/.github/", "x/.github/workflows/a.yml"));
        assert!(matches(".github/", "x/.github/workflows/a.yml"));
        assert!(matches("**/workflows/*.yml", ".github/workflows/a.yml"));
        assert!(matches(".github/**", ".github/workflows/a.yml"));
        assert!(!matches(
            ".github/workflows/*.yaml",
            ".github/workflows/a.yml"
        ));
        assert!(!matches("/deploy.yml", ".github/workflows/deploy.yml"));
        assert!(matches("deploy.yml", ".github/workflows/deploy.yml"));
    }
}
