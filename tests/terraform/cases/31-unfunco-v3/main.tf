module "oidc_github" {
  source          = "unfunco/oidc-github/aws"
  version         = "3.0.1"
  github_subjects = ["acme/api", "acme/web:environment:prod"]
}
