// The SARIF that `oidc-trust lint --format sarif` writes, checked against SARIF 2.1.0 as
// typed from its JSON schema (@types/sarif): every file of the lint fixtures becomes a
// TypeScript object literal of type `Log`, which tsc checks for missing required fields,
// unknown properties and wrong enum values. Ends with "N passed, N failed".
//
//   node tests/sarif/check.mjs [path/to/oidc-trust]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = process.argv[2] ?? join(root, 'target', 'release', 'oidc-trust');
const inputs = [
  'examples/policies/basic-repo.json',
  'examples/policies/hardening-layer2.json',
  ...readdirSync(join(root, 'tests/fixtures/sources'))
    .filter((f) => !f.startsWith('broken'))
    .map((f) => `tests/fixtures/sources/${f}`),
  // A whole tree: Terraform modules, and a broken file as a tool notification.
  'tests/terraform/cases',
];
// Exit 2 (a file could not be read) is expected where a broken file is part of the input.
const expectedStatus = (input) => (input === 'tests/terraform/cases' ? 2 : 0);
const work = mkdtempSync(join(tmpdir(), 'oidc-trust-sarif-'));
let passed = 0;
let failed = 0;
for (const input of inputs) {
  const out = spawnSync(bin, ['lint', input, '--format', 'sarif', '--fail-on', 'never'], { cwd: root, encoding: 'utf8' });
  const name = input.replace(/[^a-z0-9]+/gi, '_');
  let ok = out.status === expectedStatus(input);
  let detail = out.stderr;
  if (ok) {
    const log = JSON.parse(out.stdout);
    ok = log.runs[0].results.length > 0 || input.includes('hardening');
    writeFileSync(join(work, `${name}.ts`), `import type { Log } from 'sarif';\nexport const log: Log = ${out.stdout};\n`);
  }
  console.log(`${ok ? 'ok' : 'not ok'} - sarif produced for ${input}${ok ? '' : `\n  ${detail}`}`);
  ok ? passed++ : failed++;
}
writeFileSync(join(work, 'tsconfig.json'), JSON.stringify({
  compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', typeRoots: [join(root, 'node_modules', '@types')], types: [] },
  include: ['*.ts'],
}));
const tsc = spawnSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', work], { encoding: 'utf8' });
if (tsc.status === 0) {
  passed++;
  console.log('ok - every SARIF log type-checks as SARIF 2.1.0 (@types/sarif)');
} else {
  failed++;
  console.log(`not ok - SARIF type check\n${tsc.stdout}${tsc.stderr}`);
}
rmSync(work, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
