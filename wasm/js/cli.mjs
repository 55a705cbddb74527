#!/usr/bin/env node
// `npx oidc-trust ...`: the oidc-trust CLI, as the native binary behaves (cli-run.mjs).
const [major] = process.versions.node.split('.').map(Number);
if (major < 20) {
  process.stderr.write(`oidc-trust: Node.js ${process.versions.node} is too old for the CLI: it needs Node.js 20 or later (WASI preview 1)\n`);
  process.exitCode = 2;
} else {
  const { run } = await import('./cli-run.mjs');
  try {
    process.exitCode = await run(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`oidc-trust: the CLI could not start: ${error && error.message ? error.message : error}\n`);
    process.exitCode = 2;
  }
}
