// Builds the GitHub Action's action/dist/: its entry (action/index.mjs), the CLI built for
// WASI and the runner that starts it on Node — everything the step needs, so nothing is
// installed when it runs. dist/ is committed (actions run from the repository as it is);
// `--check` rebuilds into a temporary folder and fails when the committed copy differs,
// which the test command runs. The CLI build is reproducible (wasm/cli-build.mjs).
//
//   node action/build.mjs            rebuild action/dist/
//   node action/build.mjs --check    is action/dist/ what this source builds?
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCli } from '../wasm/cli-build.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const dist = join(here, 'dist');

function build(out) {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  copyFileSync(join(here, 'index.mjs'), join(out, 'index.mjs'));
  copyFileSync(join(root, 'wasm', 'js', 'cli.mjs'), join(out, 'cli.mjs'));
  buildCli(out);
}

if (process.argv.includes('--check')) {
  const fresh = mkdtempSync(join(tmpdir(), 'oidc-trust-action-'));
  build(fresh);
  const names = [...new Set([...readdirSync(fresh), ...readdirSync(dist)])].sort();
  const stale = names.filter((n) => {
    try {
      return !readFileSync(join(fresh, n)).equals(readFileSync(join(dist, n)));
    } catch {
      return true;
    }
  });
  rmSync(fresh, { recursive: true, force: true });
  for (const n of names) console.log(`${stale.includes(n) ? 'not ok' : 'ok'} - action/dist/${n} is what the source builds`);
  if (stale.length) console.log('  run `node action/build.mjs` and commit action/dist/');
  console.log(`${names.length - stale.length} passed, ${stale.length} failed`);
  process.exitCode = stale.length ? 1 : 0;
} else {
  build(dist);
  console.log(`action/dist/: ${readdirSync(dist).join(', ')}`);
}
