// SPDX-License-Identifier: MIT
import test from 'node:test';
import assert from 'node:assert/strict';
import { MessageStream } from '../dist/message-stream.js';

test('yields pushed messages as SDK user messages, in order, until ended', async () => {
  const stream = new MessageStream();
  stream.push('one');
  const seen = [];
  const reader = (async () => {
    for await (const msg of stream) seen.push(msg);
  })();
  await new Promise((r) => setImmediate(r));
  stream.push('two'); // arrives while the reader is waiting
  stream.end();
  await reader;
  assert.deepEqual(seen.map((m) => m.message.content), ['one', 'two']);
  assert.deepEqual(seen[0], {
    type: 'user',
    message: { role: 'user', content: 'one' },
    parent_tool_use_id: null,
    session_id: '',
  });
});

test('messages pushed before end are still delivered', async () => {
  const stream = new MessageStream();
  stream.push('a');
  stream.push('b');
  stream.end();
  const seen = [];
  for await (const msg of stream) seen.push(msg.message.content);
  assert.deepEqual(seen, ['a', 'b']);
  assert.equal(stream.isEnded, true);
});

test('pushing after end is a programming error', () => {
  const stream = new MessageStream();
  stream.end();
  assert.throws(() => stream.push('late'), /push after end/);
});
