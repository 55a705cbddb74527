// Deno: the package resolves through node_modules with the `deno` condition (web build,
// loaded with fetch from a file URL: needs --allow-read). No remote imports.
import * as main from 'oidc-trust';
import * as linter from 'oidc-trust/lint';
import * as analysis from 'oidc-trust/analysis';
import * as terraform from 'oidc-trust/terraform';
import * as generator from 'oidc-trust/generate';
import { cases } from './suite.mjs';

const lib = { ...main, ...linter, ...analysis, ...terraform, ...generator };
const fixtures = JSON.parse(await Deno.readTextFile(new URL('./fixtures.json', import.meta.url)));
for (const { name, fn } of cases(lib, fixtures)) Deno.test(`deno: ${name}`, fn);
