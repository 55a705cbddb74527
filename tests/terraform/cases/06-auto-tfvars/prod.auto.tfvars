subjects = ["repo:acme/api:ref:refs/heads/main", "repo:acme/web:ref:refs/heads/main"]
