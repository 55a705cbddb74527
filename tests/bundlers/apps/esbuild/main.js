import { initSync, evaluate } from 'oidc-trust/init';
import bytes from 'oidc-trust/wasm';
import { claims, policy, show } from './verdict.js';

initSync(bytes);
show(evaluate(policy, claims).decision);
