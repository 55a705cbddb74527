module "oidc_github" {
  source              = "unfunco/oidc-github/aws"
  version             = "~> 2.0"
  github_repositories = ["acme/api"]
}
