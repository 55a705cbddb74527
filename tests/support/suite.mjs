// What each Chromium suite of the playground shares: checks collected as they run, page
// errors watched on every page opened, axe-core run in a page, and the closing report that
// ends with the "N passed, N failed" line the test command sums.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
let axeSource;

/** A suite named `label`: { check, watch, axe, report }. */
export function suite(label) {
  const results = [];
  const pageErrors = [];
  const check = (name, ok, detail = '') => results.push({ name, ok: Boolean(ok), detail });
  /** Records the page's uncaught errors and console errors (a CSP refusal included). */
  const watch = (page) => {
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
  };
  /** axe-core's violations in `page` (every rule, label-content-name-mismatch included). */
  const axe = async (page) => {
    axeSource ??= readFileSync(join(root, 'node_modules/axe-core/axe.min.js'), 'utf8');
    await page.evaluate(axeSource);
    return page.evaluate(async () => {
      // label-content-name-mismatch is experimental in axe 4; the first-time pass ran it.
      const r = await window.axe.run(document, { rules: { 'label-content-name-mismatch': { enabled: true } } });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, n: v.nodes.length, at: v.nodes[0]?.target?.join(' ') }));
    });
  };
  /** Prints every check and the summary line; sets the exit code. */
  const report = () => {
    check('no page or console errors', pageErrors.length === 0, pageErrors.join(' | '));
    for (const r of results) console.log(`${r.ok ? 'ok' : 'not ok'} - ${label}: ${r.name}${r.ok ? '' : `\n  ${r.detail}`}`);
    const failed = results.filter((r) => !r.ok).length;
    console.log(`${results.length - failed} passed, ${failed} failed`);
    process.exitCode = failed ? 1 : 0;
  };
  return { check, watch, axe, report, pageErrors };
}
