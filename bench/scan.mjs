// Directory-scan benchmark: `oidc-trust lint DIR` over generated repositories of 1,000 to
// 20,000 files, one trust policy per ten files (Terraform modules with jsonencode and
// policy documents, CloudFormation templates, JSON policies) among source files, docs,
// configs and ignored build output. Reports wall time and peak memory per size and output
// format. Figures, not assertions.
//
//   node bench/scan.mjs [--json FILE] [--sizes 1000,10000] [--keep]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'target', 'release', 'oidc-trust');
const arg = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const sizes = (arg('--sizes') ?? '1000,5000,10000,20000').split(',').map(Number);

const PROVIDER = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';
const jsonPolicy = (sub) => JSON.stringify({
  Version: '2012-10-17',
  Statement: [{
    Effect: 'Allow',
    Principal: { Federated: PROVIDER },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' }, StringLike: { 'token.actions.githubusercontent.com:sub': sub } },
  }],
}, null, 2);

// One service: ten files, one trust policy, in one of four forms.
function service(dir, i) {
  const files = {};
  const repo = `acme/service-${i}`;
  const sub = i % 3 === 0 ? `repo:${repo}:*` : `repo:${repo}:ref:refs/heads/main`;
  switch (i % 4) {
    case 0:
      files['infra/main.tf'] = `resource "aws_iam_role" "deploy" {\n  name = "deploy-${i}"\n  assume_role_policy = jsonencode({\n    Version = "2012-10-17"\n    Statement = [{\n      Effect    = "Allow"\n      Action    = "sts:AssumeRoleWithWebIdentity"\n      Principal = { Federated = "${PROVIDER}" }\n      Condition = {\n        StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com" }\n        StringLike   = { "token.actions.githubusercontent.com:sub" = "repo:\${var.repository}:${sub.split(':').slice(2).join(':')}" }\n      }\n    }]\n  })\n}\n`;
      files['infra/variables.tf'] = `variable "repository" {\n  type    = string\n  default = "${repo}"\n}\n`;
      files['infra/outputs.tf'] = 'output "role_arn" {\n  value = aws_iam_role.deploy.arn\n}\n';
      break;
    case 1:
      files['infra/main.tf'] = `data "aws_iam_policy_document" "trust" {\n  statement {\n    actions = ["sts:AssumeRoleWithWebIdentity"]\n    principals {\n      type        = "Federated"\n      identifiers = ["${PROVIDER}"]\n    }\n    condition {\n      test     = "StringLike"\n      variable = "token.actions.githubusercontent.com:sub"\n      values   = ["${sub}"]\n    }\n  }\n}\n\nresource "aws_iam_role" "deploy" {\n  assume_role_policy = data.aws_iam_policy_document.trust.json\n}\n`;
      files['infra/versions.tf'] = 'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws" }\n  }\n}\n';
      files['infra/terraform.tfvars'] = 'region = "eu-west-1"\n';
      break;
    case 2:
      files['template.yaml'] = `AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  DeployRole:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n            Principal:\n              Federated: !Sub 'arn:aws:iam::\${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com'\n            Action: sts:AssumeRoleWithWebIdentity\n            Condition:\n              StringLike:\n                token.actions.githubusercontent.com:sub: '${sub}'\n`;
      files['samconfig.toml'] = 'version = 0.1\n';
      files['events/event.json'] = '{"body": "{}", "httpMethod": "GET"}\n';
      break;
    default:
      files['iam/trust-policy.json'] = jsonPolicy(sub);
      files['iam/permissions.json'] = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }, null, 2);
      files['iam/README.md'] = '# IAM\n';
  }
  files['src/index.js'] = `export function handler() {\n  return ${i};\n}\n`;
  files['src/util.js'] = 'export const id = (x) => x;\n';
  files['README.md'] = `# service ${i}\n\nDeploys with GitHub Actions.\n`;
  files['package.json'] = JSON.stringify({ name: `service-${i}`, version: '1.0.0', dependencies: { left: '1.0.0' } }, null, 2);
  files['.github/workflows/deploy.yml'] = 'on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n';
  // Ignored build output with a policy in it: never read.
  files['build/trust-policy.json'] = jsonPolicy('repo:*');
  const names = Object.keys(files);
  // Exactly ten files, counting the ignored one.
  for (let k = names.length; k < 10; k++) files[`docs/page-${k}.md`] = 'notes\n';
  for (const [path, text] of Object.entries(files).slice(0, 10)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

function tree(files) {
  const dir = join(root, 'target', 'bench', `scan-${files}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, '.gitignore'), 'build/\nnode_modules/\n');
  for (let i = 0; i < files / 10; i++) service(join(dir, 'services', `service-${i}`), i);
  return dir;
}

// Wall time and peak resident memory of one run (the kernel's count, through Python's
// getrusage of the waited child: no tool beyond what the project installs).
function measure(dir, format) {
  const py = `import resource,subprocess,sys,time
t=time.perf_counter()
r=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL)
print(time.perf_counter()-t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)`;
  const out = execFileSync('python3', ['-c', py, bin, 'lint', dir, '--format', format, '--fail-on', 'never'], { encoding: 'utf8' }).trim().split(' ');
  return { seconds: Number(out[0]), maxRssKb: Number(out[1]), exit: Number(out[2]) };
}

execFileSync('cargo', ['build', '--quiet', '--release', '-p', 'oidc-trust-cli'], { cwd: root, stdio: 'inherit' });
const results = [];
for (const files of sizes) {
  const dir = tree(files);
  for (const format of ['text', 'json', 'sarif']) {
    const runs = [measure(dir, format), measure(dir, format), measure(dir, format)].sort((a, b) => a.seconds - b.seconds);
    const m = runs[1];
    results.push({ files, roles: files / 10, format, seconds: m.seconds, maxRssKb: Math.max(...runs.map((r) => r.maxRssKb)), exit: m.exit });
    console.log(`${String(files).padStart(6)} files, ${String(files / 10).padStart(5)} roles, ${format.padEnd(5)}: ${m.seconds.toFixed(2)} s, peak ${(Math.max(...runs.map((r) => r.maxRssKb)) / 1024).toFixed(1)} MiB (exit ${m.exit})`);
  }
  if (!process.argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
}
const out = arg('--json');
if (out) writeFileSync(out, JSON.stringify({ results }, null, 2));
