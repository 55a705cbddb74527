import { evaluate } from 'oidc-trust';
import { claims, policy, show } from './verdict.js';

show(evaluate(policy, claims).decision);
