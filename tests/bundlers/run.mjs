// The npm package in the five bundlers users build apps with — Vite, webpack 5, esbuild,
// Rollup and Next.js — each with its default configuration plus, where it needs one, the
// one-line recipe the package README gives. Each tiny app (apps/) is built against the
// packed tarball and loaded in headless Chromium, which must show the decision `allow`.
// Prints TAP-like lines and "N passed, N failed".
//
//   node tests/bundlers/run.mjs     (after `npm --prefix wasm run build`)
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from '../support/chromium.mjs';
import { serve } from '../../scripts/serve.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NO_COLOR: '1', FORCE_COLOR: '0' };
let passed = 0;
let failed = 0;
const check = (name, ok, detail = '') => {
  ok ? passed++ : failed++;
  console.log(`${ok ? 'ok' : 'not ok'} - bundlers: ${name}${ok ? '' : `\n  ${String(detail).slice(0, 1200)}`}`);
};

// The bundlers, pinned in package.json, and the package as `npm install` gives it.
const wanted = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8')).devDependencies;
const installed = Object.entries(wanted).every(([name, version]) => {
  try {
    return JSON.parse(readFileSync(join(here, 'node_modules', name, 'package.json'), 'utf8')).version === version;
  } catch {
    return false;
  }
});
if (!installed) {
  // The lockfile pins every transitive package too, and marks this folder as the
  // workspace root Next.js resolves its packages in.
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: here, env, stdio: 'inherit' });
}
const work = mkdtempSync(join(tmpdir(), 'oidc-trust-bundlers-'));
const packed = JSON.parse(execFileSync('npm', ['pack', join(root, 'wasm', 'pkg'), '--json', '--pack-destination', work], { env, encoding: 'utf8' }))[0];
// The installed package: node_modules/oidc-trust, as npm unpacks the tarball (a copy, not
// a link, so that bundlers see a package in node_modules, not the source folder).
const pkgDir = join(work, 'pkg');
mkdirSync(pkgDir);
execFileSync('tar', ['-xzf', join(work, packed.filename), '-C', pkgDir]);
rmSync(join(here, 'node_modules', 'oidc-trust'), { recursive: true, force: true });
cpSync(join(pkgDir, 'package'), join(here, 'node_modules', 'oidc-trust'), { recursive: true });
// The apps are built in a folder beside node_modules (git ignores it), as in a project.
const project = join(here, '.work');
rmSync(project, { recursive: true, force: true });
mkdirSync(project);

const bin = (name) => join(here, 'node_modules', '.bin', name);
const html = readFileSync(join(here, 'page.html'), 'utf8');
const apps = [
  {
    name: 'Vite (default configuration, the default entry)',
    dir: 'vite',
    build: [[bin('vite'), ['build']]],
    serve: 'dist',
  },
  {
    name: 'webpack 5 (default configuration, oidc-trust/init)',
    dir: 'webpack',
    build: [[bin('webpack'), []]],
    page: ['dist/index.html', html.replace('<script type="module" src="./main.js">', '<script src="./main.js">')],
    serve: 'dist',
  },
  {
    name: 'esbuild (recipe: --loader:.wasm=binary with initSync)',
    dir: 'esbuild',
    build: [[bin('esbuild'), ['main.js', '--bundle', '--loader:.wasm=binary', '--outfile=dist/main.js']]],
    page: ['dist/index.html', html.replace('<script type="module" src="./main.js">', '<script src="./main.js">')],
    serve: 'dist',
  },
  {
    name: 'Rollup (recipe: node-resolve, and the .wasm copied next to the bundle)',
    dir: 'rollup',
    build: [
      [bin('rollup'), ['main.js', '-p', '@rollup/plugin-node-resolve', '-f', 'es', '-d', 'dist']],
      ['cp', [join(here, 'node_modules', 'oidc-trust', 'oidc_trust_wasm_bg.wasm'), 'dist/']],
    ],
    page: ['dist/index.html', html],
    serve: 'dist',
  },
  {
    name: 'Next.js (default configuration, a client component)',
    dir: 'next',
    build: [[bin('next'), ['build']]],
    start: [bin('next'), ['start', '-p', '3217', '-H', '127.0.0.1'], 'http://127.0.0.1:3217/'],
  },
];

const browser = await launch();
for (const app of apps) {
  const dir = join(project, app.dir);
  cpSync(join(here, 'apps', app.dir), dir, { recursive: true });
  cpSync(join(here, 'verdict.js'), join(dir, 'verdict.js'));
  if (app.dir === 'vite') writeFileSync(join(dir, 'index.html'), html);
  let log = '';
  let built = true;
  for (const [cmd, args] of app.build) {
    const r = spawnSync(cmd, args, { cwd: dir, env, encoding: 'utf8' });
    log += `$ ${cmd} ${args.join(' ')}\n${r.stdout}${r.stderr}`;
    if (r.status !== 0) built = false;
  }
  check(`${app.name}: builds`, built, log);
  if (!built) continue;
  if (app.page) writeFileSync(join(dir, app.page[0]), app.page[1]);
  let url;
  let stop;
  if (app.start) {
    const child = spawn(app.start[0], app.start[1], { cwd: dir, env, stdio: 'ignore' });
    stop = () => child.kill();
    url = app.start[2];
    for (let i = 0; i < 100; i++) {
      try {
        await fetch(url);
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } else {
    const server = await serve(join(dir, app.serve));
    stop = () => server.close();
    url = `http://127.0.0.1:${server.address().port}/`;
  }
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/favicon/.test(m.location().url)) errors.push(`${m.text()} ${m.location().url}`);
  });
  let decision = null;
  try {
    await page.goto(url);
    await page.waitForSelector('[data-decision]', { timeout: 30000 });
    decision = await page.getAttribute('[data-decision]', 'data-decision');
  } catch (e) {
    errors.push(String(e));
  }
  check(`${app.name}: the page shows allow`, decision === 'allow' && errors.length === 0, `${decision} ${errors.join(' | ')}`);
  await page.close();
  stop();
}
await browser.close();
rmSync(work, { recursive: true, force: true });
rmSync(project, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
