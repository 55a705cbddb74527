// The CLI built for WASI (`npx oidc-trust`, the GitHub Action) against the native binary:
// start-up and a few real runs, wall time as a user waits for it (process start included),
// median of 7; and the size of what npx downloads. Figures, not assertions.
//
//   node bench/cli.mjs [--json FILE]      (after npm --prefix wasm run build)
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const native = join(root, 'target', 'release', 'oidc-trust');
const wasi = join(root, 'wasm', 'pkg', 'cli.mjs');
const runs = [
  ['--version'],
  ['lint', 'examples/policies/basic-repo.json'],
  ['lint', 'examples/terraform/main.tf'],
  ['lint', 'tests/terraform/cases', '--format', 'sarif'],
];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function time(cmd, args) {
  const samples = [];
  for (let i = 0; i < 7; i++) {
    const t = process.hrtime.bigint();
    spawnSync(cmd, args, { cwd: root, stdio: 'ignore', env: { ...process.env, NO_COLOR: '1' } });
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return median(samples);
}
const figures = runs.map((args) => ({
  args: args.join(' '),
  nativeMs: time(native, args),
  wasiMs: time(process.execPath, [wasi, ...args]),
}));
const bytes = readFileSync(join(root, 'wasm', 'pkg', 'oidc_trust_cli.wasm'));
const size = { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
for (const f of figures) console.log(`${f.args.padEnd(48)} native ${f.nativeMs.toFixed(1).padStart(7)} ms   npx/WASI ${f.wasiMs.toFixed(1).padStart(7)} ms`);
console.log(`oidc_trust_cli.wasm: ${(size.raw / 1e6).toFixed(2)} MB raw, ${(size.gzip / 1e6).toFixed(2)} MB gzip`);
const at = process.argv.indexOf('--json');
if (at > 0) writeFileSync(process.argv[at + 1], JSON.stringify({ figures, size, node: process.version }, null, 2));
