// SPDX-License-Identifier: MIT
// A loopback forwarder in front of the mock Messages API for the host end-to-end tests. The
// router hands the agent an XML prompt, so the JSON of a [[tool:NAME {json}]] directive arrives
// entity-escaped (&quot;) and the mock could not parse it. This decodes the five XML entities in
// user text; headers, path and body otherwise pass through unchanged.
// Environment: UPSTREAM (the mock's URL), PORT_FILE (the chosen port is written there).
import fs from 'node:fs';
import http from 'node:http';

const upstream = new URL(process.env.UPSTREAM);
const entities = { quot: '"', apos: "'", lt: '<', gt: '>', amp: '&' };
const decode = (s) => s.replace(/&(quot|apos|lt|gt|amp);/g, (_, name) => entities[name]);
const fix = (content) => typeof content === 'string' ? decode(content)
  : Array.isArray(content) ? content.map((b) => (b?.type === 'text' ? { ...b, text: decode(b.text ?? '') } : b))
  : content;

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let body = Buffer.concat(chunks);
    try {
      const json = JSON.parse(body.toString('utf8'));
      for (const m of json.messages ?? []) if (m.role === 'user') m.content = fix(m.content);
      body = Buffer.from(JSON.stringify(json));
    } catch { /* not JSON: forward as is */ }
    const headers = { ...req.headers, host: upstream.host, 'content-length': String(body.length) };
    delete headers['transfer-encoding'];
    const up = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
      (ur) => { res.writeHead(ur.statusCode, ur.headers); ur.pipe(res); });
    up.on('error', (e) => { res.writeHead(502); res.end(String(e)); });
    up.end(body);
  });
});
server.listen(0, '127.0.0.1', () => fs.writeFileSync(process.env.PORT_FILE, String(server.address().port)));
