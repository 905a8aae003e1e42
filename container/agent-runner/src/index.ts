// SPDX-License-Identifier: MIT
// Container entry: ContainerInput on stdin, output records on stdout, follow-ups
// and `_close` through files (spec 20 §8). Credentials never pass through here:
// the SDK talks to the host's credential proxy via ANTHROPIC_BASE_URL with a
// placeholder key.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { query } from '@anthropic-ai/claude-agent-sdk';
import { errorMessage, parseContainerInput, writeOutput } from './protocol.js';
import { DEFAULT_WORKSPACE_ROOT, workspacePaths } from './paths.js';
import { IpcInbox } from './ipc-inbox.js';
import { runQuery, type QueryContext } from './agent-query.js';
import { runSession } from './session-loop.js';
import { log } from './log.js';

/** The entrypoint saves stdin here first; nothing should outlive the read. */
const STDIN_COPY = '/tmp/input.json';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Environment handed to the SDK: ours, plus the compaction window v1 settled on. */
function sdkEnvironment(): Record<string, string | undefined> {
  return { CLAUDE_CODE_AUTO_COMPACT_WINDOW: '165000', ...process.env };
}

async function main(): Promise<number> {
  let text: string;
  try {
    text = await readStdin();
  } catch (err) {
    text = '';
    log(`Cannot read stdin: ${errorMessage(err)}`);
  }
  const parsed = parseContainerInput(text);
  if (!parsed.ok) {
    writeOutput({ status: 'error', result: null, error: `Failed to parse input: ${parsed.error}` });
    return 1;
  }
  fs.rmSync(STDIN_COPY, { force: true });
  const input = parsed.value;
  log(`Input for group ${input.groupFolder}`);

  // NANOCLAW_WORKSPACE_ROOT exists for tests that run the runner outside a container.
  const paths = workspacePaths(process.env.NANOCLAW_WORKSPACE_ROOT || DEFAULT_WORKSPACE_ROOT);
  const ctx: QueryContext = {
    input,
    paths,
    mcpServerPath: path.join(path.dirname(fileURLToPath(import.meta.url)), 'ipc-mcp-stdio.js'),
    sdkEnv: sdkEnvironment(),
  };
  const inbox = new IpcInbox(paths.inputDir, {
    onConsumed: (file, at) => log(`Consumed input file ${file} (wall ${at.wallMs}, monotonic_ns ${at.monotonicNs})`),
  });
  return runSession({
    input,
    inbox,
    emit: (output) => writeOutput(output),
    runQuery: (prompt, position) => runQuery(prompt, position, ctx, { queryFn: query, inbox, emit: writeOutput }),
  });
}

// As PID 1 in the container, node ignores SIGTERM unless it handles it, which
// would turn every `docker stop` into a wait for SIGKILL.
process.on('SIGTERM', () => {
  log('SIGTERM received; exiting');
  process.exit(143);
});

main().then(
  (code) => process.exit(code),
  (err) => {
    log(`Fatal: ${errorMessage(err)}`);
    writeOutput({ status: 'error', result: null, error: errorMessage(err) });
    process.exit(1);
  },
);
