// SPDX-License-Identifier: MIT
// Test-only entry point: the real process wiring (run.ts) with a scripted FakeSocket instead of
// Baileys, so a test can drive dist/test-entry.js over real stdin/stdout. Never used by nanoclawd.
// Script per socket: a QR, a credentials update, open, one inbound message. With --pairing-code
// and no account yet: the code is handed out, the "phone" links (credentials update), and the
// socket closes with 515 like a real login; the daemon's next connect opens normally.
import { FakeFactory } from './fake-socket.js';
import type { FakeSocket } from './fake-socket.js';
import { runBridge } from './run.js';

const fakes = new FakeFactory();
const pairing = process.argv.includes('--pairing-code');

function linkOnPairingCode(socket: FakeSocket): void {
  const request = socket.requestPairingCode.bind(socket);
  socket.requestPairingCode = async (phone: string) => {
    const code = await request(phone);
    setTimeout(() => {
      socket.ev.emit('creds.update', {});
      fakes.hasAccount = true;
      socket.close(515, 'Stream Errored (restart required)');
    }, 5);
    return code;
  };
}

fakes.onSocket = (socket) => {
  if (pairing && !fakes.hasAccount) return linkOnPairingCode(socket);
  setImmediate(() => {
    console.info('Closing session: fake'); // libsignal does this; it must not reach stdout
    socket.qr('fake-qr-1');
    socket.ev.emit('creds.update', {});
    socket.open();
    socket.upsert('notify', [
      {
        key: { id: 'IN1', remoteJid: '120363@g.us', participant: '4915@s.whatsapp.net', fromMe: false },
        message: { conversation: 'hello from the fake' },
        pushName: 'Alice',
        messageTimestamp: 1767225600,
      },
    ]);
  });
};
runBridge({ factory: fakes.factory, baileysVersion: 'fake', pairingDelayMs: 10 });
