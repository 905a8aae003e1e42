// SPDX-License-Identifier: MIT
// Auth mode: the pairing-code request and its timing, the 515 "restart required" of a normal
// login (the daemon reconnects), and the exit after a finished login.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { makeBridge, settle } from './helpers.mjs';

test('the pairing code is requested after the delay, not before', async (t) => {
  const b = makeBridge(t, { mode: 'auth', pairingPhone: '14155551234', pairingDelayMs: 60 });
  const started = Date.now();
  await b.bridge.handle({ cmd: 'connect' });
  await settle();
  assert.equal(b.fakes.last.callsOf('requestPairingCode').length, 0, 'not right away');
  await b.next('pairing_code');
  assert.ok(Date.now() - started >= 55, 'waited for the delay');
  assert.deepEqual(b.fakes.last.callsOf('requestPairingCode'), [['14155551234']]);
  assert.deepEqual(b.of('pairing_code'), [{ type: 'pairing_code', code: 'ABCD1234' }]);
});

test('no pairing code when the auth state already has an account, in channel mode, or without --pairing-code', async (t) => {
  const cases = [
    { mode: 'auth', pairingPhone: '14155551234', account: true },
    { mode: 'channel', pairingPhone: '14155551234', account: false },
    { mode: 'auth', pairingPhone: undefined, account: false },
  ];
  for (const c of cases) {
    const b = makeBridge(t, { mode: c.mode, pairingPhone: c.pairingPhone, pairingDelayMs: 1 });
    b.fakes.hasAccount = c.account;
    await b.bridge.handle({ cmd: 'connect' });
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(b.fakes.last.callsOf('requestPairingCode').length, 0, JSON.stringify(c));
  }
});

test('a socket closed before the delay requests no code; the next socket does', async (t) => {
  const b = makeBridge(t, { mode: 'auth', pairingPhone: '14155551234', pairingDelayMs: 30 });
  await b.bridge.handle({ cmd: 'connect' });
  b.fakes.last.close(428);
  await b.bridge.handle({ cmd: 'connect' });
  await b.next('pairing_code');
  assert.equal(b.fakes.sockets[0].callsOf('requestPairingCode').length, 0);
  assert.equal(b.fakes.sockets[1].callsOf('requestPairingCode').length, 1);
});

test('a failed pairing-code request is an error event', async (t) => {
  const b = makeBridge(t, { mode: 'auth', pairingPhone: '14155551234', pairingDelayMs: 1 });
  b.fakes.onSocket = (s) => s.failing.add('requestPairingCode');
  await b.bridge.handle({ cmd: 'connect' });
  await b.next('error');
  assert.deepEqual(b.of('error'), [{ type: 'error', error: 'pairing code request failed: requestPairingCode failed (fake)' }]);
  assert.deepEqual(b.exits, []);
});

test('515 after pairing: disconnected 515, then the daemon\'s connect finishes the login without a new code', async (t) => {
  const b = makeBridge(t, { mode: 'auth', pairingPhone: '14155551234', pairingDelayMs: 1, authExitDelayMs: 20 });
  b.fakes.saveDelayMs = 15; // a slow disk: the close must not overtake the credentials write
  const savedWhenOpened = [];
  b.fakes.onSocket = () => savedWhenOpened.push(b.fakes.savedCreds.length);
  await b.bridge.handle({ cmd: 'connect' });
  await b.next('pairing_code');
  const first = b.fakes.last;
  first.ev.emit('creds.update', { me: { id: '14155551234:7@s.whatsapp.net' } });
  b.fakes.hasAccount = true;
  first.close(515, 'Stream Errored (restart required)');
  await b.next('disconnected');
  assert.equal(b.fakes.sockets.length, 1, 'the bridge waits for connect');
  first.ev.emit('creds.update', { registered: true }); // a late update from the closed socket
  await b.bridge.handle({ cmd: 'connect' });
  assert.deepEqual(savedWhenOpened, [0, 2], 'the new socket opened after every write of the old one');
  const second = b.fakes.last;
  second.open();
  await b.next('connected');
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(second.callsOf('requestPairingCode').length, 0);
  assert.deepEqual(b.events.map((e) => e.type), ['pairing_code', 'creds_saved', 'disconnected', 'creds_saved', 'connected']);
  assert.equal(b.of('disconnected')[0].reason, 515);
  assert.deepEqual(b.exits, [0], 'a finished login exits 0 by itself');
  assert.deepEqual(second.callsOf('end'), [[undefined]], 'closed, not logged out');
  assert.equal(second.callsOf('logout').length, 0);
});

test('auth mode with a QR: qr events, then connected and exit 0', async (t) => {
  const b = makeBridge(t, { mode: 'auth', authExitDelayMs: 5 });
  await b.bridge.handle({ cmd: 'connect' });
  b.fakes.last.qr('2@one');
  b.fakes.last.open();
  await new Promise((r) => setTimeout(r, 30));
  assert.deepEqual(b.events.map((e) => e.type), ['qr', 'connected']);
  assert.deepEqual(b.exits, [0]);
});

test('channel mode does not exit after connected', async (t) => {
  const b = makeBridge(t, { authExitDelayMs: 1 });
  await b.connected();
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(b.exits, []);
});
