// SPDX-License-Identifier: MIT
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { IpcInbox } from '../dist/ipc-inbox.js';
import { tempDir, followUp, listFiles, writeAtomic } from './helpers.mjs';

test('drain returns message texts in name order and filters the rest (E6.1)', (t) => {
  const dir = tempDir(t);
  followUp(dir, '2-b.json', 'B');
  followUp(dir, '1-a.json', 'A');
  fs.writeFileSync(path.join(dir, '3-c.json.tmp'), '{"type":"message","text":"in flight"}');
  fs.writeFileSync(path.join(dir, '4-d.json'), '{not json');
  writeAtomic(dir, '5-e.json', { type: 'other', text: 'ignored' });
  writeAtomic(dir, '6-f.json', { type: 'message', text: '' });
  const consumed = [];
  const before = process.hrtime.bigint();
  const inbox = new IpcInbox(dir, { onConsumed: (name, at) => consumed.push({ name, at }) });
  assert.deepEqual(inbox.drain(), ['A', 'B']);
  assert.deepEqual(listFiles(dir), ['3-c.json.tmp']);
  assert.deepEqual(consumed.map((c) => c.name), ['1-a.json', '2-b.json', '5-e.json', '6-f.json']);
  for (const { at } of consumed) {
    assert.equal(typeof at.monotonicNs, 'bigint');
    assert.ok(at.monotonicNs >= before, 'monotonic stamps are taken at consumption');
    assert.ok(Math.abs(at.wallMs - Date.now()) < 5000);
  }
});

test('drain of a missing directory is empty, not an exception', (t) => {
  const inbox = new IpcInbox(path.join(tempDir(t), 'absent'));
  assert.deepEqual(inbox.drain(), []);
});

test('close wins over a waiting message, which stays for the next container (E6.2)', (t) => {
  const dir = tempDir(t);
  followUp(dir, '1-a.json', 'A');
  fs.writeFileSync(path.join(dir, '_close'), '');
  const inbox = new IpcInbox(dir);
  assert.deepEqual(inbox.check(), { kind: 'close' });
  assert.deepEqual(listFiles(dir), ['1-a.json']);
  assert.deepEqual(inbox.check(), { kind: 'messages', texts: ['A'] });
  assert.equal(inbox.check(), null);
});

test('prepare creates the directory and removes a stale _close (E6.3)', (t) => {
  const dir = path.join(tempDir(t), 'ipc', 'input');
  const inbox = new IpcInbox(dir);
  inbox.prepare();
  assert.ok(fs.statSync(dir).isDirectory());
  fs.writeFileSync(path.join(dir, '_close'), '');
  inbox.prepare();
  assert.deepEqual(listFiles(dir), []);
});

test('next resolves on a follow-up through fs.watch long before the poll', async (t) => {
  const dir = tempDir(t);
  const inbox = new IpcInbox(dir, { pollMs: 60_000 });
  const started = Date.now();
  const pending = inbox.next();
  setTimeout(() => followUp(dir, '1-x.json', 'hello'), 20);
  assert.deepEqual(await pending, { kind: 'messages', texts: ['hello'] });
  assert.ok(Date.now() - started < 2000, 'watch should wake us, not the 60 s poll');
});

test('polling alone still delivers when fs.watch is unavailable', async (t) => {
  const dir = tempDir(t);
  const inbox = new IpcInbox(dir, { pollMs: 10, useWatch: false });
  const pending = inbox.next();
  setTimeout(() => fs.writeFileSync(path.join(dir, '_close'), ''), 20);
  assert.deepEqual(await pending, { kind: 'close' });
  assert.deepEqual(listFiles(dir), []);
});

test('next returns what is already there without waiting', async (t) => {
  const dir = tempDir(t);
  followUp(dir, '1-a.json', 'A');
  followUp(dir, '2-b.json', 'B');
  const inbox = new IpcInbox(dir, { pollMs: 60_000, useWatch: false });
  assert.deepEqual(await inbox.next(), { kind: 'messages', texts: ['A', 'B'] });
});

test('subscribe keeps delivering batches and stops itself after close', async (t) => {
  const dir = tempDir(t);
  const inbox = new IpcInbox(dir, { pollMs: 10 });
  const events = [];
  let closed;
  const sawClose = new Promise((r) => (closed = r));
  inbox.subscribe((event) => {
    events.push(event);
    if (event.kind === 'close') closed();
  });
  followUp(dir, '1-a.json', 'A');
  await new Promise((r) => setTimeout(r, 50));
  followUp(dir, '2-b.json', 'B');
  await new Promise((r) => setTimeout(r, 50));
  fs.writeFileSync(path.join(dir, '_close'), '');
  await sawClose;
  followUp(dir, '3-c.json', 'after close');
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(events, [
    { kind: 'messages', texts: ['A'] },
    { kind: 'messages', texts: ['B'] },
    { kind: 'close' },
  ]);
  assert.deepEqual(listFiles(dir), ['3-c.json'], 'nothing is consumed after close');
});

test('a stopped subscription consumes nothing', async (t) => {
  const dir = tempDir(t);
  const inbox = new IpcInbox(dir, { pollMs: 10 });
  const events = [];
  const stop = inbox.subscribe((event) => events.push(event));
  stop();
  followUp(dir, '1-a.json', 'A');
  await new Promise((r) => setTimeout(r, 60));
  assert.deepEqual(events, []);
  assert.deepEqual(listFiles(dir), ['1-a.json']);
});
