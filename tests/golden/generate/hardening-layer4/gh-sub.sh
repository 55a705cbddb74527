#!/bin/sh
# Sets the OIDC subject format the trust policy expects (needs admin rights).
set -eu
echo '{"use_default":false,"include_claim_keys":["repo","context","job_workflow_ref"]}' | gh api --method PUT repos/acme/api/actions/oidc/customization/sub --input -
