module "deploy" {
  source  = "./modules/role"
  subject = "repo:acme/api:*"
}
