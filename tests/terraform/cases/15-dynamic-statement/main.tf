data "aws_iam_policy_document" "trust" {
  dynamic "statement" {
    for_each = { api = "main", web = "release" }
    content {
      sid     = "Deploy${title(statement.key)}"
      actions = ["sts:AssumeRoleWithWebIdentity"]
      principals {
      type        = "Federated"
      identifiers = ["arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"]
    }
      condition {
        test     = "StringEquals"
        variable = "token.actions.githubusercontent.com:sub"
        values   = ["repo:acme/${statement.key}:ref:refs/heads/${statement.value}"]
      }
      condition {
        test     = "StringEquals"
        variable = "token.actions.githubusercontent.com:aud"
        values   = ["sts.amazonaws.com"]
      }
    }
  }
}
resource "aws_iam_role" "deploy" {
  assume_role_policy = data.aws_iam_policy_document.trust.json
}
