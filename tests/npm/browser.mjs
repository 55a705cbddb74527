// Headless Chromium (Debian's, driven by playwright-core) loads browser.html from a
// loopback server in the test project and reports the shared suite's results.
//   node browser.mjs    (cwd: the test project)   prints TAP-like lines and a summary
import { serve } from '../../scripts/serve.mjs';
import { launch } from '../support/chromium.mjs';

const server = await serve(process.cwd());
const { port } = server.address();

const errors = [];
let results = [];
let browser;
try {
  browser = await launch();
  const { page } = browser;
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`http://127.0.0.1:${port}/browser.html`);
  await page.waitForFunction(() => window.results !== undefined || document.body.dataset.failed, null, { timeout: 60000 });
  results = await page.evaluate(() => window.results);
  const text = await page.textContent('body');
  results.push({ name: 'the page shows the verdict', ok: /^(allow|deny): /.test(text), error: text });
} catch (e) {
  errors.push(String(e && e.message));
} finally {
  await browser?.close();
  server.close();
}
for (const e of errors) results.push({ name: 'no page error', ok: false, error: e });
for (const r of results) console.log(`${r.ok ? 'ok' : 'not ok'} - browser: ${r.name}${r.ok ? '' : `\n  ${r.error}`}`);
const failed = results.filter((r) => !r.ok).length;
console.log(`# pass ${results.length - failed}\n# fail ${failed}`);
process.exitCode = failed || results.length === 0 ? 1 : 0;
