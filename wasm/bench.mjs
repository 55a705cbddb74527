// Node benchmark of the built npm package (wasm/pkg): what a JS caller pays per call,
// boundary included. Figures, not assertions: CI never times anything.
//
//   npm --prefix wasm run build && npm --prefix wasm run bench [-- --json FILE]
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { measure } from './measure.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const lib = { ...(await import(join(here, 'pkg', 'node.js'))), ...(await import(join(here, 'pkg', 'lint-node.js'))) };
const terraform = await import(join(here, 'pkg', 'terraform-node.js'));
const generator = await import(join(here, 'pkg', 'generate-node.js'));
const read = (p) => readFileSync(join(root, p), 'utf8');

const policies = ['basic-repo', 'hardening-layer2', 'hardening-layer4'].map((n) => [n, read(`examples/policies/${n}.json`)]);
const jwt = read('examples/tokens/main.jwt').trim();
const claimsText = read('examples/tokens/main.json');
const claims = JSON.parse(claimsText);
const batch = Array.from({ length: 1000 }, (_, i) => ({ ...claims, run_id: String(i) }));
const now = 1787166800;

const fmt = (ns) => (ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(2)} µs` : `${ns.toFixed(0)} ns`);
const rows = [];
const figures = [];
const stages = [];
const row = (name, ns) => {
  figures.push({ name, ns });
  rows.push([name, fmt(ns), `${Math.round(1e9 / ns).toLocaleString('en-US')}/s`]);
};

for (const [name, text] of policies) {
  const compiled = lib.compile(text, { now });
  row(`${name}: evaluate(policy, jwt) one-shot`, measure(() => lib.evaluate(text, jwt, { now })));
  row(`${name}: compile(policy)`, measure(() => lib.compile(text, { now }).free()));
  row(`${name}: compiled.evaluate(jwt), explanation read`, measure(() => compiled.evaluate(jwt).statements));
  row(`${name}: compiled.evaluate(claims object), decision and reason read`, measure(() => compiled.evaluate(claims).reason));
  row(`${name}: compiled.evaluate(claims object), explanation read`, measure(() => compiled.evaluate(claims).statements));
  row(`${name}: compiled.decide(jwt)`, measure(() => compiled.decide(jwt)));
  row(`${name}: compiled.decide(claims object)`, measure(() => compiled.decide(claims)));
  row(`${name}: compiled.evaluateMany(1000), per token`, measure(() => compiled.evaluateMany(batch), batch.length, 1000));
  row(`${name}: compiled.decideMany(1000), per token`, measure(() => compiled.decideMany(batch), batch.length, 1000));
  compiled.free();
}
row('decodeToken(jwt)', measure(() => lib.decodeToken(jwt, { now })));
row('lint(basic-repo) with attacker replay', measure(() => lib.lint(policies[0][1])));
row('parsePolicy(hardening-layer4)', measure(() => lib.parsePolicy(policies[2][1])));
// Terraform: a module of the corpus read, and read + linted with every location in the HCL.
const tfCase = 'tests/terraform/cases/13-policy-document/main.tf';
const tfText = read(tfCase);
row('readTerraform(aws_iam_policy_document) + free', measure(() => terraform.readTerraform(tfText).free()));
row('lintTerraform(aws_iam_policy_document), located', measure(() => terraform.lintTerraform(tfText)));
// The generator: a layers-1-2-4 intent, every artefact out; with layer 3's controls.
const intent = { account: '123456789012', repositories: [{ repo: 'acme/api', id: '74', ownerId: '65' }], branches: ['main'], environments: ['production'],
  workflow: '.github/workflows/deploy.yml@refs/heads/main', actors: ['release-bot'], customSubject: true };
row('generate(intent), every artefact', measure(() => generator.generate(intent)));
row('generate(intent + layer 3)', measure(() => generator.generate({ ...intent, layer3: true, codeOwners: ['@acme/platform'], reviewers: ['acme/sre'] })));
// Where a full-trace call's time goes, stage by stage, through the raw layer (layer-2 policy,
// the main token as claims text): reading the claims and deciding; building the trace and
// writing it as JSON (v2); JSON.parse of that text in JS; and the claims object's
// JSON.stringify on the way in.
{
  const glue = await import(join(here, 'pkg', 'oidc_trust_wasm.js'));
  glue.initSync({ module: readFileSync(join(here, 'pkg', 'oidc_trust_wasm_bg.wasm')) });
  const raw = glue.compile(policies[1][1], undefined, undefined, undefined, false, undefined, String(now), [], [], [], undefined);
  const text = JSON.stringify(claims);
  const traceText = raw.evaluate(text);
  stages.push(
    ['JSON.stringify(claims object)', measure(() => JSON.stringify(claims))],
    ['read claims + request + decision and reason (raw verdict)', measure(() => raw.verdict(text))],
    ['read claims + request + full trace + v2 JSON (raw evaluate)', measure(() => raw.evaluate(text))],
    [`JSON.parse of the v2 trace (${traceText.length} B)`, measure(() => JSON.parse(traceText))],
  );
  raw.free();
}
// Trace size: the seed's basic policy and the main token, compact JSON (v1 from the CLI's
// --trace-version 1, when the release binary is there).
const traceBytes = (() => {
  const basic = policies[0][1];
  const compiled = lib.compile(basic, { now });
  const perToken = JSON.stringify(compiled.evaluate(claims)).length;
  const table = JSON.stringify(compiled.locations).length;
  compiled.free();
  const oneShot = JSON.stringify(lib.evaluate(basic, claims, { now })).length;
  let v1;
  try {
    const out = execFileSync(join(root, 'target', 'release', 'oidc-trust'), ['eval', '--policy', 'examples/policies/basic-repo.json', '--claims', 'examples/tokens/main.json', '--now', String(now), '--format', 'json', '--trace-version', '1'], { cwd: root, encoding: 'utf8' });
    const { diagnostics, ...trace } = JSON.parse(out);
    v1 = JSON.stringify(trace).length;
  } catch {
    v1 = undefined;
  }
  return { perToken, table, oneShot, v1 };
})();
// The boundary's share: JSON.parse of a typical trace alone.
const traceJson = JSON.stringify(lib.evaluate(policies[1][1], jwt, { now }));
row(`(reference) JSON.parse of one trace, ${(traceJson.length / 1000).toFixed(1)} KB`, measure(() => JSON.parse(traceJson)));

const wasm = readFileSync(join(here, 'pkg', 'oidc_trust_wasm_bg.wasm'));
const width = Math.max(...rows.map((r) => r[0].length));
console.log(`oidc-trust npm package, Node ${process.version}; .wasm ${(wasm.length / 1000).toFixed(1)} KB raw, ${(gzipSync(wasm, { level: 9 }).length / 1000).toFixed(1)} KB gzip -9\n`);
for (const [name, t, rate] of rows) console.log(`${name.padEnd(width)}  ${t.padStart(9)}  ${rate.padStart(12)}`);
console.log(`\ntrace bytes (basic-repo, main token): v2 per token ${traceBytes.perToken}, table ${traceBytes.table}, one-shot ${traceBytes.oneShot}, v1 ${traceBytes.v1}`);
console.log('\nStages of compiled.evaluate(claims object) with the explanation read, hardening-layer2:');
for (const [name, ns] of stages) console.log(`  ${name.padEnd(62)}  ${fmt(ns).padStart(9)}`);

const jsonAt = process.argv.indexOf('--json');
if (jsonAt > 0) {
  writeFileSync(process.argv[jsonAt + 1], JSON.stringify({
    node: process.version,
    wasm: { raw: wasm.length, gzip: gzipSync(wasm, { level: 9 }).length },
    lintWasm: (() => {
      const l = readFileSync(join(here, 'pkg', 'oidc_trust_lint_bg.wasm'));
      return { raw: l.length, gzip: gzipSync(l, { level: 9 }).length };
    })(),
    analysisWasm: (() => {
      const a = readFileSync(join(here, 'pkg', 'oidc_trust_analysis_bg.wasm'));
      return { raw: a.length, gzip: gzipSync(a, { level: 9 }).length };
    })(),
    generateWasm: (() => {
      const g = readFileSync(join(here, 'pkg', 'oidc_trust_generate_bg.wasm'));
      return { raw: g.length, gzip: gzipSync(g, { level: 9 }).length };
    })(),
    terraformWasm: (() => {
      const t = readFileSync(join(here, 'pkg', 'oidc_trust_terraform_bg.wasm'));
      return { raw: t.length, gzip: gzipSync(t, { level: 9 }).length };
    })(),
    figures,
    stages: stages.map(([name, ns]) => ({ name, ns })),
    traceBytes,
  }, null, 2));
}
