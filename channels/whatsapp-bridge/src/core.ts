// SPDX-License-Identifier: MIT
// The bridge itself: one socket at a time, Baileys events out as protocol events, commands in as
// socket calls. It never reconnects on its own and holds no policy; the daemon decides.
import fs from 'node:fs';
import path from 'node:path';

import type { GroupMetadata, WAMessageKey, proto } from '@whiskeysockets/baileys';

import { errorMessage, log } from './log.js';
import { isLid, jidUser, phoneJid, receiptsFromUpdates, receiptsFromUserReceipts, toMessageEvent } from './mapping.js';
import type { BridgeEvent, Command } from './protocol.js';
import type { OpenedSocket, SocketFactory, SocketHooks } from './socket.js';

export interface BridgeOptions {
  authDir: string;
  mode: 'channel' | 'auth';
  /** Auth mode with --pairing-code: the phone number the code is requested for. */
  pairingPhone?: string;
  factory: SocketFactory;
  emit(event: BridgeEvent): void;
  exit(code: number): void;
  bridgeVersion: string;
  baileysVersion: string;
  /** Wait between socket creation and the pairing-code request (the reference's 3 s). */
  pairingDelayMs?: number;
  /** Auth mode: wait after `open` so the last credential updates land before exiting. */
  authExitDelayMs?: number;
  /** Longest wait for pending auth-state writes at shutdown (the protocol allows 5 s in all). */
  flushTimeoutMs?: number;
}

const SENT_CACHE_SIZE = 256;
const GROUP_METADATA_TTL_MS = 60_000;

type Closed = { reason: number; message: string };

/** `creds.registered` from the auth dir's creds.json, read without Baileys; false if absent. */
export function readRegistered(authDir: string): boolean {
  try {
    return JSON.parse(fs.readFileSync(path.join(authDir, 'creds.json'), 'utf8'))?.registered === true;
  } catch {
    return false;
  }
}

function closeReason(update: { lastDisconnect?: { error?: unknown } }): Closed {
  const error = update.lastDisconnect?.error as { message?: unknown; output?: { statusCode?: unknown } } | undefined;
  const code = error?.output?.statusCode;
  return {
    reason: typeof code === 'number' && Number.isInteger(code) ? code : 0,
    message: typeof error?.message === 'string' ? error.message : '',
  };
}

export class Bridge {
  private state: 'idle' | 'connecting' | 'open' = 'idle';
  private current?: OpenedSocket;
  private readonly writers = new Set<OpenedSocket>();
  private closing = false;
  private pairingTimer?: NodeJS.Timeout;
  private pairingDone = false;
  /** Set while a logout runs: its close is held back so `logged_out` comes first. */
  private logoutClose?: { closed?: Closed };
  private upserts: Promise<void> = Promise.resolve();
  private readonly sentCache = new Map<string, proto.IMessage>();
  private readonly groupCache = new Map<string, { metadata: GroupMetadata; expires: number }>();
  private readonly lidToPn = new Map<string, string>();

  constructor(private readonly opts: BridgeOptions) {}

  /** The `started` event; no socket yet. */
  start(): void {
    this.opts.emit({
      type: 'started',
      bridge_version: this.opts.bridgeVersion,
      baileys_version: this.opts.baileysVersion,
      registered: readRegistered(this.opts.authDir),
    });
  }

  /** Carries out one validated command. Never throws. */
  async handle(command: Command): Promise<void> {
    switch (command.cmd) {
      case 'connect':
        return this.connect();
      case 'send':
        return this.send(command.request_id, command.jid, command.text);
      case 'presence':
        return this.presence(command.jid, command.state);
      case 'fetch_groups':
        return this.fetchGroups(command.request_id);
      case 'logout':
        return this.logout();
      case 'shutdown':
        return this.shutdown();
    }
  }

  /** Closes the socket without logging out, waits (bounded) for auth-state writes, exits 0. */
  async shutdown(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearTimeout(this.pairingTimer);
    const socket = this.current?.socket;
    this.current = undefined;
    try {
      socket?.end(undefined);
    } catch (err) {
      log(`closing the socket failed: ${errorMessage(err)}`);
    }
    const flushes = Promise.allSettled([...this.writers].map((w) => w.flushWrites()));
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise((resolve) => (timer = setTimeout(resolve, this.opts.flushTimeoutMs ?? 4000)));
    await Promise.race([flushes, limit]);
    clearTimeout(timer);
    this.opts.exit(0);
  }

  private get open(): OpenedSocket | undefined {
    return this.state === 'open' ? this.current : undefined;
  }

  private async connect(): Promise<void> {
    if (this.closing || this.state !== 'idle') {
      log(`connect ignored: socket ${this.closing ? 'closing' : this.state}`);
      return;
    }
    this.state = 'connecting';
    let opened: OpenedSocket;
    try {
      // Earlier sockets may still be writing (late creds.update): the new one must read it all.
      await Promise.allSettled([...this.writers].map((w) => w.flushWrites()));
      this.writers.clear();
      opened = await this.opts.factory(this.opts.authDir, this.hooks);
    } catch (err) {
      this.state = 'idle';
      log(`opening the socket failed: ${errorMessage(err)}`);
      this.opts.emit({ type: 'disconnected', reason: 0, message: `socket setup failed: ${errorMessage(err)}` });
      return;
    }
    if (this.closing) {
      opened.socket.end(undefined);
      return;
    }
    this.current = opened;
    this.writers.add(opened);
    this.listen(opened);
    this.schedulePairingCode(opened);
  }

  private schedulePairingCode(opened: OpenedSocket): void {
    const phone = this.opts.pairingPhone;
    if (this.opts.mode !== 'auth' || !phone || this.pairingDone || opened.hasAccount()) return;
    this.pairingTimer = setTimeout(() => {
      if (this.current !== opened || this.closing) return;
      opened.socket.requestPairingCode(phone).then(
        (code) => {
          this.pairingDone = true;
          this.opts.emit({ type: 'pairing_code', code });
        },
        (err) => this.opts.emit({ type: 'error', error: `pairing code request failed: ${errorMessage(err)}` }),
      );
    }, this.opts.pairingDelayMs ?? 3000);
  }

  private listen(opened: OpenedSocket): void {
    const on = (event: string, handler: (arg: any) => void) =>
      opened.socket.ev.on(event, (arg) => {
        try {
          handler(arg);
        } catch (err) {
          log(`handling ${event} failed: ${errorMessage(err)}`);
        }
      });
    on('connection.update', (update) => this.onConnectionUpdate(opened, update));
    on('creds.update', () => this.saveCreds(opened));
    on('messages.upsert', ({ messages, type }) => this.onUpsert(opened, messages ?? [], String(type ?? '')));
    on('messages.update', (updates) => receiptsFromUpdates(updates ?? []).forEach((e) => this.opts.emit(e)));
    on('message-receipt.update', (updates) => receiptsFromUserReceipts(updates ?? []).forEach((e) => this.opts.emit(e)));
    on('lid-mapping.update', ({ lid, pn }) => this.remember(lid, pn));
    on('chats.phoneNumberShare', ({ lid, jid }) => this.remember(lid, jid)); // Baileys 6's name
    on('groups.update', (updates) => (updates ?? []).forEach((g: { id?: string }) => this.groupCache.delete(g.id ?? '')));
    on('group-participants.update', ({ id }) => this.groupCache.delete(id));
  }

  private onConnectionUpdate(opened: OpenedSocket, update: Record<string, any>): void {
    if (typeof update.qr === 'string' && update.qr) this.opts.emit({ type: 'qr', data: update.qr });
    if (this.current !== opened) return;
    if (update.connection === 'open') {
      this.state = 'open';
      const user = opened.socket.user;
      this.opts.emit({ type: 'connected', user: { id: user?.id ?? '', lid: user?.lid ?? '', name: user?.name ?? '' } });
      if (this.opts.mode === 'auth') setTimeout(() => void this.shutdown(), this.opts.authExitDelayMs ?? 1000);
    } else if (update.connection === 'close') {
      this.current = undefined;
      this.state = 'idle';
      clearTimeout(this.pairingTimer);
      const closed = closeReason(update);
      log(`socket closed: ${closed.reason} ${closed.message}`);
      // Reported once the socket's auth-state writes are on disk: after a 515 the daemon
      // reconnects at once, and the next socket must read the credentials the login just saved.
      void opened.flushWrites().finally(() => {
        if (this.closing) return;
        if (this.logoutClose) this.logoutClose.closed = closed;
        else this.opts.emit({ type: 'disconnected', ...closed });
      });
    }
  }

  private saveCreds(opened: OpenedSocket): void {
    this.writers.add(opened);
    opened.saveCreds().then(
      () => this.opts.emit({ type: 'creds_saved' }),
      (err) => {
        log(`saving credentials failed: ${errorMessage(err)}`);
        this.opts.emit({ type: 'error', error: `saving credentials failed: ${errorMessage(err)}` });
      },
    );
  }

  /** Batches are handled one after the other so messages keep their order. */
  private onUpsert(opened: OpenedSocket, messages: any[], upsert: string): void {
    this.upserts = this.upserts.then(async () => {
      for (const msg of messages) {
        try {
          const event = await toMessageEvent(msg, upsert, (lid) => this.lookupLid(opened, lid));
          if (!event) continue;
          if (isLid(event.remote_jid)) this.remember(event.remote_jid, event.remote_jid_pn);
          if (isLid(event.participant)) this.remember(event.participant, event.participant_pn);
          this.opts.emit(event);
        } catch (err) {
          log(`relaying message ${msg?.key?.id ?? '?'} failed: ${errorMessage(err)}`);
        }
      }
    });
  }

  private async lookupLid(opened: OpenedSocket, lid: string): Promise<string> {
    const known = this.lidToPn.get(jidUser(lid));
    if (known) return known;
    try {
      const pn = phoneJid(await opened.socket.signalRepository?.lidMapping?.getPNForLID(lid));
      if (pn) this.remember(lid, pn);
      return pn;
    } catch (err) {
      log(`LID lookup for ${lid} failed: ${errorMessage(err)}`);
      return '';
    }
  }

  /** Records a LID -> phone pair and tells the daemon when it is new or changed. */
  private remember(lid: unknown, pn: unknown): void {
    if (typeof lid !== 'string' || typeof pn !== 'string') return;
    const user = jidUser(lid);
    const phone = phoneJid(pn);
    if (!user || !phone || this.lidToPn.get(user) === phone) return;
    this.lidToPn.set(user, phone);
    this.groupCache.clear();
    this.opts.emit({ type: 'lid_mapping', lid: user, pn: phone });
  }

  private readonly hooks: SocketHooks = {
    // Retries ask for what we sent; an empty message beats "waiting for this message" (spec 30 §17.6).
    getMessage: async (key: WAMessageKey) => this.sentCache.get(key.id ?? '') ?? {},
    cachedGroupMetadata: async (jid: string) => {
      const cached = this.groupCache.get(jid);
      if (cached && cached.expires > Date.now()) return cached.metadata;
      const socket = this.current?.socket;
      if (!jid.endsWith('@g.us') || !socket) return undefined;
      try {
        const metadata = await socket.groupMetadata(jid);
        this.groupCache.set(jid, { metadata, expires: Date.now() + GROUP_METADATA_TTL_MS });
        return metadata;
      } catch (err) {
        log(`group metadata for ${jid} failed: ${errorMessage(err)}`);
        return undefined;
      }
    },
  };

  private async send(requestId: number, jid: string, text: string): Promise<void> {
    const opened = this.open;
    if (!opened) {
      this.opts.emit({ type: 'send_failed', request_id: requestId, error: 'not connected' });
      return;
    }
    try {
      const sent = await opened.socket.sendMessage(jid, { text });
      const id = sent?.key?.id;
      if (!id) throw new Error('the library returned no message id');
      this.sentCache.set(id, sent.message ?? { conversation: text });
      if (this.sentCache.size > SENT_CACHE_SIZE) this.sentCache.delete(this.sentCache.keys().next().value!);
      this.opts.emit({ type: 'sent', request_id: requestId, id });
    } catch (err) {
      log(`send ${requestId} to ${jid} failed: ${errorMessage(err)}`);
      this.opts.emit({ type: 'send_failed', request_id: requestId, error: errorMessage(err) });
    }
  }

  private async presence(jid: string, state: 'composing' | 'paused'): Promise<void> {
    try {
      const opened = this.open;
      if (!opened) throw new Error('not connected');
      await opened.socket.sendPresenceUpdate(state, jid);
    } catch (err) {
      log(`presence ${state} to ${jid} failed: ${errorMessage(err)}`);
    }
  }

  private async fetchGroups(requestId: number): Promise<void> {
    try {
      const opened = this.open;
      if (!opened) throw new Error('not connected');
      const all = await opened.socket.groupFetchAllParticipating();
      const groups = Object.entries(all).map(([jid, g]) => ({ jid: g?.id || jid, subject: g?.subject ?? '' }));
      this.opts.emit({ type: 'groups', request_id: requestId, groups });
    } catch (err) {
      this.opts.emit({ type: 'error', request_id: requestId, error: `fetch_groups failed: ${errorMessage(err)}` });
    }
  }

  private async logout(): Promise<void> {
    const opened = this.open;
    if (!opened) {
      this.opts.emit({ type: 'error', error: 'logout failed: not connected' });
      return;
    }
    const pending: { closed?: Closed } = {};
    this.logoutClose = pending;
    try {
      await opened.socket.logout();
      this.opts.emit({ type: 'logged_out' });
    } catch (err) {
      this.opts.emit({ type: 'error', error: `logout failed: ${errorMessage(err)}` });
    } finally {
      this.logoutClose = undefined;
      if (pending.closed) this.opts.emit({ type: 'disconnected', ...pending.closed });
    }
  }
}
