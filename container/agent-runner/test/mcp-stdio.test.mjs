// SPDX-License-Identifier: MIT
// Drives the compiled MCP server over stdio with raw JSON-RPC, the way the
// Claude CLI does, to check the wiring the unit tests cannot see.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir, listFiles, readJson } from './helpers.mjs';

const SERVER = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'ipc-mcp-stdio.js');

function startServer(t, env) {
  const child = spawn(process.execPath, [SERVER], { env: { PATH: process.env.PATH, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  t.after(() => child.kill());
  const waiting = new Map();
  let buffer = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    buffer += chunk;
    let newline;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const message = JSON.parse(buffer.slice(0, newline));
      buffer = buffer.slice(newline + 1);
      waiting.get(message.id)?.(message);
    }
  });
  let nextId = 1;
  const request = (method, params) =>
    new Promise((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
    });
  const notify = (method) => child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method })}\n`);
  return { child, request, notify };
}

async function handshake(server) {
  const init = await server.request('initialize', {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'test', version: '0' },
  });
  server.notify('notifications/initialized');
  return init;
}

test('the server introduces itself as nanoclaw and lists the eight tools', async (t) => {
  const ipc = tempDir(t);
  const server = startServer(t, { NANOCLAW_CHAT_JID: 'tg:1', NANOCLAW_GROUP_FOLDER: 'g', NANOCLAW_IS_MAIN: '0', NANOCLAW_IPC_DIR: ipc });
  const init = await handshake(server);
  assert.equal(init.result.serverInfo.name, 'nanoclaw');
  const list = await server.request('tools/list', {});
  assert.deepEqual(list.result.tools.map((tool) => tool.name).sort(), [
    'cancel_task', 'list_tasks', 'pause_task', 'register_group', 'resume_task', 'schedule_task', 'send_message', 'update_task',
  ]);
  const send = list.result.tools.find((tool) => tool.name === 'send_message');
  assert.deepEqual(send.inputSchema.required, ['text']);
});

test('a tools/call writes the IPC file with the identity from the environment', async (t) => {
  const ipc = tempDir(t);
  const server = startServer(t, { NANOCLAW_CHAT_JID: 'tg:42', NANOCLAW_GROUP_FOLDER: 'telegram_x', NANOCLAW_IS_MAIN: '1', NANOCLAW_IPC_DIR: ipc });
  await handshake(server);
  const reply = await server.request('tools/call', { name: 'send_message', arguments: { text: 'ping' } });
  assert.deepEqual(reply.result.content, [{ type: 'text', text: 'Message sent.' }]);
  const [file] = listFiles(path.join(ipc, 'messages'));
  const data = readJson(path.join(ipc, 'messages', file));
  assert.equal(data.chatJid, 'tg:42');
  assert.equal(data.groupFolder, 'telegram_x');
  assert.equal(data.text, 'ping');
});

test('invalid arguments come back as a tool error naming the problem', async (t) => {
  const ipc = tempDir(t);
  const server = startServer(t, { NANOCLAW_CHAT_JID: 'tg:1', NANOCLAW_GROUP_FOLDER: 'g', NANOCLAW_IS_MAIN: '0', NANOCLAW_IPC_DIR: ipc });
  await handshake(server);
  const reply = await server.request('tools/call', {
    name: 'schedule_task',
    arguments: { prompt: 'p', schedule_type: 'fortnightly', schedule_value: 'x' },
  });
  assert.equal(reply.result.isError, true);
  assert.match(reply.result.content[0].text, /Invalid arguments for tool schedule_task/);
  assert.match(reply.result.content[0].text, /schedule_type/);
  assert.deepEqual(listFiles(ipc), []);
});

test('a validation failure from the tool itself is flagged as an error', async (t) => {
  const ipc = tempDir(t);
  const server = startServer(t, { NANOCLAW_CHAT_JID: 'tg:1', NANOCLAW_GROUP_FOLDER: 'g', NANOCLAW_IS_MAIN: '0', NANOCLAW_IPC_DIR: ipc });
  await handshake(server);
  const reply = await server.request('tools/call', {
    name: 'register_group',
    arguments: { jid: 'j', name: 'n', folder: 'f', trigger: '@A' },
  });
  assert.equal(reply.result.isError, true);
  assert.equal(reply.result.content[0].text, 'Only the main group can register new groups.');
});

test('the server refuses to start without its identity', async (t) => {
  const server = startServer(t, { NANOCLAW_IPC_DIR: tempDir(t) });
  let stderr = '';
  server.child.stderr.on('data', (c) => (stderr += c));
  const code = await new Promise((resolve) => server.child.on('exit', resolve));
  assert.equal(code, 1);
  assert.match(stderr, /NANOCLAW_CHAT_JID/);
});
