// Builds the oidc-trust CLI for WASI (wasm32-wasip1) into a folder, with the runner that
// Node's WASI needs (cli-run.mjs): what `npx oidc-trust` and the GitHub Action run. The
// build is reproducible — source paths are remapped, so every clone gives the same bytes —
// which lets the test command check the Action's committed copy against a fresh build.
//
//   node wasm/cli-build.mjs OUT_DIR
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

function tool(bin) {
  const local = join(root, 'node_modules', '.bin', bin);
  return existsSync(local) ? local : bin;
}

/** Builds `OUT/oidc_trust_cli.wasm` and `OUT/cli-run.mjs`. */
export function buildCli(out) {
  const targetDir = join(root, 'target', 'wasi');
  const cargoHome = process.env.CARGO_HOME ?? join(process.env.HOME ?? '', '.cargo');
  const remap = [`--remap-path-prefix=${root}=/oidc-trust`, `--remap-path-prefix=${join(cargoHome, 'registry', 'src')}=/cargo`].join(' ');
  execFileSync('cargo', ['build', '--quiet', '--locked', '-p', 'oidc-trust-cli', '--target', 'wasm32-wasip1', '--profile', 'wasm-release', '--target-dir', targetDir], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, RUSTFLAGS: remap },
  });
  const built = join(targetDir, 'wasm32-wasip1', 'wasm-release', 'oidc-trust.wasm');
  mkdirSync(out, { recursive: true });
  // -O2, not -Oz: the same size within 3 %, and the CLI is run, not downloaded per page.
  execFileSync(tool('wasm-opt'), ['-O2', '--enable-bulk-memory', '--enable-sign-ext', '--enable-nontrapping-float-to-int', '--enable-mutable-globals', built, '-o', join(out, 'oidc_trust_cli.wasm')], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  copyFileSync(join(here, 'js', 'cli-run.mjs'), join(out, 'cli-run.mjs'));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: node wasm/cli-build.mjs OUT_DIR');
    process.exit(2);
  }
  buildCli(out);
}
