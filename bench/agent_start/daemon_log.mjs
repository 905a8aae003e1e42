// SPDX-License-Identifier: MIT
// nanoclawd's log (LOG_LEVEL=debug, TZ=UTC) as the events the agent-start benchmark times: the
// daemon's own lines (a cold spawn, the warm pool's started/ready/taken, the first output record)
// and the agent image's start-up phases, which reach the log as the container's stderr:
//   <time> debug [container <folder>] [entrypoint] phase <name> wall_us=<µs since the epoch>
// Phase times are the container's own wall clock (the host's: one kernel), not the log's.
import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { logLineMs, nowMs, sleep } from '../e2e/harness.mjs';

const PATTERNS = [
  [/Spawning container agent: /, () => ({ kind: 'spawn' })],
  // The group's name may contain spaces ("Local chat"); the container name does not.
  [/Warm container (started|ready|taken): group=.* container=(\S+)/,
    (m) => ({ kind: `warm-${m[1]}`, container: m[2] })],
  [/ agent output chat=/, () => ({ kind: 'output' })],
  // The run's container failed (the daemon then retries the message with a new one).
  [/ agent run failed /, () => ({ kind: 'run-failed' })],
  // The group's runner source is not the image's: the entrypoint compiles it (seconds of tsc).
  [/\[container [^\]]+\] \[entrypoint\] runner source differs/, () => ({ kind: 'compile' })],
  [/\[container [^\]]+\] \[(entrypoint|agent-runner)\] phase (\S+) wall_us=(\d+)/,
    (m) => ({ kind: 'phase', phase: `${m[1]} ${m[2]}`, wallMs: Number(m[3]) / 1000 })],
];

/** Parses one log line; null when it is none of the events above. */
export function parseLine(line) {
  for (const [pattern, make] of PATTERNS) {
    const m = pattern.exec(line);
    if (m) return { ...make(m), t: logLineMs(line) };
  }
  return null;
}

/** Follows the daemon's log file (it flushes every line), keeping the events in log order. */
export class DaemonLog {
  constructor(file) {
    this.file = file;
    this.offset = 0;
    this.partial = '';
    this.decoder = new StringDecoder('utf8');
    this.events = [];
  }

  /** Reads what was appended since the last call; returns every event so far. */
  poll() {
    let fd;
    try {
      fd = fs.openSync(this.file, 'r');
    } catch {
      return this.events; // not written yet
    }
    try {
      const size = fs.fstatSync(fd).size;
      if (size <= this.offset) return this.events;
      const buf = Buffer.alloc(size - this.offset);
      fs.readSync(fd, buf, 0, buf.length, this.offset);
      this.offset = size;
      const lines = (this.partial + this.decoder.write(buf)).split('\n');
      this.partial = lines.pop();
      for (const line of lines) {
        const event = parseLine(line);
        if (event) this.events.push({ ...event, index: this.events.length });
      }
    } finally {
      fs.closeSync(fd);
    }
    return this.events;
  }

  /** The first event from `fromIndex` on that satisfies `pred`, or null after `timeoutMs`. */
  async waitFor(pred, fromIndex, timeoutMs) {
    const deadline = nowMs() + timeoutMs;
    for (;;) {
      const found = this.poll().slice(fromIndex).find(pred);
      if (found) return found;
      if (nowMs() > deadline) return null;
      await sleep(20);
    }
  }
}

const starts = (e) => e.kind === 'spawn' || e.kind === 'warm-started';

/**
 * The events of the run whose message was sent when the log held `fromIndex` events: `anchor` is
 * the daemon's "Spawning container agent" (cold) or "Warm container taken" (warm) line; the
 * phases are those between its container's start (for a warm one, its "Warm container started")
 * and the next container's start. Null when the daemon did neither.
 */
export function runEvents(events, fromIndex) {
  const anchor = events.slice(fromIndex).find((e) => e.kind === 'spawn' || e.kind === 'warm-taken');
  if (!anchor) return null;
  let first = anchor.index;
  if (anchor.kind === 'warm-taken') {
    const started = events.slice(0, anchor.index).reverse()
      .find((e) => e.kind === 'warm-started' && e.container === anchor.container);
    if (started) first = started.index;
  }
  const next = events.slice(anchor.index + 1).find(starts);
  const own = events.slice(first, next ? next.index : events.length);
  const phases = {};
  for (const e of own) if (e.kind === 'phase' && !(e.phase in phases)) phases[e.phase] = e.wallMs;
  const output = own.find((e) => e.kind === 'output' && e.index > anchor.index);
  return {
    warm: anchor.kind === 'warm-taken', container: anchor.container ?? null, anchorMs: anchor.t,
    phases, outputMs: output ? output.t : null, compiled: own.some((e) => e.kind === 'compile'),
    // Failed before its first output: the reply came from a retry in a new container.
    failed: own.some((e) => e.kind === 'run-failed' && e.index > anchor.index && (!output || e.index < output.index)),
    failedAfterReply: Boolean(output) && own.some((e) => e.kind === 'run-failed' && e.index > output.index),
  };
}
