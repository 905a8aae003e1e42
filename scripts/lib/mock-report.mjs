// SPDX-License-Identifier: MIT
// For scripts/e2e-security.sh: judges the mock Messages API's request log (one JSON line per
// request, tests/mock-anthropic/server.mjs) from line FROM on and prints a JSON report whose
// lists name the offending requests:
//   unauth_forwarded  a request whose prompt has "probe-unauth" (sent without a valid run token)
//   wrong_credential  api-key mode: x-api-key is not CREDENTIAL; oauth mode: authorization is not
//                     "Bearer CREDENTIAL" or an x-api-key is present
//   other_secret      a request (headers, URL, prompt) holding any of the OTHER secrets
//   token_in_url      a URL still carrying a /r/<token> prefix
// Usage: node mock-report.mjs LOG FROM MODE CREDENTIAL OTHER...
import fs from 'node:fs';

const [log, from, mode, credential, ...others] = process.argv.slice(2);
const entries = fs.readFileSync(log, 'utf8').split('\n').filter(Boolean)
  .slice(Number(from)).map((line) => JSON.parse(line));
const names = (pred) => entries.filter(pred).map((e) => `${e.n} ${e.method} ${e.url}`);
const wrongCredential = mode === 'api-key'
  ? (e) => e.headers['x-api-key'] !== credential
  : (e) => e.headers.authorization !== `Bearer ${credential}` || 'x-api-key' in e.headers;
console.log(JSON.stringify({
  total: entries.length,
  unauth_forwarded: names((e) => (e.prompt_text ?? '').includes('probe-unauth')),
  wrong_credential: names(wrongCredential),
  other_secret: names((e) => others.some((s) => JSON.stringify(e).includes(s))),
  token_in_url: names((e) => String(e.url).includes('/r/')),
}, null, 1));
