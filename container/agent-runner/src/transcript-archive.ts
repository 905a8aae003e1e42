// SPDX-License-Identifier: MIT
// Before the SDK compacts a long conversation it would lose the verbatim
// history, so a PreCompact hook saves it as Markdown in the group's
// conversations/ folder where the agent (and the user) can search it later
// (spec 20 §8.7).
import fs from 'node:fs';
import path from 'node:path';
import type { HookCallback, PreCompactHookInput } from '@anthropic-ai/claude-agent-sdk';
import { errorMessage } from './protocol.js';
import { log } from './log.js';

export interface TranscriptMessage {
  role: 'user' | 'assistant';
  text: string;
}

const MAX_MESSAGE_CHARS = 2000;
const MAX_NAME_CHARS = 50;

/** Extracts the readable text of each JSONL entry; unparseable lines are skipped. */
export function parseTranscript(jsonl: string): TranscriptMessage[] {
  const messages: TranscriptMessage[] = [];
  for (const line of jsonl.split('\n')) {
    if (!line.trim()) continue;
    let entry: { type?: unknown; message?: { content?: unknown } };
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    const content = entry?.message?.content;
    if (!content) continue;
    let text = '';
    if (entry.type === 'user') {
      text = typeof content === 'string' ? content : joinTexts(content, () => true);
    } else if (entry.type === 'assistant') {
      text = joinTexts(content, (item) => item.type === 'text');
    } else {
      continue;
    }
    if (text) messages.push({ role: entry.type, text });
  }
  return messages;
}

function joinTexts(content: unknown, keep: (item: { type?: unknown }) => boolean): string {
  if (!Array.isArray(content)) return '';
  return content
    .filter((item) => item && typeof item === 'object' && keep(item))
    .map((item) => (typeof item.text === 'string' ? item.text : ''))
    .join('');
}

/** The SDK's own summary of the session, used as the archive title when present. */
export function sessionSummary(sessionId: string, transcriptPath: string): string | null {
  const indexPath = path.join(path.dirname(transcriptPath), 'sessions-index.json');
  try {
    const index = JSON.parse(fs.readFileSync(indexPath, 'utf8')) as {
      entries?: { sessionId?: string; summary?: string }[];
    };
    const entry = index.entries?.find((e) => e.sessionId === sessionId);
    return entry?.summary || null;
  } catch {
    return null;
  }
}

/** `<UTC date>-<slug of the summary>.md`, or `conversation-HHMM` (local time) without one. */
export function archiveFileName(now: Date, summary: string | null): string {
  const date = now.toISOString().slice(0, 10);
  let name = summary
    ? summary.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, MAX_NAME_CHARS)
    : '';
  if (!name) {
    const hh = String(now.getHours()).padStart(2, '0');
    const mm = String(now.getMinutes()).padStart(2, '0');
    name = `conversation-${hh}${mm}`;
  }
  return `${date}-${name}.md`;
}

export function formatTranscriptMarkdown(
  messages: TranscriptMessage[],
  title: string | null,
  assistantName: string | undefined,
  now: Date,
): string {
  const archivedAt = now.toLocaleString('en-US', {
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    hour12: true,
  });
  const lines = [`# ${title || 'Conversation'}`, '', `Archived: ${archivedAt}`, '', '---', ''];
  for (const msg of messages) {
    const who = msg.role === 'user' ? 'User' : assistantName || 'Assistant';
    const text = msg.text.length > MAX_MESSAGE_CHARS ? `${msg.text.slice(0, MAX_MESSAGE_CHARS)}...` : msg.text;
    lines.push(`**${who}**: ${text}`, '');
  }
  return lines.join('\n');
}

/** Writes the archive; returns its path, or null when there was nothing to save. */
export function archiveTranscript(options: {
  transcriptPath: string | undefined;
  sessionId: string;
  conversationsDir: string;
  assistantName?: string;
  now?: Date;
}): string | null {
  const { transcriptPath, sessionId, conversationsDir } = options;
  if (!transcriptPath || !fs.existsSync(transcriptPath)) {
    log('No transcript to archive');
    return null;
  }
  const messages = parseTranscript(fs.readFileSync(transcriptPath, 'utf8'));
  if (messages.length === 0) {
    log('Transcript has no messages to archive');
    return null;
  }
  const now = options.now ?? new Date();
  const summary = sessionSummary(sessionId, transcriptPath);
  fs.mkdirSync(conversationsDir, { recursive: true });
  const file = path.join(conversationsDir, archiveFileName(now, summary));
  fs.writeFileSync(file, formatTranscriptMarkdown(messages, summary, options.assistantName, now));
  log(`Archived conversation to ${file}`);
  return file;
}

/** The hook never fails and never blocks compaction: errors are only logged. */
export function createPreCompactHook(conversationsDir: string, assistantName?: string): HookCallback {
  return async (input) => {
    const preCompact = input as PreCompactHookInput;
    try {
      archiveTranscript({
        transcriptPath: preCompact.transcript_path,
        sessionId: preCompact.session_id,
        conversationsDir,
        assistantName,
      });
    } catch (err) {
      log(`Failed to archive transcript: ${errorMessage(err)}`);
    }
    return {};
  };
}
