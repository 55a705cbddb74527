// The GitHub Action: `oidc-trust lint` on the runner, with the CLI built for WASI (the same
// CLI as the native binary and `npx oidc-trust`), so the step needs no install. It writes
// the SARIF report for code scanning, the findings to the job summary, and gates the job
// with the lint's exit code. Only Node's own modules: `action/build.mjs` copies this file,
// the CLI and its runner into action/dist/, which is committed and checked to be current.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** An input as the runner passes it (`INPUT_FAIL-ON`), trimmed; `fallback` when unset. */
function input(name, fallback = '') {
  const value = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`];
  return value === undefined || value.trim() === '' ? fallback : value.trim();
}

function lines(text) {
  return text.split('\n').map((l) => l.trim()).filter(Boolean);
}

/** Workflow commands (`::error::`) escape `%`, CR and LF in their message. */
function escapeData(text) {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function command(name, message) {
  process.stdout.write(`::${name}::${escapeData(message)}\n`);
}

function setOutput(name, value) {
  const file = process.env.GITHUB_OUTPUT;
  if (file) appendFileSync(file, `${name}=${value}\n`);
}

/** Runs the CLI (the WASI build, in a child Node) with `args`; its output as text. */
function cli(args, { inherit = false } = {}) {
  const r = spawnSync(process.execPath, [join(here, 'cli.mjs'), ...args], {
    encoding: 'utf8',
    maxBuffer: 256 << 20,
    stdio: ['ignore', inherit ? 'inherit' : 'pipe', 'inherit'],
    env: { ...process.env, NO_COLOR: inherit ? '' : '1' },
  });
  if (r.error) throw r.error;
  return { status: r.status ?? 2, stdout: r.stdout ?? '' };
}

function main() {
  const path = input('path', '.');
  const failOn = input('fail-on', 'high');
  const sarif = input('sarif', 'oidc-trust.sarif');
  const summary = input('summary', 'true') !== 'false';
  const markdown = input('markdown');
  const allowEmpty = input('allow-empty', 'false') === 'true';
  const shared = [path, '--fail-on', failOn];
  for (const glob of lines(input('exclude'))) shared.push('--exclude', glob);
  for (const file of lines(input('var-file'))) shared.push('--var-file', file);

  if (!existsSync(path)) {
    const message = `oidc-trust: \`${path}\` does not exist: set the action's \`path\` input to a file or directory of the repository (is the repository checked out?)`;
    command('error', message);
    if (summary && process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, `### oidc-trust lint\n\n${message}\n`);
    setOutput('exit-code', 2);
    return 2;
  }

  // The log: findings as a person reads them, coloured; the exit code gates the step.
  const text = cli(['lint', ...shared, '--color', 'always'], { inherit: true });
  const json = cli(['lint', ...shared, '--format', 'json']);
  let report;
  try {
    report = JSON.parse(json.stdout);
  } catch {
    command('error', `oidc-trust: the lint gave no report (exit ${json.status})`);
    setOutput('exit-code', 2);
    return 2;
  }
  setOutput('findings', report.findings.length);
  setOutput('policies', report.policies);

  if (sarif) {
    writeFileSync(sarif, cli(['lint', ...shared, '--format', 'sarif']).stdout);
    setOutput('sarif', sarif);
  }
  const md = summary || markdown ? cli(['lint', ...shared, '--format', 'markdown']).stdout : '';
  if (markdown) writeFileSync(markdown, md);

  let status = text.status;
  let note = '';
  if (report.policies === 0 && report.errors.length === 0) {
    note = `No trust policy was found in \`${path}\`.`;
    if (allowEmpty) {
      command('notice', `oidc-trust: ${note} (allow-empty is set)`);
    } else {
      command('error', `oidc-trust: ${note} Point \`path\` at your Terraform, templates or policies, or set \`allow-empty: true\`.`);
      status = 2;
    }
  }
  if (summary && process.env.GITHUB_STEP_SUMMARY) {
    appendFileSync(process.env.GITHUB_STEP_SUMMARY, `${md}${note ? `\n${note}\n` : ''}\n`);
  }
  setOutput('exit-code', status);
  return status;
}

try {
  process.exitCode = main();
} catch (error) {
  command('error', `oidc-trust: the action failed: ${error && error.message ? error.message : error}`);
  process.exitCode = 2;
}
