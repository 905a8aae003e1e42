// SPDX-License-Identifier: MIT
// The process around a Bridge: stdout reserved for protocol lines, stdin split into commands,
// EOF and signals as shutdown, exit codes 0/1/2. Shared by bridge.ts and test-entry.ts.
import { Console } from 'node:console';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { parseArgs, USAGE } from './args.js';
import { Bridge } from './core.js';
import { errorMessage, log } from './log.js';
import { encodeEvent, LineSplitter, parseCommand } from './protocol.js';
import type { BridgeEvent } from './protocol.js';
import type { SocketFactory } from './socket.js';

export interface RunOptions {
  factory: SocketFactory;
  baileysVersion: string;
  pairingDelayMs?: number;
}

/** Hard limit after EOF/shutdown/signal: the protocol promises an exit within 5 s. */
const EXIT_DEADLINE_MS = 4800;

function bridgeVersion(): string {
  try {
    const file = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'package.json');
    return JSON.parse(fs.readFileSync(file, 'utf8')).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Takes stdout for the protocol alone: console.* and stray process.stdout writes (libsignal
 *  prints session notes with console.info) go to stderr instead. Returns the real writer. */
function claimStdout(): (line: string) => void {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  globalThis.console = new Console({ stdout: process.stderr, stderr: process.stderr });
  return (line) => void write(line);
}

export function runBridge(options: RunOptions): void {
  const writeLine = claimStdout();
  const args = parseArgs(process.argv.slice(2));
  if (typeof args === 'string') {
    process.stderr.write(`whatsapp-bridge: ${args}\n${USAGE}\n`);
    process.exit(2);
  }
  process.on('uncaughtException', (err) => {
    log(`fatal: ${err?.stack ?? errorMessage(err)}`);
    process.exit(1);
  });
  // Baileys leaves some promise rejections unhandled in normal operation; they are not fatal.
  process.on('unhandledRejection', (reason) => log(`unhandled rejection: ${errorMessage(reason)}`));

  const emit = (event: BridgeEvent) => writeLine(encodeEvent(event));
  const bridge = new Bridge({
    ...args,
    factory: options.factory,
    emit,
    exit: (code) => process.exit(code),
    bridgeVersion: bridgeVersion(),
    baileysVersion: options.baileysVersion,
    pairingDelayMs: options.pairingDelayMs,
  });
  const stop = (why: string) => {
    log(`shutting down: ${why}`);
    setTimeout(() => process.exit(0), EXIT_DEADLINE_MS).unref();
    void bridge.shutdown();
  };
  const splitter = new LineSplitter(
    (line) => {
      const parsed = parseCommand(line);
      if (!parsed.ok) {
        log(`ignored command: ${parsed.error}`);
        const { error, request_id } = parsed;
        emit(request_id === undefined ? { type: 'error', error } : { type: 'error', error, request_id });
        return;
      }
      if (parsed.command.cmd === 'shutdown') return stop('shutdown command');
      bridge.handle(parsed.command).catch((err) => log(`command ${parsed.command.cmd} failed: ${errorMessage(err)}`));
    },
    () => emit({ type: 'error', error: 'command line longer than 1 MiB ignored' }),
  );

  bridge.start();
  process.stdin.on('data', (chunk: Buffer) => splitter.push(chunk));
  process.stdin.on('end', () => {
    splitter.end();
    stop('end of stdin');
  });
  process.stdin.on('error', (err) => stop(`stdin: ${errorMessage(err)}`));
  process.stdout.on('error', (err) => stop(`stdout: ${errorMessage(err)}`));
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
