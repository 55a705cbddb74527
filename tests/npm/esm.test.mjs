// Node, ES modules: `import` resolves the package's `node` + `import` condition.
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import * as main from 'oidc-trust';
import * as linter from 'oidc-trust/lint';
import * as analysis from 'oidc-trust/analysis';
import * as terraform from 'oidc-trust/terraform';
import * as generator from 'oidc-trust/generate';
import { cases } from './suite.mjs';

const lib = { ...main, ...linter, ...analysis, ...terraform, ...generator };
const fixtures = JSON.parse(readFileSync(new URL('./fixtures.json', import.meta.url), 'utf8'));
for (const { name, fn } of cases(lib, fixtures)) test(`esm: ${name}`, fn);
test('esm: lint is its own module, with the one error class', () => {
  if ('lint' in main) throw new Error('the main module still exports lint');
  if (linter.OidcTrustError !== main.OidcTrustError) throw new Error('one error class');
});
