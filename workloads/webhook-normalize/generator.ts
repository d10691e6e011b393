/**
 * Inputs of the webhook-normalize workload: one HTTP delivery each, as an API Gateway
 * proxy would hand it over (lower-case headers, the raw body as text), signed the way
 * the provider signs it. Payload shapes follow GitHub's push event (7.7–9.7 KB here),
 * Stripe's payment_intent events (~1.3 KB, pretty-printed) and Shopify's orders/create
 * (1.7–3.4 KB).
 *
 * Options (all optional):
 * - `invalidSignatureRate`: share of deliveries whose signature is wrong (default 0.02)
 * - `enrichmentFailureRate`: chance that each enrichment attempt finds the directory
 *   unavailable (default 0.05; four failures in a row exhaust the Retry)
 * - `unsupportedRate`: share of GitHub deliveries that are `ping` events, which no
 *   normaliser handles (default 0.01)
 */
import { createHmac } from 'node:crypto';
import { generatedTime, numberOption, randomFor, type SeededRandom } from '../support/random.js';
import type { GeneratorOptions } from '../types.js';
import { SIGNING_SECRETS } from './secrets.js';

const PEOPLE = ['ada', 'grace', 'linus', 'margaret', 'ken', 'barbara', 'dennis', 'frances', 'edsger', 'radia'];
const SURNAMES = ['Lovelace', 'Hopper', 'Torvalds', 'Hamilton', 'Thompson', 'Liskov', 'Ritchie', 'Allen', 'Dijkstra', 'Perlman'];
const REPOS = ['payments-api', 'web-frontend', 'infra-terraform', 'mobile-app', 'data-pipeline', 'docs-site'];
const PRODUCTS = ['Merino Wool Socks', 'Canvas Tote', 'Espresso Beans 1kg', 'Ceramic Mug', 'Linen Shirt', 'Trail Runner Shoes'];

function uuid(random: SeededRandom): string {
  const h = random.hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function githubUser(login: string, id: number): Record<string, unknown> {
  const api = `https://api.github.com/users/${login}`;
  return {
    name: login,
    email: `${login}@users.noreply.github.com`,
    login,
    id,
    node_id: `MDQ6VXNlcj${id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url: api,
    html_url: `https://github.com/${login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: 'User',
    site_admin: false,
  };
}

/** `<name>_url` fields of a GitHub repository object, and the path each points to. */
const REPO_URLS: ReadonlyArray<readonly [string, string]> = [
  ['forks', 'forks'],
  ['keys', 'keys{/key_id}'],
  ['collaborators', 'collaborators{/collaborator}'],
  ['teams', 'teams'],
  ['hooks', 'hooks'],
  ['issue_events', 'issues/events{/number}'],
  ['events', 'events'],
  ['assignees', 'assignees{/user}'],
  ['branches', 'branches{/branch}'],
  ['tags', 'tags'],
  ['blobs', 'git/blobs{/sha}'],
  ['git_tags', 'git/tags{/sha}'],
  ['git_refs', 'git/refs{/sha}'],
  ['trees', 'git/trees{/sha}'],
  ['statuses', 'statuses/{sha}'],
  ['languages', 'languages'],
  ['stargazers', 'stargazers'],
  ['contributors', 'contributors'],
  ['subscribers', 'subscribers'],
  ['subscription', 'subscription'],
  ['commits', 'commits{/sha}'],
  ['git_commits', 'git/commits{/sha}'],
  ['comments', 'comments{/number}'],
  ['issue_comment', 'issues/comments{/number}'],
  ['contents', 'contents/{+path}'],
  ['compare', 'compare/{base}...{head}'],
  ['merges', 'merges'],
  ['archive', '{archive_format}{/ref}'],
  ['downloads', 'downloads'],
  ['issues', 'issues{/number}'],
  ['pulls', 'pulls{/number}'],
  ['milestones', 'milestones{/number}'],
  ['notifications', 'notifications{?since,all,participating}'],
  ['labels', 'labels{/name}'],
  ['releases', 'releases{/id}'],
  ['deployments', 'deployments'],
];

function githubPush(random: SeededRandom, index: number): Record<string, unknown> {
  const org = 'statemill-demo';
  const repo = random.pick(REPOS);
  const fullName = `${org}/${repo}`;
  const pusher = random.pick(PEOPLE);
  const userId = random.int(10_000, 9_999_999);
  const api = `https://api.github.com/repos/${fullName}`;
  const repository: Record<string, unknown> = {
    id: random.int(100_000_000, 999_999_999),
    node_id: `R_kgDO${random.token(6)}`,
    name: repo,
    full_name: fullName,
    private: true,
    owner: githubUser(org, 1_000_000 + (index % 97)),
    html_url: `https://github.com/${fullName}`,
    description: `The ${repo.replace('-', ' ')} service`,
    fork: false,
    url: api,
  };
  for (const [name, path] of REPO_URLS) repository[`${name}_url`] = `${api}/${path}`;
  Object.assign(repository, {
    created_at: 1_650_000_000 + random.int(0, 50_000_000),
    updated_at: generatedTime(index, -3600),
    pushed_at: 1_768_000_000 + index,
    git_url: `git://github.com/${fullName}.git`,
    ssh_url: `git@github.com:${fullName}.git`,
    clone_url: `https://github.com/${fullName}.git`,
    homepage: null,
    size: random.int(100, 90_000),
    stargazers_count: random.int(0, 300),
    watchers_count: random.int(0, 300),
    language: random.pick(['TypeScript', 'Go', 'Python', 'HCL']),
    has_issues: true,
    has_projects: false,
    has_downloads: true,
    has_wiki: false,
    has_pages: false,
    forks_count: random.int(0, 20),
    archived: false,
    disabled: false,
    open_issues_count: random.int(0, 40),
    license: null,
    allow_forking: false,
    is_template: false,
    topics: ['internal', repo.split('-')[0]],
    visibility: 'private',
    default_branch: 'main',
    master_branch: 'main',
    organization: org,
  });
  const commitCount = random.int(1, 4);
  const commits = [];
  let before = random.hex(40);
  for (let c = 0; c < commitCount; c++) {
    const id = random.hex(40);
    const author = random.pick(PEOPLE);
    commits.push({
      id,
      tree_id: random.hex(40),
      distinct: true,
      message: `${random.pick(['Fix', 'Add', 'Refactor', 'Update'])} ${random.pick(['retry handling', 'payment webhook', 'build cache', 'README', 'rate limits'])}\n\nSigned-off-by: ${author}`,
      timestamp: generatedTime(index, c - commitCount),
      url: `https://github.com/${fullName}/commit/${id}`,
      author: { name: author, email: `${author}@example.com`, username: author },
      committer: { name: 'GitHub', email: 'noreply@github.com', username: 'web-flow' },
      added: c === 0 ? [`src/${random.token(6)}.ts`] : [],
      removed: [],
      modified: [`src/${random.pick(['index', 'server', 'retry', 'config'])}.ts`, 'package.json'],
    });
    if (c < commitCount - 1) before = id;
  }
  const after = (commits[commits.length - 1] as { id: string }).id;
  return {
    ref: 'refs/heads/main',
    before,
    after,
    repository,
    pusher: { name: pusher, email: `${pusher}@example.com` },
    organization: { login: org, id: 1_000_000 + (index % 97), node_id: 'O_kgDOB', url: `https://api.github.com/orgs/${org}`, description: 'Demo organisation' },
    sender: githubUser(pusher, userId),
    created: false,
    deleted: false,
    forced: false,
    base_ref: null,
    compare: `https://github.com/${fullName}/compare/${before.slice(0, 12)}...${after.slice(0, 12)}`,
    commits,
    head_commit: commits[commits.length - 1],
  };
}

function stripePaymentIntent(random: SeededRandom, index: number, created: number): Record<string, unknown> {
  const amount = random.int(5, 2500) * 100 + random.pick([0, 50, 99]);
  const currency = random.pick(['usd', 'eur', 'gbp']);
  const customer = `cus_${random.token(14)}`;
  const intentId = `pi_${random.token(24)}`;
  const type = random.pick(['payment_intent.succeeded', 'payment_intent.payment_failed', 'payment_intent.created']);
  return {
    id: `evt_${random.token(24)}`,
    object: 'event',
    api_version: '2024-06-20',
    created,
    data: {
      object: {
        id: intentId,
        object: 'payment_intent',
        amount,
        amount_capturable: 0,
        amount_received: type === 'payment_intent.succeeded' ? amount : 0,
        application: null,
        capture_method: 'automatic',
        client_secret: `${intentId}_secret_${random.token(24)}`,
        confirmation_method: 'automatic',
        created: created - 2,
        currency,
        customer,
        description: `Order ${10_000 + index}`,
        last_payment_error: null,
        latest_charge: `ch_${random.token(24)}`,
        livemode: false,
        metadata: { order_id: String(10_000 + index), channel: random.pick(['web', 'ios', 'android']) },
        payment_method: `pm_${random.token(24)}`,
        payment_method_types: ['card'],
        receipt_email: `${random.pick(PEOPLE)}@example.com`,
        setup_future_usage: null,
        shipping: null,
        statement_descriptor: null,
        status: type === 'payment_intent.succeeded' ? 'succeeded' : 'requires_payment_method',
      },
    },
    livemode: false,
    pending_webhooks: 1,
    request: { id: `req_${random.token(14)}`, idempotency_key: uuid(random) },
    type,
  };
}

function shopifyOrder(random: SeededRandom, index: number): Record<string, unknown> {
  const first = random.pick(PEOPLE);
  const last = random.pick(SURNAMES);
  const email = `${first}.${last.toLowerCase()}@example.com`;
  const lineCount = random.int(1, 5);
  let total = 0;
  const lineItems = [];
  for (let l = 0; l < lineCount; l++) {
    const cents = random.int(4, 150) * 100 + 99;
    const quantity = random.int(1, 3);
    total += cents * quantity;
    const title = random.pick(PRODUCTS);
    lineItems.push({
      id: random.int(10_000_000_000, 99_999_999_999),
      variant_id: random.int(10_000_000_000, 99_999_999_999),
      title,
      quantity,
      sku: `SKU-${random.token(6).toUpperCase()}`,
      variant_title: random.pick(['S', 'M', 'L', null]),
      vendor: 'Statemill Goods',
      fulfillment_service: 'manual',
      product_id: random.int(1_000_000_000, 9_999_999_999),
      requires_shipping: true,
      taxable: true,
      gift_card: false,
      name: title,
      price: (cents / 100).toFixed(2),
      total_discount: '0.00',
      fulfillment_status: null,
      tax_lines: [{ title: 'State Tax', price: ((cents * quantity * 0.06) / 100).toFixed(2), rate: 0.06 }],
    });
  }
  const address = {
    first_name: first,
    last_name: last,
    address1: `${random.int(1, 999)} Market Street`,
    city: 'San Francisco',
    province: 'California',
    country: 'United States',
    zip: '94103',
    phone: null,
    country_code: 'US',
    province_code: 'CA',
  };
  const id = random.int(5_000_000_000, 5_999_999_999);
  return {
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    email,
    created_at: generatedTime(index),
    updated_at: generatedTime(index, 1),
    number: 1000 + index,
    name: `#${1000 + index}`,
    note: null,
    token: random.hex(32),
    gateway: 'shopify_payments',
    test: false,
    total_price: ((total * 1.06) / 100).toFixed(2),
    subtotal_price: (total / 100).toFixed(2),
    total_tax: ((total * 0.06) / 100).toFixed(2),
    currency: 'USD',
    financial_status: 'paid',
    confirmed: true,
    buyer_accepts_marketing: random.chance(0.3),
    order_status_url: `https://statemill-goods.myshopify.com/${random.int(10_000_000, 99_999_999)}/orders/${random.hex(32)}/authenticate?key=${random.hex(32)}`,
    line_items: lineItems,
    shipping_address: address,
    billing_address: address,
    customer: {
      id: random.int(6_000_000_000, 6_999_999_999),
      email,
      first_name: first,
      last_name: last,
      orders_count: random.int(1, 30),
      state: 'enabled',
      verified_email: true,
      tags: '',
      currency: 'USD',
    },
  };
}

function hmacOf(provider: string, text: string): Buffer {
  return createHmac('sha256', SIGNING_SECRETS[provider]!).update(text).digest();
}

export function generateInput(seed: number, index: number, options?: GeneratorOptions): unknown {
  const random = randomFor(seed, index);
  const provider = random.pick(['github', 'stripe', 'shopify'] as const);
  const forged = random.chance(numberOption(options, 'invalidSignatureRate', 0.02));
  const enrichmentFailures = random.failures(numberOption(options, 'enrichmentFailureRate', 0.05), 4);
  const receivedAt = generatedTime(index, 2);
  let headers: Record<string, string>;
  let rawBody: string;
  if (provider === 'github') {
    const ping = random.chance(numberOption(options, 'unsupportedRate', 0.01));
    rawBody = JSON.stringify(ping ? { zen: 'Keep it logically awesome.', hook_id: random.int(1, 1e8) } : githubPush(random, index));
    const signature = hmacOf('github', rawBody).toString('hex');
    headers = {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/8f2d9c1',
      'x-github-delivery': uuid(random),
      'x-github-event': ping ? 'ping' : 'push',
      'x-github-hook-id': String(random.int(100_000_000, 999_999_999)),
      'x-github-hook-installation-target-type': 'repository',
      'x-hub-signature': `sha1=${random.hex(40)}`,
      'x-hub-signature-256': `sha256=${forged ? random.hex(64) : signature}`,
    };
  } else if (provider === 'stripe') {
    const created = 1_768_467_600 + index;
    rawBody = JSON.stringify(stripePaymentIntent(random, index, created), null, 2);
    const signature = hmacOf('stripe', `${created}.${rawBody}`).toString('hex');
    headers = {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
      'stripe-signature': `t=${created},v1=${forged ? random.hex(64) : signature},v0=${random.hex(64)}`,
    };
  } else {
    rawBody = JSON.stringify(shopifyOrder(random, index));
    const signature = hmacOf('shopify', rawBody).toString('base64');
    headers = {
      'content-type': 'application/json',
      'user-agent': 'Shopify-Captain-Hook',
      'x-shopify-api-version': '2025-10',
      'x-shopify-hmac-sha256': forged ? Buffer.from(random.hex(64), 'hex').toString('base64') : signature,
      'x-shopify-shop-domain': 'statemill-goods.myshopify.com',
      'x-shopify-topic': 'orders/create',
      'x-shopify-triggered-at': receivedAt,
      'x-shopify-webhook-id': uuid(random),
    };
  }
  return { provider, headers, rawBody, receivedAt, simulation: { enrichmentFailures } };
}
