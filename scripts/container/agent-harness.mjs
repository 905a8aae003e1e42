// SPDX-License-Identifier: MIT
// Drives one agent-runner process the way the host does: ContainerInput on
// stdin (then EOF), or in warm mode one JSON line now and the take later;
// output records parsed from the stdout markers, stderr kept line by line.
// Works for `node dist/index.js` and for `docker run -i ...`.
import { spawn } from 'node:child_process';

export const START = '---NANOCLAW_OUTPUT_START---';
export const END = '---NANOCLAW_OUTPUT_END---';

/** Incremental marker parser; feed it chunks, it returns the records completed so far. */
export class MarkerParser {
  constructor() {
    this.buffer = '';
  }

  push(chunk) {
    this.buffer += chunk;
    const records = [];
    for (;;) {
      const start = this.buffer.indexOf(START);
      if (start < 0) break;
      const end = this.buffer.indexOf(END, start);
      if (end < 0) break;
      const body = this.buffer.slice(start + START.length, end).trim();
      this.buffer = this.buffer.slice(end + END.length);
      try {
        records.push(JSON.parse(body));
      } catch {
        records.push({ unparsable: body });
      }
    }
    return records;
  }
}

export class AgentProcess {
  /** @param {string} command @param {string[]} args @param {object} options spawn options */
  constructor(command, args, options = {}) {
    this.records = [];
    this.recordTimes = [];
    this.stdout = '';
    this.stderrLines = [];
    this.waiters = new Set();
    this.child = spawn(command, args, { ...options, stdio: ['pipe', 'pipe', 'pipe'] });
    const parser = new MarkerParser();
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk) => {
      this.stdout += chunk;
      for (const record of parser.push(chunk)) {
        this.records.push(record);
        this.recordTimes.push(Date.now());
      }
      this.notify();
    });
    let partial = '';
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk) => {
      partial += chunk;
      const lines = partial.split('\n');
      partial = lines.pop();
      this.stderrLines.push(...lines);
      this.notify();
    });
    this.exited = new Promise((resolve) => {
      this.child.on('close', (code, signal) => {
        if (partial) this.stderrLines.push(partial);
        this.exitCode = code;
        this.exitSignal = signal;
        this.notify();
        resolve({ code, signal });
      });
    });
    this.child.stdin.on('error', () => {}); // EPIPE when the child dies first is reported via exit
  }

  /** Writes the input as one compact JSON document and closes stdin, as the host does. */
  send(input) {
    this.child.stdin.end(typeof input === 'string' ? input : JSON.stringify(input));
  }

  /** Warm mode: writes one JSON line and leaves stdin open (`end` closes it after the line). */
  sendLine(value, { end = false } = {}) {
    const line = `${typeof value === 'string' ? value : JSON.stringify(value)}\n`;
    if (end) this.child.stdin.end(line);
    else this.child.stdin.write(line);
  }

  /** Closes stdin (a warm container dismissed before its take). */
  endInput() {
    this.child.stdin.end();
  }

  notify() {
    for (const waiter of [...this.waiters]) waiter();
  }

  /** Resolves with predicate's truthy value; rejects on timeout or if the process exits first. */
  waitFor(predicate, timeoutMs, what) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const value = predicate(this);
        if (value) return finish(() => resolve(value));
        if (this.exitCode !== undefined || this.exitSignal) {
          finish(() => reject(new Error(`process exited (${this.exitCode ?? this.exitSignal}) before ${what}\n${this.tail()}`)));
        }
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${this.tail()}`))), timeoutMs);
      const finish = (settle) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        settle();
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Waits until at least `count` records arrived and returns the last of them. */
  waitForRecords(count, timeoutMs = 30000) {
    return this.waitFor((p) => p.records.length >= count && p.records[count - 1], timeoutMs, `${count} output record(s)`);
  }

  waitForResult(predicate, timeoutMs = 30000) {
    return this.waitFor((p) => p.records.find((r) => r.result && predicate(r.result)), timeoutMs, 'a matching result');
  }

  waitForStderr(regex, timeoutMs = 30000) {
    return this.waitFor((p) => p.stderrLines.map((l) => l.match(regex)).find(Boolean), timeoutMs, `stderr ${regex}`);
  }

  async waitForExit(timeoutMs = 30000) {
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`process did not exit within ${timeoutMs} ms\n${this.tail()}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  tail(lines = 15) {
    return `--- stdout ---\n${this.stdout.slice(-2000)}\n--- stderr (last ${lines}) ---\n${this.stderrLines.slice(-lines).join('\n')}`;
  }
}
