// Finishes Trunk's dist/: adds the SHA-256 of each inline start-up script to the page's
// Content-Security-Policy (so no inline script but Trunk's own can run), then prints what
// a first visit downloads, raw and gzip.
//
//   node web/finish.mjs dist
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = process.argv[2] ?? 'dist';
const page = join(dist, 'index.html');
let html = readFileSync(page, 'utf8');

const hashes = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)]
  .map((m) => `'sha256-${createHash('sha256').update(m[1], 'utf8').digest('base64')}'`);
const csp = /(<meta http-equiv="Content-Security-Policy" content="[^"]*script-src 'self')([^;"]*)/;
if (!csp.test(html)) throw new Error(`${page}: no CSP meta tag with script-src 'self'`);
html = html.replace(csp, (_, head, rest) => `${head} ${hashes.join(' ')}${rest.replace(/ 'sha256-[^']*'/g, '')}`);
writeFileSync(page, html);

let raw = 0;
let gz = 0;
const rows = [];
for (const file of readdirSync(dist).sort()) {
  const bytes = readFileSync(join(dist, file));
  const z = gzipSync(bytes, { level: 9 }).length;
  raw += bytes.length;
  gz += z;
  rows.push(`  ${file.padEnd(44)} ${(bytes.length / 1000).toFixed(1).padStart(7)} KB  ${(z / 1000).toFixed(1).padStart(7)} KB gzip`);
}
console.log(`playground dist/ (${hashes.length} inline script hash${hashes.length === 1 ? '' : 'es'} in the CSP):\n${rows.join('\n')}\n  ${'first load'.padEnd(44)} ${(raw / 1000).toFixed(1).padStart(7)} KB  ${(gz / 1000).toFixed(1).padStart(7)} KB gzip`);
