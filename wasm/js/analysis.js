// The analysis API of the npm package (`oidc-trust/analysis`): exactly who can assume
// the role, proofs, and policy diffs. Its own WebAssembly module keeps the main one small.
// Like api.js, this file keeps to top-level `export function|const` so the build can
// derive analysis.cjs; its one import is rewritten to a require.
import { call, describe, escapePointer, optionalString, policyText, rcpsOption, usage, moduleSlot } from './api.js';

const slot = moduleSlot('analysis', 'oidc-trust/analysis');

/** Internal: installs the loaded analysis glue. Not part of the public API. */
export function bindAnalysis(glue) {
  slot.bind(glue);
}

/**
 * Who can assume the role, exactly: per issuer, the admitted cases with a token each.
 * Options: `issuer`, and the organisation's `rcps` (with `roleArn`) to subtract.
 */
export function whoCan(policy, options) {
  const glue = slot.get();
  const text = policyText(policy);
  const o = options ?? {};
  const issuer = optionalString(o, 'issuer');
  const [rcps, names, role] = rcpsOption(o);
  return JSON.parse(call(() => glue.whoCan(text, issuer, rcps, names, role)));
}

/**
 * Proves every token the policy admits meets `only` ({ claim: glob }), or returns a
 * counterexample: { result: "proved" | "counterexample" | "inconclusive", ... }.
 */
export function prove(policy, only, options) {
  const glue = slot.get();
  const text = policyText(policy);
  if (only === null || typeof only !== 'object' || Array.isArray(only) || Object.keys(only).length === 0) {
    throw usage('invalid-argument', `the constraints must be an object of claim → glob, got ${describe(only)}`, 'e.g. { sub: "repo:acme/api:ref:refs/heads/*" }', '', 'options');
  }
  const flat = [];
  for (const [claim, glob] of Object.entries(only)) {
    if (typeof glob !== 'string') throw usage('invalid-argument', `constraint \`${claim}\` must be a glob string`, 'e.g. "repo:acme/*"', `/${escapePointer(claim)}`);
    flat.push(claim, glob);
  }
  const o = options ?? {};
  let issuer = optionalString(o, 'issuer');
  if (issuer === undefined) {
    const issuers = whoCan(text).map((r) => r.issuer);
    if (issuers.length !== 1) throw usage('invalid-option', `the policy trusts ${issuers.length} OIDC issuers`, 'name one: { issuer: "token.actions.githubusercontent.com" }', '/issuer');
    issuer = issuers[0];
  }
  const [rcps, names, role] = rcpsOption(o);
  return JSON.parse(call(() => glue.prove(text, issuer, flat, rcps, names, role)));
}

/** What a policy change newly admits and refuses, per issuer, with a token each. */
export function diff(oldPolicy, newPolicy) {
  const glue = slot.get();
  const a = policyText(oldPolicy);
  const b = policyText(newPolicy);
  return JSON.parse(call(() => glue.diff(a, b)));
}

