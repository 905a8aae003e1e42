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

/**
 * Parses and type-checks the stdin document. The host always sends the
 * required keys; anything else is a broken host or a hand-fed container, and
 * we would rather say exactly which key is wrong than crash later.
 */
export function parseContainerInput(text: string): ParseResult<ContainerInput> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: errorMessage(err) };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, error: 'input must be a JSON object' };
  }
  const doc = raw as Record<string, unknown>;
  for (const key of ['prompt', 'groupFolder', 'chatJid'] as const) {
    if (typeof doc[key] !== 'string') return { ok: false, error: `"${key}" must be a string` };
  }
  if (typeof doc.isMain !== 'boolean') return { ok: false, error: '"isMain" must be a boolean' };
  for (const key of ['sessionId', 'assistantName'] as const) {
    if (doc[key] !== undefined && typeof doc[key] !== 'string') {
      return { ok: false, error: `"${key}" must be a string when present` };
    }
  }
  if (doc.isScheduledTask !== undefined && typeof doc.isScheduledTask !== 'boolean') {
    return { ok: false, error: '"isScheduledTask" must be a boolean when present' };
  }
  return {
    ok: true,
    value: {
      prompt: doc.prompt as string,
      // An empty session id means "none": resuming "" would make the SDK fail.
      sessionId: (doc.sessionId as string | undefined) || undefined,
      groupFolder: doc.groupFolder as string,
      chatJid: doc.chatJid as string,
      isMain: doc.isMain as boolean,
      isScheduledTask: doc.isScheduledTask as boolean | undefined,
      assistantName: doc.assistantName as string | undefined,
    },
  };
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
