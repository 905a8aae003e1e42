// SPDX-License-Identifier: MIT
// The stdio MCP server named `nanoclaw` that the SDK starts for each query
// (spec 20 §9). The agent sees its tools as `mcp__nanoclaw__<tool>`. Agent-team
// sub-agents inherit it, which is why it is a separate process.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { TOOLS, type ToolContext } from './mcp-tools.js';
import { errorMessage } from './protocol.js';

function contextFromEnv(env: NodeJS.ProcessEnv): ToolContext {
  const chatJid = env.NANOCLAW_CHAT_JID;
  const groupFolder = env.NANOCLAW_GROUP_FOLDER;
  if (!chatJid || !groupFolder) {
    throw new Error('NANOCLAW_CHAT_JID and NANOCLAW_GROUP_FOLDER must be set');
  }
  return {
    chatJid,
    groupFolder,
    isMain: env.NANOCLAW_IS_MAIN === '1',
    ipcDir: env.NANOCLAW_IPC_DIR || '/workspace/ipc',
    now: () => new Date(),
  };
}

async function serve(): Promise<void> {
  const ctx = contextFromEnv(process.env);
  const server = new McpServer({ name: 'nanoclaw', version: '1.0.0' });
  for (const tool of TOOLS) {
    server.registerTool(
      tool.name,
      { description: tool.description, inputSchema: tool.inputSchema },
      // A failed write (disk full, permissions) becomes a tool error the agent can read.
      async (args: unknown) => {
        try {
          return tool.handler(args as never, ctx);
        } catch (err) {
          return { content: [{ type: 'text' as const, text: `${tool.name} failed: ${errorMessage(err)}` }], isError: true };
        }
      },
    );
  }
  await server.connect(new StdioServerTransport());
}

serve().catch((err) => {
  process.stderr.write(`[nanoclaw-mcp] ${errorMessage(err)}\n`);
  process.exit(1);
});
