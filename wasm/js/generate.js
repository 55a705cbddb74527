// The generator of the npm package (`oidc-trust/generate`): a hardened trust policy and
// everything around it (Terraform, CloudFormation, the CI file, `gh api` calls, layer 3)
// from an intent, as `oidc-trust generate --spec` reads it. Its own WebAssembly module:
// the generator's templates do not fit the main module's size budget.
// Like api.js, this file keeps to top-level `export function|const` so the build can derive
// generate-impl.cjs; its one import is rewritten to a require.
import { call, describe, usage, moduleSlot } from './api.js';

const slot = moduleSlot('generator', 'oidc-trust/generate');

/** Internal: installs the loaded generator glue. Not part of the public API. */
export function bindGenerate(glue) {
  slot.bind(glue);
}

/**
 * Generates a trust policy and its artefacts from an intent (an object, or its JSON text):
 * { policy, terraform, cloudformation, workflow, workflowPath, ghSub, summary, warnings,
 * includeClaimKeys, issuer, audience, roleArn, layer3 }. An intent the provider cannot
 * express throws an OidcTrustError whose pointer names the field (`/branches`).
 */
export function generate(intent) {
  const glue = slot.get();
  let text;
  if (typeof intent === 'string') {
    text = intent;
  } else if (intent !== null && typeof intent === 'object' && !Array.isArray(intent)) {
    try {
      text = JSON.stringify(intent);
    } catch (e) {
      throw usage('invalid-argument', `the intent cannot be read as JSON: ${e.message}`, 'pass a plain object (no cycles, no BigInt)', '', 'spec');
    }
  } else {
    throw usage('invalid-argument', `the intent must be an object, got ${describe(intent)}`,
      'e.g. { provider: "github", account: "123456789012", repositories: ["acme/api"], branches: ["main"] }', '', 'spec');
  }
  return JSON.parse(call(() => glue.generate(text)));
}
