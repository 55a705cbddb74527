// Types of `oidc-trust/terraform`: trust policies read from Terraform source, linted and
// evaluated with every location in the `.tf` files.
import type { Claims, Diagnostic, EvaluateOptions, Evaluation, LintReport } from 'oidc-trust';
export { OidcTrustError } from 'oidc-trust';

/** Terraform source: the text of one file or block (a bare `jsonencode({...})` too), or a module as path → text. */
export type TerraformText = string | { [path: string]: string };

/** How to give variables values, as `terraform plan` would. */
export interface ReadOptions {
  /** `--var NAME=VALUE`: text; lists and maps in HCL (`'["acme/api"]'`). Win over every file. */
  vars?: { [name: string]: string };
  /** `--var-file`: paths among the files given, read after `terraform.tfvars` and `*.auto.tfvars`. */
  varFiles?: string[];
}

/** A trust policy found in the source. */
export interface TerraformPolicy {
  /** Its resource address: `aws_iam_role.deploy`, `module.ci.aws_iam_role.this[0]`. */
  resource: string | null;
  /** The file it is written in. */
  file: string | null;
  /** Where the policy starts in its resource (a JSON pointer into the resource). */
  pointer: string;
  /** The policy as Terraform would render it: JSON text, for evaluate() and lint(). */
  policy: string;
}

/** A problem of the source, with the file it is in. */
export type TerraformDiagnostic = Diagnostic & { file: string };

/** One policy's lint, located in the Terraform files. */
export interface TerraformLint {
  resource: string | null;
  file: string | null;
  report: LintReport;
}

/** Trust policies read from Terraform source; free() releases the WebAssembly memory. */
export declare class TerraformSource {
  private constructor();
  readonly policies: TerraformPolicy[];
  readonly diagnostics: TerraformDiagnostic[];
  /** The files read, module files first. */
  readonly files: string[];
  /** Lints every policy; values known only at deploy time are `unresolved-value` findings. */
  lint(options?: { account?: string; catalog?: string }): TerraformLint[];
  /** Evaluates one policy (the only one, or `resource`); the trace is located in the files. */
  evaluate(claimsOrToken: Claims | string, options?: EvaluateOptions & { resource?: string }): Evaluation;
  /** Moves every location inside `result` from policy `index`'s JSON into the files. */
  locate<T>(index: number, result: T): T;
  free(): void;
  [Symbol.dispose](): void;
}

/** Reads Terraform source into its trust policies. */
export declare function readTerraform(source: TerraformText, options?: ReadOptions): TerraformSource;

/** Reads and lints every trust policy of the source. */
export declare function lintTerraform(
  source: TerraformText,
  options?: ReadOptions & { account?: string; catalog?: string },
): { policies: TerraformLint[]; diagnostics: TerraformDiagnostic[] };

/** Reads and evaluates one trust policy (`resource` when there are several). */
export declare function evaluateTerraform(
  source: TerraformText,
  claimsOrToken: Claims | string,
  options?: ReadOptions & EvaluateOptions & { resource?: string },
): Evaluation;
