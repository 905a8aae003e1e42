// SPDX-License-Identifier: MIT
// The bridge against a stub socket: every library event it maps and every command it carries out.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { makeBridge, settle, tempDir, waitFor, wamsg } from './helpers.mjs';

test('started reports creds.registered from the auth dir, before any socket', (t) => {
  const dir = tempDir(t);
  const plain = makeBridge(t, { authDir: dir });
  plain.bridge.start();
  assert.deepEqual(plain.events, [{ type: 'started', bridge_version: 'test', baileys_version: 'test', registered: false }]);
  fs.writeFileSync(path.join(dir, 'creds.json'), JSON.stringify({ registered: true, me: { id: '1:2@s.whatsapp.net' } }));
  const paired = makeBridge(t, { authDir: dir });
  paired.bridge.start();
  assert.equal(paired.events[0].registered, true);
  assert.equal(paired.fakes.sockets.length, 0);
});

test('connect opens one socket; qr and open become qr and connected', async (t) => {
  const b = makeBridge(t);
  await b.bridge.handle({ cmd: 'connect' });
  assert.equal(b.fakes.sockets.length, 1);
  b.fakes.last.qr('2@abc,def');
  b.fakes.last.qr('2@rotated');
  b.fakes.last.open();
  assert.deepEqual(b.events, [
    { type: 'qr', data: '2@abc,def' },
    { type: 'qr', data: '2@rotated' },
    { type: 'connected', user: { id: '1234567890:1@s.whatsapp.net', lid: '9876543210:1@lid', name: 'Me' } },
  ]);
});

test('connected with an unknown user reports empty strings', async (t) => {
  const b = makeBridge(t);
  b.fakes.onSocket = (s) => (s.user = undefined);
  await b.connected();
  assert.deepEqual(b.of('connected')[0].user, { id: '', lid: '', name: '' });
});

test('connect is ignored while a socket is connecting or open', async (t) => {
  const b = makeBridge(t);
  const first = b.bridge.handle({ cmd: 'connect' });
  await b.bridge.handle({ cmd: 'connect' });
  await first;
  await b.bridge.handle({ cmd: 'connect' });
  b.fakes.last.open();
  await b.bridge.handle({ cmd: 'connect' });
  assert.equal(b.fakes.sockets.length, 1);
});

test('a socket that cannot be set up is a disconnected event with reason 0', async (t) => {
  const b = makeBridge(t);
  b.fakes.failNext = new Error('unreadable creds.json');
  await b.bridge.handle({ cmd: 'connect' });
  assert.deepEqual(b.events, [{ type: 'disconnected', reason: 0, message: 'socket setup failed: unreadable creds.json' }]);
  await b.connected(); // and the next connect works
});

test('disconnect reasons are passed through and the bridge never reconnects by itself', async (t) => {
  const b = makeBridge(t);
  for (const [i, reason] of [401, 408, 428, 440, 500, 515].entries()) {
    const socket = await b.connected();
    socket.close(reason, `reason ${reason}`);
    await b.next('disconnected', i + 1);
    assert.deepEqual(b.of('disconnected')[i], { type: 'disconnected', reason, message: `reason ${reason}` });
    assert.equal(b.fakes.sockets.length, i + 1, 'no socket opened without a connect command');
  }
});

test('a close without a status code is reason 0', async (t) => {
  const b = makeBridge(t);
  const socket = await b.connected();
  socket.ev.emit('connection.update', { connection: 'close', lastDisconnect: undefined });
  await b.next('disconnected');
  assert.deepEqual(b.of('disconnected'), [{ type: 'disconnected', reason: 0, message: '' }]);
});

test('notify and append upserts are both relayed with every field', async (t) => {
  const b = makeBridge(t);
  const socket = await b.connected();
  socket.upsert('notify', [wamsg({ id: 'N1', participant: '4915@s.whatsapp.net', text: 'live' })]);
  socket.upsert('append', [
    wamsg({ id: 'A1', remoteJid: '4917@s.whatsapp.net', fromMe: true, text: 'while offline', messageTimestamp: '1767225601' }),
  ]);
  await b.next('message', 2);
  assert.deepEqual(b.of('message'), [
    { type: 'message', upsert: 'notify', id: 'N1', remote_jid: '120363@g.us', participant: '4915@s.whatsapp.net',
      from_me: false, push_name: 'Alice', timestamp: 1767225600, sender_pn: '', remote_jid_pn: '', participant_pn: '',
      content: { conversation: 'live', extended_text: '', image_caption: '', video_caption: '' } },
    { type: 'message', upsert: 'append', id: 'A1', remote_jid: '4917@s.whatsapp.net', participant: '', from_me: true,
      push_name: 'Alice', timestamp: 1767225601, sender_pn: '', remote_jid_pn: '', participant_pn: '',
      content: { conversation: 'while offline', extended_text: '', image_caption: '', video_caption: '' } },
  ]);
});

test('status broadcasts, payload-less and chat-less messages are skipped', async (t) => {
  const b = makeBridge(t);
  const socket = await b.connected();
  socket.upsert('notify', [
    wamsg({ id: 'S', remoteJid: 'status@broadcast' }),
    wamsg({ id: 'P1', message: null }),
    wamsg({ id: 'P2', message: undefined }),
    wamsg({ id: 'C', key: { remoteJid: undefined } }),
    wamsg({ id: 'OK' }),
  ]);
  await b.next('message');
  await settle();
  assert.deepEqual(b.of('message').map((m) => m.id), ['OK']);
});

test('content fields come from inside ephemeral, view-once and edit wrappers', async (t) => {
  const b = makeBridge(t);
  const socket = await b.connected();
  socket.upsert('notify', [
    wamsg({ id: 'E', message: { ephemeralMessage: { message: { extendedTextMessage: { text: 'disappearing' } } } } }),
    wamsg({ id: 'V', message: { viewOnceMessageV2: { message: { imageMessage: { caption: 'once' } } } } }),
    wamsg({ id: 'V1', message: { viewOnceMessage: { message: { videoMessage: { caption: 'clip' } } } } }),
    wamsg({ id: 'D', message: { documentWithCaptionMessage: { message: { documentMessage: { caption: 'doc' } } } } }),
    wamsg({ id: 'X', message: { audioMessage: { seconds: 3 } } }),
    wamsg({ id: 'ED', message: { editedMessage: { message: { conversation: 'fixed' } } } }),
  ]);
  await b.next('message', 6);
  const content = Object.fromEntries(b.of('message').map((m) => [m.id, m.content]));
  assert.equal(content.E.extended_text, 'disappearing');
  assert.equal(content.V.image_caption, 'once');
  assert.equal(content.V1.video_caption, 'clip');
  assert.equal(content.ED.conversation, 'fixed');
  assert.deepEqual(content.X, { conversation: '', extended_text: '', image_caption: '', video_caption: '' });
  assert.deepEqual(content.D, content.X, 'a document caption is not one of the four fields');
});

test('LID JIDs get their phone JID from the LID store, announced once as lid_mapping', async (t) => {
  const b = makeBridge(t);
  const socket = await b.connected();
  socket.lidStore.set('111', '4915111:3@s.whatsapp.net');
  socket.lidStore.set('222', '4915222@s.whatsapp.net');
  socket.upsert('notify', [
    wamsg({ id: 'D1', remoteJid: '111@lid' }),
    wamsg({ id: 'G1', remoteJid: '120363@g.us', participant: '222:4@lid' }),
    wamsg({ id: 'D2', remoteJid: '111@lid' }),
    wamsg({ id: 'U', remoteJid: '333@lid' }),
  ]);
  await b.next('message', 4);
  const types = b.events.slice(1).map((e) => (e.type === 'message' ? e.id : `${e.type}:${e.lid}=${e.pn}`));
  assert.deepEqual(types, ['lid_mapping:111=4915111@s.whatsapp.net', 'D1', 'lid_mapping:222=4915222@s.whatsapp.net', 'G1', 'D2', 'U']);
  const m = Object.fromEntries(b.of('message').map((e) => [e.id, e]));
  assert.equal(m.D1.remote_jid_pn, '4915111@s.whatsapp.net');
  assert.equal(m.G1.participant_pn, '4915222@s.whatsapp.net');
  assert.equal(m.G1.remote_jid_pn, '');
  assert.equal(m.U.remote_jid_pn, '');
});

test('senderPn and the key\'s alternate JIDs fill the *_pn fields when the store has nothing', async (t) => {
  const b = makeBridge(t);
  const socket = await b.connected();
  socket.upsert('notify', [
    wamsg({ id: 'OLD', remoteJid: '444@lid', key: { senderPn: '4915444' } }),
    wamsg({ id: 'NEW', remoteJid: '555@lid', key: { remoteJidAlt: '4915555@s.whatsapp.net' } }),
    wamsg({ id: 'GRP', participant: '666@lid', key: { participantAlt: '4915666:2@s.whatsapp.net' } }),
  ]);
  await b.next('message', 3);
  const m = Object.fromEntries(b.of('message').map((e) => [e.id, e]));
  assert.equal(m.OLD.sender_pn, '4915444@s.whatsapp.net');
  assert.equal(m.OLD.remote_jid_pn, '');
  assert.equal(m.NEW.sender_pn, '4915555@s.whatsapp.net');
  assert.equal(m.NEW.remote_jid_pn, '4915555@s.whatsapp.net');
  assert.equal(m.GRP.sender_pn, '4915666@s.whatsapp.net');
  assert.equal(m.GRP.participant_pn, '4915666@s.whatsapp.net');
  assert.deepEqual(b.of('lid_mapping').map((e) => e.lid), ['555', '666']);
});

test('messages keep their order across batches even when LID lookups are slow', async (t) => {
  const b = makeBridge(t);
  const socket = await b.connected();
  const slow = socket.signalRepository.lidMapping.getPNForLID;
  socket.signalRepository.lidMapping.getPNForLID = async (lid) => {
    await new Promise((r) => setTimeout(r, 20));
    return slow(lid);
  };
  socket.upsert('notify', [wamsg({ id: '1', remoteJid: '777@lid' })]);
  socket.upsert('notify', [wamsg({ id: '2' })]);
  await b.next('message', 2);
  assert.deepEqual(b.of('message').map((m) => m.id), ['1', '2']);
});

test('lid-mapping.update and chats.phoneNumberShare become lid_mapping events, duplicates once', async (t) => {
  const b = makeBridge(t);
  const socket = await b.connected();
  socket.ev.emit('lid-mapping.update', { lid: '123:5@lid', pn: '4915123:5@s.whatsapp.net' });
  socket.ev.emit('lid-mapping.update', { lid: '123@lid', pn: '4915123@s.whatsapp.net' });
  socket.ev.emit('chats.phoneNumberShare', { lid: '456@lid', jid: '4915456@s.whatsapp.net' });
  socket.ev.emit('lid-mapping.update', { lid: '789@lid', pn: '' });
  assert.deepEqual(b.of('lid_mapping'), [
    { type: 'lid_mapping', lid: '123', pn: '4915123@s.whatsapp.net' },
    { type: 'lid_mapping', lid: '456', pn: '4915456@s.whatsapp.net' },
  ]);
});

test('creds.update saves the credentials, then creds_saved', async (t) => {
  const b = makeBridge(t);
  const socket = await b.connected();
  socket.ev.emit('creds.update', { me: { id: 'x' } });
  await b.next('creds_saved');
  assert.equal(b.fakes.savedCreds.length, 1);
});

test('send goes out as a text message and is answered by sent with the message id', async (t) => {
  const b = makeBridge(t);
  const socket = await b.connected();
  await b.bridge.handle({ cmd: 'send', request_id: 41, jid: '120363@g.us', text: 'Andy: hello' });
  assert.deepEqual(socket.callsOf('sendMessage'), [['120363@g.us', { text: 'Andy: hello' }]]);
  assert.deepEqual(b.of('sent'), [{ type: 'sent', request_id: 41, id: 'FAKE1' }]);
});

test('a failed send is send_failed; so is a send while disconnected', async (t) => {
  const b = makeBridge(t);
  await b.bridge.handle({ cmd: 'send', request_id: 1, jid: 'a@g.us', text: 'x' });
  const socket = await b.connected();
  socket.failing.add('sendMessage');
  await b.bridge.handle({ cmd: 'send', request_id: 2, jid: 'a@g.us', text: 'x' });
  socket.close(428);
  await b.bridge.handle({ cmd: 'send', request_id: 3, jid: 'a@g.us', text: 'x' });
  assert.deepEqual(b.of('send_failed'), [
    { type: 'send_failed', request_id: 1, error: 'not connected' },
    { type: 'send_failed', request_id: 2, error: 'sendMessage failed (fake)' },
    { type: 'send_failed', request_id: 3, error: 'not connected' },
  ]);
  assert.equal(b.of('sent').length, 0);
});

test('retries are answered from the cache of the last 256 sent messages', async (t) => {
  const b = makeBridge(t);
  const socket = await b.connected();
  for (let i = 0; i < 257; i++) await b.bridge.handle({ cmd: 'send', request_id: i, jid: 'a@g.us', text: `m${i}` });
  const get = (id) => socket.hooks.getMessage({ id, remoteJid: 'a@g.us' });
  assert.deepEqual(await get('FAKE257'), { extendedTextMessage: { text: 'm256' } });
  assert.deepEqual(await get('FAKE2'), { extendedTextMessage: { text: 'm1' } });
  assert.deepEqual(await get('FAKE1'), {}, 'the oldest was evicted: an empty message');
});

test('group metadata for sends is fetched once per minute and dropped when the group changes', async (t) => {
  const b = makeBridge(t);
  const socket = await b.connected();
  const meta = (jid) => socket.hooks.cachedGroupMetadata(jid);
  assert.equal((await meta('120363@g.us')).subject, 'Family');
  await meta('120363@g.us');
  assert.equal(socket.callsOf('groupMetadata').length, 1);
  socket.ev.emit('groups.update', [{ id: '120363@g.us', subject: 'New' }]);
  await meta('120363@g.us');
  assert.equal(socket.callsOf('groupMetadata').length, 2);
  assert.equal(await meta('4915@s.whatsapp.net'), undefined);
  socket.failing.add('groupMetadata');
  socket.ev.emit('group-participants.update', { id: '120363@g.us', participants: [], action: 'add' });
  assert.equal(await meta('120363@g.us'), undefined, 'a failed fetch leaves it to the library');
});

test('presence sends composing and paused; failures produce no event', async (t) => {
  const b = makeBridge(t);
  await b.bridge.handle({ cmd: 'presence', jid: 'a@g.us', state: 'composing' });
  const socket = await b.connected();
  await b.bridge.handle({ cmd: 'presence', jid: 'a@g.us', state: 'composing' });
  await b.bridge.handle({ cmd: 'presence', jid: 'a@g.us', state: 'paused' });
  socket.failing.add('sendPresenceUpdate');
  await b.bridge.handle({ cmd: 'presence', jid: 'a@g.us', state: 'paused' });
  assert.deepEqual(socket.callsOf('sendPresenceUpdate').slice(0, 2), [['composing', 'a@g.us'], ['paused', 'a@g.us']]);
  assert.deepEqual(b.events.map((e) => e.type), ['connected']);
});

test('fetch_groups answers with jid and subject, or an error carrying the request id', async (t) => {
  const b = makeBridge(t);
  const socket = await b.connected();
  socket.groups = { '1@g.us': { id: '1@g.us', subject: 'One' }, '2@g.us': { id: '2@g.us' } };
  await b.bridge.handle({ cmd: 'fetch_groups', request_id: 5 });
  assert.deepEqual(b.of('groups'), [{ type: 'groups', request_id: 5, groups: [{ jid: '1@g.us', subject: 'One' }, { jid: '2@g.us', subject: '' }] }]);
  socket.failing.add('groupFetchAllParticipating');
  await b.bridge.handle({ cmd: 'fetch_groups', request_id: 6 });
  assert.deepEqual(b.of('error'), [{ type: 'error', request_id: 6, error: 'fetch_groups failed: groupFetchAllParticipating failed (fake)' }]);
});

test('logout is answered by logged_out, then disconnected 401', async (t) => {
  const b = makeBridge(t);
  const socket = await b.connected();
  await b.bridge.handle({ cmd: 'logout' });
  await b.next('disconnected');
  assert.deepEqual(socket.callsOf('logout'), [[]]);
  assert.deepEqual(b.events.slice(1), [
    { type: 'logged_out' },
    { type: 'disconnected', reason: 401, message: 'Intentional Logout' },
  ]);
  await b.bridge.handle({ cmd: 'logout' });
  assert.equal(b.of('error')[0].error, 'logout failed: not connected');
});

test('receipts for our messages: delivered, read, played', async (t) => {
  const b = makeBridge(t);
  const socket = await b.connected();
  socket.ev.emit('messages.update', [
    { key: { id: 'S1', remoteJid: '4915@s.whatsapp.net', fromMe: true }, update: { status: 4 } },
    { key: { id: 'S2', remoteJid: '4915@s.whatsapp.net', fromMe: true }, update: { status: 3 } },
    { key: { id: 'S3', remoteJid: '4915@s.whatsapp.net', fromMe: false }, update: { status: 5 } },
    { key: { id: 'S4', remoteJid: '4915@s.whatsapp.net', fromMe: true }, update: { starred: true } },
  ]);
  socket.ev.emit('message-receipt.update', [
    { key: { id: 'G1', remoteJid: '1@g.us', fromMe: true }, receipt: { userJid: 'u', readTimestamp: 5 } },
    { key: { id: 'G2', remoteJid: '1@g.us', fromMe: true }, receipt: { userJid: 'u', playedTimestamp: 6 } },
    { key: { id: 'G3', remoteJid: '1@g.us', fromMe: true }, receipt: { userJid: 'u', receiptTimestamp: 4 } },
  ]);
  assert.deepEqual(b.of('receipt').map((r) => `${r.id}:${r.jid}:${r.status}`), [
    'S1:4915@s.whatsapp.net:delivered', 'G1:1@g.us:read', 'G2:1@g.us:played', 'G3:1@g.us:delivered',
  ]);
});

test('shutdown closes the socket without logging out and exits 0, with no event after it', async (t) => {
  const b = makeBridge(t);
  const socket = await b.connected();
  const count = b.events.length;
  await b.bridge.handle({ cmd: 'shutdown' });
  await settle();
  assert.deepEqual(socket.callsOf('end'), [[undefined]]);
  assert.equal(socket.callsOf('logout').length, 0);
  assert.deepEqual(b.exits, [0]);
  assert.equal(b.events.length, count);
  await b.bridge.handle({ cmd: 'connect' });
  assert.equal(b.fakes.sockets.length, 1, 'no socket after shutdown');
});

test('a listener error does not escape into the library', async (t) => {
  const b = makeBridge(t);
  const socket = await b.connected();
  assert.doesNotThrow(() => socket.ev.emit('messages.update', 'not an array'));
  assert.doesNotThrow(() => socket.ev.emit('lid-mapping.update', null));
});
