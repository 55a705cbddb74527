// Types of `oidc-trust/generate`: a hardened trust policy and its artefacts from an
// intent. The intent has the shape of `oidc-trust generate --spec` files, one interface
// per CI provider (`provider` tells them apart; GitHub is the default).
export { OidcTrustError } from 'oidc-trust';

/** A repository (or project, workspace, pipeline) with the immutable ids that pin it. */
export interface SourceRef {
  /** As the provider names it: `OWNER/REPO`, `GROUP/SUBGROUP/PROJECT`, `ORG/WORKSPACE`... */
  repo: string;
  /** The owner's numeric id (GitHub `repository_owner_id`, GitLab `namespace_id`...). */
  ownerId?: string;
  /** The repository's id (GitHub `repository_id`, GitLab `project_id`...). */
  id?: string;
}

/** What every provider's intent has. */
interface IntentBase {
  /** The AWS account (12 digits) that owns the role and the OIDC provider. */
  account: string;
  /** The role's name (default: derived from the repositories). */
  role?: string;
  /** An existing OIDC provider's ARN: Terraform and CloudFormation then create none. */
  providerArn?: string;
  region?: string;
  /** The issuer, for self-hosted or enterprise issuers (host and path). */
  issuer?: string;
  audience?: string;
  /** Who may assume the role: `OWNER/REPO`, or an object with ids. */
  repositories: Array<string | SourceRef>;
}

/** The layer-3 controls on the CI configuration (GitHub and GitLab). */
interface Layer3 {
  /** Generate the controls: CODEOWNERS, rulesets or protected refs, environments. */
  layer3?: boolean;
  /** Who reviews changes to the workflow files: `@ORG/TEAM` or `@USER`. */
  codeOwners?: string[];
  /** Terrateam: the team slug that alone may change the CI configuration. */
  terrateamTeam?: string;
}

/** GitHub Actions (`token.actions.githubusercontent.com`, an enterprise's or a GHE.com issuer). */
export interface GitHubIntent extends IntentBase, Layer3 {
  provider?: 'github';
  branches?: string[];
  tags?: string[];
  environments?: string[];
  /** Also admit `pull_request` runs (warned about: they run unreviewed code). */
  pullRequests?: boolean;
  /** Admit any ref (warned about). */
  anyRef?: boolean;
  /** Layer 2: the actors who may trigger the job. */
  actors?: string[];
  /** Layer 1: the workflow file, `.github/workflows/deploy.yml@refs/heads/main` or `OWNER/REPO/...@REF`. */
  workflow?: string;
  /** Layer 2: the workflow's `name:`. */
  workflowName?: string;
  /** Layer 4: a customised subject (`include_claim_keys`). */
  customSubject?: boolean;
  /** Repositories named by their immutable ids in `sub`. */
  immutableSubject?: boolean;
  subjectKeys?: string[];
  subjectValues?: { [claim: string]: string };
  /** Where the customised template is set: each repository, or the organisation. */
  subjectScope?: 'repo' | 'org';
  /** Layer 3: environment reviewers, `ORG/TEAM` or `USER` (six at most). */
  reviewers?: string[];
  /** Layer 3: administrators may not bypass the environments' protection. */
  noAdminBypass?: boolean;
}

/** GitLab CI/CD (gitlab.com or a self-managed instance's issuer). */
export interface GitLabIntent extends IntentBase, Layer3 {
  provider: 'gitlab';
  branches?: string[];
  tags?: string[];
  anyRef?: boolean;
  actors?: string[];
}

/** CircleCI: repositories are `ORG_ID/PROJECT_ID`; no refs in its tokens' keys. */
export interface CircleCiIntent extends IntentBase {
  provider: 'circleci';
  actors?: string[];
}

/** HCP Terraform: repositories are `ORG/PROJECT/WORKSPACE` or `ORG/WORKSPACE`. */
export interface TerraformIntent extends IntentBase {
  provider: 'terraform';
  runPhases?: Array<'plan' | 'apply'>;
}

/** Bitbucket Pipelines: repositories are `WORKSPACE/{REPO_UUID}`, environments their UUIDs. */
export interface BitbucketIntent extends IntentBase {
  provider: 'bitbucket';
  environments?: string[];
}

/** Buildkite: repositories are `ORG/PIPELINE`. */
export interface BuildkiteIntent extends IntentBase {
  provider: 'buildkite';
  branches?: string[];
  tags?: string[];
  anyRef?: boolean;
}

/** What to generate for: one interface per provider, told apart by `provider`. */
export type Intent = GitHubIntent | GitLabIntent | CircleCiIntent | TerraformIntent | BitbucketIntent | BuildkiteIntent;

/** One layer-3 output: a file to commit, or a script to run once with admin rights. */
export interface ControlFile {
  /** Where it goes: `.github/CODEOWNERS`, `layer3.sh`, `.terrateam/config.yml`. */
  path: string;
  content: string;
  /** What it is, in a few words. */
  what: string;
}

/** Everything generated; each text is what `oidc-trust generate --format NAME` prints. */
export interface Generated {
  /** The trust policy, pretty JSON (`--format json`). */
  policy: string;
  /** The OIDC provider (unless `providerArn`) and the role (`--format terraform`). */
  terraform: string;
  /** The same as CloudFormation YAML (`--format cloudformation`). */
  cloudformation: string;
  /** The CI configuration that assumes the role (`--format workflow`). */
  workflow: string;
  /** Its usual path, e.g. `.github/workflows/deploy.yml`. */
  workflowPath: string;
  /** GitHub, customised or immutable subjects: the `gh api` calls that set them (`--format gh-sub`). */
  ghSub: string | null;
  /** Who can assume the role, in words. */
  summary: string;
  /** What the intent opted into that weakens the policy. */
  warnings: string[];
  /** The `include_claim_keys` the repositories must set (layer 4). */
  includeClaimKeys: string[];
  issuer: string;
  audience: string;
  roleArn: string;
  /** Layer 3's controls (empty without `layer3`). */
  layer3: ControlFile[];
}

/** Generates a hardened trust policy and its artefacts; throws an OidcTrustError (pointer into the intent) when the provider cannot express it. */
export declare function generate(intent: Intent | string): Generated;
