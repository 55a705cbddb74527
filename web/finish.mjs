// Finishes a Trunk build: builds the Terraform reader's module into terraform/ (loaded by
// the page only when HCL is pasted) and the generator's into generate/ (loaded when the
// Generate view opens), adds the SHA-256 of each inline start-up script to
// the page's Content-Security-Policy (so no inline script but Trunk's own can run), then
// prints what a first visit downloads, raw and gzip. A release build also gets `.br` and
// `.gz` copies of every text and wasm file, which scripts/serve.mjs (and any static
// server that looks for them) sends to browsers that accept them.
//
// Trunk runs it after every build (a post_build hook in Trunk.toml), in its staging folder
// (TRUNK_STAGING_DIR); by hand: node web/finish.mjs DIST
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dist = process.argv[2] ?? process.env.TRUNK_STAGING_DIR ?? 'dist';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// A debug build (`trunk serve`) skips wasm-opt for the reader too.
const dev = process.env.TRUNK_PROFILE === 'debug' ? ['--dev'] : [];
execFileSync(process.execPath, [join(root, 'wasm', 'build.mjs'), '--playground', join(dist, 'terraform'), ...dev], { cwd: root, stdio: 'inherit' });
execFileSync(process.execPath, [join(root, 'wasm', 'build.mjs'), '--playground', join(dist, 'generate'), '--module', 'generate', ...dev], { cwd: root, stdio: 'inherit' });
const page = join(dist, 'index.html');
let html = readFileSync(page, 'utf8');

const hashes = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)]
  .map((m) => `'sha256-${createHash('sha256').update(m[1], 'utf8').digest('base64')}'`);
const csp = /(<meta http-equiv="Content-Security-Policy" content="[^"]*script-src 'self')([^;"]*)/;
if (!csp.test(html)) throw new Error(`${page}: no CSP meta tag with script-src 'self'`);
html = html.replace(csp, (_, head, rest) => `${head} ${hashes.join(' ')}${rest.replace(/ 'sha256-[^']*'/g, '')}`);
writeFileSync(page, html);

// Every file of dist/, by path; `terraform/` and `generate/` are loaded on demand, the rest
// on the first visit (the start-up files and wasm-bindgen's snippets).
const files = (dir, prefix = '') => readdirSync(dir, { withFileTypes: true })
  .sort((a, b) => a.name.localeCompare(b.name))
  .flatMap((e) => (e.isDirectory() ? files(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]))
  .filter((f) => !/\.(br|gz)$/.test(f));
const kb = (n) => (n / 1000).toFixed(1).padStart(7);
const totals = { first: [0, 0], lazy: [0, 0], generate: [0, 0] };
const rows = [];
for (const file of files(dist)) {
  const bytes = readFileSync(join(dist, file));
  const z = gzipSync(bytes, { level: 9 }).length;
  const t = totals[file.startsWith('generate/') ? 'generate' : file.startsWith('terraform/') ? 'lazy' : 'first'];
  t[0] += bytes.length;
  t[1] += z;
  rows.push(`  ${file.padEnd(52)} ${kb(bytes.length)} KB  ${kb(z)} KB gzip`);
}
console.log(`playground dist/ (${hashes.length} inline script hash${hashes.length === 1 ? '' : 'es'} in the CSP):\n${rows.join('\n')}`);
console.log(`  ${'first load'.padEnd(52)} ${kb(totals.first[0])} KB  ${kb(totals.first[1])} KB gzip`);
if (totals.lazy[0] > 0) console.log(`  ${'terraform/ (loaded when HCL is pasted)'.padEnd(52)} ${kb(totals.lazy[0])} KB  ${kb(totals.lazy[1])} KB gzip`);
if (totals.generate[0] > 0) console.log(`  ${'generate/ (loaded when the Generate view opens)'.padEnd(52)} ${kb(totals.generate[0])} KB  ${kb(totals.generate[1])} KB gzip`);

if (dev.length === 0) {
  let br = 0;
  for (const file of files(dist).filter((f) => /\.(html|js|css|wasm|json)$/.test(f))) {
    const bytes = readFileSync(join(dist, file));
    const packed = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } });
    writeFileSync(join(dist, `${file}.br`), packed);
    writeFileSync(join(dist, `${file}.gz`), gzipSync(bytes, { level: 9 }));
    if (!/^(terraform|generate)\//.test(file)) br += packed.length;
  }
  console.log(`  ${'first load, brotli (precompressed .br, .gz)'.padEnd(52)} ${kb(totals.first[0])} KB  ${kb(br)} KB br`);
}
