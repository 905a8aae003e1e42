// SPDX-License-Identifier: MIT
// The host-to-container input channel (spec 20 §8.5, spec 10 §11): follow-up
// messages arrive as `<ms>-<rand>.json` files in the input directory and an
// empty `_close` file asks the runner to finish. We wake on inotify (fs.watch)
// so a follow-up reaches the agent within milliseconds, and keep a slow poll
// because inotify does not see changes on some bind mounts (e.g. VM-backed
// Docker Desktop file sharing).
import fs from 'node:fs';
import path from 'node:path';
import { errorMessage } from './protocol.js';
import { log } from './log.js';

/**
 * CLOCK_MONOTONIC is shared by every process on the host, containers
 * included, so tests can compare it with the writer's reading to measure
 * delivery latency without wall-clock skew.
 */
export interface ConsumedAt {
  wallMs: number;
  monotonicNs: bigint;
}

export type InboxEvent = { kind: 'close' } | { kind: 'messages'; texts: string[] };

export interface InboxOptions {
  /** Fallback poll period; the reference polled at 500 ms and so do we. */
  pollMs?: number;
  /** Disables fs.watch, leaving only polling (tests and odd filesystems). */
  useWatch?: boolean;
  /** Called for each consumed file, with when (wall clock, and the system-wide monotonic clock). */
  onConsumed?: (file: string, at: ConsumedAt) => void;
}

export const CLOSE_SENTINEL_NAME = '_close';

export class IpcInbox {
  private readonly closePath: string;
  private readonly pollMs: number;
  private readonly useWatch: boolean;
  private readonly onConsumed: (file: string, at: ConsumedAt) => void;

  constructor(private readonly dir: string, options: InboxOptions = {}) {
    this.closePath = path.join(dir, CLOSE_SENTINEL_NAME);
    this.pollMs = options.pollMs ?? 500;
    this.useWatch = options.useWatch ?? true;
    this.onConsumed = options.onConsumed ?? (() => {});
  }

  /** Creates the directory and drops a `_close` left over from an earlier container. */
  prepare(): void {
    fs.mkdirSync(this.dir, { recursive: true });
    try {
      fs.unlinkSync(this.closePath);
      log('Removed a stale _close sentinel');
    } catch {
      // Usually absent; nothing to clean.
    }
  }

  /** Set once `_close` has been consumed: the run is finishing at the host's request. */
  closeSeen = false;

  /** True (and the sentinel is deleted) when the host asked us to finish. */
  consumeClose(): boolean {
    try {
      fs.unlinkSync(this.closePath);
      this.closeSeen = true;
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Reads and deletes every complete `*.json` message file in name order (the
   * epoch-ms prefix makes that chronological). `.tmp` files are the host's
   * writes in flight and are left alone. Broken files are deleted so they
   * cannot wedge the loop.
   */
  drain(): string[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir).filter((n) => n.endsWith('.json')).sort();
    } catch (err) {
      log(`Cannot list input directory: ${errorMessage(err)}`);
      return [];
    }
    const texts: string[] = [];
    for (const name of names) {
      const file = path.join(this.dir, name);
      try {
        const data: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
        fs.unlinkSync(file);
        this.onConsumed(name, { wallMs: Date.now(), monotonicNs: process.hrtime.bigint() });
        const msg = data as { type?: unknown; text?: unknown };
        if (msg?.type === 'message' && typeof msg.text === 'string' && msg.text !== '') {
          texts.push(msg.text);
        }
      } catch (err) {
        log(`Dropping unreadable input file ${name}: ${errorMessage(err)}`);
        try {
          fs.unlinkSync(file);
        } catch {
          // Already gone (e.g. raced with another reader); nothing to drop.
        }
      }
    }
    return texts;
  }

  /** Close wins over messages: a message left behind goes to the next container. */
  check(): InboxEvent | null {
    if (this.consumeClose()) return { kind: 'close' };
    const texts = this.drain();
    return texts.length > 0 ? { kind: 'messages', texts } : null;
  }

  /**
   * Delivers every event to `onEvent` until `_close` arrives or the returned
   * stop function is called. The first check runs on the next turn of the
   * event loop, never synchronously, so callers can finish their own setup.
   */
  subscribe(onEvent: (event: InboxEvent) => void): () => void {
    let stopped = false;
    const waker = new DirectoryWaker(this.dir, this.pollMs, this.useWatch);
    const stop = (): void => {
      stopped = true;
      waker.stop();
    };
    const wake = (): void => {
      if (stopped) return;
      const event = this.check();
      if (!event) return;
      if (event.kind === 'close') stop();
      onEvent(event);
    };
    waker.start(wake);
    // Files that landed before the watch started would otherwise wait for the poll.
    setImmediate(wake);
    return stop;
  }

  /** Resolves with the next close or batch of messages (checking right away first). */
  next(): Promise<InboxEvent> {
    const ready = this.check();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve) => {
      const stop = this.subscribe((event) => {
        stop();
        resolve(event);
      });
    });
  }
}

/** Calls `wake` when the directory changes (inotify) and every `pollMs` regardless. */
class DirectoryWaker {
  private watcher: fs.FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly dir: string,
    private readonly pollMs: number,
    private readonly useWatch: boolean,
  ) {}

  start(wake: () => void): void {
    if (this.useWatch) {
      try {
        this.watcher = fs.watch(this.dir, { persistent: true }, () => wake());
        this.watcher.on('error', (err) => {
          log(`fs.watch failed, polling only: ${errorMessage(err)}`);
          this.closeWatcher();
        });
      } catch (err) {
        log(`fs.watch unavailable, polling only: ${errorMessage(err)}`);
      }
    }
    this.timer = setInterval(wake, this.pollMs);
  }

  stop(): void {
    this.closeWatcher();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private closeWatcher(): void {
    this.watcher?.close();
    this.watcher = null;
  }
}
