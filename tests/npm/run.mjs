// Tests the npm package as a user gets it: packs wasm/pkg, installs the tarball into a
// fresh project, and runs there the shared suite in Node (ESM and CommonJS), Deno and
// headless Chromium, then publint, Are The Types Wrong and tsc on a TypeScript consumer.
// Ends with one line "N passed, N failed" over every suite.
//
//   node tests/npm/run.mjs [--keep]     (after `npm --prefix wasm run build`)
//   --keep: leave the test project in place and print where it is
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const pkgDir = join(root, 'wasm', 'pkg');

if (!existsSync(join(pkgDir, 'package.json'))) {
  console.error('wasm/pkg is not built: run `npm --prefix wasm run build` first');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'oidc-trust-npm-'));
const project = join(work, 'project');
mkdirSync(project);
const env = { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', FORCE_COLOR: '0' };

// --- pack and install, as `npm install oidc-trust` would --------------------------------
const packed = JSON.parse(execFileSync('npm', ['pack', pkgDir, '--json', '--pack-destination', work], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }))[0];
const tarball = join(work, packed.filename);
console.log(`packed ${packed.filename}: ${packed.entryCount} files, ${(packed.size / 1000).toFixed(1)} KB packed, ${(packed.unpackedSize / 1000).toFixed(1)} KB unpacked`);
writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, dependencies: { 'oidc-trust': `file:${tarball}` } }, null, 2));
execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error'], { cwd: project, env, stdio: 'inherit' });

for (const file of ['suite.mjs', 'esm.test.mjs', 'cjs.test.cjs', 'deno.test.mjs', 'browser.html', 'cli.mjs']) {
  copyFileSync(join(here, file), join(project, file));
}
mkdirSync(join(project, 'ts'));
for (const file of readdirSync(join(here, 'ts'))) copyFileSync(join(here, 'ts', file), join(project, 'ts', file));
writeFileSync(join(project, 'fixtures.json'), JSON.stringify(fixtures()));

// The package README's Node examples run as written (from the installed package).
const readme = readFileSync(join(project, 'node_modules', 'oidc-trust', 'README.md'), 'utf8');
const examples = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]).filter((code) => /^import .* from 'oidc-trust(\/terraform|\/lint)?';$/m.test(code));
examples.forEach((code, i) => writeFileSync(join(project, `readme-${i}.mjs`), code));
// Its TypeScript examples are type-checked, compiled and run the same way.
const tsExamples = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
tsExamples.forEach((code, i) => writeFileSync(join(project, 'ts', `readme-ts-${i}.mts`), code));
writeFileSync(join(project, 'ts', 'tsconfig.readme.json'), JSON.stringify({
  extends: './tsconfig.json',
  compilerOptions: { noEmit: false, outDir: '../readme-ts' },
  files: tsExamples.map((_, i) => `readme-ts-${i}.mts`),
}));

// --- suites -------------------------------------------------------------------------
const totals = { passed: 0, failed: 0 };
const lines = [];

function suite(label, cmd, args, parse, options = {}) {
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: project, env, encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  let { passed, failed } = parse(out, r.status);
  if (r.status !== 0 && failed === 0) failed = 1; // crashed or refused: never a silent pass
  if (passed + failed === 0) failed = 1;
  if (failed > 0 || process.env.VERBOSE) process.stdout.write(out.split('\n').filter((l) => !/^ok /.test(l)).join('\n'));
  totals.passed += passed;
  totals.failed += failed;
  lines.push(`${label}: ${passed} passed, ${failed} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

const tap = (out) => ({ passed: count(out, /^# pass (\d+)/m), failed: count(out, /^# fail (\d+)/m) });
const deno = (out) => ({ passed: count(out, /(\d+) passed/), failed: count(out, /(\d+) failed/) });
// A tool run that is not a test suite counts as one test: its exit status.
const check = (_out, status) => (status === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 });

suite('node esm', process.execPath, ['--test', '--test-reporter=tap', 'esm.test.mjs'], tap);
suite('node cjs', process.execPath, ['--test', '--test-reporter=tap', 'cjs.test.cjs'], tap);
suite('deno', bin('deno'), ['test', '--no-remote', '--no-prompt', '--allow-read', 'deno.test.mjs'], deno);
suite('chromium', process.execPath, [join(here, 'browser.mjs')], tap);
suite(`readme examples (${examples.length})`, process.execPath, ['-e', readmeRunner(examples.length, 'readme-')], tap);
suite(`readme TypeScript examples (${tsExamples.length}): tsc`, bin('tsc'), ['-p', 'ts/tsconfig.readme.json'], check);
suite(`readme TypeScript examples (${tsExamples.length}): run`, process.execPath, ['-e', readmeRunner(tsExamples.length, 'readme-ts/readme-ts-')], tap);
suite('npx oidc-trust (the CLI on WASI) = the native CLI', process.execPath, ['cli.mjs', root], tap);
suite('tsc (nodenext, esm + cjs)', bin('tsc'), ['-p', 'ts/tsconfig.json'], check);
suite('tsc (bundler)', bin('tsc'), ['-p', 'ts/tsconfig.bundler.json'], check);
suite('publint', bin('publint'), ['run', join(project, 'node_modules', 'oidc-trust'), '--strict'], check);
// `oidc-trust/init` is ESM by design (bundlers, browsers; Node has the main entry), and
// `oidc-trust/wasm` and `oidc-trust/lint/wasm` are modules' bytes, not code: attw judges the rest.
suite('attw', bin('attw'), [tarball, '--format', 'table-flipped', '--exclude-entrypoints', 'wasm', 'lint/wasm', '--ignore-rules', 'cjs-resolves-to-esm'], check);

const wasm = statSync(join(project, 'node_modules', 'oidc-trust', 'oidc_trust_wasm_bg.wasm')).size;
console.log(`\n${lines.join('\n')}\ninstalled oidc_trust_wasm_bg.wasm: ${(wasm / 1000).toFixed(1)} KB raw`);
if (process.argv.includes('--keep')) console.log(`test project kept in ${project}`);
else rmSync(work, { recursive: true, force: true });
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exitCode = totals.failed ? 1 : 0;

// Runs each README example in its own process; an example passes when it exits 0 and
// prints something.
function readmeRunner(n, prefix) {
  return `
    const { spawnSync } = require('node:child_process');
    let pass = 0, fail = 0;
    for (let i = 0; i < ${n}; i++) {
      const r = spawnSync(process.execPath, ['${prefix}' + i + '.mjs'], { encoding: 'utf8' });
      if (r.status === 0 && (r.stdout + r.stderr).trim()) pass++; else { fail++; console.log('not ok - readme example ' + i + '\\n' + r.stdout + r.stderr); }
    }
    console.log('# pass ' + pass + '\\n# fail ' + fail);`;
}

function count(text, re) {
  const m = text.match(re);
  return m ? Number(m[1]) : 0;
}

// The Rust tests' corpus in one file: golden traces with their inputs, the subvectors
// cases, and the seed policies and tokens by name.
function fixtures() {
  const read = (p) => readFileSync(join(root, p), 'utf8');
  const stem = (f) => f.replace(/\.(json|jwt)$/, '');
  const golden = JSON.parse(read('tests/corpus/eval/cases.json')).map((c) => ({
    name: c.name,
    policyText: read(c.policy),
    claimsText: read(c.claims),
    now: c.now,
    expect: c.expect,
    trace: JSON.parse(read(`tests/golden/${c.name}.json`)),
  }));
  const byName = (dir, ext) => Object.fromEntries(readdirSync(join(root, dir)).filter((f) => f.endsWith(ext)).map((f) => [stem(f), read(`${dir}/${f}`)]));
  return {
    golden,
    vectors: JSON.parse(read('tests/corpus/subvectors-aws.json')),
    policies: byName('examples/policies', '.json'),
    rcps: byName('examples/rcps', '.json'),
    tokens: byName('examples/tokens', '.json'),
    jwt: read('examples/tokens/main.jwt').trim(),
    expect: Object.fromEntries(golden.map((c) => [c.name, c.expect])),
    badInputs: JSON.parse(read('tests/bad-inputs/cases.json')).filter((c) => ['policy', 'claims', 'token'].includes(c.kind)),
    terraform: terraformCases(),
    generate: generateCases(),
  };
}

// Intents for `oidc-trust/generate`, one or more per provider, each with what the native
// CLI prints for it (`generate --spec FILE --format F`): the npm output must equal it.
function generateCases() {
  const account = '123456789012';
  const intents = {
    github: { account, repositories: ['acme/api'], branches: ['main'] },
    'github-layers-1-2-4': { account, repositories: [{ repo: 'acme/api', id: '74', ownerId: '65' }], branches: ['main'], environments: ['production'],
      workflow: '.github/workflows/deploy.yml@refs/heads/main', workflowName: 'Deploy', actors: ['release-bot'], customSubject: true },
    'github-enterprise-immutable': { account, issuer: 'token.actions.githubusercontent.com/acme-corp', repositories: [{ repo: 'acme/api', ownerId: '65', id: '74' }],
      branches: ['main'], immutableSubject: true },
    'github-layer-3': { account, repositories: [{ repo: 'acme/api', id: '74', ownerId: '65' }], branches: ['main', 'release/*'], tags: ['v*'],
      environments: ['production'], workflow: '.github/workflows/deploy.yml@refs/heads/main', layer3: true, codeOwners: ['@acme/platform'],
      reviewers: ['acme/sre', 'alice'], noAdminBypass: true, terrateamTeam: 'sre' },
    gitlab: { provider: 'gitlab', account, repositories: [{ repo: 'acme/platform/api', id: '100', ownerId: '7' }], branches: ['main'], tags: ['v*'], actors: ['maintainer'],
      layer3: true, codeOwners: ['@acme/maintainers'] },
    circleci: { provider: 'circleci', account, repositories: ['11111111-2222-3333-4444-555555555555/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee'], actors: ['66666666-7777-8888-9999-000000000000'] },
    terraform: { provider: 'terraform', account, repositories: ['acme/infra/network', 'acme/dns'], runPhases: ['apply'] },
    bitbucket: { provider: 'bitbucket', account, repositories: [{ repo: 'acme/{11111111-1111-1111-1111-111111111111}', ownerId: '22222222-2222-2222-2222-222222222222' }],
      environments: ['{33333333-3333-3333-3333-333333333333}'] },
    buildkite: { provider: 'buildkite', account, repositories: [{ repo: 'acme/deploy', ownerId: 'org-uuid', id: 'pipeline-uuid' }], branches: ['main', 'release/*'] },
  };
  const cli = join(root, 'target', 'release', 'oidc-trust');
  const dir = mkdtempSync(join(tmpdir(), 'oidc-trust-specs-'));
  try {
    return Object.entries(intents).map(([name, intent]) => {
      const spec = join(dir, `${name}.json`);
      writeFileSync(spec, JSON.stringify(intent));
      const print = (format) => {
        const r = spawnSync(cli, ['generate', '--spec', spec, '--format', format], { encoding: 'utf8' });
        if (r.error) throw r.error;
        return r.status === 0 ? r.stdout : null;
      };
      return {
        name,
        intent,
        cli: { policy: print('json'), terraform: print('terraform'), cloudformation: print('cloudformation'), workflow: print('workflow'),
          ghSub: print('gh-sub'), summary: print('summary'), layer3: print('layer3') },
      };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// The Terraform corpus: each case's files (path → text) and what the Rust reader found.
function terraformCases() {
  const dir = join(root, 'tests', 'terraform', 'cases');
  const filesOf = (base, rel = '') => readdirSync(join(base, rel), { withFileTypes: true }).flatMap((e) => {
    const path = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) return filesOf(base, path);
    return e.name === 'README.md' ? [] : [[path, readFileSync(join(base, path), 'utf8')]];
  });
  return readdirSync(dir).sort().map((name) => ({
    name,
    files: Object.fromEntries(filesOf(join(dir, name))),
    expected: JSON.parse(readFileSync(join(root, 'tests', 'terraform', 'expected', `${name}.json`), 'utf8')),
  }));
}
