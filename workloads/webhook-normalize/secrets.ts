/**
 * Signing secrets of the simulated webhook endpoints, shared by the generator (which signs
 * like the provider) and the verifier (which checks like the receiving service). Test
 * values only.
 */
export const SIGNING_SECRETS: Readonly<Record<string, string>> = Object.freeze({
  github: 'gh-webhook-secret-7d1f0c2a9b',
  stripe: 'whsec_5Wq2mX8rTzY1nB4kLp0sVd3H',
  shopify: 'shpss_4e9a1c7b2d8f6e0a3b5c9d1e',
});
