// SPDX-License-Identifier: MIT
// The wire format of docs/whatsapp-bridge-protocol.md: events out, commands in, one JSON object per
// line. Pure code, no Baileys, so the framing is testable on its own.

/** Longest line either side accepts (the `\n` not counted). */
export const MAX_LINE_BYTES = 1024 * 1024;

export interface MessageContent {
  conversation: string;
  extended_text: string;
  image_caption: string;
  video_caption: string;
}

export interface MessageEvent {
  type: 'message';
  upsert: string;
  id: string;
  remote_jid: string;
  participant: string;
  from_me: boolean;
  push_name: string;
  timestamp: number;
  sender_pn: string;
  remote_jid_pn: string;
  participant_pn: string;
  content: MessageContent;
}

export type BridgeEvent =
  | { type: 'started'; bridge_version: string; baileys_version: string; registered: boolean }
  | { type: 'qr'; data: string }
  | { type: 'pairing_code'; code: string }
  | { type: 'connected'; user: { id: string; lid: string; name: string } }
  | { type: 'disconnected'; reason: number; message: string }
  | MessageEvent
  | { type: 'lid_mapping'; lid: string; pn: string }
  | { type: 'groups'; request_id: number; groups: { jid: string; subject: string }[] }
  | { type: 'sent'; request_id: number; id: string }
  | { type: 'send_failed'; request_id: number; error: string }
  | { type: 'receipt'; id: string; jid: string; status: 'delivered' | 'read' | 'played' }
  | { type: 'creds_saved' }
  | { type: 'logged_out' }
  | { type: 'error'; error: string; request_id?: number };

export type Command =
  | { cmd: 'connect' }
  | { cmd: 'send'; request_id: number; jid: string; text: string }
  | { cmd: 'presence'; jid: string; state: 'composing' | 'paused' }
  | { cmd: 'fetch_groups'; request_id: number }
  | { cmd: 'logout' }
  | { cmd: 'shutdown' };

export type ParseResult = { ok: true; command: Command } | { ok: false; error: string; request_id?: number };

/** One event as a line. An event that would exceed the limit becomes an `error` event instead
 *  (the daemon would drop the line anyway; this way it learns why). */
export function encodeEvent(event: BridgeEvent): string {
  const line = JSON.stringify(event);
  if (Buffer.byteLength(line, 'utf8') <= MAX_LINE_BYTES) return line + '\n';
  const request_id = 'request_id' in event ? event.request_id : undefined;
  const error: BridgeEvent = { type: 'error', error: `${event.type} event larger than 1 MiB dropped` };
  if (request_id !== undefined) error.request_id = request_id;
  return JSON.stringify(error) + '\n';
}

const isRequestId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const isNonEmpty = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** Validates one command line. Never throws: anything unexpected is an error result. */
export function parseCommand(line: string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, error: 'malformed command: not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: 'malformed command: not a JSON object' };
  }
  const o = value as Record<string, unknown>;
  const rid = isRequestId(o.request_id) ? o.request_id : undefined;
  const fail = (error: string): ParseResult =>
    rid === undefined ? { ok: false, error } : { ok: false, error, request_id: rid };
  switch (o.cmd) {
    case 'connect':
    case 'logout':
    case 'shutdown':
      return { ok: true, command: { cmd: o.cmd } };
    case 'send':
      if (rid === undefined) return fail('send: request_id must be an integer');
      if (!isNonEmpty(o.jid)) return fail('send: jid must be a non-empty string');
      if (!isNonEmpty(o.text)) return fail('send: text must be a non-empty string');
      return { ok: true, command: { cmd: 'send', request_id: rid, jid: o.jid, text: o.text } };
    case 'presence':
      if (!isNonEmpty(o.jid)) return fail('presence: jid must be a non-empty string');
      if (o.state !== 'composing' && o.state !== 'paused') {
        return fail('presence: state must be "composing" or "paused"');
      }
      return { ok: true, command: { cmd: 'presence', jid: o.jid, state: o.state } };
    case 'fetch_groups':
      if (rid === undefined) return fail('fetch_groups: request_id must be an integer');
      return { ok: true, command: { cmd: 'fetch_groups', request_id: rid } };
    default:
      return fail(typeof o.cmd === 'string' ? `unknown command "${o.cmd.slice(0, 64)}"` : 'malformed command: no "cmd"');
  }
}

/** Splits a byte stream into lines of at most `limit` bytes. A longer line is skipped up to its
 *  newline and reported once through `onOversized`; the stream goes on with the next line. */
export class LineSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  private skipping = false;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly onOversized: () => void,
    private readonly limit = MAX_LINE_BYTES,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl === -1 ? chunk.length : nl;
      if (!this.skipping) this.append(chunk.subarray(start, end));
      if (nl === -1) return;
      this.finishLine();
      start = nl + 1;
    }
  }

  /** End of input: a last line without `\n` still counts. */
  end(): void {
    if (this.size > 0 && !this.skipping) this.finishLine();
    this.reset();
  }

  private append(piece: Buffer): void {
    if (this.size + piece.length > this.limit) {
      this.skipping = true;
      this.parts = [];
      this.size = 0;
      this.onOversized();
      return;
    }
    this.parts.push(piece);
    this.size += piece.length;
  }

  private finishLine(): void {
    const skipped = this.skipping;
    const line = Buffer.concat(this.parts, this.size).toString('utf8').replace(/\r$/, '');
    this.reset();
    if (!skipped && line.trim().length > 0) this.onLine(line);
  }

  private reset(): void {
    this.parts = [];
    this.size = 0;
    this.skipping = false;
  }
}
