// What every tiny app evaluates: the seed policy against a main-branch token (allow).
export const policy = {
  Version: '2012-10-17',
  Statement: [{
    Effect: 'Allow',
    Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: {
      StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
      StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/api:*' },
    },
  }],
};
export const claims = { iss: 'https://token.actions.githubusercontent.com', aud: 'sts.amazonaws.com', sub: 'repo:acme/api:ref:refs/heads/main' };

/** Shows the decision (or the error) where the test looks for it. */
export function show(decision) {
  const out = document.getElementById('out');
  out.textContent = decision;
  out.dataset.decision = decision;
}
