import { init, initLint, evaluate, lint } from 'oidc-trust/init';
import { claims, policy, show } from '../verdict.js';

// The evaluator and the linter are two modules: both load before the verdict shows.
Promise.all([init(), initLint()]).then(
  () => show(lint(policy).findings.length > 0 ? evaluate(policy, claims).decision : 'lint gave no findings'),
  (e) => show(`error: ${e}`),
);
