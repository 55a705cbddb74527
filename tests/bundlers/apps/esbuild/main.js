import { initSync, initLintSync, evaluate, lint } from 'oidc-trust/init';
import bytes from 'oidc-trust/wasm';
import lintBytes from 'oidc-trust/lint/wasm';
import { claims, policy, show } from './verdict.js';

initSync(bytes);
initLintSync(lintBytes);
show(linted(lint(policy)) ? evaluate(policy, claims).decision : 'lint gave no findings');

function linted(report) {
  return Array.isArray(report.findings) && report.findings.length > 0;
}
