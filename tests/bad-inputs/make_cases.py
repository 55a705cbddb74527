# Writes cases.json: the bad-input suite's inputs. Expected codes and positions are filled
# in by running the CLI once (--record) and reviewed by hand before committing.
import json
GH = "token.actions.githubusercontent.com"
good_policy = open("../../examples/policies/basic-repo.json").read()
good_claims = open("../../examples/tokens/main.json").read()
jwt = open("../../examples/tokens/main.jwt").read().strip()
h, p, s = jwt.split(".")

def pol(stmt, version="2012-10-17"):
    return json.dumps({"Version": version, "Statement": [stmt]}, indent=2)

base = {"Effect": "Allow", "Principal": {"Federated": f"arn:aws:iam::123456789012:oidc-provider/{GH}"}, "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {f"{GH}:aud": "sts.amazonaws.com"}, "StringLike": {f"{GH}:sub": "repo:acme/api:*"}}}
def with_(**kw):
    d = json.loads(json.dumps(base))
    for k, v in kw.items():
        if v is None: d.pop(k, None)
        else: d[k] = v
    return pol(d)

cases = []
def add(kind, name, text, args=None):
    cases.append({"kind": kind, "name": name, "text": text, **({"args": args} if args else {})})

# --- policies: JSON syntax
for i, cut in enumerate([1, 10, 40, 100, 200, len(good_policy) - 3]):
    add("policy", f"truncated after {cut} characters", good_policy[:cut])
add("policy", "empty file", "")
add("policy", "only whitespace", "   \n\t ")
add("policy", "trailing comma in object", good_policy.replace('"Allow",', '"Allow",,', 1))
add("policy", "trailing comma before brace", '{"Version": "2012-10-17", "Statement": [],}')
add("policy", "single quotes", good_policy.replace('"Version"', "'Version'"))
add("policy", "a comment", "// trust policy\n" + good_policy)
add("policy", "NaN value", '{"Version": "2012-10-17", "Statement": NaN}')
add("policy", "unclosed string", '{"Version": "2012-10-17, "Statement": []}')
add("policy", "raw tab inside a string", '{"Version": "2012-10-17", "Statement": [{"Sid": "a\tb"}]}')
add("policy", "bad escape", '{"Version": "2012-10-17", "Statement": [{"Sid": "a\\qb"}]}')
add("policy", "lone surrogate escape", '{"Version": "2012-10-17", "Statement": [{"Sid": "\\ud800"}]}')
add("policy", "two documents", good_policy + good_policy)
add("policy", "garbage after the document", good_policy + "\nx")
add("policy", "a bare string", '"policy"')
add("policy", "null", "null")
add("policy", "an array", "[" + good_policy + "]")
add("policy", "nested 200 deep", "[" * 200 + "]" * 200)
add("policy", "object nested 100 deep", '{"a":' * 100 + "1" + "}" * 100)
add("policy", "larger than 256 KiB", '{"Version": "2012-10-17", "Statement": [], "Id": "' + "x" * 270000 + '"}')
add("policy", "typographic quotes", good_policy.replace('"repo:acme/api:*"', '"repo:acme/api:*”"'))
add("policy", "number with leading zero", '{"Version": "2012-10-17", "Statement": [], "x": 012}')
# --- policies: structure IAM refuses
add("policy", "no Statement", '{"Version": "2012-10-17"}')
add("policy", "Statement is a number", '{"Version": "2012-10-17", "Statement": 3}')
add("policy", "Statement is a string", '{"Version": "2012-10-17", "Statement": "Allow"}')
add("policy", "Statement is null", '{"Version": "2012-10-17", "Statement": null}')
add("policy", "Version is not a date IAM knows", with_().replace("2012-10-17", "2024-01-01"))
add("policy", "unknown top-level element", '{"Version": "2012-10-17", "Statment": []}')
add("policy", "unknown statement element", with_(Conditon={}))
add("policy", "no Effect", with_(Effect=None))
add("policy", "Effect allow in lower case", with_(Effect="allow"))
add("policy", "Effect is a number", with_(Effect=1))
add("policy", "no Principal", with_(Principal=None))
add("policy", "Principal is a number", with_(Principal=7))
add("policy", "Principal has an unknown kind", with_(Principal={"Federation": "x"}))
add("policy", "empty Principal", with_(Principal={}))
add("policy", "NotPrincipal in a trust policy", with_(Principal=None, NotPrincipal={"AWS": "arn:aws:iam::123456789012:root"}))
add("policy", "Resource in a trust policy", with_(Resource="*"))
add("policy", "no Action", with_(Action=None))
add("policy", "Action and NotAction", with_(NotAction="sts:TagSession"))
add("policy", "Action is an object", with_(Action={"a": 1}))
add("policy", "Action without a service", with_(Action="AssumeRoleWithWebIdentity"))
add("policy", "Condition is a string", with_(Condition="StringEquals"))
add("policy", "Condition is an array", with_(Condition=[]))
add("policy", "operator block is a string", with_(Condition={"StringEquals": "x"}))
add("policy", "unknown operator", with_(Condition={"StringEqual": {f"{GH}:aud": "sts.amazonaws.com"}}))
add("policy", "operator with a bad qualifier", with_(Condition={"ForSomeValues:StringEquals": {f"{GH}:aud": "x"}}))
add("policy", "condition value is an object", with_(Condition={"StringEquals": {f"{GH}:aud": {"a": 1}}}))
add("policy", "condition value list holds an object", with_(Condition={"StringEquals": {f"{GH}:aud": ["x", {"a": 1}]}}))
add("policy", "numeric operator on a word", with_(Condition={"NumericLessThan": {f"{GH}:run_attempt": "three"}}))
add("policy", "date operator on a word", with_(Condition={"DateLessThan": {"aws:CurrentTime": "tomorrow"}}))
add("policy", "IP operator on a bad address", with_(Condition={"IpAddress": {"aws:SourceIp": "300.1.1.1/8"}}))
add("policy", "Bool operator on a word", with_(Condition={"Bool": {"aws:SecureTransport": "yes"}}))
add("policy", "empty condition key", with_(Condition={"StringEquals": {"": "x"}}))
add("policy", "Null operator on a word", with_(Condition={"Null": {f"{GH}:sub": "maybe"}}))
# --- claims
add("claims", "empty", "")
add("claims", "truncated", good_claims[:50])
add("claims", "an array", "[1, 2]")
add("claims", "a number", "42")
add("claims", "trailing comma", '{"sub": "x",}')
add("claims", "unclosed string", '{"sub": "x}')
add("claims", "bad escape", '{"sub": "\\x"}')
add("claims", "nested 200 deep", '{"a":' + "[" * 200 + "]" * 200 + "}")
add("claims", "larger than 64 KiB", '{"sub": "' + "a" * 70000 + '"}')
add("claims", "control character", '{"sub": "a\u0001b"}')
add("claims", "no iss and no issuer", '{"sub": "repo:acme/api:ref:refs/heads/main"}')
add("claims", "iss is a number", '{"iss": 5, "sub": "x"}')
add("claims", "iss with a space", '{"iss": "https://token actions", "sub": "x"}')
# --- tokens
add("token", "one segment", "eyJhbGciOiJSUzI1NiJ9")
add("token", "two segments", h + "." + p)
add("token", "four segments", jwt + ".extra")
add("token", "empty payload", h + ".." + s)
add("token", "bad base64 in the payload", h + ".%%%%." + s)
add("token", "bad base64 in the header", "%%%." + p + "." + s)
add("token", "payload is not JSON", h + ".bm90IGpzb24." + s)
add("token", "payload is a JSON array", h + ".WzEsMl0." + s)
add("token", "header is not JSON", "bm90IGpzb24." + p + "." + s)
add("token", "payload is not UTF-8", h + "._-8." + s)
add("token", "spaces inside", h + ". " + p + "." + s)
add("token", "larger than 64 KiB", h + "." + "A" * 70000 + "." + s)
# --- Terraform plans and states
def plan(value):
    return json.dumps({"format_version": "1.2", "planned_values": {"root_module": {"resources": [
        {"address": "aws_iam_role.deploy", "mode": "managed", "type": "aws_iam_role", "name": "deploy", "values": {"assume_role_policy": value, "name": "deploy"}}]}}}, indent=2)
add("terraform", "assume_role_policy is broken JSON", plan('{"Version": "2012-10-17", "Statement": [ }'))
add("terraform", "assume_role_policy without Principal", plan(json.dumps(json.loads(with_(Principal=None)))))
add("terraform", "assume_role_policy with an unknown operator", plan(json.dumps(json.loads(with_(Condition={"StringEqual": {"a:b": "c"}})))))
add("terraform", "assume_role_policy with Resource", plan(json.dumps(json.loads(with_(Resource="*")))))
add("terraform", "plan truncated", plan(good_policy)[:200])
add("terraform", "plan with a bad escape", plan("x").replace('"x"', '"\\q"'))
# --- CloudFormation
cfn_role = lambda doc: json.dumps({"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": doc}}}}, indent=2)
add("cloudformation", "role without Principal (JSON)", cfn_role(json.loads(with_(Principal=None))))
add("cloudformation", "role with NotPrincipal (JSON)", cfn_role(json.loads(with_(Principal=None, NotPrincipal={"AWS": "*"}))))
add("cloudformation", "role with an unknown element (JSON)", cfn_role(json.loads(with_(Conditon={}))))
add("cloudformation", "template truncated (JSON)", cfn_role(json.loads(with_()))[:120])
add("cloudformation", "YAML with an unclosed list", "Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties: [a\n")
add("cloudformation", "YAML with bad indentation", "Resources:\n  Role:\n    Type: AWS::IAM::Role\n   Properties:\n      x: 1\n")
add("cloudformation", "YAML with an alias", "Resources:\n  Role: &r\n    Type: AWS::IAM::Role\n  Other: *r\n")
add("cloudformation", "YAML with two documents", "a: 1\n---\nb: 2\n")
add("cloudformation", "YAML role with an unknown operator", "Resources:\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n            Principal:\n              Federated: arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com\n            Action: sts:AssumeRoleWithWebIdentity\n            Condition:\n              StringEqual:\n                token.actions.githubusercontent.com:aud: sts.amazonaws.com\n")
# --- Terraform source (each case is the main.tf of a module of its own)
P = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
role = lambda body: 'resource "aws_iam_role" "deploy" {\n' + body + '}\n'
add("hcl", "an unclosed block", 'resource "aws_iam_role" "deploy" {\n  name = "deploy"\n')
add("hcl", "an attribute without a value", role("  assume_role_policy = \n"))
add("hcl", "assume_role_policy is a string that is not JSON", role('  assume_role_policy = "not a policy"\n'))
add("hcl", "a heredoc of broken JSON", role('  assume_role_policy = <<EOF\n{"Version": "2012-10-17", "Statement": [\nEOF\n'))
add("hcl", "jsonencode without Principal", role('  assume_role_policy = jsonencode({\n    Version = "2012-10-17"\n    Statement = [{ Effect = "Allow", Action = "sts:AssumeRoleWithWebIdentity" }]\n  })\n'))
add("hcl", "jsonencode with an unknown operator", role('  assume_role_policy = jsonencode({\n    Version = "2012-10-17"\n    Statement = [{\n      Effect = "Allow"\n      Action = "sts:AssumeRoleWithWebIdentity"\n      Principal = { Federated = "' + P + '" }\n      Condition = { StringEqualz = { "token.actions.githubusercontent.com:sub" = "repo:acme/api:ref:refs/heads/main" } }\n    }]\n  })\n'))
doc = lambda: 'jsonencode({Version = "2012-10-17", Statement = [{Sid = "A", Effect = "Allow", Action = "sts:AssumeRoleWithWebIdentity", Principal = {Federated = "' + P + '"}}]})'
add("hcl", "a policy document with a repeated sid", 'data "aws_iam_policy_document" "trust" {\n  source_policy_documents = [' + doc() + ', ' + doc() + ']\n}\n' + role("  assume_role_policy = data.aws_iam_policy_document.trust.json\n"))
add("hcl", "brackets nested deeper than 12 levels", role("  assume_role_policy = jsonencode(" + "[" * 80 + "]" * 80 + ")\n"))
# --- flags
for name, args in [
    ("unknown catalog", ["--catalog", "1999-01"]),
    ("time that is not a time", ["--now", "yesterday"]),
    ("context without =", ["--context", "aws:SourceIp"]),
    ("account that is not 12 digits", ["--account", "1234"]),
    ("empty issuer", ["--issuer", ""]),
    ("issuer with a space", ["--issuer", "token actions"]),
    ("action without a service", ["--action", "AssumeRole"]),
    ("policy file that does not exist", ["--policy", "no/such/file.json"]),
]:
    add("flags", name, "", args)
json.dump(cases, open("cases.json", "w"), indent=1, ensure_ascii=False)
print(len(cases), "cases")
