// Headless Chromium (Debian's, driven by playwright-core) loads browser.html from a
// loopback server in the test project and reports the shared suite's results.
//   node browser.mjs    (cwd: the test project)   prints TAP-like lines and a summary
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';

const root = process.cwd();
const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json', '.wasm': 'application/wasm' };
const server = createServer((req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
  const file = join(root, path);
  try {
    if (!file.startsWith(root) || !statSync(file).isFile()) throw new Error('not found');
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address();

const profile = mkdtempSync(join(tmpdir(), 'oidc-trust-chromium-'));
const errors = [];
let results = [];
let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`http://127.0.0.1:${port}/browser.html`);
  await page.waitForFunction(() => window.results !== undefined || document.body.dataset.failed, null, { timeout: 60000 });
  results = await page.evaluate(() => window.results);
  const text = await page.textContent('body');
  results.push({ name: 'the page shows the verdict', ok: /^(allow|deny): /.test(text), error: text });
} catch (e) {
  errors.push(String(e && e.message));
} finally {
  await context?.close();
  server.close();
  rmSync(profile, { recursive: true, force: true });
}
for (const e of errors) results.push({ name: 'no page error', ok: false, error: e });
for (const r of results) console.log(`${r.ok ? 'ok' : 'not ok'} - browser: ${r.name}${r.ok ? '' : `\n  ${r.error}`}`);
const failed = results.filter((r) => !r.ok).length;
console.log(`# pass ${results.length - failed}\n# fail ${failed}`);
process.exitCode = failed || results.length === 0 ? 1 : 0;
