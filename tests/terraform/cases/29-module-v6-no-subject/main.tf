module "role" {
  source             = "terraform-aws-modules/iam/aws//modules/iam-role"
  name               = "deploy"
  enable_github_oidc = true
}
