resource "aws_iam_role" "deploy" {
  assume_role_policy = "not json"
}
