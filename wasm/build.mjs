// Builds the npm package `oidc-trust` into wasm/pkg/:
//   cargo (wasm32, size profile) → wasm-bindgen (web + nodejs glue) → wasm-opt -Oz →
//   hand-written API layer and entry points → package.json, README, LICENSE, types.
// One .wasm serves every runtime: wasm-bindgen emits byte-identical modules for its
// targets (checked below), so only the JS glue differs.
//
//   node build.mjs [--dev]    --dev: skip wasm-opt (faster, larger)
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const pkg = join(here, 'pkg');
const scratch = join(root, 'target', 'npm-glue');
const name = 'oidc_trust_wasm';
const dev = process.argv.includes('--dev');

function run(cmd, args) {
  execFileSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
}

function tool(bin) {
  const local = join(root, 'node_modules', '.bin', bin);
  return existsSync(local) ? local : bin;
}

run('cargo', ['build', '--quiet', '-p', 'oidc-trust-wasm', '--target', 'wasm32-unknown-unknown', '--profile', 'wasm-npm']);
const built = join(root, 'target', 'wasm32-unknown-unknown', 'wasm-npm', `${name}.wasm`);

rmSync(scratch, { recursive: true, force: true });
for (const target of ['web', 'nodejs']) {
  run('wasm-bindgen', ['--target', target, '--no-typescript', '--out-dir', join(scratch, target), built]);
}
const digest = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');
if (digest(join(scratch, 'web', `${name}_bg.wasm`)) !== digest(join(scratch, 'nodejs', `${name}_bg.wasm`))) {
  throw new Error('wasm-bindgen emitted different modules for web and nodejs: the package needs one per target');
}

rmSync(pkg, { recursive: true, force: true });
mkdirSync(pkg);
const wasmOut = join(pkg, `${name}_bg.wasm`);
if (dev) {
  copyFileSync(join(scratch, 'web', `${name}_bg.wasm`), wasmOut);
} else {
  // wasm-opt from npm binaryen: Debian's older build silently corrupts this output.
  run(tool('wasm-opt'), ['-Oz', join(scratch, 'web', `${name}_bg.wasm`), '-o', wasmOut]);
}
copyFileSync(join(scratch, 'web', `${name}.js`), join(pkg, `${name}.js`));
copyFileSync(join(scratch, 'nodejs', `${name}.js`), join(pkg, `${name}.cjs`));

const js = join(here, 'js');
for (const file of ['api.js', 'node.js', 'web.js', 'index.cjs', 'index.d.ts', 'README.md']) {
  copyFileSync(join(js, file), join(pkg, file));
}
// The same declarations serve `require`: TypeScript wants a .d.cts beside a .cjs.
copyFileSync(join(js, 'index.d.ts'), join(pkg, 'index.d.cts'));
writeFileSync(join(pkg, 'api.cjs'), toCommonJs(readFileSync(join(js, 'api.js'), 'utf8')));
copyFileSync(join(root, 'LICENSE'), join(pkg, 'LICENSE'));

const version = readFileSync(join(root, 'Cargo.toml'), 'utf8').match(/\[workspace\.package\][^[]*?\nversion = "([^"]+)"/)?.[1];
if (!version) throw new Error('no [workspace.package] version in Cargo.toml');
const manifest = JSON.parse(readFileSync(join(js, 'package.json'), 'utf8'));
manifest.version = version;
writeFileSync(join(pkg, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);

const bytes = readFileSync(wasmOut);
const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
console.log(`oidc-trust ${version}: ${name}_bg.wasm ${kb(bytes.length)} raw, ${kb(gzipSync(bytes, { level: 9 }).length)} gzip -9${dev ? ' (dev: not optimised)' : ''}`);

// api.js keeps to `export function|class|const` at top level and imports nothing, so
// CommonJS is the same text without `export` plus one module.exports line.
function toCommonJs(source) {
  const names = [];
  const body = source.replace(/^export (function|class|const) (\w+)/gm, (_, kind, id) => {
    names.push(id);
    return `${kind} ${id}`;
  });
  if (/^\s*(import|export)\b/m.test(body)) throw new Error('api.js must not import or re-export: the CJS build cannot follow');
  return `'use strict';\n${body}\nmodule.exports = { ${names.join(', ')} };\n`;
}
