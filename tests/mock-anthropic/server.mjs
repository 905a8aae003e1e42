#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// A dependency-free mock of the Anthropic Messages API for offline tests.
// Listens on loopback only. Every request is appended to MOCK_LOG as one JSON
// line (method, path, all headers including auth, model, tools, prompt text)
// so tests can assert on what the client sent.
//
// Environment:
//   MOCK_HOST       bind address (default 127.0.0.1; must be loopback)
//   MOCK_PORT       port (default 0 = any free port)
//   MOCK_PORT_FILE  write the chosen port here once listening
//   MOCK_LOG        JSON-lines request log (default: no log)
//   MOCK_DUMP_DIR   save each raw request body as <n>.json
// The chosen address is also printed on stdout: {"listening":"http://127.0.0.1:PORT"}.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { planTurn } from './script.mjs';
import { apiError, jsonMessage, sseEvents, usageFor } from './wire.mjs';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function createMockServer({ logFile = null, dumpDir = null } = {}) {
  let requestCount = 0;
  let toolCount = 0;
  const newToolId = () => `toolu_mock_${String(++toolCount).padStart(4, '0')}_${Math.random().toString(36).slice(2, 8)}`;

  const record = (entry) => {
    if (logFile) fs.appendFileSync(logFile, `${JSON.stringify(entry)}\n`);
  };

  return http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const n = ++requestCount;
      const raw = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', 'http://mock');
      const entry = { n, ts: new Date().toISOString(), method: req.method, path: url.pathname, url: req.url, headers: req.headers };
      if (dumpDir && raw.length > 0) fs.writeFileSync(path.join(dumpDir, `${n}.json`), raw);
      handle(req.method, url.pathname, raw, entry, res, newToolId)
        .catch((err) => {
          entry.error = String(err?.message ?? err);
          if (!res.headersSent) sendJson(res, 500, apiError(500, 'mock failure'));
          else res.end();
        })
        .finally(() => record(entry));
    });
  });
}

async function handle(method, pathname, raw, entry, res, newToolId) {
  if (method !== 'POST' || !pathname.startsWith('/v1/messages')) {
    entry.status = 404;
    return sendJson(res, 404, apiError(404, `no route for ${method} ${pathname}`));
  }
  let body;
  try {
    body = JSON.parse(raw.toString('utf8') || '{}');
  } catch {
    entry.status = 400;
    return sendJson(res, 400, apiError(400, 'request body is not JSON'));
  }
  entry.model = body.model;
  entry.stream = body.stream === true;
  entry.tools = (body.tools ?? []).map((t) => t?.name);
  entry.message_count = Array.isArray(body.messages) ? body.messages.length : 0;
  if (pathname === '/v1/messages/count_tokens') {
    entry.status = 200;
    return sendJson(res, 200, { input_tokens: Math.max(1, Math.ceil(raw.length / 4)) });
  }
  if (pathname !== '/v1/messages') {
    entry.status = 404;
    return sendJson(res, 404, apiError(404, `no route for ${pathname}`));
  }
  const turn = planTurn(body, newToolId);
  entry.prompt_text = turn.promptText;
  entry.reply = turn.content.map((b) => (b.type === 'text' ? { text: b.text } : { tool_use: b.name, input: b.input }));
  if (turn.delayMs > 0) await new Promise((r) => setTimeout(r, turn.delayMs));
  if (turn.httpError) {
    entry.status = turn.httpError;
    return sendJson(res, turn.httpError, apiError(turn.httpError, 'error requested by [[http_error]]'));
  }
  const message = {
    id: `msg_mock_${entry.n}`,
    model: body.model ?? 'mock-model',
    content: turn.content,
    stopReason: turn.stopReason,
    usage: usageFor(raw.length, turn.content),
  };
  entry.status = 200;
  if (!entry.stream) return sendJson(res, 200, jsonMessage(message));
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': `req_mock_${entry.n}` });
  for (const ev of sseEvents(message)) res.write(ev);
  res.end();
}

function sendJson(res, status, value) {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function main() {
  const host = process.env.MOCK_HOST || '127.0.0.1';
  if (!LOOPBACK.has(host)) {
    console.error(`mock-anthropic: refusing to bind to non-loopback address ${host}`);
    process.exit(2);
  }
  const logFile = process.env.MOCK_LOG || null;
  const dumpDir = process.env.MOCK_DUMP_DIR || null;
  if (dumpDir) fs.mkdirSync(dumpDir, { recursive: true });
  const server = createMockServer({ logFile, dumpDir });
  server.listen(Number.parseInt(process.env.MOCK_PORT || '0', 10), host, () => {
    const { port } = server.address();
    if (process.env.MOCK_PORT_FILE) fs.writeFileSync(process.env.MOCK_PORT_FILE, `${port}\n`);
    const shown = host.includes(':') ? `[${host}]` : host;
    process.stdout.write(`${JSON.stringify({ listening: `http://${shown}:${port}`, port })}\n`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) main();
