// SPDX-License-Identifier: MIT
// One SDK query (spec 20 §8.6): the prompt goes into an open message stream,
// follow-ups from the input directory are pushed into the live session, and
// every SDK result becomes an output record for the host.
import fs from 'node:fs';
import path from 'node:path';
import type { McpSdkServerConfigWithInstance, Options, SDKMessage, query as sdkQuery } from '@anthropic-ai/claude-agent-sdk';
import type { ContainerOutput, WarmStart } from './protocol.js';
import type { WorkspacePaths } from './paths.js';
import type { IpcInbox } from './ipc-inbox.js';
import { MessageStream } from './message-stream.js';
import { createPreCompactHook } from './transcript-archive.js';
import { log } from './log.js';

/** Exactly the reference's tool list; `mcp__nanoclaw__*` is our IPC server. */
export const ALLOWED_TOOLS = [
  'Bash',
  'Read', 'Write', 'Edit', 'Glob', 'Grep',
  'WebSearch', 'WebFetch',
  'Task', 'TaskOutput', 'TaskStop',
  'TeamCreate', 'TeamDelete', 'SendMessage',
  'TodoWrite', 'ToolSearch', 'Skill',
  'NotebookEdit',
  'mcp__nanoclaw__*',
];

export interface QueryContext {
  /** Who the run is for; the prompt itself goes to run(). */
  input: WarmStart;
  paths: WorkspacePaths;
  /** A fresh in-process `nanoclaw` MCP server for each query (one transport per server). */
  mcpServer: () => McpSdkServerConfigWithInstance;
  sdkEnv: Record<string, string | undefined>;
}

export interface SessionPosition {
  sessionId?: string;
  /** Resume after this assistant message, so a half-finished turn is not replayed. */
  resumeAt?: string;
}

export interface QueryOutcome {
  newSessionId?: string;
  lastAssistantUuid?: string;
  closedDuringQuery: boolean;
}

export type QueryFn = typeof sdkQuery;

/** Mounted extra directories; their CLAUDE.md files load through the settings flag. */
export function extraDirectories(extraDir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(extraDir);
  } catch {
    return [];
  }
  return names
    .map((name) => path.join(extraDir, name))
    .filter((dir) => {
      try {
        return fs.statSync(dir).isDirectory();
      } catch {
        return false;
      }
    });
}

/**
 * SDK options for one query. Non-main groups get the Claude Code preset with
 * the shared global memory appended; main keeps the SDK default (reference
 * behaviour, spec 20 §14.1) and reads its own CLAUDE.md through settings.
 */
export function buildQueryOptions(ctx: QueryContext, position: SessionPosition): Options {
  const { input, paths } = ctx;
  let globalMemory: string | undefined;
  if (!input.isMain && fs.existsSync(paths.globalClaudeMd)) {
    globalMemory = fs.readFileSync(paths.globalClaudeMd, 'utf8');
  }
  const extras = extraDirectories(paths.extraDir);
  return {
    cwd: paths.groupDir,
    additionalDirectories: extras.length > 0 ? extras : undefined,
    resume: position.sessionId,
    resumeSessionAt: position.resumeAt,
    systemPrompt: globalMemory
      ? { type: 'preset', preset: 'claude_code', append: globalMemory }
      : undefined,
    allowedTools: ALLOWED_TOOLS,
    env: ctx.sdkEnv,
    permissionMode: 'bypassPermissions',
    allowDangerouslySkipPermissions: true,
    settingSources: ['project', 'user'],
    mcpServers: { nanoclaw: ctx.mcpServer() },
    hooks: {
      PreCompact: [{ hooks: [createPreCompactHook(paths.conversationsDir, input.assistantName)] }],
    },
    stderr: (data: string) => log(`sdk: ${data.trimEnd()}`),
  };
}

export interface QueryDeps {
  queryFn: QueryFn;
  inbox: IpcInbox;
  emit: (output: ContainerOutput) => void;
}

/**
 * A query whose `claude` process is starting or running. The SDK starts the
 * CLI as soon as query() is called, so a warm container calls startQuery()
 * before it has a prompt and run() once the host hands one over.
 */
export interface LiveQuery {
  /** Resolves once `claude` has answered the SDK's initialize request (its tools and MCP are up). */
  ready: Promise<void>;
  /** Pushes the first prompt, pipes follow-ups and `_close` in, and resolves when the query ends. */
  run(prompt: string): Promise<QueryOutcome>;
  /** Ends a query that never got a prompt. */
  cancel(): void;
}

export function startQuery(position: SessionPosition, ctx: QueryContext, deps: QueryDeps): LiveQuery {
  const stream = new MessageStream();
  const outcome: QueryOutcome = { closedDuringQuery: false };
  const counts = { messages: 0, results: 0 };
  const sdkQuery = deps.queryFn({ prompt: stream, options: buildQueryOptions(ctx, position) });
  // Read from the start: messages the SDK produces before the prompt (none today) must not pile up.
  const consumed = (async () => {
    for await (const message of sdkQuery) {
      counts.messages++;
      if (handleMessage(message, outcome, deps.emit)) counts.results++;
    }
  })();
  consumed.catch(() => {}); // reported by run(); a query cancelled before run() has nobody to tell
  const init = (sdkQuery as { initializationResult?: () => Promise<unknown> }).initializationResult;
  const ready = init ? init.call(sdkQuery).then(() => undefined) : Promise.resolve();
  ready.catch(() => {});

  return {
    ready,
    cancel: () => {
      stream.end();
      (sdkQuery as { close?: () => void }).close?.();
    },
    run: async (prompt) => {
      stream.push(prompt);
      let closedDuringQuery = false;
      const stopInbox = deps.inbox.subscribe((event) => {
        if (event.kind === 'close') {
          log('Close sentinel seen during the query; ending the input stream');
          closedDuringQuery = true;
          stream.end();
          return;
        }
        for (const text of event.texts) {
          log(`Piping a follow-up into the live query (${text.length} chars)`);
          stream.push(text);
        }
      });
      try {
        await consumed;
      } finally {
        stopInbox();
      }
      outcome.closedDuringQuery = closedDuringQuery;
      log(
        `Query finished: ${counts.messages} messages, ${counts.results} results, ` +
          `last assistant ${outcome.lastAssistantUuid ?? 'none'}, closed ${closedDuringQuery}`,
      );
      return outcome;
    },
  };
}

/** Starts a query and runs it with its prompt at once (the cold path and every later query). */
export function runQuery(
  prompt: string,
  position: SessionPosition,
  ctx: QueryContext,
  deps: QueryDeps,
): Promise<QueryOutcome> {
  return startQuery(position, ctx, deps).run(prompt);
}

/** Updates the outcome from one SDK message; returns true when it was a result. */
function handleMessage(message: SDKMessage, outcome: QueryOutcome, emit: QueryDeps['emit']): boolean {
  const subtype = (message as { subtype?: string }).subtype;
  log(`sdk message: ${message.type}${message.type === 'system' ? `/${subtype}` : ''}`);
  if (message.type === 'assistant' && typeof message.uuid === 'string') {
    outcome.lastAssistantUuid = message.uuid;
  }
  if (message.type === 'system' && subtype === 'init') {
    outcome.newSessionId = message.session_id;
    log(`Session ${outcome.newSessionId}`);
  }
  if (message.type === 'system' && subtype === 'task_notification') {
    const note = message as { task_id?: string; status?: string; summary?: string };
    log(`Task notification: task=${note.task_id} status=${note.status} summary=${note.summary}`);
  }
  if (message.type !== 'result') return false;
  const text = (message as { result?: unknown }).result;
  emit({
    status: 'success',
    result: typeof text === 'string' && text !== '' ? text : null,
    newSessionId: outcome.newSessionId,
  });
  return true;
}
