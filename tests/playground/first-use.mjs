// The defects a demanding first-time user hit in the playground, each as a Chromium test
// that failed before its fix: jumps hidden under the verdict banner, example menus that
// fought the keyboard, a live region that spoke on every keystroke, overflow on phones,
// sharing that lied or threw, literal backticks, pasted tokens taken too literally, and
// axe-core's serious findings (light, dark and the embed).
//
//   scripts/playground build && node tests/playground/first-use.mjs
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../../scripts/serve.mjs';
import { launch } from '../support/chromium.mjs';
import { suite } from '../support/suite.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (p) => readFileSync(join(root, p), 'utf8');

const server = await serve(join(root, 'dist'));
const origin = `http://127.0.0.1:${server.address().port}`;
const { check, watch, axe: axeViolations, report, pageErrors } = suite('playground first use');

const basic = read('examples/policies/basic-repo.json');
const layer1 = read('examples/policies/hardening-layer1.json');
const mainClaims = read('examples/tokens/main.json');
const sibling = read('examples/tokens/sibling-repo.json');
const jwt = read('examples/tokens/main.jwt').trim();
const SUB = 'token.actions.githubusercontent.com:sub';

// Where the selected text of the policy editor sits on screen, and where the banner is.
const jumpGeometry = (page) => page.evaluate(() => {
  const t = document.querySelector('[data-testid="policy-input"]');
  const cs = getComputedStyle(t);
  const lh = parseFloat(cs.lineHeight);
  const line = t.value.slice(0, t.selectionStart).split('\n').length;
  const r = t.getBoundingClientRect();
  const y = r.top + parseFloat(cs.borderTopWidth) + parseFloat(cs.paddingTop) + (line - 1) * lh - t.scrollTop;
  const b = document.querySelector('.page > [data-testid="verdict"]').getBoundingClientRect();
  return { y, lh, top: b.top, bottom: b.bottom, vh: innerHeight };
});
const hidden = (g) => g.y < g.bottom && g.y + g.lh > g.top;
const inView = (g) => g.y >= 0 && g.y + g.lh <= g.vh;

/** axe-core in `page`: no serious or critical violation; returns every violation. */
async function axe(page, label) {
  const found = await axeViolations(page);
  const serious = found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  check(`axe-core: no serious or critical violation (${label})`, serious.length === 0, JSON.stringify(serious));
  return found;
}

let browser;
try {
  browser = await launch({ viewport: { width: 1280, height: 800 } });
  const { context, page } = browser;
  watch(page);
  const decision = (p = page) => p.locator('.page > [data-testid="verdict"]').getAttribute('data-decision');
  const ready = (p = page) => p.waitForSelector('.page > [data-testid="verdict"]:not([data-decision="none"])', { timeout: 30000 });

  // 0. Until the WebAssembly has arrived a loading text shows (the module held back 1 s),
  //    and the files come precompressed.
  const encodings = {};
  page.on('response', (r) => { if (/\.(wasm|js)$/.test(r.url())) encodings[r.url().split('/').pop()] = r.headers()['content-encoding'] ?? 'none'; });
  await page.route('**/*.wasm', async (route) => { await new Promise((r) => setTimeout(r, 1000)); await route.continue(); });
  await page.goto(`${origin}/`);
  const loadingText = await page.locator('[data-testid="loading"]').innerText({ timeout: 900 }).catch(() => '');
  check('a loading text shows until the WebAssembly is ready', /Loading the playground/.test(loadingText), loadingText);
  await ready();
  await page.unroute('**/*.wasm');
  check('the loading text is gone once the playground runs', (await page.locator('[data-testid="loading"]').count()) === 0);
  const plain = Object.entries(encodings).filter(([, e]) => !['br', 'gzip'].includes(e));
  check('the wasm and scripts are served precompressed (br or gzip)', Object.keys(encodings).length > 0 && plain.length === 0, JSON.stringify(encodings));

  // 1. A jump from a condition to its text lands clear of the sticky banner, in view, at
  //    every size: desktop, phone, 200 % zoom (640×400 CSS px) and 400 % (320×200).
  await page.fill('[data-testid="claims-input"]', sibling);
  await page.waitForSelector('[data-testid="verdict"][data-decision="deny"]');
  for (const [w, h, label] of [[1280, 800, 'desktop'], [390, 844, 'phone'], [640, 400, '200 % zoom'], [320, 200, '400 % zoom']]) {
    await page.setViewportSize({ width: w, height: h });
    // From six places on the page: the jump must not depend on where the reader was.
    const bad = [];
    for (const at of [0, 0.2, 0.4, 0.6, 0.8, 1]) {
      await page.evaluate((f) => window.scrollTo(0, f * (document.documentElement.scrollHeight - innerHeight)), at);
      await page.locator(`[data-testid="condition-row"][data-key="${SUB}"] button`).first().click();
      await page.waitForTimeout(50);
      const g = await jumpGeometry(page);
      if (hidden(g) || !inView(g)) bad.push(`from ${at * 100}%: ${JSON.stringify(g)}`);
    }
    check(`a jump to a condition is neither under the banner nor off screen (${label})`, bad.length === 0, bad.join(' | '));
  }
  const short = await page.evaluate(() => getComputedStyle(document.querySelector('.page > [data-testid="verdict"]')).position);
  check('the banner does not stick on a short viewport (400 % zoom)', short !== 'sticky', short);

  // 2. Tabbing backwards never leaves the focused control under the banner (WCAG 2.4.11).
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.locator('[data-testid="share-button"]').focus();
  const obscured = [];
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press('Shift+Tab');
    const o = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const r = el.getBoundingClientRect();
      const b = document.querySelector('.page > [data-testid="verdict"]').getBoundingClientRect();
      // Entirely behind the banner (WCAG 2.4.11 at level AA).
      const under = r.top >= b.top - 1 && r.bottom <= b.bottom + 1;
      return under && !el.closest('[data-testid="verdict"]') ? (el.getAttribute('aria-label') || el.textContent || el.tagName).slice(0, 40) : null;
    });
    if (o) obscured.push(o);
  }
  check('no control is hidden under the banner while tabbing backwards', obscured.length === 0, obscured.join(' | '));

  // 3. The example menus work with the arrow keys and show what is loaded.
  await page.evaluate(() => window.scrollTo(0, 0));
  const policyMenu = page.locator('[data-testid="example-policy"]');
  await page.fill('[data-testid="policy-input"]', basic.replace('acme/api', 'acme/web'));
  await policyMenu.focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.waitForTimeout(100);
  const loaded = await page.inputValue('[data-testid="policy-input"]');
  const shown = await policyMenu.evaluate((s) => s.options[s.selectedIndex].text);
  check('ArrowDown twice in the policy menu loads the second example', loaded === layer1, loaded.slice(0, 60));
  check('the policy menu shows the example loaded', /Hardening layer 1/.test(shown), shown);
  await page.fill('[data-testid="policy-input"]', `${layer1} `);
  const afterEdit = await policyMenu.evaluate((s) => s.options[s.selectedIndex].text);
  check('after an edit the menu no longer names the example', !/Hardening layer 1/.test(afterEdit), afterEdit);

  // 4. Loading an example over typed text can be undone.
  const mine = basic.replace('repo:acme/api:*', 'repo:acme/mine:*');
  await page.fill('[data-testid="policy-input"]', mine);
  await policyMenu.selectOption({ index: 3 });
  await page.locator('[data-testid="undo-example"]').click({ timeout: 2000 }).catch(() => {});
  check('"undo" brings back the policy an example replaced', (await page.inputValue('[data-testid="policy-input"]')) === mine);

  // 5. The live region speaks when the decision changes, not on every keystroke.
  await page.fill('[data-testid="policy-input"]', basic);
  await page.fill('[data-testid="claims-input"]', mainClaims);
  await page.waitForSelector('[data-testid="verdict"][data-decision="allow"]');
  await page.waitForTimeout(1500);
  await page.evaluate(() => {
    window.__spoken = [];
    for (const r of document.querySelectorAll('[aria-live], [role="status"], [role="alert"]')) {
      new MutationObserver(() => window.__spoken.push(r.textContent)).observe(r, { childList: true, characterData: true, subtree: true });
    }
  });
  const editor = page.locator('[data-testid="policy-input"]');
  await editor.focus();
  await editor.evaluate((t) => { const at = t.value.indexOf('"Effect"'); t.setSelectionRange(at, at); });
  await page.keyboard.type('"Sid": "TypedByHand",\n      ', { delay: 15 });
  await page.waitForTimeout(1500);
  const typed = await page.evaluate(() => window.__spoken.length);
  check('typing a line causes at most one announcement', typed <= 1, `${typed} announcements`);
  await page.fill('[data-testid="claims-input"]', sibling);
  await page.waitForTimeout(1500);
  const spoken = await page.evaluate(() => window.__spoken.at(-1) ?? '');
  check('a change of decision is announced', /deny/i.test(spoken), spoken);

  // 6. Nothing overflows on a phone, even a long job_workflow_ref in "Who can".
  for (const w of [390, 320]) {
    await page.setViewportSize({ width: w, height: 844 });
    await page.fill('[data-testid="policy-input"]', layer1);
    await page.fill('[data-testid="claims-input"]', mainClaims);
    await page.waitForTimeout(200);
    const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(`no horizontal overflow at ${w} px with a pinned workflow`, over <= 0, `${over}px`);
  }
  await page.setViewportSize({ width: 1280, height: 800 });

  // 7. Sharing: the token checkbox comes first; a link is never stale or falsely "copied".
  await page.fill('[data-testid="policy-input"]', basic);
  await page.fill('[data-testid="claims-input"]', mainClaims);
  const order = await page.evaluate(() => {
    const box = document.querySelector('[data-testid="share-include-token"]');
    const button = document.querySelector('[data-testid="share-button"]');
    return Boolean(box.compareDocumentPosition(button) & Node.DOCUMENT_POSITION_FOLLOWING);
  });
  check('the "include the token" choice comes before the Share button', order);
  const boxWidth = await page.locator('[data-testid="share-include-token"]').evaluate((b) => b.getBoundingClientRect().width);
  check('the checkbox is a checkbox, not stretched across the line', boxWidth < 40, `${boxWidth}px`);
  await page.click('[data-testid="share-button"]');
  await page.waitForSelector('[data-testid="share-link"]');
  await page.fill('[data-testid="policy-input"]', layer1);
  await page.waitForTimeout(100);
  check('an edit removes the link made before it', (await page.locator('[data-testid="share-link"]').count()) === 0);

  const failing = await context.newPage();
  watch(failing);
  await failing.addInitScript(() => {
    Object.defineProperty(navigator, 'clipboard', { value: { writeText: () => Promise.reject(new Error('denied')) } });
  });
  await failing.goto(`${origin}/`);
  await ready(failing);
  await failing.click('[data-testid="share-button"]');
  await failing.waitForTimeout(300);
  const status = await failing.locator('[data-testid="share-status"]').innerText({ timeout: 2000 }).catch(() => '');
  check('"copied" is not claimed when copying failed', !/copied/i.test(status) && /copy/i.test(status), status);
  await failing.close();

  const noClipboard = await context.newPage();
  const before = pageErrors.length;
  watch(noClipboard);
  await noClipboard.addInitScript(() => Object.defineProperty(navigator, 'clipboard', { value: undefined }));
  await noClipboard.goto(`${origin}/`);
  await ready(noClipboard);
  await noClipboard.click('[data-testid="share-button"]');
  const link = await noClipboard.locator('[data-testid="share-link"]').inputValue({ timeout: 5000 }).catch(() => '');
  check('without clipboard access Share still shows the link, without an error', link.includes('#s=') && pageErrors.length === before, `${link.slice(0, 50)} ${pageErrors.slice(before).join(' | ')}`);

  // A second link pasted into the address bar of an open playground is opened.
  await page.click('[data-testid="share-button"]');
  const second = await page.inputValue('[data-testid="share-link"]');
  await noClipboard.evaluate((href) => { location.href = href; }, second);
  await noClipboard.waitForTimeout(500);
  check('a share link opened in an open playground loads (hashchange)', (await noClipboard.inputValue('[data-testid="policy-input"]')) === layer1);
  await noClipboard.close();

  // 8. No literal backticks: the core marks code with them, the page shows it as code.
  await page.fill('[data-testid="policy-input"]', basic.replace('"Effect"', '"Effect": "Allow", "Sid": 3, "X"'));
  await page.fill('[data-testid="claims-input"]', '{"sub": "repo:acme/api:ref:refs/heads/main", "aud": 3}');
  await page.waitForTimeout(200);
  const ticks = await page.evaluate(() => document.querySelector('.page').innerText.split('\n').filter((l) => l.includes('`')));
  check('no backtick shows literally', ticks.length === 0, ticks.slice(0, 3).join(' | '));

  // 8b. A mistyped condition key gets a "did you mean"; advice names this page's fields.
  await page.fill('[data-testid="policy-input"]', basic.replace('githubusercontent.com:sub', 'githubusercontent.com:sbu'));
  await page.waitForSelector('[data-testid="findings"][aria-busy="false"]');
  const typo = await page.locator('[data-testid="finding"][data-code="unexposed-claim-key"]').innerText().catch(() => '');
  check('a mistyped key is answered with "did you mean `…:sub`?"', typo.includes('did you mean token.actions.githubusercontent.com:sub?'), typo);
  await page.fill('[data-testid="policy-input"]', basic);
  await page.fill('[data-testid="claims-input"]', '{"sub": "repo:acme/api:ref:refs/heads/main", "aud": "sts.amazonaws.com"}');
  const advice = await page.locator('.page > [data-testid="verdict"]').innerText();
  check('advice names the page\'s fields, not CLI flags', advice.includes('Issuer under Request options') && !advice.includes('--'), advice);

  // 9. Location chips say "line N"; every button has its own accessible name.
  await page.fill('[data-testid="policy-input"]', basic);
  await page.fill('[data-testid="claims-input"]', sibling);
  await page.waitForSelector('[data-testid="verdict"][data-decision="deny"]');
  const chips = await page.locator('button.locate').allInnerTexts();
  check('location chips read "line N"', chips.length > 0 && chips.filter((c) => /^\d+:\d+$/.test(c.trim())).length === 0, chips.slice(0, 4).join(', '));
  const names = await page.evaluate(() => [...document.querySelectorAll('button')].map((b) => (b.getAttribute('aria-label') || b.innerText).trim()));
  const dupes = names.filter((n, i) => names.indexOf(n) !== i);
  check('every button has a unique accessible name', dupes.length === 0, [...new Set(dupes)].join(' | '));

  // 9b. Verdict first, failures first, statements counted from 1.
  const banner = await page.locator('.page > [data-testid="verdict"]').innerText();
  check('a default deny names the deciding condition, the token value and the policy value', /sub/.test(banner) && banner.includes('repo:acme/api-evil') && banner.includes('repo:acme/api:*'), banner);
  const firstRow = page.locator('[data-testid="statement"]').first().locator('[data-testid="condition-row"]').first();
  check('failing conditions come first', (await firstRow.getAttribute('data-result')) === 'fail');
  const folded = page.locator('[data-testid="passing-conditions"]').first();
  check('passing conditions are folded', (await folded.count()) === 1 && !(await folded.evaluate((d) => d.open)) && (await folded.locator('[data-result="pass"]').count()) === 1);
  const heading = await page.locator('[data-testid="statement"] h2').first().innerText();
  check('statements are numbered from 1', /Statement 1\b/.test(heading) && !/Statement 0/.test(heading), heading);
  await page.fill('[data-testid="claims-input"]', mainClaims);
  await page.waitForSelector('[data-testid="verdict"][data-decision="allow"]');
  const allowBanner = await page.locator('.page > [data-testid="verdict"]').innerText();
  check('an allow names its statement as people count', /statement 1 \(GitHubActionsRepo\) allows/.test(allowBanner), allowBanner);

  // 9c. The code editor: line numbers, colours and squiggles that line up with the text,
  //     ✓/✗ marks in the gutter that open their trace rows.
  await page.fill('[data-testid="claims-input"]', sibling);
  await page.waitForSelector('[data-testid="verdict"][data-decision="deny"]');
  const ed = await page.evaluate(() => {
    const t = document.querySelector('[data-testid="policy-input"]');
    const copy = document.querySelector('[data-testid="policy-input-highlight"]');
    const gutter = t.closest('.code-editor').querySelector('.gutter');
    const key = [...copy.querySelectorAll('.tok-key')].find((s) => s.textContent === '"Version"');
    const cs = getComputedStyle(t);
    const line = t.value.slice(0, t.value.indexOf('"Version"')).split('\n').length;
    const expected = t.getBoundingClientRect().top + parseFloat(cs.paddingTop) + (line - 1) * parseFloat(cs.lineHeight) - t.scrollTop;
    return {
      same: copy.textContent === `${t.value} `,
      lines: gutter.querySelectorAll('.line-number').length,
      want: t.value.split('\n').length,
      keyTop: key?.getBoundingClientRect().top ?? -1,
      expected,
      editorHeight: t.closest('.code-editor').getBoundingClientRect().height,
      textareaHeight: t.getBoundingClientRect().height,
    };
  });
  check('the highlighted copy holds exactly the text', ed.same);
  check('the gutter numbers every line', ed.lines === ed.want, `${ed.lines} of ${ed.want}`);
  check('colours line up with the text to the pixel', Math.abs(ed.keyTop - ed.expected) <= 1, `${ed.keyTop} vs ${ed.expected}`);
  check('the textarea alone sets the editor\'s height', Math.abs(ed.editorHeight - ed.textareaHeight - 2) <= 1, `${ed.editorHeight} vs ${ed.textareaHeight}`);
  await page.locator('[data-testid="policy-input"]').evaluate((t) => { t.style.height = '120px'; t.scrollTop = 10000; t.dispatchEvent(new Event('scroll')); });
  await page.waitForTimeout(50);
  const scrolled = await page.evaluate(() => {
    const t = document.querySelector('[data-testid="policy-input"]');
    const copy = document.querySelector('[data-testid="policy-input-highlight"]');
    const gutter = t.closest('.code-editor').querySelector('.gutter');
    return [t.scrollTop, copy.scrollTop, gutter.scrollTop];
  });
  check('the copy and the gutter scroll with the text', scrolled[0] > 0 && scrolled.every((v) => v === scrolled[0]), scrolled.join(', '));
  await page.locator('[data-testid="policy-input"]').evaluate((t) => { t.style.height = ''; t.scrollTop = 0; t.dispatchEvent(new Event('scroll')); });
  const failMark = page.locator('[data-testid="gutter-mark"][data-result="fail"][data-target$="-c1"]');
  await failMark.click();
  const focusedRow = await page.evaluate(() => document.activeElement?.getAttribute('data-key'));
  check('a ✗ in the gutter moves to its failing condition in the trace', focusedRow === SUB, focusedRow);
  await page.locator('[data-testid="gutter-mark"][data-result="pass"][data-target$="-c0"]').click();
  const passRow = await page.evaluate(() => [document.activeElement?.getAttribute('data-key'), document.activeElement?.closest('details')?.open]);
  check('a ✓ opens its folded passing condition', passRow[0] === 'token.actions.githubusercontent.com:aud' && passRow[1] === true, JSON.stringify(passRow));
  await page.fill('[data-testid="policy-input"]', basic.replace('"Allow"', '"Alow"'));
  const squiggle = await page.locator('[data-testid="policy-input-highlight"] .squiggle.error').first().innerText().catch(() => '');
  check('an error is squiggled where it is', squiggle.includes('Alow'), squiggle);
  const lineTitle = await page.locator('.gutter-line.flagged').first().getAttribute('title').catch(() => '');
  check('its message is on its line number (hover)', /invalid-effect/.test(lineTitle ?? ''), lineTitle);
  await page.fill('[data-testid="policy-input"]', '{\n  "Version": "2012-10-17"');
  const endSquiggle = await page.locator('[data-testid="policy-input-highlight"] .squiggle.error').count();
  check('"unexpected end" underlines the last character', endSquiggle > 0);
  await page.fill('[data-testid="claims-input"]', `\n  ${jwt.slice(0, 40)}!!.x.y`);
  const tokenError = await page.locator('[data-testid="claims-error"]').innerText().catch(() => '');
  check('a token error after leading blank lines points at its line', /line 2|at 2:/.test(tokenError), tokenError);
  await page.fill('[data-testid="claims-input"]', sibling);
  await page.fill('[data-testid="policy-input"]', basic);

  // 10. Pasted tokens as people paste them: quoted, wrapped, "Bearer ", the endpoint's JSON.
  await page.fill('[data-testid="claims-input"]', sibling);
  const wrapped = jwt.match(/.{1,60}/g).join('\n');
  for (const [label, text] of [
    ['in quotes', `"${jwt}"`],
    ['wrapped across lines', wrapped],
    ['with Bearer', `Bearer ${jwt}`],
    ["in the token endpoint's response", JSON.stringify({ count: 1, value: jwt }, null, 2)],
  ]) {
    await page.fill('[data-testid="claims-input"]', text);
    await page.waitForSelector('[data-testid="verdict"][data-decision="allow"]', { timeout: 3000 }).catch(() => {});
    const note = await page.locator('[data-testid="token-unwrapped"]').innerText({ timeout: 1000 }).catch(() => '');
    check(`a token ${label} is read, with a note on what was removed`, (await decision()) === 'allow' && /removed|removing/i.test(note), note);
  }

  // 11. A policy pasted as `aws iam get-role` output, and an empty policy box.
  await page.fill('[data-testid="claims-input"]', mainClaims);
  await page.fill('[data-testid="policy-input"]', read('tests/fixtures/sources/get-role.json'));
  await page.waitForSelector('[data-testid="verdict"][data-decision="allow"]', { timeout: 3000 }).catch(() => {});
  const source = await page.locator('[data-testid="policy-source"]').innerText().catch(() => '');
  check('`aws iam get-role` output is evaluated, saying where the policy was read', (await decision()) === 'allow' && source.includes('github-deploy'), source.slice(0, 80));
  await page.fill('[data-testid="policy-input"]', '');
  await page.waitForTimeout(100);
  const waiting = await page.locator('.page > [data-testid="verdict"]').innerText();
  check('an empty policy box waits instead of reporting an error', /waiting/i.test(waiting) && (await page.locator('[data-testid="policy-error"]').count()) === 0, waiting);

  // 12. Time: a first visit is evaluated at the example token's issue time, so nothing is
  //     "expired"; "now" shows the expiry once, with the way back; a link fixes the time.
  const fresh = await context.newPage();
  watch(fresh);
  await fresh.goto(`${origin}/`);
  await ready(fresh);
  const pageText = () => fresh.evaluate(() => document.querySelector('.page').innerText);
  check('a first visit does not call the example token expired', !/expired/i.test(await pageText()));
  check('the time used is shown: the token\'s issue time', /Evaluated at 2026-.*issue time/.test(await fresh.locator('[data-testid="evaluation-time"]').innerText()));
  await fresh.locator('details.options summary').click();
  await fresh.selectOption('[data-testid="evaluation-time-choice"]', 'now');
  await fresh.waitForSelector('[data-code="token-expired"]');
  const mentions = (await pageText()).split('\n').filter((l) => /expired/i.test(l)).length;
  check('"now": the expiry warning appears once', mentions === 1, `${mentions} lines`);
  await fresh.click('[data-testid="share-button"]');
  const fixedLink = await fresh.inputValue('[data-testid="share-link"]');
  await fresh.click('[data-testid="evaluate-at-issue"]');
  await fresh.waitForTimeout(100);
  check('one click evaluates at the issue time again', !/expired/i.test(await pageText()) && (await fresh.inputValue('[data-testid="evaluation-time-choice"]')) === 'iat');
  const opened = await context.newPage();
  watch(opened);
  await opened.goto(fixedLink);
  await ready(opened);
  const openedTime = await opened.locator('[data-testid="evaluation-time"]').innerText();
  check('a link made at "now" opens at that fixed instant', /fixed by the link/.test(openedTime) && (await opened.locator('[data-code="token-expired"]').count()) === 1, openedTime);
  await opened.close();
  await fresh.close();

  // 12b. A decoded token reads like jwt.io: header and payload shown, times as dates.
  await page.fill('[data-testid="claims-input"]', jwt);
  await page.waitForSelector('[data-testid="token-times"]');
  const times = await page.locator('[data-testid="token-times"]').innerText();
  check('the token\'s iat, nbf and exp read as dates, with its lifetime', /iat[\s\S]*2026-08-19T[\s\S]*exp[\s\S]*valid for \d+ min/.test(times), times);
  check('a raw JWT is not coloured as if it were JSON', (await page.locator('[data-testid="claims-input-highlight"] [class*="tok-"]').count()) === 0);
  check('the decoded header and payload are shown, not folded away', (await page.locator('[data-testid="token-claims"]').isVisible()) && (await page.locator('[data-testid="token-header"]').isVisible()));

  // 12c. A theme menu overrides the system's choice, and is remembered.
  await page.selectOption('[data-testid="theme"]', 'dark');
  const darkBg = await page.evaluate(() => [document.documentElement.dataset.theme, getComputedStyle(document.body).backgroundColor]);
  check('the theme menu switches to dark', darkBg[0] === 'dark' && darkBg[1] === 'rgb(13, 17, 23)', darkBg.join(' '));
  await page.reload();
  await ready();
  check('the theme choice is remembered', (await page.evaluate(() => document.documentElement.dataset.theme)) === 'dark');
  await page.selectOption('[data-testid="theme"]', 'light');
  await page.emulateMedia({ colorScheme: 'dark' });
  const forcedLight = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  check('"light" holds even when the system is dark', forcedLight === 'rgb(255, 255, 255)', forcedLight);
  await page.selectOption('[data-testid="theme"]', '');
  await page.emulateMedia({ colorScheme: 'light' });
  check('"system" hands the choice back', (await page.evaluate(() => document.documentElement.dataset.theme)) === undefined);

  // 12e. "Remember my inputs" is off by default, keeps the token only when ticked, and
  //      forgets when unticked.
  const stored = () => page.evaluate(() => ({ ...localStorage }));
  await page.goto(`${origin}/`);
  await page.waitForSelector('.page > [data-testid="verdict"]', { timeout: 30000 });
  await page.fill('[data-testid="policy-input"]', mine);
  check('nothing typed is stored by default', !('oidc-trust-inputs' in (await stored())));
  await page.check('[data-testid="remember-inputs"]');
  await page.fill('[data-testid="claims-input"]', sibling);
  await page.waitForTimeout(100);
  await page.goto(`${origin}/`);
  await page.waitForSelector('.page > [data-testid="verdict"]', { timeout: 30000 });
  check('ticked: the policy comes back on the next visit, the token does not', (await page.inputValue('[data-testid="policy-input"]')) === mine && (await page.inputValue('[data-testid="claims-input"]')) === '');
  await page.check('[data-testid="remember-token"]');
  await page.fill('[data-testid="claims-input"]', sibling);
  await page.waitForTimeout(100);
  await page.goto(`${origin}/`);
  await page.waitForSelector('.page > [data-testid="verdict"]', { timeout: 30000 });
  check('with the token ticked too, the token comes back', (await page.inputValue('[data-testid="claims-input"]')) === sibling);
  // A link opened (or embedded) is not the user's: what they kept stays.
  const linked = await context.newPage();
  await linked.goto(fixedLink);
  await linked.waitForSelector('.page > [data-testid="verdict"]', { timeout: 30000 });
  await linked.waitForTimeout(200);
  await linked.close();
  await page.goto(`${origin}/`);
  await page.waitForSelector('.page > [data-testid="verdict"]', { timeout: 30000 });
  check('opening a link does not replace what the user kept', (await page.inputValue('[data-testid="policy-input"]')) === mine);
  await page.uncheck('[data-testid="remember-inputs"]');
  const left = await stored();
  check('unticking forgets what was kept', !('oidc-trust-inputs' in left) && !('oidc-trust-remember' in left), JSON.stringify(Object.keys(left)));
  await page.goto(`${origin}/`);
  await page.waitForSelector('.page > [data-testid="verdict"]', { timeout: 30000 });

  // 12d. Keyboard only: Tab reaches every control in order, each with a visible focus.
  await page.evaluate(() => { window.scrollTo(0, 0); document.activeElement?.blur(); });
  const reached = [];
  const invisible = [];
  for (let i = 0; i < 200; i++) {
    await page.keyboard.press('Tab');
    const f = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      const ring = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
      const editorRing = el.closest('.code-editor') && getComputedStyle(el.closest('.code-editor')).outlineStyle !== 'none';
      return { id: el.getAttribute('data-testid') || el.getAttribute('aria-label') || el.textContent.trim().slice(0, 30) || el.tagName, visible: ring || Boolean(editorRing) };
    });
    if (!f) break;
    if (reached.includes(f.id) && f.id === reached[0]) break;
    reached.push(f.id);
    if (!f.visible) invisible.push(f.id);
  }
  const needed = ['theme', 'example-policy', 'example-token', 'policy-input', 'claims-input', 'share-include-token', 'share-button'];
  check('Tab reaches every main control', needed.every((n) => reached.includes(n)), needed.filter((n) => !reached.includes(n)).join(', '));
  check('every focused control shows a focus ring', invisible.length === 0, [...new Set(invisible)].slice(0, 5).join(' | '));

  // 13. axe-core: light, dark, phone and the embed.
  await page.fill('[data-testid="policy-input"]', basic);
  await page.fill('[data-testid="claims-input"]', sibling);
  await page.waitForSelector('[data-testid="verdict"][data-decision="deny"]');
  await page.click('[data-testid="share-button"]');
  await page.locator('details').evaluateAll((ds) => ds.forEach((d) => { d.open = true; }));
  await axe(page, 'light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await axe(page, 'dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 390, height: 844 });
  await axe(page, 'phone');
  await page.setViewportSize({ width: 640, height: 400 });
  await axe(page, '200 % zoom');
  await page.setViewportSize({ width: 1280, height: 800 });
  const snippet = await page.inputValue('[data-testid="embed-snippet"]');
  const embedUrl = snippet.match(/src="([^"]+)"/)?.[1] ?? '';
  const embed = await context.newPage();
  watch(embed);
  await embed.setViewportSize({ width: 700, height: 450 });
  await embed.goto(embedUrl);
  await embed.waitForSelector('[data-testid="embed"] [data-testid="verdict"]');
  check('the embed says which time it is evaluated at', /Evaluated at/.test(await embed.locator('[data-testid="evaluation-time"]').innerText()));
  const moderate = await axe(embed, 'embed');
  check('the embed has a heading', !moderate.some((v) => v.id === 'page-has-heading-one'), JSON.stringify(moderate));
  check('the embed has no buttons that do nothing', (await embed.locator('[data-testid="embed"] button').count()) === 0);
  const linkFirst = await embed.evaluate(() => Boolean(document.querySelector('[data-testid="embed-open"]').compareDocumentPosition(document.querySelector('[data-testid="embed"] [data-testid="verdict"]')) & Node.DOCUMENT_POSITION_FOLLOWING));
  check('"open in the playground" comes first in the embed', linkFirst);
  const failFirst = await embed.locator('[data-testid="condition-row"]').first().getAttribute('data-result');
  check('the embed shows the failing condition first', failFirst === 'fail');
  await embed.close();

  // The snippet sizes its iframe to the embed's content.
  const host = await context.newPage();
  watch(host);
  await host.setContent(`<!doctype html><h1>Docs</h1>${snippet}<p>after</p>`);
  await host.waitForFunction(() => document.querySelector('iframe').style.height !== '', null, { timeout: 10000 }).catch(() => {});
  const sized = await host.evaluate(() => document.querySelector('iframe').style.height);
  const frame = host.frames().find((f) => f.url().includes('#embed='));
  const inner = frame ? await frame.evaluate(() => Math.ceil(document.querySelector('.page').getBoundingClientRect().height)) : -1;
  check('the embed snippet sizes its iframe to the content', sized === `${inner}px` && inner !== 420, `${sized} vs ${inner}px`);
  // It shrinks too: a short embed is smaller than the snippet's 420 px.
  const shortEmbed = await context.newPage();
  await shortEmbed.setContent(`<!doctype html>${snippet.replace(/#embed=[^"]+/, '#embed=1.damaged')}`);
  await shortEmbed.waitForFunction(() => document.querySelector('iframe').style.height !== '', null, { timeout: 10000 }).catch(() => {});
  const shortHeight = parseInt(await shortEmbed.evaluate(() => document.querySelector('iframe').style.height), 10);
  check('a short embed shrinks its iframe below 420 px', shortHeight > 0 && shortHeight < 420, `${shortHeight}px`);
  await shortEmbed.close();
  await host.close();

  // A damaged embed link: a short error in the iframe, not the whole editor.
  const broken = await context.newPage();
  watch(broken);
  await broken.goto(`${origin}/#embed=1.damaged`);
  await broken.waitForSelector('[data-testid="embed-error"]', { timeout: 10000 }).catch(() => {});
  check('a damaged embed link gives a short error, not the editor', (await broken.locator('[data-testid="embed-error"]').count()) === 1 && (await broken.locator('textarea').count()) === 0);
  await broken.close();
} catch (e) {
  check('the browser session ran to the end', false, String(e && e.stack));
} finally {
  await browser?.close();
  server.close();
}
report();
