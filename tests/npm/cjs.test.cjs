// Node, CommonJS: `require` resolves the package's `node` + `require` condition. The
// shared suite is an ES module, so it is registered from an async describe.
'use strict';
const { describe, it } = require('node:test');
const { readFileSync } = require('node:fs');
const path = require('node:path');
const lib = { ...require('oidc-trust'), ...require('oidc-trust/lint'), ...require('oidc-trust/analysis'), ...require('oidc-trust/terraform'), ...require('oidc-trust/generate') };

const fixtures = JSON.parse(readFileSync(path.join(__dirname, 'fixtures.json'), 'utf8'));
describe('cjs', async () => {
  const { cases } = await import('./suite.mjs');
  for (const { name, fn } of cases(lib, fixtures)) it(name, fn);
  it('require() gives the same functions on every call', () => {
    if (require('oidc-trust').evaluate !== lib.evaluate) throw new Error('module cache');
    if (require('oidc-trust/analysis').OidcTrustError !== lib.OidcTrustError) throw new Error('one error class');
    if (require('oidc-trust/lint').OidcTrustError !== lib.OidcTrustError) throw new Error('one error class');
    if ('lint' in require('oidc-trust')) throw new Error('the main module still exports lint');
  });
});
