// SPDX-License-Identifier: MIT
// nanoclaw's WhatsApp bridge: Baileys on one side, JSON lines with nanoclawd on the other
// (docs/whatsapp-bridge-protocol.md).
//   node dist/bridge.js --auth-dir store/auth --mode channel|auth [--pairing-code --phone N]
import { baileysSocketFactory, baileysVersion } from './baileys-socket.js';
import { runBridge } from './run.js';

runBridge({ factory: baileysSocketFactory, baileysVersion: baileysVersion() });
