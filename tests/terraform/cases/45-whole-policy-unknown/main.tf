variable "policy" { type = string }
resource "aws_iam_role" "deploy" {
  assume_role_policy = var.policy
}
