// Node, ES modules: `import` resolves the package's `node` + `import` condition.
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import * as main from 'oidc-trust';
import * as analysis from 'oidc-trust/analysis';
import * as terraform from 'oidc-trust/terraform';
import * as generator from 'oidc-trust/generate';
import { cases } from './suite.mjs';

const lib = { ...main, ...analysis, ...terraform, ...generator };
const fixtures = JSON.parse(readFileSync(new URL('./fixtures.json', import.meta.url), 'utf8'));
for (const { name, fn } of cases(lib, fixtures)) test(`esm: ${name}`, fn);
