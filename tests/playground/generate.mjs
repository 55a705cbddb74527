// The playground's Generate view in Chromium: the form, every artefact as it is typed, who
// gets in and the attacker replay, a refused intent shown next to its field, "open in the
// evaluator" (allowed there), share links, keyboard and axe-core. The generator's module
// is fetched only when the view opens.
//
//   scripts/playground build && node tests/playground/generate.mjs
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../../scripts/serve.mjs';
import { launch } from '../support/chromium.mjs';
import { suite } from '../support/suite.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const server = await serve(join(root, 'dist'));
const origin = `http://127.0.0.1:${server.address().port}`;
const requested = [];
const { check, watch, axe: axeViolations, report } = suite('playground generate');

let browser;
try {
  browser = await launch({ viewport: { width: 1280, height: 900 } });
  const { context, page } = browser;
  watch(page);
  context.on('request', (r) => requested.push(r.url()));
  const output = () => page.locator('[data-testid="gen-output"]').inputValue({ timeout: 10000 });

  // 1. The evaluate view does not fetch the generator; the Generate view does.
  await page.goto(`${origin}/`);
  await page.waitForSelector('[data-testid="verdict"][data-decision="allow"]', { timeout: 30000 });
  check('the first load does not fetch the generator', !requested.some((u) => u.includes('/generate/')));
  // Something of the user's in the evaluator, which "open in the evaluator" will replace.
  const own = (await page.inputValue('[data-testid="policy-input"]')).replace('acme/api', 'acme/own');
  await page.fill('[data-testid="policy-input"]', own);
  await page.click('[data-testid="nav-generate"]');
  await page.waitForSelector('[data-testid="gen-output"]', { timeout: 30000 });
  check('the Generate view fetched its module when opened', requested.some((u) => u.endsWith('/generate/oidc_trust_generate_bg.wasm')));
  check('the view is marked current in the navigation', (await page.getAttribute('[data-testid="nav-generate"]', 'aria-current')) === 'page');

  // 2. The example intent: a policy for acme/api on main, every artefact in its tab.
  const policy = JSON.parse(await output());
  check('the example generates a policy for acme/api on main', JSON.stringify(policy).includes('repo:acme/api:ref:refs/heads/main'));
  const tabs = {};
  for (const [tab, expect] of [['terraform', /aws_iam_role/], ['cloudformation', /AWS::IAM::Role/], ['workflow', /id-token: write/], ['summary', /acme\/api/]]) {
    await page.click(`[data-testid="gen-tab-${tab}"]`);
    tabs[tab] = await output();
    check(`the ${tab} tab holds the ${tab} artefact`, expect.test(tabs[tab]), tabs[tab].slice(0, 80));
  }
  check('the artefacts are shown in the editor: line numbers and colours, read-only', (await page.locator('#gen-output').getAttribute('readonly')) !== null && (await page.locator('[data-testid="gen-output-highlight"] .tok-key').count()) === 0);
  await page.click('[data-testid="gen-tab-policy"]');
  check('the policy is coloured as JSON', (await page.locator('[data-testid="gen-output-highlight"] .tok-key').count()) > 3);
  await page.click('[data-testid="gen-tab-summary"]');
  await page.click('[data-testid="gen-tab-workflow"]');
  const workflowFile = await page.getAttribute('[data-testid="gen-download"]', 'download');
  check('the CI workflow downloads under its own file name', /\.ya?ml$/.test(workflowFile ?? ''), workflowFile);
  check('no gh api tab where GitHub\'s default subject fits', (await page.locator('[data-testid="gen-tab-gh"]').count()) === 0);
  // WAI-ARIA tabs: arrow keys move the selection and the focus; one Tab stop.
  await page.focus('[data-testid="gen-tab-workflow"]');
  await page.keyboard.press('ArrowRight');
  await page.waitForTimeout(50);
  const moved = await page.evaluate(() => [document.activeElement?.id, document.querySelector('[role="tab"][aria-selected="true"]')?.id, [...document.querySelectorAll('[role="tab"]')].filter((t) => t.tabIndex === 0).length]);
  check('ArrowRight moves to the next tab, selected and focused, one Tab stop', moved[0] === 'gen-tab-summary' && moved[1] === 'gen-tab-summary' && moved[2] === 1, JSON.stringify(moved));
  const download = await page.locator('[data-testid="gen-download"]');
  check('each tab can be downloaded under its file name', (await download.getAttribute('download')) === 'summary.txt' && (await download.getAttribute('href')).startsWith('data:text/plain'));
  await page.click('[data-testid="gen-tab-policy"]');

  // 3. Who gets in and the replay: names alone let a recreated repository in; an id closes it.
  const replay = async () => page.locator('[data-testid="gen-replay-row"]').evaluateAll((rows) => rows.map((r) => r.dataset.result));
  const before = await replay();
  check('the attacker replay lists its tokens, and a recreated repository gets in without an id', before.length > 5 && before.filter((r) => r === 'allowed').length === 1, before.join(','));
  await page.fill('[data-testid="gen-repositories"]', 'acme/api 74');
  await page.waitForFunction(() => document.querySelector('[data-testid="gen-output"]')?.value.includes('"74"'));
  check('the policy follows the form as it is typed (repository id)', (await output()).includes('repository_id'));
  const after = await replay();
  check('with the id every attacker token is denied', after.length > 5 && after.every((r) => r === 'denied'), after.join(','));
  check('who gets in is shown for the generated policy', /acme\/api/.test(await page.locator('[data-testid="gen-who"]').innerText()));

  // 4. A refused intent: the error next to its field, what was typed kept, the fix clears it.
  await page.fill('[data-testid="gen-workflow"]', 'acme/infra/.github/workflows/deploy.yml');
  await page.waitForSelector('[data-testid="gen-error"]');
  const errorAt = await page.evaluate(() => document.querySelector('[data-testid="gen-error"]').closest('.gen-field')?.querySelector('input, textarea')?.id);
  check('a workflow without @ref is refused next to its field', errorAt === 'gen-workflow', errorAt);
  check('the field is marked invalid and described by the error', (await page.getAttribute('#gen-workflow', 'aria-invalid')) === 'true' && (await page.getAttribute('#gen-workflow', 'aria-describedby')).includes('gen-workflow-error'));
  check('what was typed is kept', (await page.inputValue('#gen-workflow')) === 'acme/infra/.github/workflows/deploy.yml');
  check('meanwhile the last valid artefacts stay, marked outdated, and cannot go to the evaluator',
    (await page.locator('[data-testid="gen-outdated"]').count()) === 1 && (await output()).includes('repository_id')
      && (await page.locator('.gen-artefacts.stale').count()) === 1 && (await page.locator('[data-testid="gen-open"]').count()) === 0);
  await page.fill('[data-testid="gen-workflow"]', 'acme/infra/.github/workflows/deploy.yml@refs/heads/main');
  await page.waitForFunction(() => !document.querySelector('[data-testid="gen-error"]'));
  check('fixing the field clears the error and generates again', (await output()).includes('job_workflow_ref'));

  // 5. Share: the link reopens the form as it was.
  await page.click('[data-testid="gen-share"]');
  const link = await page.inputValue('[data-testid="gen-share-link"]');
  check('the share link carries the intent in the fragment', link.includes('#generate=1.'), link.slice(0, 60));
  const opened = await context.newPage();
  watch(opened);
  await opened.goto(link);
  await opened.waitForSelector('[data-testid="gen-output"]', { timeout: 30000 });
  check('opening the link restores the form', (await opened.inputValue('#gen-repositories')) === 'acme/api 74' && (await opened.inputValue('#gen-workflow')).endsWith('@refs/heads/main'));
  await opened.close();

  // 5b. The embed: a live generator with the intent as its preset, sized to its content.
  const snippet = await page.inputValue('[data-testid="gen-embed-snippet"]');
  check('the embed snippet is an iframe with a #generate-embed= link', snippet.includes('#generate-embed=1.'), snippet.slice(0, 80));
  const host = await context.newPage();
  watch(host);
  await host.setContent(`<!doctype html><h1>Docs</h1>${snippet}`);
  await host.waitForFunction(() => document.querySelector('iframe').style.height !== '', null, { timeout: 30000 }).catch(() => {});
  const frame = host.frames().find((f) => f.url().includes('#generate-embed='));
  const embedded = frame ? await frame.locator('[data-testid="gen-output"]').inputValue({ timeout: 10000 }).catch(() => '') : '';
  check('the embedded generator runs with its preset', embedded.includes('"74"'), embedded.slice(0, 80));
  check('the embed leaves out the page around it (no evaluator button, no sharing)', frame && (await frame.locator('[data-testid="gen-open"], [data-testid="gen-share"]').count()) === 0);
  const height = await host.evaluate(() => document.querySelector('iframe').style.height);
  check('the embed sizes its iframe', /^\d+px$/.test(height) && height !== '420px', height);
  await host.close();
  const damaged = await context.newPage();
  watch(damaged);
  await damaged.goto(`${origin}/#generate-embed=1.damaged`);
  await damaged.waitForSelector('[data-testid="embed-error"]', { timeout: 10000 }).catch(() => {});
  check('a damaged generator embed link gives a short error', (await damaged.locator('[data-testid="embed-error"]').count()) === 1);
  await damaged.close();

  // 6. Keyboard and labels, axe-core.
  check('every field has a label', (await page.getByLabel('AWS account').count()) === 1 && (await page.getByLabel('Repositories').count()) === 1);
  await page.focus('#gen-provider');
  await page.keyboard.press('Tab');
  check('Tab moves from the provider to the next field', (await page.evaluate(() => document.activeElement?.id)) === 'gen-account');
  const violations = (await axeViolations(page)).filter((v) => ['serious', 'critical'].includes(v.impact));
  check('axe-core: no serious or critical violation (Generate view)', violations.length === 0, JSON.stringify(violations));

  // 7. Open in the evaluator: the generated policy with a token it allows.
  await page.click('[data-testid="gen-open"]');
  await page.waitForSelector('[data-testid="verdict"][data-decision="allow"]', { timeout: 10000 }).catch(() => {});
  check('"open in the evaluator" shows the generated policy allowing its token', (await page.locator('.page > [data-testid="verdict"]').getAttribute('data-decision')) === 'allow' && (await page.inputValue('[data-testid="policy-input"]')).includes('job_workflow_ref'));
  check('the evaluator is the current view again', (await page.getAttribute('[data-testid="nav-evaluate"]', 'aria-current')) === 'page');
  check('what the evaluator held can be brought back', /The opened link replaced your policy/.test(await page.locator('[data-testid="example-replaced"]').innerText().catch(() => '')));
  await page.click('[data-testid="undo-example"]');
  check('undo brings it back', (await page.inputValue('[data-testid="policy-input"]')) === own);
  // Edits made after opening survive a trip to the Generate view and Back.
  const edited = own.replace('acme/own', 'acme/edited');
  await page.fill('[data-testid="policy-input"]', edited);
  await page.click('[data-testid="nav-generate"]');
  await page.waitForSelector('[data-testid="generate-view"]', { timeout: 10000 });
  await page.goBack();
  await page.waitForSelector('[data-testid="policy-input"]', { timeout: 10000 });
  check('Back to the evaluator keeps what was typed since the link opened', (await page.inputValue('[data-testid="policy-input"]')) === edited);
  await page.goBack();
  await page.waitForSelector('[data-testid="generate-view"]', { timeout: 10000 }).catch(() => {});
  check('Back again returns to the Generate view', (await page.locator('[data-testid="generate-view"]').count()) === 1);
} catch (e) {
  check('the browser session ran to the end', false, String(e && e.stack));
} finally {
  await browser?.close();
  server.close();
}
report();
