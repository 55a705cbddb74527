# Two GitHub Actions deploy roles, as Terraform users write them.
variable "repository" {
  type    = string
  default = "acme/api"
}

# The trust policy inline, with jsonencode: any ref of the repository gets in.
resource "aws_iam_role" "deploy" {
  name = "github-deploy"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }
      Condition = {
        StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com" }
        StringLike   = { "token.actions.githubusercontent.com:sub" = "repo:${var.repository}:*" }
      }
    }]
  })
}

# The trust policy as a policy document: the main branch and the prod environment only.
data "aws_iam_policy_document" "release" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:sub"
      values   = ["repo:${var.repository}:ref:refs/heads/main", "repo:${var.repository}:environment:prod"]
    }
  }
}

resource "aws_iam_role" "release" {
  name               = "github-release"
  assume_role_policy = data.aws_iam_policy_document.release.json
}
