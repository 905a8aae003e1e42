// SPDX-License-Identifier: MIT
// Framing and validation: commands in, events out, the 1 MiB line limit, the command line.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { parseArgs } from '../dist/args.js';
import { encodeEvent, LineSplitter, MAX_LINE_BYTES, parseCommand } from '../dist/protocol.js';

test('every command of the protocol parses', () => {
  assert.deepEqual(parseCommand('{"cmd":"connect"}'), { ok: true, command: { cmd: 'connect' } });
  assert.deepEqual(parseCommand('{"cmd":"send","request_id":7,"jid":"1@g.us","text":"Andy: hi"}'), {
    ok: true,
    command: { cmd: 'send', request_id: 7, jid: '1@g.us', text: 'Andy: hi' },
  });
  assert.deepEqual(parseCommand('{"cmd":"presence","jid":"1@g.us","state":"paused"}').command, {
    cmd: 'presence', jid: '1@g.us', state: 'paused',
  });
  assert.deepEqual(parseCommand('{"cmd":"fetch_groups","request_id":3}').command, { cmd: 'fetch_groups', request_id: 3 });
  assert.equal(parseCommand('{"cmd":"logout"}').command.cmd, 'logout');
  assert.equal(parseCommand('{"cmd":"shutdown","extra":1}').command.cmd, 'shutdown');
});

test('malformed commands are errors, with the request id when there is one', () => {
  for (const line of ['not json', '[1,2]', '"connect"', 'null', '{}', '{"cmd":5}', '{"cmd":"reboot"}']) {
    const r = parseCommand(line);
    assert.equal(r.ok, false, line);
    assert.match(r.error, /malformed|unknown/, line);
  }
  assert.deepEqual(parseCommand('{"cmd":"send","request_id":4,"jid":"1@g.us"}'), {
    ok: false, error: 'send: text must be a non-empty string', request_id: 4,
  });
  assert.equal(parseCommand('{"cmd":"send","request_id":"4","jid":"a","text":"b"}').request_id, undefined);
  assert.equal(parseCommand('{"cmd":"send","request_id":1.5,"jid":"a","text":"b"}').ok, false);
  assert.equal(parseCommand('{"cmd":"presence","jid":"a","state":"available"}').ok, false);
  assert.equal(parseCommand('{"cmd":"fetch_groups"}').ok, false);
});

test('events are single JSON lines', () => {
  const line = encodeEvent({ type: 'message', upsert: 'notify', id: 'x', remote_jid: 'a', participant: '', from_me: false,
    push_name: 'multi\nline', timestamp: 1, sender_pn: '', remote_jid_pn: '', participant_pn: '',
    content: { conversation: 'a\nb', extended_text: '', image_caption: '', video_caption: '' } });
  assert.equal(line.indexOf('\n'), line.length - 1);
  assert.equal(JSON.parse(line).content.conversation, 'a\nb');
});

test('an event over 1 MiB becomes an error event for the same request', () => {
  const groups = Array.from({ length: 20000 }, (_, i) => ({ jid: `${i}@g.us`, subject: 'x'.repeat(60) }));
  const line = encodeEvent({ type: 'groups', request_id: 9, groups });
  assert.ok(line.length < 200);
  assert.deepEqual(JSON.parse(line), { type: 'error', error: 'groups event larger than 1 MiB dropped', request_id: 9 });
});

function split(chunks, limit) {
  const lines = [];
  let oversized = 0;
  const s = new LineSplitter((l) => lines.push(l), () => oversized++, limit);
  for (const c of chunks) s.push(Buffer.from(c));
  s.end();
  return { lines, oversized };
}

test('lines split across chunks, CRLF, blank lines and a last line without newline', () => {
  assert.deepEqual(split(['{"a"', ':1}\n{"b":2}\r\n\n  \n{"c"', ':3}']).lines, ['{"a":1}', '{"b":2}', '{"c":3}']);
});

test('multi-byte UTF-8 split between chunks stays intact', () => {
  const bytes = Buffer.from('{"t":"héllo 👋"}\n');
  const lines = [];
  const s = new LineSplitter((l) => lines.push(l), () => {});
  for (let i = 0; i < bytes.length; i++) s.push(bytes.subarray(i, i + 1));
  assert.deepEqual(lines, ['{"t":"héllo 👋"}']);
});

test('an oversized line is skipped to its newline and reported once; the next line is read', () => {
  const big = 'x'.repeat(40);
  const r = split(['{"a":1}\n', big.slice(0, 20), big.slice(20), 'yyyy\n{"b":2}\n'], 16);
  assert.deepEqual(r.lines, ['{"a":1}', '{"b":2}']);
  assert.equal(r.oversized, 1);
  assert.equal(MAX_LINE_BYTES, 1024 * 1024);
  const exact = split(['x'.repeat(16) + '\n'], 16);
  assert.deepEqual(exact, { lines: ['x'.repeat(16)], oversized: 0 });
});

test('arguments: channel, auth, pairing code; bad ones are errors', () => {
  assert.deepEqual(parseArgs(['--auth-dir', 'store/auth', '--mode', 'channel']), { authDir: 'store/auth', mode: 'channel' });
  assert.deepEqual(parseArgs(['--mode', 'auth', '--auth-dir', 'a', '--pairing-code', '--phone', '14155551234']), {
    authDir: 'a', mode: 'auth', pairingPhone: '14155551234',
  });
  for (const argv of [
    [], ['--auth-dir', 'a'], ['--auth-dir', 'a', '--mode', 'other'], ['--auth-dir', '--mode', 'channel'],
    ['--auth-dir', 'a', '--mode', 'channel', '--pairing-code', '--phone', '1415555'],
    ['--auth-dir', 'a', '--mode', 'auth', '--pairing-code'], ['--auth-dir', 'a', '--mode', 'auth', '--pairing-code', '--phone', '+1415'],
    ['--auth-dir', 'a', '--mode', 'auth', '--phone', '14155551234'], ['--auth-dir', 'a', '--mode', 'auth', '--verbose'],
  ]) {
    assert.equal(typeof parseArgs(argv), 'string', argv.join(' '));
  }
});

test('HTTPS_PROXY is used for WhatsApp unless NO_PROXY covers its hosts', async () => {
  const { proxyUrl, proxyAgent } = await import('../dist/proxy.js');
  const p = 'http://proxy:3128';
  assert.equal(proxyUrl({}), '');
  assert.equal(proxyUrl({ HTTPS_PROXY: p }), p);
  assert.equal(proxyUrl({ https_proxy: p, NO_PROXY: 'localhost,127.0.0.1' }), p);
  assert.equal(proxyUrl({ HTTPS_PROXY: p, NO_PROXY: 'localhost, .whatsapp.com,*.whatsapp.net' }), '');
  assert.equal(proxyUrl({ HTTPS_PROXY: p, no_proxy: '*' }), '');
  assert.equal(proxyUrl({ HTTPS_PROXY: p, NO_PROXY: 'whatsapp.com' }), p, 'mmg.whatsapp.net still proxied');
  assert.equal(proxyAgent(''), undefined);
  assert.equal(typeof proxyAgent(p).connect, 'function');
});
