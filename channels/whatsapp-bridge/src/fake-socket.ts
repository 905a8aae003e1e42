// SPDX-License-Identifier: MIT
// A stand-in for the Baileys socket (spec 30 §15.10): tests fire library events into it and read
// back the calls the bridge made. Used by the unit tests and by test-entry.ts; never by bridge.ts.
import { EventEmitter } from 'node:events';

import type { GroupMetadata } from '@whiskeysockets/baileys';

import type { BridgeSocket, OpenedSocket, SocketFactory, SocketHooks, SocketUser } from './socket.js';

export type FakeCall = { op: string; args: unknown[] };

export class FakeSocket implements BridgeSocket {
  readonly ev = new EventEmitter();
  user?: SocketUser = { id: '1234567890:1@s.whatsapp.net', lid: '9876543210:1@lid', name: 'Me' };
  readonly calls: FakeCall[] = [];
  /** LID store content: `<lid user>` -> phone JID. */
  readonly lidStore = new Map<string, string>();
  groups: Record<string, { id: string; subject?: string }> = { '120363@g.us': { id: '120363@g.us', subject: 'Family' } };
  /** Set to make the next calls of that operation reject. */
  readonly failing = new Set<string>();
  pairingCode = 'ABCD1234';
  private nextId = 1;
  readonly signalRepository = {
    lidMapping: {
      getPNForLID: async (lid: string) => this.lidStore.get(lid.split('@')[0].split(':')[0]) ?? null,
    },
  };

  constructor(readonly hooks?: SocketHooks) {}

  private record(op: string, ...args: unknown[]): void {
    this.calls.push({ op, args });
    if (this.failing.has(op)) throw new Error(`${op} failed (fake)`);
  }

  callsOf(op: string): unknown[][] {
    return this.calls.filter((c) => c.op === op).map((c) => c.args);
  }

  async sendMessage(jid: string, content: { text: string }) {
    this.record('sendMessage', jid, content);
    const id = `FAKE${this.nextId++}`;
    return { key: { id, remoteJid: jid, fromMe: true }, message: { extendedTextMessage: { text: content.text } } };
  }

  async sendPresenceUpdate(type: 'composing' | 'paused', jid: string) {
    this.record('sendPresenceUpdate', type, jid);
  }

  async groupFetchAllParticipating() {
    this.record('groupFetchAllParticipating');
    return this.groups;
  }

  async groupMetadata(jid: string): Promise<GroupMetadata> {
    this.record('groupMetadata', jid);
    return { id: jid, subject: this.groups[jid]?.subject ?? '', owner: undefined, participants: [] };
  }

  async requestPairingCode(phone: string) {
    this.record('requestPairingCode', phone);
    return this.pairingCode;
  }

  async logout() {
    this.record('logout');
    this.close(401, 'Intentional Logout');
  }

  end(error: Error | undefined) {
    this.record('end', error);
    queueMicrotask(() => this.close(0, error?.message ?? ''));
  }

  // --- library events, fired by tests ---
  open(): void {
    this.ev.emit('connection.update', { connection: 'open' });
  }

  qr(data: string): void {
    this.ev.emit('connection.update', { qr: data });
  }

  close(statusCode: number, message = 'closed'): void {
    const error = Object.assign(new Error(message), { output: { statusCode } });
    this.ev.emit('connection.update', { connection: 'close', lastDisconnect: { error, date: new Date() } });
  }

  upsert(type: 'notify' | 'append', messages: unknown[]): void {
    this.ev.emit('messages.upsert', { type, messages });
  }
}

/** A factory handing out FakeSockets; `sockets` lists every one it opened, newest last. */
export class FakeFactory {
  readonly sockets: FakeSocket[] = [];
  readonly savedCreds: number[] = [];
  hasAccount = false;
  /** How long a fake creds.json write takes. */
  saveDelayMs = 0;
  /** Makes the next factory call throw this error (unreadable auth state, say). */
  failNext?: Error;
  /** Called with each new socket, before the factory returns it. */
  onSocket?: (socket: FakeSocket) => void;

  get last(): FakeSocket {
    return this.sockets[this.sockets.length - 1];
  }

  readonly factory: SocketFactory = async (_authDir: string, hooks: SocketHooks): Promise<OpenedSocket> => {
    if (this.failNext) {
      const err = this.failNext;
      this.failNext = undefined;
      throw err;
    }
    const socket = new FakeSocket(hooks);
    this.sockets.push(socket);
    this.onSocket?.(socket);
    const pending = new Set<Promise<void>>();
    const number = this.sockets.length;
    return {
      socket,
      saveCreds: () => {
        const write: Promise<void> = new Promise<void>((resolve) => setTimeout(resolve, this.saveDelayMs)).then(() => {
          this.savedCreds.push(number);
          pending.delete(write);
        });
        pending.add(write);
        return write;
      },
      hasAccount: () => this.hasAccount,
      flushWrites: async () => {
        while (pending.size > 0) await Promise.allSettled([...pending]);
      },
    };
  };
}
