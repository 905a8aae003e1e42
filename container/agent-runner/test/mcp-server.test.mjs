// SPDX-License-Identifier: MIT
// Drives the in-process `nanoclaw` MCP server over an in-memory MCP transport
// with a real MCP client, the way the CLI reaches it through the SDK, to check
// the wiring the unit tests of mcp-tools cannot see (names, schemas, the SDK's
// argument validation, identity).
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { createSdkMcpServer, tool } from '@anthropic-ai/claude-agent-sdk';
import { z } from 'zod';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { createNanoclawServer } from '../dist/mcp-server.js';
import { tempDir, listFiles, readJson } from './helpers.mjs';

async function connect(t, identity) {
  const ipcDir = tempDir(t);
  const server = createNanoclawServer({ createSdkMcpServer, tool, z }, { ipcDir, now: () => new Date(), ...identity });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.instance.connect(serverSide);
  const client = new Client({ name: 'test', version: '0' });
  await client.connect(clientSide);
  t.after(() => client.close());
  return { server, client, ipcDir };
}

const member = { chatJid: 'tg:1', groupFolder: 'g', isMain: false };

test('the server is called nanoclaw, is in-process, and lists the eight tools', async (t) => {
  const { server, client } = await connect(t, member);
  assert.equal(server.type, 'sdk');
  assert.equal(server.name, 'nanoclaw');
  assert.equal(client.getServerVersion().name, 'nanoclaw');
  const { tools } = await client.listTools();
  assert.deepEqual(tools.map((x) => x.name).sort(), [
    'cancel_task', 'list_tasks', 'pause_task', 'register_group', 'resume_task', 'schedule_task', 'send_message', 'update_task',
  ]);
  const send = tools.find((x) => x.name === 'send_message');
  assert.deepEqual(send.inputSchema.required, ['text']);
  const schedule = tools.find((x) => x.name === 'schedule_task');
  assert.deepEqual(schedule.inputSchema.properties.schedule_type.enum, ['cron', 'interval', 'once']);
});

test('a tool call writes the IPC file with the identity the server was made with', async (t) => {
  const { client, ipcDir } = await connect(t, { chatJid: 'tg:42', groupFolder: 'telegram_x', isMain: true });
  const reply = await client.callTool({ name: 'send_message', arguments: { text: 'ping' } });
  assert.deepEqual(reply.content, [{ type: 'text', text: 'Message sent.' }]);
  const [file] = listFiles(path.join(ipcDir, 'messages'));
  const data = readJson(path.join(ipcDir, 'messages', file));
  assert.deepEqual([data.chatJid, data.groupFolder, data.text], ['tg:42', 'telegram_x', 'ping']);
});

test('invalid arguments come back as a tool error naming the problem, and nothing is written', async (t) => {
  const { client, ipcDir } = await connect(t, member);
  const reply = await client.callTool({
    name: 'schedule_task',
    arguments: { prompt: 'p', schedule_type: 'fortnightly', schedule_value: 'x' },
  });
  assert.equal(reply.isError, true);
  assert.match(reply.content[0].text, /Invalid arguments for tool schedule_task/);
  assert.match(reply.content[0].text, /schedule_type/);
  assert.deepEqual(listFiles(ipcDir), []);
});

test('a validation failure from the tool itself is flagged as an error', async (t) => {
  const { client } = await connect(t, member);
  const reply = await client.callTool({ name: 'register_group', arguments: { jid: 'j', name: 'n', folder: 'f', trigger: '@A' } });
  assert.equal(reply.isError, true);
  assert.equal(reply.content[0].text, 'Only the main group can register new groups.');
});

test('a failed write becomes a tool error instead of breaking the server', async (t) => {
  const { client, ipcDir } = await connect(t, member);
  // A file where the messages directory should be makes the write fail.
  const fs = await import('node:fs');
  fs.writeFileSync(path.join(ipcDir, 'messages'), '');
  const reply = await client.callTool({ name: 'send_message', arguments: { text: 'x' } });
  assert.equal(reply.isError, true);
  assert.match(reply.content[0].text, /^send_message failed: /);
  const again = await client.callTool({ name: 'list_tasks', arguments: {} });
  assert.equal(again.content[0].text, 'No scheduled tasks found.');
});
