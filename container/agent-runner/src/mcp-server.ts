// SPDX-License-Identifier: MIT
// The `nanoclaw` MCP server (spec 20 §9), run inside the runner's own process
// through the SDK: the agent sees its tools as `mcp__nanoclaw__<tool>`. A
// separate stdio server process cost ~430 ms on every start, because the CLI
// waits for it to connect before its first turn. Sub-agents started with the
// Task tool get these tools too (test/runner-process.test.mjs proves it).
import type { McpSdkServerConfigWithInstance } from '@anthropic-ai/claude-agent-sdk';
import { nanoclawTools, type ToolContext, type ToolResult } from './mcp-tools.js';
import type { Vendor } from './vendor.js';
import { errorMessage } from './protocol.js';

/**
 * The SDK functions we use and the zod the tool schemas are made with, passed
 * in because they are loaded lazily, as one copy (src/vendor.ts).
 */
export type SdkMcpApi = Pick<Vendor, 'createSdkMcpServer' | 'tool' | 'z'>;

export const MCP_SERVER_NAME = 'nanoclaw';

/**
 * One server for one container run, with the caller's identity fixed in `ctx`.
 * The SDK's MCP server validates arguments against each schema before the
 * handler runs, so a bad call comes back as a tool error naming the field.
 */
export function createNanoclawServer(sdk: SdkMcpApi, ctx: ToolContext): McpSdkServerConfigWithInstance {
  const tools = nanoclawTools(sdk.z).tools.map((definition) =>
    sdk.tool(definition.name, definition.description, definition.inputSchema, async (args: unknown) => {
      // A failed write (disk full, permissions) becomes a tool error the agent can read.
      try {
        return definition.handler(args as never, ctx) as ToolResult & { content: { type: 'text'; text: string }[] };
      } catch (err) {
        return { content: [{ type: 'text' as const, text: `${definition.name} failed: ${errorMessage(err)}` }], isError: true };
      }
    }),
  );
  return sdk.createSdkMcpServer({ name: MCP_SERVER_NAME, version: '1.0.0', tools });
}
