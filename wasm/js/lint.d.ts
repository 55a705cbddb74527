// Types of `oidc-trust/lint`: findings proven by attacker replay.
import type { LintOptions, LintReport } from 'oidc-trust';
export type { Attempt, Finding, FindingSeverity, LintOptions, LintReport, Replay } from 'oidc-trust';
export { OidcTrustError } from 'oidc-trust';

/**
 * Lints a policy: holes proven by attacker replay, and mistakes. A policy IAM would refuse
 * throws an `OidcTrustError` with every error.
 */
export declare function lint(policy: object | string, options?: LintOptions): LintReport;
