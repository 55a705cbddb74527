// Types of `oidc-trust/analysis`: exactly who can assume the role, proofs, diffs.
import type { Claims, Rcp } from 'oidc-trust';
export { OidcTrustError } from 'oidc-trust';

/** One admitted case of a region. */
export interface AdmittedCase {
  /** `claim constraint` per constrained claim, in words. */
  constraints: string[];
  /** A token in the case. */
  witness?: Claims;
  /** Whether the evaluator allows the witness (false only under an approximation). */
  confirmed: boolean;
}

/** Who can assume the role for one issuer. */
export interface RegionReport {
  issuer: string;
  /** One sentence per case, for reviewers. */
  summary: string[];
  /** Empty: nobody. */
  cases: AdmittedCase[];
  /** What was not analysed exactly. */
  approximations: string[];
  /** What holds for claims a case does not list (any value, or absent). */
  unconstrained: string;
}

export type Proof =
  | { result: 'proved'; approximations: string[] }
  | { result: 'counterexample'; claims: Claims; constraints: string[] }
  | { result: 'inconclusive'; approximations: string[] };

export interface PolicyDiff {
  issuer: string;
  newlyAdmitted: AdmittedCase[];
  newlyRefused: AdmittedCase[];
  approximations: string[];
}

/** Exactly who can assume the role (string conditions exact; the rest listed as approximations). */
export declare function whoCan(policy: object | string, options?: { issuer?: string; rcps?: Rcp[]; roleArn?: string }): RegionReport[];

/** Proves every admitted token meets `only` ({ claim: glob }), or gives a counterexample. */
export declare function prove(policy: object | string, only: { [claim: string]: string }, options?: { issuer?: string; rcps?: Rcp[]; roleArn?: string }): Proof;

/** What a policy change newly admits and refuses. */
export declare function diff(oldPolicy: object | string, newPolicy: object | string): PolicyDiff[];

