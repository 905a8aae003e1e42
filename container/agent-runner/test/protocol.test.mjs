// SPDX-License-Identifier: MIT
import test from 'node:test';
import assert from 'node:assert/strict';
import { formatOutput, parseContainerInput, parseTake, parseWarmStart, OUTPUT_START_MARKER, OUTPUT_END_MARKER } from '../dist/protocol.js';

const valid = { prompt: 'hi', groupFolder: 'main', chatJid: 'tg:1', isMain: true };

test('formatOutput prints start marker, one compact JSON line, end marker', () => {
  const text = formatOutput({ status: 'success', result: 'ok', newSessionId: 's1' });
  assert.equal(
    text,
    '---NANOCLAW_OUTPUT_START---\n{"status":"success","result":"ok","newSessionId":"s1"}\n---NANOCLAW_OUTPUT_END---\n',
  );
  assert.equal(OUTPUT_START_MARKER, '---NANOCLAW_OUTPUT_START---');
  assert.equal(OUTPUT_END_MARKER, '---NANOCLAW_OUTPUT_END---');
});

test('formatOutput leaves out undefined keys and keeps null result', () => {
  const text = formatOutput({ status: 'success', result: null, newSessionId: undefined });
  assert.equal(text.split('\n')[1], '{"status":"success","result":null}');
});

test('formatOutput keeps newlines inside the result on the single JSON line', () => {
  const lines = formatOutput({ status: 'success', result: 'a\nb' }).split('\n');
  assert.equal(lines.length, 4);
  assert.equal(JSON.parse(lines[1]).result, 'a\nb');
});

test('parseContainerInput accepts the host document with optional keys', () => {
  const parsed = parseContainerInput(
    JSON.stringify({ ...valid, sessionId: 's', isScheduledTask: true, assistantName: 'Andy' }),
  );
  assert.deepEqual(parsed, {
    ok: true,
    value: { ...valid, sessionId: 's', isScheduledTask: true, assistantName: 'Andy' },
  });
});

test('parseContainerInput treats an empty session id as no session', () => {
  const parsed = parseContainerInput(JSON.stringify({ ...valid, sessionId: '' }));
  assert.equal(parsed.ok, true);
  assert.equal(parsed.value.sessionId, undefined);
});

for (const [name, text, expected] of [
  ['not JSON', 'not json', /JSON/],
  ['empty stdin', '', /JSON/],
  ['an array', '[]', /object/],
  ['missing prompt', JSON.stringify({ ...valid, prompt: undefined }), /"prompt" must be a string/],
  ['numeric chatJid', JSON.stringify({ ...valid, chatJid: 5 }), /"chatJid"/],
  ['string isMain', JSON.stringify({ ...valid, isMain: 'true' }), /"isMain" must be a boolean/],
  ['numeric sessionId', JSON.stringify({ ...valid, sessionId: 3 }), /"sessionId"/],
  ['string isScheduledTask', JSON.stringify({ ...valid, isScheduledTask: 'yes' }), /"isScheduledTask"/],
]) {
  test(`parseContainerInput rejects ${name}`, () => {
    const parsed = parseContainerInput(text);
    assert.equal(parsed.ok, false);
    assert.match(parsed.error, expected);
  });
}

test('parseWarmStart takes the input without a prompt and ignores one given', () => {
  assert.deepEqual(parseWarmStart(JSON.stringify({ groupFolder: 'g', chatJid: 'c', isMain: false, sessionId: '', prompt: 'x' })), {
    ok: true,
    value: { groupFolder: 'g', chatJid: 'c', isMain: false, sessionId: undefined, assistantName: undefined },
  });
  assert.deepEqual(parseWarmStart('{"groupFolder":"g","chatJid":"c"}'), { ok: false, error: '"isMain" must be a boolean' });
  assert.equal(parseWarmStart('[]').ok, false);
});

test('parseTake needs a string prompt and an optional boolean isScheduledTask', () => {
  assert.deepEqual(parseTake('{"prompt":"hi","isScheduledTask":false}'), { ok: true, value: { prompt: 'hi', isScheduledTask: false } });
  assert.deepEqual(parseTake('{"prompt":5}'), { ok: false, error: '"prompt" must be a string' });
  assert.deepEqual(parseTake('{"prompt":"p","isScheduledTask":"yes"}'), { ok: false, error: '"isScheduledTask" must be a boolean when present' });
  assert.equal(parseTake('nope').ok, false);
});
