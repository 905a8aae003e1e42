// SPDX-License-Identifier: MIT
// The built programs as the daemon runs them: JSON lines over real pipes. dist/test-entry.js is
// the real process wiring with a scripted fake socket; dist/bridge.js is started without ever
// being told to connect, so nothing reaches the network.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { tempDir, waitFor } from './helpers.mjs';

const dist = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');

function start(t, script, args) {
  const child = spawn(process.execPath, [path.join(dist, script), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out = { raw: '', stderr: '', events: [], exit: undefined };
  child.stdout.setEncoding('utf8').on('data', (d) => {
    out.raw += d;
    const lines = out.raw.split('\n');
    out.events = lines.slice(0, -1).map((l) => JSON.parse(l)); // every stdout line must be JSON
  });
  child.stderr.setEncoding('utf8').on('data', (d) => (out.stderr += d));
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve((out.exit = code))));
  t.after(() => child.exitCode === null && child.kill('SIGKILL'));
  const send = (line) => child.stdin.write(line + '\n');
  const next = (type, count = 1) =>
    waitFor(() => out.events.filter((e) => e.type === type)[count - 1], `${count}x ${type}`, 5000);
  return { child, out, exited, send, next };
}

test('test-entry.js: the whole protocol over stdin/stdout, then EOF exits 0 within 5 s', async (t) => {
  const auth = path.join(tempDir(t), 'store', 'auth');
  const p = start(t, 'test-entry.js', ['--auth-dir', auth, '--mode', 'channel']);
  const started = await p.next('started');
  assert.equal(started.registered, false);
  assert.equal(typeof started.bridge_version, 'string');
  p.send('{"cmd":"connect"}');
  assert.deepEqual(await p.next('qr'), { type: 'qr', data: 'fake-qr-1' });
  await p.next('connected');
  const message = await p.next('message');
  assert.equal(message.content.conversation, 'hello from the fake');
  await p.next('creds_saved');

  p.send('{"cmd":"send","request_id":12,"jid":"120363@g.us","text":"Andy: hi"}');
  assert.deepEqual(await p.next('sent'), { type: 'sent', request_id: 12, id: 'FAKE1' });
  p.send('this is not json');
  assert.equal((await p.next('error')).error, 'malformed command: not JSON');
  p.send('{"cmd":"send","request_id":13,"jid":"x"}');
  assert.deepEqual(await p.next('error', 2), { type: 'error', error: 'send: text must be a non-empty string', request_id: 13 });
  p.child.stdin.write('{"cmd":"send","text":"' + 'x'.repeat(1024 * 1024 + 10) + '"}\n');
  assert.equal((await p.next('error', 3)).error, 'command line longer than 1 MiB ignored');
  p.send('{"cmd":"fetch_groups","request_id":14}');
  assert.deepEqual((await p.next('groups')).groups, [{ jid: '120363@g.us', subject: 'Family' }]);

  const eof = Date.now();
  p.child.stdin.end();
  assert.equal(await p.exited, 0);
  assert.ok(Date.now() - eof < 5000, 'exit within 5 s of EOF');
  assert.ok(p.out.raw.endsWith('\n'));
  assert.match(p.out.stderr, /Closing session: fake/, 'console output of libraries goes to stderr');
  assert.equal(p.out.events.filter((e) => e.type === 'disconnected').length, 0);
});

test('test-entry.js: the shutdown command exits 0', async (t) => {
  const p = start(t, 'test-entry.js', ['--auth-dir', tempDir(t), '--mode', 'channel']);
  await p.next('started');
  p.send('{"cmd":"connect"}');
  await p.next('connected');
  p.send('{"cmd":"shutdown"}');
  assert.equal(await p.exited, 0);
});

test('test-entry.js: pairing-code login with the 515 restart, reconnected by the daemon\'s connect', async (t) => {
  const p = start(t, 'test-entry.js', ['--auth-dir', tempDir(t), '--mode', 'auth', '--pairing-code', '--phone', '14155551234']);
  await p.next('started');
  p.send('{"cmd":"connect"}');
  assert.deepEqual(await p.next('pairing_code'), { type: 'pairing_code', code: 'ABCD1234' });
  assert.equal((await p.next('disconnected')).reason, 515);
  p.send('{"cmd":"connect"}');
  await p.next('connected');
  assert.equal(await p.exited, 0, 'a finished login exits 0 by itself');
  assert.deepEqual(p.out.events.map((e) => e.type).filter((t) => t !== 'creds_saved'),
    ['started', 'pairing_code', 'disconnected', 'qr', 'connected', 'message']);
});

test('bridge.js: bad arguments exit 2 with nothing on stdout', async (t) => {
  const p = start(t, 'bridge.js', ['--mode', 'channel']);
  assert.equal(await p.exited, 2);
  assert.equal(p.out.raw, '');
  assert.match(p.out.stderr, /--auth-dir DIR is required/);
});

test('bridge.js: starts on the real library, reports started, exits 0 on EOF', async (t) => {
  const p = start(t, 'bridge.js', ['--auth-dir', tempDir(t), '--mode', 'channel']);
  const started = await p.next('started');
  assert.match(started.baileys_version, /^7\.0\.0/);
  p.child.stdin.end();
  assert.equal(await p.exited, 0);
  assert.deepEqual(p.out.events.map((e) => e.type), ['started']);
});
