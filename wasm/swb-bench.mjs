// The boundary measurement: serde-wasm-bindgen against the JSON-text path, each direction
// (objects in: claims, intents; results out: traces, findings; decisions), in Node.
// Builds the main and generator modules with the `swb-bench` feature (both paths in one
// module, so the engine work is the same), times each call as a caller makes it, and
// prints the sizes of the published modules beside the measurement builds.
// Figures, not assertions: BENCHMARKS.md records them.
//
//   npm --prefix wasm run build && node wasm/swb-bench.mjs
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { copyGlue } from './glue.mjs';
import { measure } from './measure.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const require = createRequire(import.meta.url);
const local = (bin) => (existsSync(join(root, 'node_modules', '.bin', bin)) ? join(root, 'node_modules', '.bin', bin) : bin);
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });

// Each module as the package builds it (wasm/build.mjs): the main one at "s", the generator at "z".
function build(name, features, profile, opt) {
  const target = join(root, 'target', `swb-${name}`);
  run('cargo', ['build', '--quiet', '-p', 'oidc-trust-wasm', '--target', 'wasm32-unknown-unknown', '--profile', profile, '--target-dir', target, '--features', features]);
  const out = join(target, 'glue');
  run('wasm-bindgen', ['--target', 'nodejs', '--no-typescript', '--out-name', name, '--out-dir', out, join(target, 'wasm32-unknown-unknown', profile, 'oidc_trust_wasm.wasm')]);
  run(local('wasm-opt'), [opt, join(out, `${name}_bg.wasm`), '-o', join(out, `${name}_bg.wasm`)]);
  // The package's glue (wasm/glue.mjs), as a caller gets it; CommonJS for require().
  copyGlue(join(out, `${name}.js`), join(out, `${name}.cjs`));
  return { glue: require(join(out, `${name}.cjs`)), wasm: join(out, `${name}_bg.wasm`) };
}

const main = build('swb_main', 'swb-bench', 'wasm-npm-fast', '-Os');
const gen = build('swb_generate', 'generate,swb-bench', 'wasm-npm', '-Oz');

const read = (p) => readFileSync(join(root, p), 'utf8');
const policy = read('examples/policies/hardening-layer2.json');
const claims = JSON.parse(read('examples/tokens/main.json'));
const compiled = main.glue.compile(policy, undefined, undefined, undefined, false, undefined, '1787166800', [], [], [], undefined);
const names = JSON.parse(compiled.claimNames());
const only = (c) => Object.fromEntries(Object.entries(c).filter(([k]) => names.includes(k.toLowerCase())));
const intent = { account: '123456789012', repositories: [{ repo: 'acme/api', id: '74', ownerId: '65' }], branches: ['main'], environments: ['production'],
  workflow: '.github/workflows/deploy.yml@refs/heads/main', actors: ['release-bot'], customSubject: true };

// The same answers both ways, or the comparison means nothing.
const viaText = JSON.parse(compiled.evaluate(JSON.stringify(claims)));
const viaSwb = compiled.evaluateSwbSwb(claims);
if (viaText.decision !== viaSwb.decision || viaText.statements.length !== viaSwb.statements.length) throw new Error('the two paths disagree');
if (JSON.stringify(JSON.parse(main.glue.lintText(policy))) !== JSON.stringify(main.glue.lintSwb(policy))) throw new Error('lint differs between paths');

const rows = [];
const pair = (what, text, swb) => {
  const t = measure(text, 1, 400);
  const s = measure(swb, 1, 400);
  rows.push([what, t, s]);
};
pair('claims object in → trace object out', () => JSON.parse(compiled.evaluate(JSON.stringify(claims))), () => compiled.evaluateSwbSwb(claims));
pair('claims object in (trace as text out)', () => compiled.evaluate(JSON.stringify(claims)), () => compiled.evaluateSwbText(claims));
pair('trace out (claims as text in)', () => JSON.parse(compiled.evaluate(JSON.stringify(claims))), () => compiled.evaluateTextSwb(JSON.stringify(claims)));
pair('claims object in → decision', () => compiled.decide(JSON.stringify(only(claims))), () => compiled.decideSwb(claims));
pair('lint report (findings) out', () => JSON.parse(main.glue.lintText(policy)), () => main.glue.lintSwb(policy));
pair('intent object in → every artefact', () => JSON.parse(gen.glue.generate(JSON.stringify(intent))), () => JSON.parse(gen.glue.generateSwb(intent)));

const us = (ns) => `${(ns / 1000).toFixed(2)} µs`;
console.log(`Node ${process.version}; median of 7 samples per call\n`);
console.log('| Direction | JSON text | serde-wasm-bindgen | text ÷ swb |');
console.log('|---|---:|---:|---:|');
for (const [what, t, s] of rows) console.log(`| ${what} | ${us(t)} | ${us(s)} | ${(t / s).toFixed(2)}× |`);

const size = (file) => {
  const b = readFileSync(file);
  return `${(b.length / 1000).toFixed(1)} KB raw, ${(gzipSync(b, { level: 9 }).length / 1000).toFixed(1)} KB gzip`;
};
console.log(`\nmain module: published ${size(join(here, 'pkg', 'oidc_trust_wasm_bg.wasm'))}; with the serde-wasm-bindgen exports added ${size(main.wasm)}`);
console.log(`generator module: published ${size(join(here, 'pkg', 'oidc_trust_generate_bg.wasm'))}; with generateSwb added ${size(gen.wasm)}`);
