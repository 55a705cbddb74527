resource "aws_iam_role" "deploy" {
  assume_role_policy = templatefile("${path.module}/trust.json.tpl", {
    provider_arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    repos        = ["acme/api", "acme/web"]
  })
}
