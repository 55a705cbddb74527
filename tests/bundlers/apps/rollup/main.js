import { init, evaluate } from 'oidc-trust/init';
import { claims, policy, show } from './verdict.js';

init().then(() => show(evaluate(policy, claims).decision), (e) => show(`error: ${e}`));
