// SPDX-License-Identifier: MIT
// A minimal Telegram Bot API on 127.0.0.1 for scripts/e2e-security.sh: the daemon's Telegram
// channel starts against it (getMe, deleteWebhook, an empty getUpdates every second), so the bot
// token is really used while the suite looks for it everywhere else. Each request's method name
// and whether its path carried EXPECTED_TOKEN are appended to LOG as JSON lines (the token itself
// is not written).
// Environment: PORT_FILE (the chosen port is written there), LOG, EXPECTED_TOKEN.
import fs from 'node:fs';
import http from 'node:http';

const expected = `/bot${process.env.EXPECTED_TOKEN}/`;
const reply = (res, result) => {
  const text = JSON.stringify({ ok: true, result });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const path = (req.url ?? '').split('?')[0];
    const method = path.slice(path.lastIndexOf('/') + 1);
    fs.appendFileSync(process.env.LOG, `${JSON.stringify({ method, token_ok: path.startsWith(expected) })}\n`);
    if (method === 'getMe') return reply(res, { id: 123456789, is_bot: true, first_name: 'E2E', username: 'e2e_bot' });
    if (method === 'getUpdates') return setTimeout(() => reply(res, []), 1000);
    return reply(res, true);
  });
});
server.listen(0, '127.0.0.1', () => fs.writeFileSync(process.env.PORT_FILE, String(server.address().port)));
process.on('SIGTERM', () => process.exit(0));
