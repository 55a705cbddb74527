module "gitlab" {
  source                         = "terraform-aws-modules/iam/aws//modules/iam-assumable-role-with-oidc"
  version                        = "5.60.0"
  create_role                    = true
  provider_url                   = "https://gitlab.com"
  oidc_subjects_with_wildcards   = ["project_path:acme/*:ref_type:branch:ref:main"]
  oidc_fully_qualified_audiences = ["https://gitlab.com"]
}
