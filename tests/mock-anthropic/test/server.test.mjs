// SPDX-License-Identifier: MIT
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createMockServer } from '../server.mjs';

async function start(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mock-test-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const logFile = path.join(dir, 'log.jsonl');
  const server = createMockServer({ logFile, dumpDir: dir });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const url = `http://127.0.0.1:${server.address().port}`;
  const log = () => fs.readFileSync(logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  return { url, log, dir };
}

const post = (url, body, headers = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

function parseSse(text) {
  return text
    .trim()
    .split('\n\n')
    .map((block) => {
      const [eventLine, dataLine] = block.split('\n');
      return { event: eventLine.slice('event: '.length), data: JSON.parse(dataLine.slice('data: '.length)) };
    });
}

test('streams a text reply as the Messages API SSE sequence with usage', async (t) => {
  const { url } = await start(t);
  const res = await post(`${url}/v1/messages?beta=true`, { model: 'm', stream: true, messages: [{ role: 'user', content: '[[reply:hello there, streaming world]]' }] });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /text\/event-stream/);
  const events = parseSse(await res.text());
  assert.deepEqual(
    [...new Set(events.map((e) => e.event))],
    ['message_start', 'content_block_start', 'ping', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop'],
  );
  assert.ok(events[0].data.message.usage.input_tokens > 0);
  const text = events.filter((e) => e.event === 'content_block_delta').map((e) => e.data.delta.text).join('');
  assert.equal(text, 'hello there, streaming world');
  const delta = events.find((e) => e.event === 'message_delta').data;
  assert.equal(delta.delta.stop_reason, 'end_turn');
  assert.ok(delta.usage.output_tokens > 0);
});

test('streams tool_use input as input_json_delta pieces', async (t) => {
  const { url } = await start(t);
  const res = await post(`${url}/v1/messages`, {
    stream: true,
    tools: [{ name: 'Bash' }],
    messages: [{ role: 'user', content: '[[tool:Bash {"command":"echo a long enough command to split"}]]' }],
  });
  const events = parseSse(await res.text());
  const block = events.find((e) => e.event === 'content_block_start').data.content_block;
  assert.equal(block.type, 'tool_use');
  assert.equal(block.name, 'Bash');
  const json = events.filter((e) => e.event === 'content_block_delta').map((e) => e.data.delta.partial_json).join('');
  assert.deepEqual(JSON.parse(json), { command: 'echo a long enough command to split' });
  assert.equal(events.find((e) => e.event === 'message_delta').data.delta.stop_reason, 'tool_use');
});

test('answers non-streaming requests with one JSON message', async (t) => {
  const { url } = await start(t);
  const res = await post(`${url}/v1/messages`, { model: 'claude-x', messages: [{ role: 'user', content: 'hi' }] });
  const body = await res.json();
  assert.equal(body.type, 'message');
  assert.equal(body.model, 'claude-x');
  assert.deepEqual(body.content, [{ type: 'text', text: 'hi from mock' }]);
  assert.ok(body.usage.input_tokens > 0 && body.usage.output_tokens > 0);
});

test('logs every request with path, headers including auth, and prompt', async (t) => {
  const { url, log, dir } = await start(t);
  await post(`${url}/v1/messages?beta=true`, { model: 'm', messages: [{ role: 'user', content: 'logged prompt' }] }, { 'x-api-key': 'placeholder' });
  await fetch(`${url}/nowhere`);
  const [first, second] = log();
  assert.equal(first.path, '/v1/messages');
  assert.equal(first.url, '/v1/messages?beta=true');
  assert.equal(first.headers['x-api-key'], 'placeholder');
  assert.equal(first.prompt_text, 'logged prompt');
  assert.deepEqual(first.reply, [{ text: 'hi from mock' }]);
  assert.equal(second.status, 404);
  assert.ok(fs.existsSync(path.join(dir, '1.json')), 'raw body dumped');
});

test('rejects unknown paths, bad JSON and honours http_error and count_tokens', async (t) => {
  const { url } = await start(t);
  const missing = await fetch(`${url}/v1/models`);
  assert.equal(missing.status, 404);
  assert.equal((await missing.json()).error.type, 'not_found_error');
  const bad = await fetch(`${url}/v1/messages`, { method: 'POST', body: '{oops' });
  assert.equal(bad.status, 400);
  const failing = await post(`${url}/v1/messages`, { messages: [{ role: 'user', content: '[[http_error:529]]' }] });
  assert.equal(failing.status, 529);
  assert.equal((await failing.json()).type, 'error');
  const count = await post(`${url}/v1/messages/count_tokens`, { messages: [] });
  assert.ok((await count.json()).input_tokens > 0);
});

test('delay holds the answer back', async (t) => {
  const { url } = await start(t);
  const started = Date.now();
  await (await post(`${url}/v1/messages`, { messages: [{ role: 'user', content: '[[delay:150]]' }] })).json();
  assert.ok(Date.now() - started >= 140);
});

test('the executable writes its port file and refuses non-loopback hosts', async (t) => {
  const server = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'server.mjs');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mock-exe-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const portFile = path.join(dir, 'port');
  const child = spawn(process.execPath, [server], { env: { ...process.env, MOCK_PORT: '0', MOCK_PORT_FILE: portFile } });
  t.after(() => child.kill());
  const line = await new Promise((resolve) => child.stdout.once('data', (d) => resolve(String(d))));
  const { port } = JSON.parse(line);
  assert.equal(fs.readFileSync(portFile, 'utf8').trim(), String(port));
  assert.equal((await fetch(`http://127.0.0.1:${port}/v1/x`)).status, 404);

  const refused = spawn(process.execPath, [server], { env: { ...process.env, MOCK_HOST: '0.0.0.0' } });
  const code = await new Promise((resolve) => refused.on('exit', resolve));
  assert.equal(code, 2);
});
