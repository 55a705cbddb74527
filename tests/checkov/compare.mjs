// oidc-trust and checkov side by side on the Terraform corpus (tests/terraform/cases).
// checkov (PyPI, dev-only, installed by `scripts/setup checkov`) runs its GitHub OIDC trust
// policy checks, CKV_AWS_358 (policy documents) and CKV_AWS_393 (roles); oidc-trust's
// verdicts are the corpus expectations the Rust tests hold the reader to. Where the two
// differ, docs/lint.md has a row that says why (the text is kept in why.json): this test
// fails when a difference is not documented, or a documented one is gone.
//
//   node tests/checkov/compare.mjs [--update]    --update rewrites the table in docs/lint.md
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const cases = join(root, 'tests', 'terraform', 'cases');
const tools = process.env.OIDC_TRUST_CHECKOV_TOOLS ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'oidc-trust', 'checkov');
const checkov = join(tools, 'bin', 'checkov');
if (!existsSync(checkov)) {
  console.log(`not ok - checkov is not installed in ${tools}: run scripts/setup checkov\n0 passed, 1 failed`);
  process.exit(1);
}

// checkov: per case, fails when any of its checks fails, passes when one passed, else it
// did not read the case (a registry module it would have to download, a file it skips).
// checkov exits 1 when a check fails: its report is on stdout either way.
const run = spawnSync(checkov, ['-d', cases, '--framework', 'terraform', '--check', 'CKV_AWS_358,CKV_AWS_393', '-o', 'json', '--skip-download'], {
  encoding: 'utf8',
  maxBuffer: 64 << 20,
  env: { ...process.env, BC_SKIP_MAPPING: 'TRUE', LOG_LEVEL: 'ERROR' },
});
if (run.status !== 0 && run.status !== 1) {
  console.log(`not ok - checkov ran (exit ${run.status})\n  ${(run.stderr ?? '').split('\n').slice(-5).join('\n  ')}\n0 passed, 1 failed`);
  process.exit(1);
}
const raw = run.stdout;
const reports = [JSON.parse(raw)].flat();
const theirs = new Map();
for (const r of reports) {
  for (const [kind, verdict] of [['passed_checks', 'passes'], ['failed_checks', 'fails']]) {
    for (const check of r.results?.[kind] ?? []) {
      const name = check.file_path.replace(/^\/+/, '').split('/')[0];
      if (theirs.get(name) !== 'fails') theirs.set(name, verdict);
    }
  }
}

// oidc-trust: fails on a critical or high finding; an input error or a policy that cannot
// be judged before apply is said so.
function ours(name) {
  const expected = JSON.parse(readFileSync(join(root, 'tests', 'terraform', 'expected', `${name}.json`), 'utf8'));
  const bad = expected.policies.flatMap((p) => p.findings).filter((f) => /^(critical|high) /.test(f));
  if (bad.length) {
    const codes = [...new Set(bad.map((f) => f.split(' ')[1]))];
    return { verdict: 'fails', text: `fails: ${codes.slice(0, 2).map((c) => `\`${c}\``).join(', ')}${codes.length > 2 ? '…' : ''}` };
  }
  const error = expected.problems.find((p) => p.startsWith('error '));
  if (error && expected.policies.length === 0) return { verdict: 'error', text: `input error: \`${error.split(' ')[1]}\`` };
  if (expected.policies.length === 0) {
    const warning = expected.problems[0]?.split(' ')[1] ?? 'no-trust-policy';
    return { verdict: 'unknown', text: `not judged: \`${warning}\`` };
  }
  return { verdict: 'passes', text: 'passes' };
}

const why = JSON.parse(readFileSync(join(here, 'why.json'), 'utf8'));

const rows = [];
const results = [];
for (const name of readdirSync(cases).sort()) {
  const o = ours(name);
  const t = theirs.get(name) ?? 'not read';
  const agree = o.verdict === t;
  if (!agree) {
    rows.push({ name, theirs: t, ours: o.text, why: why[name] });
  }
  results.push({ name, agree, documented: agree || typeof why[name] === 'string' });
}

const table = [
  '| case | checkov | oidc-trust | why they differ |',
  '|---|---|---|---|',
  ...rows.map((r) => `| \`${r.name}\` | ${r.theirs} | ${r.ours} | ${(r.why ?? '(undocumented)').replace(/\|/g, '\\|')} |`),
].join('\n');
const agreeing = results.filter((r) => r.agree).length;
const summary = `On the ${results.length} cases of the corpus, the two agree on ${agreeing} and differ on ${rows.length}.`;
const docs = join(root, 'docs', 'lint.md');
const text = readFileSync(docs, 'utf8');
const start = '<!-- checkov:start -->';
const end = '<!-- checkov:end -->';
const a = text.indexOf(start);
const b = text.indexOf(end);
if (a < 0 || b < a) {
  console.log(`not ok - docs/lint.md lacks the ${start} ... ${end} markers\n0 passed, 1 failed`);
  process.exit(1);
}
const wanted = `${start}\n${summary}\n\n${table}\n${end}`;
if (process.argv.includes('--update')) {
  writeFileSync(docs, text.slice(0, a) + wanted + text.slice(b + end.length));
  console.log(`docs/lint.md: ${rows.length} differences written`);
}
const current = readFileSync(docs, 'utf8');
const shown = current.slice(current.indexOf(start), current.indexOf(end) + end.length);

let passed = 0;
let failed = 0;
const report = (ok, name, detail = '') => {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'ok' : 'not ok'} - checkov side by side: ${name}${ok || !detail ? '' : `\n  ${detail}`}`);
};
for (const r of results) report(r.documented, r.name, `checkov ${theirs.get(r.name) ?? 'not read'}, oidc-trust ${ours(r.name).text}: add why.json["${r.name}"]`);
for (const name of Object.keys(why)) {
  if (!rows.some((r) => r.name === name)) report(false, `why.json["${name}"] is stale`, 'the two agree now (or the case is gone): remove it');
}
report(shown === wanted, 'the table in docs/lint.md is current', 'run node tests/checkov/compare.mjs --update');
console.log(`# ${summary}`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
