module "deploy_role" {
  source = "git::https://example.com/platform/terraform-iam-oidc-role.git?ref=v1.2.0"
  repo   = "acme/api"
}
module "vpc" {
  source = "terraform-aws-modules/vpc/aws"
}
