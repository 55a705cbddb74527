//! Sets of tokens as data: the exact region a policy admits, for the string operators.
//!
//! A [`Case`] is a product over condition keys: each key is absent or present with a value
//! in an intersection of (possibly negated) unions of glob languages. A region is a union
//! of cases. Glob languages are regular, so every question the analysis asks — is this
//! case empty, which string is in it — is answered exactly by exploring the product of the
//! patterns' automata breadth-first (shortest witness first). Exploration is bounded; a
//! case too large to decide is reported as undecided, never guessed.

use serde::Serialize;

/// One part of a glob.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Part {
    Lit(char),
    /// `?`: one character.
    One,
    /// `*`: any run, empty included.
    Star,
}

/// A pattern: a glob (StringLike) or a literal (StringEquals), optionally ignoring case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Atom {
    /// The value as written in the policy.
    pub text: String,
    /// Whether `*` and `?` are wildcards.
    pub glob: bool,
    /// Whether comparison ignores case.
    pub ignore_case: bool,
    #[serde(skip)]
    parts: Vec<Part>,
    /// The positions of the `*` parts, ascending: the closure visits only these.
    #[serde(skip)]
    stars: Vec<usize>,
}

impl Atom {
    /// An atom from a policy value. `${*}`, `${?}` and `${$}` are the literal characters
    /// when `variables` (policy version 2012-10-17) is on.
    pub fn new(text: &str, glob: bool, ignore_case: bool, variables: bool) -> Atom {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            if variables {
                if let Some(after) = ["${*}", "${?}", "${$}"]
                    .iter()
                    .find(|e| rest.starts_with(**e))
                {
                    parts.push(Part::Lit(after.chars().nth(2).unwrap_or('$')));
                    rest = &rest[after.len()..];
                    continue;
                }
            }
            parts.push(match c {
                '*' if glob => Part::Star,
                '?' if glob => Part::One,
                c => Part::Lit(c),
            });
            rest = &rest[c.len_utf8()..];
        }
        let stars = (0..parts.len())
            .filter(|i| parts[*i] == Part::Star)
            .collect();
        Atom {
            text: text.to_string(),
            glob,
            ignore_case,
            parts,
            stars,
        }
    }

    /// Whether `s` is in the language (used to check tokens against a region).
    pub fn matches(&self, s: &str) -> bool {
        let mut set = self.start();
        let mut next = Vec::with_capacity(set.len());
        for c in s.chars() {
            next.clear();
            self.step_into(&set, c, &mut next);
            std::mem::swap(&mut set, &mut next);
            if set.iter().all(|w| *w == 0) {
                return false;
            }
        }
        self.accepts(&set)
    }

    fn words(&self) -> usize {
        (self.parts.len() + 1).div_ceil(64)
    }

    /// Adds the positions a `*` can skip to. `stars` ascends, so a run of stars is
    /// followed to its end in one pass.
    fn closure(&self, set: &mut [u64]) {
        for &i in &self.stars {
            if set[i / 64] >> (i % 64) & 1 == 1 {
                set[(i + 1) / 64] |= 1 << ((i + 1) % 64);
            }
        }
    }

    fn start(&self) -> Vec<u64> {
        let mut set = vec![0u64; self.words()];
        set[0] = 1;
        self.closure(&mut set);
        set
    }

    /// The position set after reading `c`, appended to `out` (the search lays every
    /// atom's set end to end in one vector). Visits only the positions in `set`: the
    /// region search steps every atom on every character of its alphabet, and most
    /// positions of a long pattern are not live at once.
    fn step_into(&self, set: &[u64], c: char, out: &mut Vec<u64>) {
        let at = out.len();
        out.resize(at + self.words(), 0);
        let next = &mut out[at..];
        let folded = if self.ignore_case { fold(c) } else { c };
        for (w, word) in set.iter().enumerate() {
            let mut bits = *word;
            while bits != 0 {
                let i = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                // The last position (past every part) accepts and reads nothing.
                let to = match self.parts.get(i) {
                    Some(Part::Lit(l)) if *l == c || self.ignore_case && fold(*l) == folded => {
                        i + 1
                    }
                    Some(Part::One) => i + 1,
                    Some(Part::Star) => i,
                    Some(Part::Lit(_)) | None => continue,
                };
                next[to / 64] |= 1 << (to % 64);
            }
        }
        self.closure(next);
    }

    fn accepts(&self, set: &[u64]) -> bool {
        let n = self.parts.len();
        set[n / 64] >> (n % 64) & 1 == 1
    }

    fn chars(&self) -> impl Iterator<Item = char> + '_ {
        self.parts.iter().filter_map(|p| match p {
            Part::Lit(c) => Some(*c),
            _ => None,
        })
    }
}

fn fold(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// `value ∈ ⋃ atoms` (or `∉`, when `negated`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Test {
    /// The patterns, OR-ed.
    pub any_of: Vec<Atom>,
    /// The value must match none of them.
    pub negated: bool,
}

/// What one key may be, within a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyTerm {
    /// The key may be absent from the request.
    pub absent_ok: bool,
    /// The key may be present (with a value passing every test).
    pub present_ok: bool,
    /// Every test a present value must pass.
    pub tests: Vec<Test>,
}

impl KeyTerm {
    /// No constraint at all.
    pub fn any() -> KeyTerm {
        KeyTerm {
            absent_ok: true,
            present_ok: true,
            tests: Vec::new(),
        }
    }

    fn and(&self, other: &KeyTerm) -> KeyTerm {
        let mut tests = self.tests.clone();
        for t in &other.tests {
            if !tests.contains(t) {
                tests.push(t.clone());
            }
        }
        KeyTerm {
            absent_ok: self.absent_ok && other.absent_ok,
            present_ok: self.present_ok && other.present_ok,
            tests,
        }
    }

    /// The complement, as a union of terms (a negated conjunction is a disjunction).
    fn not(&self) -> Vec<KeyTerm> {
        let mut out = Vec::new();
        if !self.absent_ok {
            out.push(KeyTerm {
                absent_ok: true,
                present_ok: false,
                tests: Vec::new(),
            });
        }
        if !self.present_ok {
            out.push(KeyTerm {
                absent_ok: false,
                present_ok: true,
                tests: Vec::new(),
            });
        } else {
            for t in &self.tests {
                out.push(KeyTerm {
                    absent_ok: false,
                    present_ok: true,
                    tests: vec![Test {
                        any_of: t.any_of.clone(),
                        negated: !t.negated,
                    }],
                });
            }
        }
        out
    }

    /// Whether a value (or absence) satisfies the term.
    pub fn admits(&self, value: Option<&str>) -> bool {
        match value {
            None => self.absent_ok,
            Some(v) => {
                self.present_ok
                    && self
                        .tests
                        .iter()
                        .all(|t| t.any_of.iter().any(|a| a.matches(v)) != t.negated)
            }
        }
    }
}

/// A product over keys; keys not listed are unconstrained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Case {
    /// Key (lower-cased) → what it may be, in first-mention order.
    pub keys: Vec<(String, KeyTerm)>,
}

impl Case {
    /// The case with no constraint.
    pub fn all() -> Case {
        Case { keys: Vec::new() }
    }

    /// The term of `key` (unconstrained when not listed).
    pub fn term(&self, key: &str) -> KeyTerm {
        self.keys
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, t)| t.clone())
            .unwrap_or_else(KeyTerm::any)
    }

    /// Adds a constraint on `key`.
    pub fn and_key(&mut self, key: &str, term: &KeyTerm) {
        match self.keys.iter_mut().find(|(k, _)| k == key) {
            Some((_, t)) => *t = t.and(term),
            None => self.keys.push((key.to_string(), term.clone())),
        }
    }

    /// `self \ other` as a union of cases.
    pub fn minus(&self, other: &Case) -> Vec<Case> {
        let mut out = Vec::new();
        // Split on the first key where `self` escapes `other`; earlier keys stay inside.
        let mut prefix = self.clone();
        for (k, t) in &other.keys {
            for escape in t.not() {
                let mut c = prefix.clone();
                c.and_key(k, &escape);
                out.push(c);
            }
            prefix.and_key(k, t);
        }
        out
    }

    /// Whether a request (key → value) is in the case.
    pub fn admits(&self, value_of: &dyn Fn(&str) -> Option<String>) -> bool {
        self.keys
            .iter()
            .all(|(k, t)| t.admits(value_of(k).as_deref()))
    }
}

/// `a \ b`, both unions of cases.
pub fn subtract(a: &[Case], b: &[Case]) -> Vec<Case> {
    let mut out: Vec<Case> = a.to_vec();
    for d in b {
        out = out.iter().flat_map(|c| c.minus(d)).collect();
        // Keep the union small: drop what is provably empty as we go.
        out.retain(|c| !matches!(witness(c), Outcome::Empty));
    }
    out
}

/// How many product states a search may visit before it gives up.
const SEARCH_LIMIT: usize = 200_000;

/// How much work (automaton positions stepped) a search may do before it gives up: keeps
/// the worst case around a hundred milliseconds, since the playground re-analyses on every
/// keystroke.
const WORK_LIMIT: usize = 30_000_000;

/// The answer to "is there a value passing these tests?".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// This string passes.
    Value(String),
    /// None does.
    Empty,
    /// The search was too large to finish.
    Undecided,
}

/// A string passing every test, the shortest first (exact; bounded search).
pub fn find_value(tests: &[Test]) -> Found {
    // The alphabet: every character a pattern names (both cases where case is ignored),
    // and one character no pattern names, standing for all the others.
    let mut alphabet: Vec<char> = Vec::new();
    for a in tests.iter().flat_map(|t| &t.any_of) {
        for c in a.chars() {
            for v in [c, fold(c), c.to_uppercase().next().unwrap_or(c)] {
                if !alphabet.contains(&v) {
                    alphabet.push(v);
                }
            }
        }
    }
    // Letters and digits first: among the shortest values the search then prefers names a
    // CI system accepts (`?` in `repo:a?me/*` becomes a letter, not `/`).
    alphabet.sort_unstable_by_key(|c| (!c.is_ascii_alphanumeric(), *c));
    if let Some(other) = "xzqkjw0123456789-_"
        .chars()
        .chain('\u{100}'..)
        .find(|c| !alphabet.contains(c))
    {
        alphabet.push(other);
    }
    // A product state: every atom's position set, laid end to end.
    let atoms: Vec<(&Atom, usize, bool)> = tests
        .iter()
        .enumerate()
        .flat_map(|(ti, t)| t.any_of.iter().map(move |a| (a, ti, t.negated)))
        .collect();
    let mut offsets = Vec::with_capacity(atoms.len() + 1);
    offsets.push(0);
    for (a, _, _) in &atoms {
        offsets.push(offsets.last().copied().unwrap_or(0) + a.words());
    }
    // Atom `i`'s position set within a product state.
    fn slice<'a>(state: &'a [u64], offsets: &[usize], i: usize) -> &'a [u64] {
        state.get(offsets[i]..offsets[i + 1]).unwrap_or(&[])
    }
    // Whether some atom of test `ti` satisfies `accept`.
    let passes = |ti: usize, accept: &dyn Fn(usize) -> bool| {
        atoms
            .iter()
            .enumerate()
            .filter(|(_, (_, t, _))| *t == ti)
            .any(|(i, _)| accept(i))
    };
    let accepting = |state: &[u64]| {
        tests.iter().enumerate().all(|(ti, t)| {
            passes(ti, &|i| atoms[i].0.accepts(slice(state, &offsets, i))) != t.negated
        })
    };
    let start: Vec<u64> = atoms.iter().flat_map(|(a, _, _)| a.start()).collect();
    // Breadth-first: states are numbered in visiting order, so the queue is a cursor.
    let mut order: Vec<Vec<u64>> = vec![start];
    let mut parent: Vec<(usize, char)> = vec![(usize::MAX, ' ')];
    let mut seen = Seen::default();
    seen.insert(&order, 0);
    let per_state = alphabet.len()
        * atoms
            .iter()
            .map(|(a, _, _)| a.parts.len() + 1)
            .sum::<usize>();
    let mut work = 0usize;
    let mut i = 0;
    while i < order.len() {
        if accepting(&order[i]) {
            let mut out = Vec::new();
            let mut at = i;
            while parent[at].0 != usize::MAX {
                out.push(parent[at].1);
                at = parent[at].0;
            }
            out.reverse();
            return Found::Value(out.into_iter().collect());
        }
        work += per_state;
        if order.len() > SEARCH_LIMIT || work > WORK_LIMIT {
            return Found::Undecided;
        }
        for &c in &alphabet {
            let mut next: Vec<u64> = Vec::with_capacity(offsets.last().copied().unwrap_or(0));
            for (ai, (a, _, _)) in atoms.iter().enumerate() {
                a.step_into(slice(&order[i], &offsets, ai), c, &mut next);
            }
            // A positive test whose every atom is dead can never pass again.
            let dead = tests.iter().enumerate().any(|(ti, t)| {
                !t.negated && !passes(ti, &|ai| slice(&next, &offsets, ai).iter().any(|w| *w != 0))
            });
            if dead || seen.find(&order, &next).is_some() {
                continue;
            }
            order.push(next);
            parent.push((i, c));
            seen.insert(&order, order.len() - 1);
        }
        i += 1;
    }
    Found::Empty
}

/// The states already visited: an open-addressing index into the visit order (small code
/// for the WebAssembly build, where a std HashMap costs several KB).
#[derive(Default)]
struct Seen {
    slots: Vec<usize>,
    used: usize,
}

impl Seen {
    fn hash(words: &[u64]) -> usize {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for w in words {
            h ^= *w;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
            h ^= h >> 29;
        }
        h as usize
    }

    fn find(&self, order: &[Vec<u64>], words: &[u64]) -> Option<usize> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut at = Self::hash(words) & mask;
        loop {
            match self.slots[at] {
                usize::MAX => return None,
                i if order[i] == words => return Some(i),
                _ => at = (at + 1) & mask,
            }
        }
    }

    fn insert(&mut self, order: &[Vec<u64>], index: usize) {
        if (self.used + 1) * 2 > self.slots.len() {
            let size = (self.slots.len() * 2).max(64);
            let old = std::mem::replace(&mut self.slots, vec![usize::MAX; size]);
            self.used = 0;
            for i in old.into_iter().filter(|i| *i != usize::MAX) {
                self.place(order, i);
            }
        }
        self.place(order, index);
    }

    fn place(&mut self, order: &[Vec<u64>], index: usize) {
        let mask = self.slots.len() - 1;
        let mut at = Self::hash(&order[index]) & mask;
        while self.slots[at] != usize::MAX {
            at = (at + 1) & mask;
        }
        self.slots[at] = index;
        self.used += 1;
    }
}

/// A case's witness: for each constrained key, absent (`None`) or a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// One request in the case.
    Witness(Vec<(String, Option<String>)>),
    /// The case is empty.
    Empty,
    /// Too large to decide.
    Undecided,
}

/// A request in the case, preferring present values (a real token carries the claim).
pub fn witness(case: &Case) -> Outcome {
    let mut out = Vec::new();
    let mut undecided = false;
    for (k, t) in &case.keys {
        let value = if t.present_ok {
            match find_value(&t.tests) {
                Found::Value(v) => Some(Some(v)),
                Found::Empty => None,
                Found::Undecided => {
                    undecided = true;
                    None
                }
            }
        } else {
            None
        };
        match (value, t.absent_ok) {
            (Some(v), _) => out.push((k.clone(), v)),
            (None, true) => out.push((k.clone(), None)),
            (None, false) if undecided => return Outcome::Undecided,
            (None, false) => return Outcome::Empty,
        }
    }
    Outcome::Witness(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn like(p: &str) -> Atom {
        Atom::new(p, true, false, true)
    }

    #[test]
    fn globs_match_like_iam() {
        assert!(like("repo:acme/*").matches("repo:acme/api:ref:refs/heads/main"));
        assert!(like("a?c").matches("abc") && !like("a?c").matches("ac"));
        assert!(!Atom::new("a*", false, false, true).matches("ab"));
        assert!(Atom::new("a*", false, false, true).matches("a*"));
        assert!(Atom::new("ABC", false, true, true).matches("abc"));
        assert!(like("${*}x").matches("*x") && !like("${*}x").matches("yx"));
    }

    #[test]
    fn search_finds_the_shortest_and_proves_emptiness() {
        let pos = |p: &str| Test {
            any_of: vec![like(p)],
            negated: false,
        };
        let neg = |p: &str| Test {
            any_of: vec![like(p)],
            negated: true,
        };
        assert_eq!(
            find_value(&[pos("repo:acme/*")]),
            Found::Value("repo:acme/".into())
        );
        let v = find_value(&[pos("repo:acme/*"), neg("repo:acme/api*")]);
        let Found::Value(v) = v else { panic!("{v:?}") };
        assert!(like("repo:acme/*").matches(&v) && !like("repo:acme/api*").matches(&v));
        assert_eq!(
            find_value(&[pos("repo:acme/*"), neg("repo:*")]),
            Found::Empty
        );
        let Found::Value(v) = find_value(&[pos("a*b*c"), pos("*x*")]) else {
            panic!("a*b*c and *x* intersect")
        };
        assert!(like("a*b*c").matches(&v) && like("*x*").matches(&v), "{v}");
    }

    #[test]
    fn a_hard_search_gives_up_instead_of_hanging() {
        // Forty patterns with long wildcard chains over a wide alphabet: the product is
        // too large to explore, and the search says so.
        let alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        let tests: Vec<Test> = (0..40)
            .map(|i| {
                let p: String = alphabet
                    .chars()
                    .cycle()
                    .skip(i)
                    .take(18)
                    .map(|c| format!("*{c}"))
                    .collect();
                Test {
                    any_of: vec![like(&p)],
                    negated: i % 3 == 0,
                }
            })
            .collect();
        // It returns (the work limit bounds it); an answer, if any, must be right.
        if let Found::Value(v) = find_value(&tests) {
            for t in &tests {
                assert_ne!(t.any_of[0].matches(&v), t.negated, "{v}");
            }
        }
    }

    #[test]
    fn subtraction_is_exact_on_small_cases() {
        let term = |p: &str| KeyTerm {
            absent_ok: false,
            present_ok: true,
            tests: vec![Test {
                any_of: vec![like(p)],
                negated: false,
            }],
        };
        let mut allow = Case::all();
        allow.and_key("sub", &term("repo:acme/*"));
        let mut deny = Case::all();
        deny.and_key("sub", &term("repo:acme/*:pull_request"));
        let rest = subtract(&[allow], &[deny]);
        assert_eq!(rest.len(), 1);
        let value_of = |s: &'static str| move |_: &str| Some(s.to_string());
        assert!(rest[0].admits(&value_of("repo:acme/api:ref:refs/heads/main")));
        assert!(!rest[0].admits(&value_of("repo:acme/api:pull_request")));
    }
}
