// The npm package's behaviour, as one list of cases every runtime runs: Node ESM,
// Node CommonJS, Deno and Chromium. Each harness loads the package its own way and the
// fixtures (tests/npm/run.mjs bundles them from the Rust tests' corpus and golden
// files), then registers `cases(lib, fixtures)` with its test API.
//
// No imports: the browser runs this file as is, so assertions are local.

/** Returns [{ name, fn }]; `fn` throws on failure. */
export function cases(lib, fixtures) {
  const list = [];
  const add = (name, fn) => list.push({ name, fn });

  // --- the Rust golden traces, unchanged across the boundary -------------------------
  for (const c of fixtures.golden) {
    add(`golden trace: ${c.name}`, () => {
      const e = lib.evaluate(c.policyText, c.claimsText, { now: c.now });
      equal(e.decision, c.expect, 'decision');
      const { tokenHeader, ...trace } = e;
      deepEqual(trace, c.trace, 'trace');
      ok(Array.isArray(e.diagnostics), 'diagnostics is a list');
      equal(tokenHeader !== undefined, c.claimsText.trim().startsWith('eyJ'), 'tokenHeader only for a JWT');
      equal(e.version, lib.TRACE_VERSION, 'trace version');
    });
  }

  add('objects and JSON text give the same verdicts', () => {
    for (const c of fixtures.golden) {
      if (!c.claimsText.trim().startsWith('{')) continue;
      const e = lib.evaluate(JSON.parse(c.policyText), JSON.parse(c.claimsText), { now: new Date(c.now * 1000) });
      equal(e.decision, c.expect, c.name);
      equal(e.summary, c.trace.summary, c.name);
    }
  });

  // --- the subvectors AWS vectors (converted once, by the Rust tests) ----------------
  for (const v of fixtures.vectors) {
    add(`subvectors: ${v.name}`, () => {
      equal(lib.evaluate(v.policy, v.claims).decision, v.expect, v.name);
    });
  }

  // --- compile once, evaluate many ---------------------------------------------------
  add('a compiled policy agrees with one-shot evaluate, one by one and in bulk', () => {
    const byPolicy = new Map();
    for (const c of fixtures.golden) {
      if (!byPolicy.has(c.policyText)) byPolicy.set(c.policyText, []);
      byPolicy.get(c.policyText).push(c);
    }
    ok(byPolicy.size >= 3, 'several seed policies');
    for (const [policyText, group] of byPolicy) {
      const now = group[0].now;
      const compiled = lib.compile(policyText, { now });
      try {
        const claims = group.filter((c) => c.now === now).map((c) => c.claimsText);
        const many = compiled.evaluateMany(claims);
        equal(many.length, claims.length, 'one trace per input');
        claims.forEach((text, i) => {
          // One-shot output inlines the table and the warnings; compiled output refers to
          // `compiled.locations` by the same indexes.
          const { locations, diagnostics, ...oneShot } = lib.evaluate(policyText, text, { now });
          deepEqual(many[i], oneShot, `evaluateMany[${i}]`);
          deepEqual(compiled.locations, locations, `locations[${i}]`);
          deepEqual(compiled.diagnostics, diagnostics, `diagnostics[${i}]`);
          deepEqual(compiled.evaluate(text), many[i], `evaluate[${i}]`);
          equal(compiled.decide(text), many[i].decision, `decide[${i}]`);
        });
        deepEqual(compiled.decideMany(claims), many.map((e) => e.decision), 'decideMany');
        deepEqual(compiled.evaluateMany([]), [], 'empty list');
      } finally {
        compiled.free();
      }
    }
  });

  add('compiled.evaluate: decision and reason at once, the explanation when read, valid after further calls', () => {
    const compiled = lib.compile(fixtures.policies['basic-repo'], { now: 1787166800 });
    try {
      const claims = JSON.parse(fixtures.tokens.main);
      const first = compiled.evaluate(claims);
      // Eager: plain data properties, no trace built yet.
      const own = Object.getOwnPropertyDescriptor(first, 'decision');
      ok('value' in own, 'decision is data');
      ok('get' in Object.getOwnPropertyDescriptor(first, 'statements'), 'statements is read lazily');
      equal(first.decision, 'allow');
      deepEqual(first.reason, { kind: 'allowed', statements: [0] });
      // Further calls, and a change to the caller's claims, leave the first result as it was.
      const second = compiled.evaluate(fixtures.tokens['other-org']);
      claims.sub = 'repo:evil/api:ref:refs/heads/main';
      const [eager] = compiled.evaluateMany([fixtures.tokens.main]);
      deepEqual(first, eager, 'the lazy result equals the eager one');
      equal(JSON.stringify(first), JSON.stringify(eager), 'and serialises the same');
      equal(second.reason.kind, 'noAllow');
      ok(!('statements' in second.reason), 'noAllow has no statements');
      // A JWT: the header is part of the explanation.
      const fromJwt = compiled.evaluate(fixtures.jwt);
      equal(fromJwt.tokenHeader.alg, 'RS256');
      ok(!('tokenHeader' in first), 'no header for claims');
      // A part read becomes plain data; a part can be assigned before it is read.
      ok('value' in Object.getOwnPropertyDescriptor(first, 'statements'), 'statements settled');
      second.notes = [];
      deepEqual(second.notes, [], 'assignable');
      // An input the engine refuses is refused at once, not when the explanation is read:
      // here a lone surrogate in a claim the policy does not read.
      throwsCode(() => compiled.evaluate({ ...claims, unread: '\ud800' }), 'json-syntax');
      let deep = 'x';
      for (let i = 0; i < 70; i++) deep = [deep];
      throwsCode(() => compiled.evaluate({ ...claims, unread: deep }), 'json-syntax');
      throwsCode(() => compiled.evaluate({ ...claims, unread: '€'.repeat(30000) }), 'input-too-large');
      // Odd but accepted claims the policy does not read change nothing.
      equal(compiled.evaluate({ ...JSON.parse(fixtures.tokens.main), unread: '€'.repeat(100), nested: [[{ a: '\\ud' }]] }).decision, 'allow');
      // Read the explanation before free(): afterwards it throws, the verdict stays.
      const late = compiled.evaluate(fixtures.tokens.main);
      compiled.free();
      equal(late.decision, 'allow');
      throwsCode(() => late.statements, 'freed');
      ok(first.statements.length === 1, 'an explanation already read stays');
    } finally {
      compiled.free();
    }
  });

  add('compiled policy exposes its parsed form and warnings', () => {
    const compiled = lib.compile(fixtures.policies['basic-repo']);
    equal(compiled.policy.statements.length, 1);
    equal(compiled.policy.version, '2012-10-17');
    ok(Array.isArray(compiled.diagnostics));
    compiled.free();
  });

  add('free() then use throws `freed`, free() twice is harmless, Symbol.dispose frees', () => {
    const compiled = lib.compile(fixtures.policies['basic-repo']);
    compiled.free();
    compiled.free();
    throwsCode(() => compiled.evaluate(fixtures.tokens.main), 'freed');
    const disposable = lib.compile(fixtures.policies['basic-repo']);
    const dispose = disposable[Symbol.dispose ?? Symbol.for('Symbol.dispose')];
    equal(typeof dispose, 'function', 'has a dispose method');
    dispose.call(disposable);
    throwsCode(() => disposable.decide(fixtures.tokens.main), 'freed');
  });

  add('options: issuer, account, action, allClaimsAreKeys, catalog, context', () => {
    const policy = fixtures.policies['basic-repo'];
    const main = fixtures.tokens.main;
    equal(lib.evaluate(policy, main, { action: 'sts:AssumeRole' }).decision, 'deny', 'other action');
    equal(lib.evaluate(policy, main, { account: '999999999999' }).decision, 'deny', 'other account');
    equal(lib.evaluate(policy, main, { issuer: 'gitlab.com' }).decision, 'deny', 'other issuer');
    const e = lib.evaluate(policy, main, { catalog: '2023-06', allClaimsAreKeys: true, context: { 'aws:SourceIp': ['203.0.113.7', '198.51.100.1'] } });
    equal(e.request.catalog, '2023-06');
    const ip = e.request.keys.find((k) => k.key === 'aws:SourceIp');
    deepEqual(ip && ip.values, ['203.0.113.7', '198.51.100.1'], 'context values');
    equal(ip.source, 'given');
    ok(e.request.keys.some((k) => k.source === 'whatIf'), 'what-if keys');
    equal(e.request.claims.sub, 'repo:acme/api:ref:refs/heads/main', 'exposed claims as the token has them');
  });

  // --- errors: located, typed, and the module keeps working --------------------------
  add('malformed policy JSON: code, line and column, help', () => {
    const err = throwsCode(() => lib.evaluate('{\n  "Version": "2012-10-17",\n  "Statement": [ }\n}', fixtures.tokens.main), 'json-syntax');
    equal(err.input, 'policy');
    equal(err.line, 3);
    equal(err.column, 18);
    ok(err.help.length > 0, 'help text');
    ok(err instanceof Error && err instanceof lib.OidcTrustError, 'OidcTrustError is an Error');
    equal(err.name, 'OidcTrustError');
  });

  add('every error of a policy comes with the thrown one', () => {
    const bad = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Permit', Action: 'sts:AssumeRoleWithWebIdentity', Principal: { Federated: 'x' }, Condition: { StringEqualz: { a: 'b' } } }] });
    const err = throwsCode(() => lib.compile(bad), undefined);
    const errors = err.diagnostics.filter((d) => d.severity === 'error');
    ok(errors.length >= 2, `several errors, got ${errors.map((d) => d.code)}`);
    const op = errors.find((d) => d.pointer.includes('StringEqualz'));
    ok(op, 'the unknown operator is reported with its pointer');
    ok(/StringEquals/.test(op.help), `suggests the right operator: ${op.help}`);
    ok(op.line === 1 && op.column > 1, 'located');
  });

  add('parsePolicy: the policy or null, and every diagnostic', () => {
    const good = lib.parsePolicy(fixtures.policies['hardening-layer2']);
    ok(good.policy && good.policy.statements.length >= 1, 'parsed');
    const cond = good.policy.statements[0].conditions[0];
    ok(cond.operator.base && typeof cond.operator.ifExists === 'boolean', 'operator parts');
    ok(cond.keyLocation.span.start.line > 1, 'locations');
    const bad = lib.parsePolicy('{"Statement": 3}');
    equal(bad.policy, null);
    ok(bad.diagnostics.some((d) => d.severity === 'error' && d.pointer === '/Statement'), 'error at /Statement');
  });

  add('bad claims and tokens: located errors', () => {
    const policy = fixtures.policies['basic-repo'];
    throwsCode(() => lib.evaluate(policy, '{"sub": }'), 'json-syntax');
    throwsCode(() => lib.evaluate(policy, '[1, 2]'), undefined);
    const jwt = throwsCode(() => lib.evaluate(policy, 'eyJhbGciOiJSUzI1NiJ9.%%%.sig'), undefined);
    equal(jwt.input, 'token');
    throwsCode(() => lib.evaluate(policy, 'not a token'), undefined);
    throwsCode(() => lib.evaluate(policy, ''), undefined);
  });

  add('wrong argument types are OidcTrustError, not TypeError', () => {
    const policy = fixtures.policies['basic-repo'];
    for (const p of [undefined, null, 42, true]) throwsCode(() => lib.evaluate(p, {}), 'invalid-argument');
    for (const c of [undefined, null, 42, [{}]]) throwsCode(() => lib.evaluate(policy, c), 'invalid-argument');
    const cyclic = {};
    cyclic.self = cyclic;
    throwsCode(() => lib.evaluate(policy, cyclic), 'invalid-argument');
    throwsCode(() => lib.evaluate(policy, { n: 10n }), 'invalid-argument');
    throwsCode(() => lib.compile(policy).evaluateMany('x'), 'invalid-argument');
  });

  add('bad options name the option and what to do', () => {
    const policy = fixtures.policies['basic-repo'];
    const t = fixtures.tokens.main;
    const unknown = throwsCode(() => lib.evaluate(policy, t, { Issuer: 'x' }), 'unknown-option');
    ok(/issuer/.test(unknown.help), 'suggests the right name');
    equal(unknown.pointer, '/Issuer');
    throwsCode(() => lib.evaluate(policy, t, { issuer: 7 }), 'invalid-option');
    throwsCode(() => lib.evaluate(policy, t, { allClaimsAreKeys: 'yes' }), 'invalid-option');
    throwsCode(() => lib.evaluate(policy, t, { catalog: '1999-01' }), 'invalid-catalog');
    throwsCode(() => lib.evaluate(policy, t, { now: 'yesterday' }), 'invalid-time');
    throwsCode(() => lib.evaluate(policy, t, { now: NaN }), 'invalid-time');
    throwsCode(() => lib.evaluate(policy, t, { context: { 'aws:SourceIp': 5 } }), 'invalid-context');
    throwsCode(() => lib.evaluate(policy, t, 'options'), 'invalid-option');
  });

  add('evaluateMany names the bad item', () => {
    const compiled = lib.compile(fixtures.policies['basic-repo']);
    const err = throwsCode(() => compiled.evaluateMany([fixtures.tokens.main, '{"sub": 1', fixtures.tokens.main]), 'json-syntax');
    equal(err.index, 1);
    const typed = throwsCode(() => compiled.decideMany([fixtures.tokens.main, 7]), 'invalid-argument');
    equal(typed.index, 1);
    compiled.free();
  });

  add('texts of every length cross the boundary intact (short ones copied, long ones encoded)', () => {
    const compiled = lib.compile(fixtures.policies['basic-repo']);
    for (let pad = 40; pad <= 90; pad++) {
      for (const tail of ['', 'é', '😀', 'ü€😀', '\uD83D']) {
        const sub = `repo:acme/api:ref:refs/heads/${'x'.repeat(pad)}${tail}`;
        // Written by hand: JSON.stringify would escape a lone surrogate (which the engine refuses).
        const text = `{"sub": "${sub}", "aud": "sts.amazonaws.com", "iss": "https://token.actions.githubusercontent.com"}`;
        // A raw lone surrogate is not text: encoding it gives U+FFFD, at any length.
        const expected = tail === '\uD83D' ? sub.replace('\uD83D', '\uFFFD') : sub;
        equal(compiled.evaluate(text).request.claims.sub, expected, `length ${text.length}, tail ${JSON.stringify(tail)}`);
      }
    }
    compiled.free();
  });

  add('a long list crosses in chunks: every result in order, and an error keeps its index in the whole list', () => {
    const compiled = lib.compile(fixtures.policies['basic-repo']);
    const main = fixtures.tokens.main;
    // Over 256 Ki characters in all, so more than one chunk.
    const list = Array.from({ length: 400 }, (_, i) => (i % 3 === 0 ? main : JSON.stringify({ ...JSON.parse(main), sub: `repo:other/x${i}:ref:refs/heads/main`, pad: 'p'.repeat(900) })));
    ok(list.reduce((n, t) => n + t.length + 1, 0) > 1 << 18, 'the list spans chunks');
    const one = list.map((t) => compiled.decide(t));
    deepEqual(compiled.decideMany(list), one, 'decideMany');
    deepEqual(compiled.evaluateMany(list).map((e) => e.decision), one, 'evaluateMany');
    for (const bad of [5, 390]) {
      const broken = list.slice();
      broken[bad] = '{"sub": 1';
      equal(throwsCode(() => compiled.evaluateMany(broken), 'json-syntax').index, bad, `evaluateMany error index ${bad}`);
      equal(throwsCode(() => compiled.decideMany(broken), 'json-syntax').index, bad, `decideMany error index ${bad}`);
    }
    compiled.free();
  });

  add('a list crosses as one text, and what it cannot carry takes the per-item path with the same answers', () => {
    const compiled = lib.compile(fixtures.policies['basic-repo']);
    const main = fixtures.tokens.main;
    // A NUL of its own: the per-item path, the same error and index as a lone call gives.
    const alone = throwsCode(() => compiled.evaluate('{"sub": "a\0b"}'), undefined);
    for (const many of [() => compiled.evaluateMany([main, '{"sub": "a\0b"}']), () => compiled.decideMany([main, '{"sub": "a\0b"}'])]) {
      const err = throwsCode(many, alone.code);
      equal(err.index, 1);
      equal(err.message, alone.message);
    }
    // Lone surrogates at the ends of neighbouring items stay apart: each item is read as alone.
    const high = '{"sub": "repo:acme/api:ref:refs/heads/main\uD83D", "aud": "sts.amazonaws.com", "iss": "https://token.actions.githubusercontent.com"}';
    const low = '\uDE00{"sub": "repo:acme/api:ref:refs/heads/main"}';
    const one = (t) => { try { return compiled.evaluate(t).decision; } catch (e) { return e.code; } };
    const expected = [one(high), one(main)];
    deepEqual(compiled.decideMany([high, main]), expected, 'decideMany with a trailing lone surrogate');
    deepEqual(compiled.evaluateMany([high, main]).map((e) => e.decision), expected, 'evaluateMany with a trailing lone surrogate');
    const lowErr = throwsCode(() => compiled.evaluateMany([high, low]), one(low));
    equal(lowErr.index, 1);
    compiled.free();
  });

  add('huge and deeply nested inputs are refused with an error, not a crash', () => {
    const policy = fixtures.policies['basic-repo'];
    throwsCode(() => lib.evaluate(' '.repeat(300 * 1024) + policy, fixtures.tokens.main), 'input-too-large');
    throwsCode(() => lib.evaluate('['.repeat(100000), fixtures.tokens.main), undefined);
    throwsCode(() => lib.evaluate(policy, `{"a":${'['.repeat(100000)}`), undefined);
    throwsCode(() => lib.evaluate(policy, 'e'.repeat(1 << 20)), undefined);
    equal(lib.evaluate(policy, fixtures.tokens.main).decision, 'allow', 'still works');
  });

  add('no input traps the module: 400 mutated policies and tokens, then a normal call', () => {
    const rand = prng(20261122);
    const base = fixtures.policies['hardening-layer2'];
    const token = fixtures.jwt;
    const alphabet = '{}[]":,*?$\\ \n0aZ\u00e9\u{1F600}';
    for (let i = 0; i < 400; i++) {
      const policy = mutate(base, rand, alphabet);
      const claims = i % 2 ? mutate(token, rand, alphabet) : fixtures.tokens.main;
      try {
        const e = lib.evaluate(policy, claims, { now: 1787166800 });
        ok(e.decision === 'allow' || e.decision === 'deny', 'a decision');
      } catch (err) {
        ok(err instanceof lib.OidcTrustError, `only OidcTrustError, got ${err && err.name}: ${err && err.message}`);
        ok(err.code !== 'internal-error', `no internal error: ${err.message}`);
      }
    }
    equal(lib.evaluate(base, fixtures.tokens.main, { now: 1787166800 }).decision, fixtures.expect['hardening-layer2--main']);
  });

  // --- the bad-input suite (tests/bad-inputs): the same codes and places as the CLI ------
  add('every bad policy, claims and token of the suite throws its coded, located error', () => {
    const policy = fixtures.policies['basic-repo'];
    const claims = fixtures.tokens.main;
    ok(fixtures.badInputs.length >= 80, `${fixtures.badInputs.length} cases`);
    for (const c of fixtures.badInputs) {
      const err = throwsCode(() => (c.kind === 'policy' ? lib.evaluate(c.text, claims) : lib.evaluate(policy, c.text)), c.expect.code);
      if (typeof c.expect.line === 'number') {
        equal(err.line, c.expect.line, `${c.kind} / ${c.name}: line`);
        equal(err.column, c.expect.column, `${c.kind} / ${c.name}: column`);
      }
      equal(typeof err.pointer, 'string', `${c.name}: pointer`);
      // The module keeps working after every bad input.
      equal(lib.evaluate(policy, claims).decision, 'allow', `after ${c.name}`);
    }
  });

  // --- lint ------------------------------------------------------------------------
  add('lint: holes proven by replay, located, most severe first', () => {
    const r = lib.lint(fixtures.policies['basic-repo']);
    equal(r.version, 1);
    const pr = r.findings.find((f) => f.code === 'admits-pull-request');
    ok(pr, `admits-pull-request in ${r.findings.map((f) => f.code)}`);
    equal(pr.severity, 'high');
    equal(pr.location.span.start.line, 16);
    ok(pr.fix.length > 0 && pr.help.length > 0, 'why and fix');
    const order = ['critical', 'high', 'medium', 'low', 'info'];
    const ranks = r.findings.map((f) => order.indexOf(f.severity));
    deepEqual(ranks, [...ranks].sort((a, b) => a - b), 'sorted by severity');
    const attempt = r.replays[0].attempts.find((a) => a.scenario === 'pull-request');
    equal(attempt.decision, 'allow');
    const tight = lib.lint(JSON.parse(fixtures.policies['hardening-layer2']));
    ok(!tight.findings.some((f) => f.severity === 'high' || f.severity === 'critical'), 'the hardened policy has no high finding');
    throwsCode(() => lib.lint('{"Statement": 3}'), undefined);
    throwsCode(() => lib.lint(fixtures.policies['basic-repo'], { acount: '1' }), 'unknown-option');
    throwsCode(() => lib.lint(fixtures.policies['basic-repo'], { catalog: 'x' }), 'invalid-catalog');
  });

  // --- who can, prove, diff ------------------------------------------------------------
  add('whoCan, prove and diff agree with the evaluator', () => {
    const basic = fixtures.policies['basic-repo'];
    const layer1 = fixtures.policies['hardening-layer1'];
    const [region] = lib.whoCan(basic);
    equal(region.issuer, 'token.actions.githubusercontent.com');
    ok(region.summary[0].includes('pull request'), region.summary[0]);
    for (const c of region.cases) equal(lib.evaluate(basic, c.witness).decision, 'allow', 'witness allowed');
    const counter = lib.prove(basic, { sub: 'repo:acme/api:ref:refs/heads/*' });
    equal(counter.result, 'counterexample');
    equal(lib.evaluate(basic, counter.claims).decision, 'allow', 'counterexample allowed');
    equal(lib.prove(layer1, { sub: 'repo:acme/api:ref:refs/heads/main' }).result, 'proved');
    const [d] = lib.diff(layer1, basic);
    ok(d.newlyAdmitted.length > 0 && d.newlyRefused.length === 0, 'widening');
    const w = d.newlyAdmitted.find((c) => c.confirmed).witness;
    equal(lib.evaluate(basic, w).decision, 'allow');
    equal(lib.evaluate(layer1, w).decision, 'deny');
    equal(lib.diff(basic, basic)[0].newlyAdmitted.length, 0);
    throwsCode(() => lib.prove(basic, {}), 'invalid-argument');
    throwsCode(() => lib.whoCan('{'), 'json-syntax');
  });

  // --- organisation guardrails: the `rcps` option ---------------------------------------
  add('rcps: an organisation RCP denies what the role allows, in evaluate, compile, lint, whoCan and prove', () => {
    const loose = fixtures.policies['loose-any-repo'];
    const rcp = fixtures.rcps['trusted-oidc-tenants'];
    const evil = fixtures.tokens['other-org'];
    equal(lib.evaluate(loose, evil).decision, 'allow', 'the role alone');
    const e = lib.evaluate(loose, evil, { rcps: [{ name: 'oidc-guard', policy: rcp }] });
    equal(e.decision, 'deny');
    equal(e.reason.kind, 'rcpDeny');
    const s = e.statements[e.reason.statements[0]];
    equal(s.rcp.name, 'oidc-guard');
    equal(s.rcp.sid, 'EnforceTrustedGitHubOrg');
    equal(s.resource.matched, true);
    ok(e.summary.includes("the organisation's guardrail decides"), e.summary);
    const compiled = lib.compile(loose, { rcps: [JSON.parse(rcp)] });
    try {
      equal(compiled.decide(evil), 'deny', 'compiled, decision only');
      equal(compiled.decide(fixtures.tokens.main), 'allow', 'the organisation gets in');
      deepEqual(compiled.decideMany([evil, fixtures.tokens.main]), ['deny', 'allow']);
      equal(compiled.evaluate(evil).statements[1].rcp.name, 'rcps[0]', 'default name');
    } finally {
      compiled.free();
    }
    const report = lib.lint(loose, { rcps: [rcp] });
    const closed = report.findings.find((f) => f.code === 'admits-other-org');
    equal(closed.severity, 'info');
    ok(closed.blockedBy.startsWith('RCP `rcps[0]` statement 0'), closed.blockedBy);
    ok(report.findings.some((f) => f.code === 'admits-sibling-repo' && f.severity === 'high' && !f.blockedBy), 'acme siblings stay open');
    equal(lib.prove(loose, { sub: 'repo:acme/*' }).result, 'counterexample');
    equal(lib.prove(loose, { sub: 'repo:acme/*' }, { rcps: [rcp] }).result, 'proved');
    for (const c of lib.whoCan(loose, { rcps: [rcp] })[0].cases) {
      equal(lib.evaluate(loose, c.witness, { rcps: [rcp] }).decision, 'allow', 'witness allowed with the RCP');
    }
    // A statement scoped to some roles counts only for those roles.
    const scoped = JSON.parse(rcp);
    scoped.Statement[0].Resource = 'arn:aws:iam::*:role/deploy-*';
    const withRole = (roleArn) => lib.evaluate(loose, evil, { rcps: [scoped], roleArn }).decision;
    equal(withRole(undefined), 'allow');
    equal(withRole('arn:aws:iam::111122223333:role/deploy-api'), 'deny');
    equal(withRole('arn:aws:iam::111122223333:role/admin'), 'allow');
    // What Organizations refuses in an RCP is an error located in that RCP.
    const err = throwsCode(() => lib.evaluate(loose, evil, { rcps: [rcp, rcp.replace('"Deny"', '"Allow"')] }), 'rcp-allow');
    equal(err.input, 'rcp');
    equal(err.index, 1);
    equal(err.pointer, '/Statement/0/Effect');
    equal(err.line, 6);
    throwsCode(() => lib.compile(loose, { rcps: rcp }), 'invalid-option');
    throwsCode(() => lib.lint(loose, { rcps: [42] }), 'invalid-option');
    throwsCode(() => lib.whoCan(loose, { rcps: [{ name: 7, policy: rcp }] }), 'invalid-option');
  });

  // --- Terraform (oidc-trust/terraform): the Rust corpus, read the same --------------
  const terraformSummary = (result) => ({
    policies: result.policies.map((p) => ({
      resource: p.resource,
      file: p.file,
      findings: p.report.findings
        .map((f) => {
          const s = f.location.span;
          return `${f.severity} ${f.code} ${f.location.file ?? p.file ?? ''}:${s ? `${s.start.line}:${s.start.column}` : ''}`;
        })
        .sort(),
    })),
    problems: result.diagnostics.map((d) => `${d.severity === 'error' ? 'error' : 'warning'} ${d.code} ${d.file}:${d.line === null ? '' : `${d.line}:${d.column}`}`),
  });
  for (const c of fixtures.terraform) {
    add(`terraform corpus: ${c.name}`, () => {
      deepEqual(terraformSummary(lib.lintTerraform(c.files)), c.expected, c.name);
    });
  }

  add('terraform: a pasted block evaluates with the trace located in the HCL', () => {
    const tf = fixtures.terraform.find((c) => c.name === '13-policy-document');
    const text = tf.files['main.tf'];
    const source = lib.readTerraform(text);
    try {
      ok(source.policies.length >= 1, 'a policy');
      const p = source.policies[0];
      const parsed = JSON.parse(p.policy);
      ok(Array.isArray(parsed.Statement), 'the rendered policy is JSON');
      const sub = parsed.Statement[0].Condition.StringEquals?.['token.actions.githubusercontent.com:sub']
        ?? parsed.Statement[0].Condition.StringLike?.['token.actions.githubusercontent.com:sub'];
      const subject = Array.isArray(sub) ? sub[0] : sub;
      const claims = { iss: 'https://token.actions.githubusercontent.com', aud: 'sts.amazonaws.com', sub: subject.replace('*', 'x') };
      const e = source.evaluate(claims, { resource: p.resource ?? undefined });
      equal(e.decision, lib.evaluate(p.policy, claims).decision, 'the same verdict as the JSON');
      const condition = e.statements[0].conditions.find((x) => e.locations[x.keyAt].text.endsWith(':sub'));
      const at = e.locations[condition.keyAt].span;
      ok(at, 'located');
      const line = text.split('\n')[at.start.line - 1];
      ok(line.includes('token.actions.githubusercontent.com:sub') || line.includes('variable'), `points into the HCL: ${line}`);
    } finally {
      source.free();
    }
  });

  add('terraform: a bare jsonencode value, vars, and errors located per file', () => {
    const fragment = 'jsonencode({\n  Version = "2012-10-17"\n  Statement = [{ Effect = "Allow", Action = "sts:AssumeRoleWithWebIdentity",\n    Principal = { Federated = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" },\n    Condition = { StringLike = { "token.actions.githubusercontent.com:sub" = "repo:${var.org}/*" } } }]\n})';
    const [policy] = lib.lintTerraform(fragment).policies;
    const codes = policy.report.findings.map((f) => f.code);
    ok(codes.includes('unresolved-value'), 'var.org is unknown');
    ok(codes.includes('admits-sibling-repo') || codes.includes('admits-other-org'), `still wide: ${codes}`);
    const wide = policy.report.findings.find((f) => f.code === 'unresolved-value');
    equal(wide.location.span.start.line, 5, 'on the subject line');
    const module = { 'main.tf': 'variable "org" {}\n' + fragment.replace('jsonencode(', 'resource "aws_iam_role" "r" {\n  assume_role_policy = jsonencode(') + '\n}\n' };
    const withVar = lib.lintTerraform(module, { vars: { org: 'acme' } }).policies[0];
    ok(!withVar.report.findings.some((f) => f.code === 'unresolved-value'), 'given with vars');
    ok(withVar.report.findings.some((f) => f.message.includes('acme')), 'judged with the value');
    const broken = lib.lintTerraform({ 'a.tf': 'resource "x" {\n  a = \n}\n', 'b.tf': module['main.tf'] }, { vars: { org: 'acme' } });
    equal(broken.policies.length, 1, 'the good file is still read');
    const [problem] = broken.diagnostics;
    equal(problem.code, 'hcl-syntax');
    equal(problem.file, 'a.tf');
    equal(problem.line, 2);
    throwsCode(() => lib.readTerraform(42), 'invalid-argument');
    throwsCode(() => lib.readTerraform('x', { vars: { org: 1 } }), 'invalid-option');
    throwsCode(() => lib.readTerraform('x', { colour: 1 }), 'unknown-option');
    const two = lib.readTerraform(fixtures.terraform.find((c) => c.name === '21-for-each-roles').files);
    try {
      throwsCode(() => two.evaluate({ sub: 'x' }), 'several-policies');
      throwsCode(() => two.evaluate({ sub: 'x' }, { resource: 'nope' }), 'unknown-resource');
    } finally {
      two.free();
    }
  });

  // --- tokens ----------------------------------------------------------------------
  add('decodeToken: header, claims, signed, and expiry at `now`', () => {
    const d = lib.decodeToken(fixtures.jwt, { now: 1787166800 });
    deepEqual(d.claims, JSON.parse(fixtures.tokens.main), 'payload = examples/tokens/main.json');
    equal(d.header.alg, 'RS256');
    equal(d.signed, true);
    ok(!d.notes.some((n) => n.code === 'token-expired'), 'valid at now');
    const later = lib.decodeToken(fixtures.jwt, { now: '2030-01-01T00:00:00Z' });
    ok(later.notes.some((n) => n.code === 'token-expired'), 'expired later');
    throwsCode(() => lib.decodeToken('a.b'), undefined);
    throwsCode(() => lib.decodeToken(42), 'invalid-argument');
  });

  // --- oidc-trust/generate: the CLI's outputs, from the same intent ------------------
  for (const c of fixtures.generate) {
    add(`generate equals the CLI: ${c.name}`, () => {
      ok(c.cli.policy !== null, `the CLI generated ${c.name}`);
      const g = lib.generate(c.intent);
      for (const key of ['policy', 'terraform', 'cloudformation', 'workflow', 'ghSub']) equal(g[key], c.cli[key], key);
      ok(c.cli.summary.startsWith(`${g.summary}\n`), 'summary');
      for (const w of g.warnings) ok(c.cli.summary.includes(`Warning: ${w}`), `warning ${w}`);
      equal(g.layer3.length > 0 ? g.layer3.map((f) => `# ==> ${f.path} (${f.what})\n${f.content}`).join('\n') : null, c.cli.layer3, 'layer3');
      deepEqual(lib.generate(JSON.stringify(c.intent)), g, 'JSON text gives the same');
      // What it generates, lint passes: nothing at or above medium.
      const serious = lib.lint(g.policy).findings.filter((f) => ['critical', 'high', 'medium'].includes(f.severity));
      deepEqual(serious.map((f) => f.code), [], 'lint of the generated policy');
    });
  }

  add('generate refuses what a provider cannot express, with the field\'s pointer', () => {
    const account = '123456789012';
    const circle = throwsCode(() => lib.generate({ provider: 'circleci', account, repositories: ['11111111-2222-3333-4444-555555555555/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee'], branches: ['main'] }), 'invalid-intent');
    equal(circle.pointer, '/branches', 'pointer');
    const typo = throwsCode(() => lib.generate({ account, repositories: ['acme/api'], brances: ['main'] }), 'invalid-spec');
    equal(typo.pointer, '/brances', 'pointer');
    ok(typo.help.includes('branches'), 'a suggestion');
    equal(throwsCode(() => lib.generate({ account, repositories: ['acme/api'], branches: [true] }), 'invalid-spec').pointer, '/branches/0', 'a wrong type');
    equal(throwsCode(() => lib.generate({ account, repositories: [''], branches: ['main'] })).pointer, '/repositories/0', 'an empty name');
    equal(throwsCode(() => lib.generate({ account, repositories: ['acme/api'], branches: ['main'], workflow: '.github/workflows/d.yml' })).pointer, '/workflow', 'a workflow without @ref');
    equal(throwsCode(() => lib.generate({ account, repositories: ['acme/api'], branches: ['main'], layer3: true })).pointer, '/codeOwners', 'layer 3 without code owners');
    throwsCode(() => lib.generate(5), 'invalid-argument');
    throwsCode(() => lib.generate(null), 'invalid-argument');
    const cyclic = { account };
    cyclic.self = cyclic;
    throwsCode(() => lib.generate(cyclic), 'invalid-argument');
    throwsCode(() => lib.generate('{'), 'json-syntax');
    // The module stays usable after errors.
    ok(lib.generate({ account, repositories: ['acme/api'], branches: ['main'] }).policy.includes('repo:acme/api:ref:refs/heads/main'), 'still works');
  });

  return list;
}

// --- helpers ---------------------------------------------------------------------------

function fail(message) {
  throw new Error(message);
}

export function ok(value, message = 'expected a truthy value') {
  if (!value) fail(message);
}

export function equal(actual, expected, message = '') {
  if (!Object.is(actual, expected)) fail(`${message}: expected ${show(expected)}, got ${show(actual)}`);
}

/** Deep equality of JSON-like values; the message names the first differing path. */
export function deepEqual(actual, expected, message = '', path = '') {
  if (Object.is(actual, expected)) return;
  const kind = (v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  if (kind(actual) !== kind(expected) || typeof actual !== 'object') {
    fail(`${message} at ${path || '/'}: expected ${show(expected)}, got ${show(actual)}`);
  }
  const keys = new Set([...Object.keys(actual), ...Object.keys(expected)]);
  for (const k of keys) deepEqual(actual[k], expected[k], message, `${path}/${k}`);
}

function throwsCode(fn, code) {
  let result;
  try {
    result = fn();
  } catch (err) {
    if (!(err && err.name === 'OidcTrustError')) fail(`expected an OidcTrustError, got ${err && err.name}: ${err && err.message}`);
    if (code !== undefined) equal(err.code, code, `error code (${err.message})`);
    ok(typeof err.message === 'string' && err.message.length > 0, 'a message');
    ok(typeof err.help === 'string', 'a help text');
    return err;
  }
  return fail(`expected an error${code ? ` ${code}` : ''}, got ${show(result && result.decision ? result.decision : result)}`);
}

function show(v) {
  try {
    const s = JSON.stringify(v);
    return s && s.length > 120 ? `${s.slice(0, 117)}...` : String(s);
  } catch {
    return String(v);
  }
}

// Small deterministic generator (mulberry32) so a failure reproduces.
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(text, rand, alphabet) {
  const chars = [...text];
  const edits = 1 + Math.floor(rand() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rand() * chars.length);
    const pick = [...alphabet][Math.floor(rand() * [...alphabet].length)];
    const op = rand();
    if (op < 0.4) chars[at] = pick;
    else if (op < 0.7) chars.splice(at, 1);
    else if (op < 0.9) chars.splice(at, 0, pick);
    else chars.splice(at, Math.floor(rand() * 40));
  }
  return chars.join('');
}
