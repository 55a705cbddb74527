module "role" {
  source                 = "terraform-aws-modules/iam/aws//modules/iam-role"
  version                = "6.5.0"
  name                   = "deploy"
  enable_github_oidc     = true
  oidc_wildcard_subjects = ["acme/api:*"]
}
