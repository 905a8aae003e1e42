// SPDX-License-Identifier: MIT
// A Bridge on a FakeFactory, with the events it emits collected and helpers to wait for them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { Bridge } from '../dist/core.js';
import { FakeFactory } from '../dist/fake-socket.js';

export function tempDir(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nanoclaw-wa-bridge-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Resolves once `predicate()` is truthy; rejects after `timeoutMs`. */
export async function waitFor(predicate, what = 'condition', timeoutMs = 3000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Lets pending promise callbacks run (the bridge's async hand-offs). */
export const settle = () => new Promise((r) => setImmediate(r));

export function makeBridge(t, options = {}) {
  const fakes = new FakeFactory();
  const events = [];
  const exits = [];
  const bridge = new Bridge({
    authDir: options.authDir ?? tempDir(t),
    mode: options.mode ?? 'channel',
    pairingPhone: options.pairingPhone,
    factory: fakes.factory,
    emit: (e) => events.push(JSON.parse(JSON.stringify(e))),
    exit: (code) => exits.push(code),
    bridgeVersion: 'test',
    baileysVersion: 'test',
    pairingDelayMs: options.pairingDelayMs ?? 20,
    authExitDelayMs: options.authExitDelayMs ?? 10,
    flushTimeoutMs: 500,
  });
  const of = (type) => events.filter((e) => e.type === type);
  const next = (type, count = 1) => waitFor(() => of(type).length >= count && of(type)[count - 1], `${count}x ${type}`);
  /** connect + open; returns the fake socket. */
  const connected = async () => {
    const before = of('connected').length;
    await bridge.handle({ cmd: 'connect' });
    fakes.last.open();
    await next('connected', before + 1);
    return fakes.last;
  };
  return { bridge, fakes, events, exits, of, next, connected };
}

/** A minimal upserted message in Baileys' shape. */
export function wamsg(fields = {}) {
  return {
    key: { id: fields.id ?? 'M1', remoteJid: fields.remoteJid ?? '120363@g.us', fromMe: fields.fromMe ?? false,
      ...(fields.participant !== undefined ? { participant: fields.participant } : {}), ...(fields.key ?? {}) },
    message: 'message' in fields ? fields.message : { conversation: fields.text ?? 'hi' },
    pushName: fields.pushName ?? 'Alice',
    messageTimestamp: fields.messageTimestamp ?? 1767225600,
  };
}
