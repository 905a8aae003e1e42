// SPDX-License-Identifier: MIT
// Run by vendor.test.mjs in a fresh node process (one load per process, as in
// the container): loads the SDK and zod through dist/vendor.js from the vendor
// directory argv[2] and prints, as JSON, how they loaded, which `claude` the
// SDK would start, and what a tool call through the in-process MCP server did.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { loadVendor } from '../dist/vendor.js';
import { createNanoclawServer } from '../dist/mcp-server.js';

const { vendor, source } = await loadVendor(process.argv[2]);

/** The executable the SDK's query() spawns when not told which one (nothing is started). */
async function claudeCommand() {
  let command = null;
  try {
    const q = vendor.query({
      prompt: 'probe',
      options: {
        spawnClaudeCodeProcess: (options) => {
          command = options.command;
          throw new Error('probe: not starting claude');
        },
      },
    });
    for await (const message of q) void message;
  } catch {
    // the spawn failure we caused
  }
  return command;
}

/** A send_message call through the real MCP server the SDK makes from our tools. */
async function toolCall() {
  const ipcDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nanoclaw-vendor-probe-'));
  try {
    const server = createNanoclawServer(vendor, { chatJid: 'tg:1', groupFolder: 'g', isMain: false, ipcDir, now: () => new Date() });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.instance.connect(serverSide);
    const client = new Client({ name: 'probe', version: '0' });
    await client.connect(clientSide);
    const ok = await client.callTool({ name: 'send_message', arguments: { text: 'ping' } });
    const bad = await client.callTool({ name: 'send_message', arguments: { text: 7 } });
    await client.close();
    const written = fs.readdirSync(path.join(ipcDir, 'messages')).map((f) => JSON.parse(fs.readFileSync(path.join(ipcDir, 'messages', f), 'utf8')).text);
    return { ok: ok.content[0].text, bad: { isError: bad.isError === true, text: bad.content[0].text }, written };
  } finally {
    fs.rmSync(ipcDir, { recursive: true, force: true });
  }
}

const zodPackage = (await import('zod')).z;
const result = { source, exports: Object.keys(vendor).sort(), packageZod: vendor.z === zodPackage, claude: await claudeCommand(), tool: await toolCall() };
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
