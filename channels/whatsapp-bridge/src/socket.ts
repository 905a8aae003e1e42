// SPDX-License-Identifier: MIT
// The slice of a Baileys socket the bridge uses, and the factory that opens one. The real factory
// (baileys-socket.ts) wraps makeWASocket; tests pass a stub (fake-socket.ts). Nothing here loads
// Baileys at run time.
import type { GroupMetadata, WAMessageKey, proto } from '@whiskeysockets/baileys';

export interface SocketUser {
  id: string;
  lid?: string;
  name?: string;
}

/** What the bridge calls on a socket; a structural subset of Baileys' WASocket. */
export interface BridgeSocket {
  ev: { on(event: string, listener: (arg: any) => void): void };
  readonly user?: SocketUser;
  sendMessage(
    jid: string,
    content: { text: string },
  ): Promise<{ key: WAMessageKey; message?: proto.IMessage | null } | undefined>;
  sendPresenceUpdate(type: 'composing' | 'paused', jid: string): Promise<void>;
  groupFetchAllParticipating(): Promise<Record<string, { id: string; subject?: string }>>;
  groupMetadata(jid: string): Promise<GroupMetadata>;
  requestPairingCode(phone: string): Promise<string>;
  logout(message?: string): Promise<void>;
  end(error: Error | undefined): void;
  /** Baileys 7's LID store; absent in older versions and in stubs that do not need it. */
  readonly signalRepository?: { lidMapping?: { getPNForLID(lid: string): Promise<string | null> } };
}

/** Callbacks Baileys asks the bridge for while sending (spec 30 §17.6). */
export interface SocketHooks {
  getMessage(key: WAMessageKey): Promise<proto.IMessage | undefined>;
  cachedGroupMetadata(jid: string): Promise<GroupMetadata | undefined>;
}

export interface OpenedSocket {
  socket: BridgeSocket;
  /** Writes creds.json (Baileys' saveCreds). */
  saveCreds(): Promise<void>;
  /** True when the auth state already names a linked account (creds.me): no pairing code then. */
  hasAccount(): boolean;
  /** Resolves when every auth-state write started so far has finished. */
  flushWrites(): Promise<void>;
}

/** Opens a socket on the auth dir. Throws when the auth state cannot be loaded. */
export type SocketFactory = (authDir: string, hooks: SocketHooks) => Promise<OpenedSocket>;
