// SPDX-License-Identifier: MIT
// The real socket factory: Baileys' multi-file auth state in the auth dir (the reference's layout,
// so an already paired NanoClaw keeps working), the current WA Web version, and the reference's
// socket options. The only file that creates a Baileys socket.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import {
  Browsers,
  fetchLatestWaWebVersion,
  makeCacheableSignalKeyStore,
  makeWASocket,
  useMultiFileAuthState,
} from '@whiskeysockets/baileys';
import type { SignalDataSet, SignalKeyStore } from '@whiskeysockets/baileys';
import defaultBaileysLogger from '@whiskeysockets/baileys/lib/Utils/logger.js';

import { errorMessage, log, stderrLogger } from './log.js';
import { proxyAgent, proxyUrl } from './proxy.js';
import type { BridgeSocket, OpenedSocket, SocketFactory, SocketHooks } from './socket.js';

const VERSION_FETCH_TIMEOUT_MS = 10_000;

// Baileys' default pino logger writes to fd 1 and a few code paths use it directly (community
// parsing): silence it so nothing but protocol lines ever reaches stdout.
defaultBaileysLogger.level = 'silent';

/** The installed Baileys version, for the `started` event. */
export function baileysVersion(): string {
  try {
    const main = createRequire(import.meta.url).resolve('@whiskeysockets/baileys');
    const pkg = JSON.parse(fs.readFileSync(path.join(path.dirname(main), '..', 'package.json'), 'utf8'));
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Tracks the key-store writes Baileys starts, so shutdown can wait for them. */
function trackWrites(keys: SignalKeyStore, pending: Set<Promise<unknown>>): SignalKeyStore {
  return {
    get: (type, ids) => keys.get(type, ids),
    set: (data: SignalDataSet) => {
      const write = Promise.resolve(keys.set(data)).finally(() => pending.delete(write));
      pending.add(write);
      return write;
    },
    clear: keys.clear ? () => keys.clear!() : undefined,
  };
}

async function waWebVersion(): Promise<[number, number, number] | undefined> {
  const result = await fetchLatestWaWebVersion({ signal: AbortSignal.timeout(VERSION_FETCH_TIMEOUT_MS) });
  if (result.isLatest) return result.version as [number, number, number];
  log(`failed to fetch the latest WA Web version, using the library default: ${errorMessage(result.error)}`);
  return undefined;
}

export const baileysSocketFactory: SocketFactory = async (authDir: string, hooks: SocketHooks) => {
  const { state, saveCreds } = await useMultiFileAuthState(authDir);
  const logger = stderrLogger();
  const pending = new Set<Promise<unknown>>();
  const version = await waWebVersion();
  const proxy = proxyUrl(process.env);
  if (proxy) log('connecting through the HTTPS_PROXY');
  const agent = proxyAgent(proxy);
  const socket = makeWASocket({
    ...(version ? { version } : {}),
    ...(agent ? { agent, fetchAgent: agent } : {}),
    auth: { creds: state.creds, keys: makeCacheableSignalKeyStore(trackWrites(state.keys, pending), logger) },
    logger,
    browser: Browsers.macOS('Chrome'),
    markOnlineOnConnect: false,
    getMessage: hooks.getMessage,
    cachedGroupMetadata: hooks.cachedGroupMetadata,
  });
  const opened: OpenedSocket = {
    socket: socket as unknown as BridgeSocket,
    saveCreds: () => {
      const write = saveCreds().finally(() => pending.delete(write));
      pending.add(write);
      return write;
    },
    hasAccount: () => Boolean(state.creds.me),
    flushWrites: async () => {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
  return opened;
};
