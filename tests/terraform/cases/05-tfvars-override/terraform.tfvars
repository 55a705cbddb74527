subject = "repo:acme/*"
