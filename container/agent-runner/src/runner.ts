// SPDX-License-Identifier: MIT
// The runner (spec 20 §8): input on stdin, output records on stdout, follow-ups
// and `_close` through files. Credentials never pass through here: the SDK
// talks to the host's credential proxy via ANTHROPIC_BASE_URL with a
// placeholder key.
//
// Cold mode: stdin is one ContainerInput document. Warm mode (NANOCLAW_WARM=1):
// stdin line 1 is the ContainerInput without the prompt, and the runner starts
// `claude` at once; line 2 (the take) brings the prompt. See
// docs/container-image.md for the contract.
import fs from 'node:fs';
import {
  errorMessage,
  parseContainerInput,
  parseTake,
  parseWarmStart,
  writeOutput,
  type ContainerInput,
  type ContainerOutput,
  type WarmStart,
} from './protocol.js';
import { DEFAULT_WORKSPACE_ROOT, workspacePaths } from './paths.js';
import { IpcInbox } from './ipc-inbox.js';
import { runQuery, startQuery, type LiveQuery, type QueryContext, type QueryDeps } from './agent-query.js';
import { runSession } from './session-loop.js';
import { createNanoclawServer } from './mcp-server.js';
import { sdkEnvironment } from './sdk-env.js';
import { LineReader } from './stdin-lines.js';
import { log, phase } from './log.js';
import { loadVendor, type Vendor } from './vendor.js';

/** The entrypoint saves stdin here first (cold mode); nothing should outlive the read. */
const STDIN_COPY = '/tmp/input.json';

/** The host waits for exactly this line before it hands a warm container a message. */
export const WARM_LINE = 'Warm and waiting for the prompt';

type SdkModule = Vendor;

/** The run's inbox once there is one; the SIGTERM handler asks it whether we are closing. */
let activeInbox: IpcInbox | null = null;

async function readAll(input: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Writes records, noting the first one for the start-up benchmark. */
function recordWriter(): (output: ContainerOutput) => void {
  let first = true;
  return (output) => {
    writeOutput(output);
    if (first) phase('output');
    first = false;
  };
}

function failInput(emit: (o: ContainerOutput) => void, error: string): number {
  emit({ status: 'error', result: null, error: `Failed to parse input: ${error}` });
  return 1;
}

/** Everything a query needs that is fixed for the whole container run. */
function queryContext(sdk: SdkModule, input: WarmStart): QueryContext {
  // NANOCLAW_WORKSPACE_ROOT exists for tests that run the runner outside a container.
  const paths = workspacePaths(process.env.NANOCLAW_WORKSPACE_ROOT || DEFAULT_WORKSPACE_ROOT);
  const identity = {
    chatJid: input.chatJid,
    groupFolder: input.groupFolder,
    isMain: input.isMain,
    ipcDir: paths.ipcDir,
    now: () => new Date(),
  };
  return { input, paths, mcpServer: () => createNanoclawServer(sdk, identity), sdkEnv: sdkEnvironment(process.env) };
}

/** Starts the first query before its prompt is known, so `claude` boots while we do the rest. */
function startFirstQuery(sdk: SdkModule, start: WarmStart, emit: QueryDeps['emit']) {
  const ctx = queryContext(sdk, start);
  const inbox = new IpcInbox(ctx.paths.inputDir, {
    onConsumed: (file, at) => log(`Consumed input file ${file} (wall ${at.wallMs}, monotonic_ns ${at.monotonicNs})`),
  });
  activeInbox = inbox;
  const deps: QueryDeps = { queryFn: sdk.query, inbox, emit };
  const live = startQuery({ sessionId: start.sessionId }, ctx, deps);
  phase('query');
  let readyLogged = false;
  const ready = live.ready.then(() => {
    if (!readyLogged) phase('claude-ready');
    readyLogged = true;
  });
  return { ctx, inbox, deps, live, ready };
}

/** The conversation after the prompt is known; identical for both modes. */
function converse(input: ContainerInput, first: ReturnType<typeof startFirstQuery>, emit: QueryDeps['emit']): Promise<number> {
  let pending: LiveQuery | null = first.live;
  return runSession({
    input,
    inbox: first.inbox,
    emit,
    runQuery: (prompt, position) => {
      const live = pending;
      pending = null;
      return live ? live.run(prompt) : runQuery(prompt, position, first.ctx, first.deps);
    },
  });
}

async function cold(sdkLoading: Promise<SdkModule>, emit: QueryDeps['emit']): Promise<number> {
  let text: string;
  try {
    text = await readAll(process.stdin);
  } catch (err) {
    text = '';
    log(`Cannot read stdin: ${errorMessage(err)}`);
  }
  const parsed = parseContainerInput(text);
  if (!parsed.ok) return failInput(emit, parsed.error);
  phase('input');
  fs.rmSync(STDIN_COPY, { force: true });
  const input = parsed.value;
  log(`Input for group ${input.groupFolder}`);
  const first = startFirstQuery(await sdkLoading, input, emit);
  first.ready.catch(() => {}); // a failed start surfaces through the query itself
  return converse(input, first, emit);
}

async function warm(sdkLoading: Promise<SdkModule>, emit: QueryDeps['emit']): Promise<number> {
  const lines = new LineReader(process.stdin);
  const startLine = await lines.next();
  if (startLine === null) {
    log('stdin closed before the warm start line; exiting');
    return 0;
  }
  const parsed = parseWarmStart(startLine);
  if (!parsed.ok) return failInput(emit, parsed.error);
  phase('input');
  const start = parsed.value;
  log(`Warm start for group ${start.groupFolder}`);
  const first = startFirstQuery(await sdkLoading, start, emit);

  // Nothing under /workspace/ipc/input is touched before the take: until then
  // the files there belong to whichever container is running now.
  const takeLine = lines.next();
  const state = await Promise.race([
    first.ready.then(
      () => 'ready' as const,
      (err: unknown) => errorMessage(err),
    ),
    takeLine.then(() => 'take' as const),
  ]);
  if (state !== 'ready' && state !== 'take') {
    log(`Agent error: claude did not start: ${state}`);
    first.live.cancel();
    emit({ status: 'error', result: null, error: `claude did not start: ${state}` });
    return 1;
  }
  if (state === 'ready') {
    phase('warm-ready');
    log(WARM_LINE);
  }
  const line = await takeLine;
  if (line === null) {
    log('stdin closed before the prompt (warm container dismissed); exiting');
    first.live.cancel();
    return 0;
  }
  phase('prompt');
  const take = parseTake(line);
  if (!take.ok) {
    first.live.cancel();
    return failInput(emit, take.error);
  }
  first.ready.catch(() => {});
  return converse({ ...start, ...take.value }, first, emit);
}

export async function run(): Promise<never> {
  // As PID 1 in the container, node ignores SIGTERM unless it handles it, which
  // would turn every `docker stop` into a wait for SIGKILL.
  process.on('SIGTERM', () => {
    // While `claude` shuts down after a `_close`, a SIGTERM can reach us as
    // well (seen now and then in the e2e; claude signals process groups when it
    // cleans up). The host asked for this end, so it is still a clean one.
    if (activeInbox?.closeSeen) {
      log('SIGTERM received while closing after _close; exiting 0');
      process.exit(0);
    }
    log('SIGTERM received; exiting');
    process.exit(143);
  });
  // The SDK (with zod) is most of the start-up cost; load it while stdin is read.
  const sdkLoading = loadVendor().then(({ vendor, source }) => {
    phase('sdk-loaded');
    log(`SDK loaded: ${source}`);
    return vendor;
  });
  sdkLoading.catch(() => {});
  const emit = recordWriter();
  let code: number;
  try {
    code = await (process.env.NANOCLAW_WARM === '1' ? warm(sdkLoading, emit) : cold(sdkLoading, emit));
  } catch (err) {
    log(`Fatal: ${errorMessage(err)}`);
    emit({ status: 'error', result: null, error: errorMessage(err) });
    code = 1;
  }
  process.exit(code);
}
