data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"]
    }
    dynamic "condition" {
      for_each = [
        { test = "StringEquals", variable = "token.actions.githubusercontent.com:aud", values = ["sts.amazonaws.com"] },
        { test = "StringLike", variable = "token.actions.githubusercontent.com:sub", values = ["repo:acme/*:ref:refs/heads/main"] },
      ]
      iterator = c
      content {
        test     = c.value.test
        variable = c.value.variable
        values   = c.value.values
      }
    }
  }
}
resource "aws_iam_role" "deploy" {
  assume_role_policy = data.aws_iam_policy_document.trust.json
}
