subjects = ["repo:acme/api:pull_request"]
