// SPDX-License-Identifier: MIT
// The contract with the host: the ContainerInput JSON read from stdin and the
// ContainerOutput records printed between stdout markers (spec 20 §5.1, §5.7).

export const OUTPUT_START_MARKER = '---NANOCLAW_OUTPUT_START---';
export const OUTPUT_END_MARKER = '---NANOCLAW_OUTPUT_END---';

export interface ContainerInput {
  prompt: string;
  sessionId?: string;
  groupFolder: string;
  chatJid: string;
  isMain: boolean;
  isScheduledTask?: boolean;
  assistantName?: string;
}

export interface ContainerOutput {
  status: 'success' | 'error';
  result: string | null;
  newSessionId?: string;
  error?: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** Warm mode, stdin line 1: everything but the prompt, known before the message arrives. */
export type WarmStart = Omit<ContainerInput, 'prompt' | 'isScheduledTask'>;

/** Warm mode, stdin line 2 (the take): the message itself. */
export interface Take {
  prompt: string;
  isScheduledTask?: boolean;
}

function parseObject(text: string): ParseResult<Record<string, unknown>> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: errorMessage(err) };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, error: 'input must be a JSON object' };
  }
  return { ok: true, value: raw as Record<string, unknown> };
}

function checkPrompt(doc: Record<string, unknown>): ParseResult<Take> {
  if (typeof doc.prompt !== 'string') return { ok: false, error: '"prompt" must be a string' };
  if (doc.isScheduledTask !== undefined && typeof doc.isScheduledTask !== 'boolean') {
    return { ok: false, error: '"isScheduledTask" must be a boolean when present' };
  }
  return { ok: true, value: { prompt: doc.prompt, isScheduledTask: doc.isScheduledTask as boolean | undefined } };
}

function checkIdentity(doc: Record<string, unknown>): ParseResult<WarmStart> {
  for (const key of ['groupFolder', 'chatJid'] as const) {
    if (typeof doc[key] !== 'string') return { ok: false, error: `"${key}" must be a string` };
  }
  if (typeof doc.isMain !== 'boolean') return { ok: false, error: '"isMain" must be a boolean' };
  for (const key of ['sessionId', 'assistantName'] as const) {
    if (doc[key] !== undefined && typeof doc[key] !== 'string') {
      return { ok: false, error: `"${key}" must be a string when present` };
    }
  }
  return {
    ok: true,
    value: {
      // An empty session id means "none": resuming "" would make the SDK fail.
      sessionId: (doc.sessionId as string | undefined) || undefined,
      groupFolder: doc.groupFolder as string,
      chatJid: doc.chatJid as string,
      isMain: doc.isMain as boolean,
      assistantName: doc.assistantName as string | undefined,
    },
  };
}

/**
 * Parses and type-checks the stdin document. The host always sends the
 * required keys; anything else is a broken host or a hand-fed container, and
 * we would rather say exactly which key is wrong than crash later.
 */
export function parseContainerInput(text: string): ParseResult<ContainerInput> {
  const doc = parseObject(text);
  if (!doc.ok) return doc;
  if (typeof doc.value.prompt !== 'string') return { ok: false, error: '"prompt" must be a string' };
  const identity = checkIdentity(doc.value);
  if (!identity.ok) return identity;
  const take = checkPrompt(doc.value);
  if (!take.ok) return take;
  return { ok: true, value: { ...take.value, ...identity.value } };
}

/** Warm line 1: a ContainerInput without `prompt` (one given is ignored; it comes with the take). */
export function parseWarmStart(text: string): ParseResult<WarmStart> {
  const doc = parseObject(text);
  return doc.ok ? checkIdentity(doc.value) : doc;
}

/** Warm line 2: `{"prompt": "...", "isScheduledTask": false}`. */
export function parseTake(text: string): ParseResult<Take> {
  const doc = parseObject(text);
  return doc.ok ? checkPrompt(doc.value) : doc;
}

/**
 * One output record as the host's parser expects it: start marker, one line of
 * compact JSON, end marker, each on its own line. Undefined keys are dropped
 * by JSON.stringify, which is what the host expects for absent fields.
 */
export function formatOutput(output: ContainerOutput): string {
  return `${OUTPUT_START_MARKER}\n${JSON.stringify(output)}\n${OUTPUT_END_MARKER}\n`;
}

/** Writes a record in one write() so records never interleave with other output. */
export function writeOutput(output: ContainerOutput, out: NodeJS.WritableStream = process.stdout): void {
  out.write(formatOutput(output));
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
