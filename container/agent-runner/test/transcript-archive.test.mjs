// SPDX-License-Identifier: MIT
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  archiveFileName,
  archiveTranscript,
  createPreCompactHook,
  formatTranscriptMarkdown,
  parseTranscript,
} from '../dist/transcript-archive.js';
import { tempDir } from './helpers.mjs';

const jsonl = [
  JSON.stringify({ type: 'user', message: { content: 'hello' } }),
  'not json at all',
  JSON.stringify({ type: 'user', message: { content: [{ type: 'text', text: 'a' }, { type: 'tool_result' }, { text: 'b' }] } }),
  JSON.stringify({
    type: 'assistant',
    message: { content: [{ type: 'thinking', text: 'hidden' }, { type: 'text', text: 'hi ' }, { type: 'text', text: 'there' }] },
  }),
  JSON.stringify({ type: 'assistant', message: { content: [{ type: 'tool_use', name: 'Bash' }] } }),
  JSON.stringify({ type: 'summary', message: { content: 'ignored' } }),
  '',
].join('\n');

test('parseTranscript keeps user and assistant text and skips the rest', () => {
  assert.deepEqual(parseTranscript(jsonl), [
    { role: 'user', text: 'hello' },
    { role: 'user', text: 'ab' },
    { role: 'assistant', text: 'hi there' },
  ]);
});

test('archiveFileName slugs the summary to at most 50 characters', () => {
  const now = new Date('2026-03-13T10:20:30Z');
  assert.equal(archiveFileName(now, 'Plan the Trip: Rome & Paris!'), '2026-03-13-plan-the-trip-rome-paris.md');
  const long = archiveFileName(now, 'x'.repeat(80));
  assert.equal(long, `2026-03-13-${'x'.repeat(50)}.md`);
});

test('archiveFileName falls back to conversation-HHMM in local time', () => {
  const now = new Date(2026, 2, 13, 7, 5);
  assert.match(archiveFileName(now, null), /^\d{4}-\d{2}-\d{2}-conversation-0705\.md$/);
  assert.match(archiveFileName(now, '!!!'), /-conversation-0705\.md$/);
});

test('formatTranscriptMarkdown writes title, date, separator and truncated messages', () => {
  const md = formatTranscriptMarkdown(
    [
      { role: 'user', text: 'question' },
      { role: 'assistant', text: 'y'.repeat(2001) },
    ],
    null,
    'Andy',
    new Date(2026, 2, 13, 15, 4),
  );
  const lines = md.split('\n');
  assert.equal(lines[0], '# Conversation');
  assert.equal(lines[2], 'Archived: Mar 13, 3:04 PM');
  assert.equal(lines[4], '---');
  assert.equal(lines[6], '**User**: question');
  assert.equal(lines[8], `**Andy**: ${'y'.repeat(2000)}...`);
});

test('archiveTranscript titles the archive with the session summary', (t) => {
  const dir = tempDir(t);
  const transcript = path.join(dir, 'projects', 's1.jsonl');
  fs.mkdirSync(path.dirname(transcript), { recursive: true });
  fs.writeFileSync(transcript, jsonl);
  fs.writeFileSync(
    path.join(dir, 'projects', 'sessions-index.json'),
    JSON.stringify({ entries: [{ sessionId: 'other', summary: 'No' }, { sessionId: 's1', summary: 'Trip Plans' }] }),
  );
  const conversations = path.join(dir, 'group', 'conversations');
  const file = archiveTranscript({
    transcriptPath: transcript,
    sessionId: 's1',
    conversationsDir: conversations,
    now: new Date('2026-03-13T10:00:00Z'),
  });
  assert.equal(file, path.join(conversations, '2026-03-13-trip-plans.md'));
  const md = fs.readFileSync(file, 'utf8');
  assert.match(md, /^# Trip Plans\n/);
  assert.match(md, /\*\*Assistant\*\*: hi there/);
});

test('archiveTranscript does nothing for a missing or empty transcript', (t) => {
  const dir = tempDir(t);
  const conversations = path.join(dir, 'conversations');
  assert.equal(archiveTranscript({ transcriptPath: undefined, sessionId: 's', conversationsDir: conversations }), null);
  assert.equal(archiveTranscript({ transcriptPath: path.join(dir, 'nope'), sessionId: 's', conversationsDir: conversations }), null);
  const empty = path.join(dir, 'empty.jsonl');
  fs.writeFileSync(empty, 'garbage\n');
  assert.equal(archiveTranscript({ transcriptPath: empty, sessionId: 's', conversationsDir: conversations }), null);
  assert.equal(fs.existsSync(conversations), false);
});

test('the PreCompact hook never throws, even when the archive cannot be written', async (t) => {
  const dir = tempDir(t);
  const transcript = path.join(dir, 't.jsonl');
  fs.writeFileSync(transcript, jsonl);
  const blocker = path.join(dir, 'file');
  fs.writeFileSync(blocker, '');
  const hook = createPreCompactHook(path.join(blocker, 'conversations'));
  const result = await hook({ hook_event_name: 'PreCompact', transcript_path: transcript, session_id: 's' }, undefined, {
    signal: new AbortController().signal,
  });
  assert.deepEqual(result, {});
});
