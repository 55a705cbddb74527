// The lint API of the npm package (`oidc-trust/lint`): findings proven by attacker replay.
// Its own WebAssembly module: the attacker models, the replay and the rules' text are as
// large as the evaluator, which keeps the main module small and fast. Like api.js, this
// file keeps to top-level `export function|const` so the build can derive lint-impl.cjs;
// its one import is rewritten to a require.
import { call, describe, optionalString, policyText, rcpsOption, usage, moduleSlot } from './api.js';

const slot = moduleSlot('lint', 'oidc-trust/lint');

/** Internal: installs the loaded lint glue. Not part of the public API. */
export function bindLint(glue) {
  slot.bind(glue);
}

/**
 * Lints a policy: findings (holes proven by attacker replay, and mistakes), warnings, and
 * the replay itself. A policy IAM would refuse throws, with every error.
 */
export function lint(policy, options) {
  const glue = slot.get();
  const text = policyText(policy);
  if (options !== undefined && options !== null && (typeof options !== 'object' || Array.isArray(options))) {
    throw usage('invalid-option', `the options must be an object, got ${describe(options)}`, 'e.g. { account: "123456789012" }');
  }
  const o = options ?? {};
  for (const name of Object.keys(o)) {
    if (!['account', 'catalog', 'rcps', 'roleArn'].includes(name)) {
      throw usage('unknown-option', `unknown lint option \`${name}\``, 'the lint options are account, catalog, rcps, roleArn', `/${name}`);
    }
  }
  const [rcps, names, role] = rcpsOption(o);
  return JSON.parse(call(() => glue.lint(text, optionalString(o, 'account'), optionalString(o, 'catalog'), rcps, names, role)));
}

