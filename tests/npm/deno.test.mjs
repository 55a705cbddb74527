// Deno: the package resolves through node_modules with the `deno` condition (web build,
// loaded with fetch from a file URL: needs --allow-read). No remote imports.
import * as lib from 'oidc-trust';
import { cases } from './suite.mjs';

const fixtures = JSON.parse(await Deno.readTextFile(new URL('./fixtures.json', import.meta.url)));
for (const { name, fn } of cases(lib, fixtures)) Deno.test(`deno: ${name}`, fn);
