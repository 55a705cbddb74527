// The playground in headless Chromium: time from navigation to the first verdict, and
// from a keystroke in a 2 KB policy to the updated page (parse, evaluate, lint, who-can
// and the DOM update; the paint after it is the browser's). Also the first-load bytes.
// Figures, not assertions.
//
//   scripts/playground build && node bench/playground.mjs [--json FILE]
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { serve } from '../scripts/serve.mjs';
import { launch } from '../tests/support/chromium.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

// First load: everything index.html pulls in (the whole of dist/ but source maps and
// terraform/, which the page fetches only when HCL is pasted).
let raw = 0;
let gzip = 0;
let br = 0;
const files = [];
const walk = (dir, prefix = '') => readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? walk(join(dir, name), `${prefix}${name}/`) : [`${prefix}${name}`]));
// The modules fetched on demand, by folder.
const lazy = { terraform: { raw: 0, gzip: 0 }, generate: { raw: 0, gzip: 0 } };
for (const name of walk(dist)) {
  const path = join(dist, name);
  const onDemand = /^(terraform|generate)\//.exec(name);
  if (onDemand && !/\.(br|gz|map)$/.test(name)) {
    const bytes = readFileSync(path);
    lazy[onDemand[1]].raw += bytes.length;
    lazy[onDemand[1]].gzip += gzipSync(bytes, { level: 9 }).length;
  }
  if (name.endsWith('.map') || /\.(br|gz)$/.test(name) || onDemand) continue;
  const bytes = readFileSync(path);
  const packed = gzipSync(bytes, { level: 9 }).length;
  raw += bytes.length;
  gzip += packed;
  br += brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  files.push({ name, raw: bytes.length, gzip: packed });
}

// A 2 KB policy (IAM's default trust-policy quota is 2,048 characters): the hardened
// layer-2 seed plus a second, environment-bound statement.
const layer2 = JSON.parse(readFileSync(join(root, 'examples/policies/hardening-layer2.json'), 'utf8'));
const second = structuredClone(layer2.Statement[0]);
second.Sid = 'ProductionEnvironment';
second.Condition.StringEquals['token.actions.githubusercontent.com:sub'] = 'repo:acme/api:environment:production';
second.Condition.StringEquals['token.actions.githubusercontent.com:repository_id'] = '74';
second.Condition.StringEquals['token.actions.githubusercontent.com:actor'] = ['release-bot', 'deploy-bot'];
layer2.Statement.push(second);
const policy = JSON.stringify(layer2, null, 2);
// A large policy: 60 statements (the first-time pass measured 0.22 s per keystroke on one).
const large = structuredClone(layer2);
large.Statement = Array.from({ length: 60 }, (_, i) => ({ ...structuredClone(second), Sid: i === 59 ? 'ProductionEnvironment' : `Env${i}` }));
const largePolicy = JSON.stringify(large, null, 2);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];

const server = await serve(dist);
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await launch({ viewport: { width: 1280, height: 900 } });
const firstVerdict = [];
let keystrokes = [];
let throttled = [];
let largeTimes = [];
try {
  const { page } = browser;
  // The verdict's first appearance, stamped inside the page (no round trip to Node).
  await page.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (document.querySelector('[data-testid="verdict"][data-decision]')) {
        window.__firstVerdict = performance.now();
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true, attributes: true });
  });
  for (let i = 0; i < 7; i++) {
    await page.goto(`${origin}/?run=${i}`);
    await page.waitForFunction(() => window.__firstVerdict !== undefined, null, { timeout: 30000 });
    firstVerdict.push(await page.evaluate(() => window.__firstVerdict));
  }
  await page.fill('[data-testid="policy-input"]', policy);
  await page.waitForSelector('[data-testid="verdict"][data-decision]');
  // Each keystroke edits the Sid (the policy stays valid, so the whole pipeline runs);
  // the time runs to the next task after the input event, with layout forced.
  const type = (count) => page.evaluate(async (count) => {
    const box = document.querySelector('[data-testid="policy-input"]');
    const nextTask = () => new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve();
      channel.port2.postMessage(0);
    });
    const times = [];
    for (let i = 0; i < count; i++) {
      const at = box.value.indexOf('ProductionEnvironment') + 'ProductionEnvironment'.length;
      const start = performance.now();
      box.value = i % 2 === 0 ? `${box.value.slice(0, at)}X${box.value.slice(at)}` : `${box.value.slice(0, at)}${box.value.slice(at + 1)}`;
      box.dispatchEvent(new Event('input', { bubbles: true }));
      await nextTask();
      void document.body.offsetHeight;
      times.push(performance.now() - start);
      await new Promise((resolve) => requestAnimationFrame(() => resolve()));
    }
    return times;
  }, count);
  keystrokes = await type(41);
  // The same with the CPU slowed 4× (Chromium's throttling), as on a mid-range phone.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  throttled = await type(41);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  await page.fill('[data-testid="policy-input"]', largePolicy);
  await page.waitForSelector('[data-testid="verdict"][data-decision]');
  largeTimes = await type(21);
  const decided = await page.locator('[data-testid="verdict"]').getAttribute('data-decision');
  if (!decided) throw new Error('no verdict after the keystrokes');
} finally {
  await browser.close();
  server.close();
}

const result = {
  policyBytes: policy.length,
  firstLoad: { raw, gzip, br, files },
  onDemand: lazy,
  firstVerdictMs: { median: median(firstVerdict), samples: firstVerdict },
  keystrokeMs: { median: median(keystrokes), p95: p95(keystrokes), samples: keystrokes.length },
  keystrokeThrottledMs: { median: median(throttled), p95: p95(throttled), samples: throttled.length },
  keystrokeLargeMs: { median: median(largeTimes), p95: p95(largeTimes), samples: largeTimes.length, bytes: largePolicy.length, statements: 60 },
};
console.log(`playground first load: ${(raw / 1000).toFixed(1)} KB raw, ${(gzip / 1000).toFixed(1)} KB gzip -9, ${(br / 1000).toFixed(1)} KB brotli (${files.length} files)`);
console.log(`first verdict after navigation: median ${result.firstVerdictMs.median.toFixed(0)} ms over ${firstVerdict.length} loads`);
console.log(`re-evaluation after a keystroke (${policy.length} B policy): median ${result.keystrokeMs.median.toFixed(2)} ms, p95 ${result.keystrokeMs.p95.toFixed(2)} ms over ${keystrokes.length} keystrokes`);
console.log(`the same with the CPU slowed 4×: median ${result.keystrokeThrottledMs.median.toFixed(2)} ms, p95 ${result.keystrokeThrottledMs.p95.toFixed(2)} ms`);
console.log(`a 60-statement policy (${largePolicy.length} B): median ${result.keystrokeLargeMs.median.toFixed(2)} ms, p95 ${result.keystrokeLargeMs.p95.toFixed(2)} ms`);
const jsonAt = process.argv.indexOf('--json');
if (jsonAt > 0) writeFileSync(process.argv[jsonAt + 1], JSON.stringify(result, null, 2));
