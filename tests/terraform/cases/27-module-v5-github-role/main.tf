module "github_oidc_role" {
  source   = "terraform-aws-modules/iam/aws//modules/iam-github-oidc-role"
  version  = "~> 5.60"
  name     = "deploy"
  subjects = ["acme/api:ref:refs/heads/main"]
}
