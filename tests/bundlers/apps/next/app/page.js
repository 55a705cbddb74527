'use client';
import { useEffect, useState } from 'react';
import { claims, policy } from '../verdict.js';

export default function Page() {
  const [decision, setDecision] = useState(null);
  useEffect(() => {
    import('oidc-trust/init')
      .then(async ({ init, evaluate }) => {
        await init();
        setDecision(evaluate(policy, claims).decision);
      })
      .catch((e) => setDecision(`error: ${e}`));
  }, []);
  return (
    <p id="out" data-decision={decision ?? undefined}>
      {decision ?? 'loading'}
    </p>
  );
}
