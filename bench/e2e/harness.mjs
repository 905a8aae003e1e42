// SPDX-License-Identifier: MIT
// Pieces of the real-Docker benchmarks (bench/e2e/cold_reply.mjs, bench/agent_start) that talk to
// the outside: the e2e scripts (dockerd, mock Messages API), the container runtime, nanoclawd, its
// log and its local chat socket. Every time here is
// wall-clock epoch milliseconds with sub-millisecond digits, so the daemon's log, Docker's
// StartedAt and the mock's request log (all stamped by this host's clock) line up with ours.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const nowMs = () => performance.timeOrigin + performance.now();
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs a command and returns its stdout; a failure throws with the command's stderr. */
export function run(cmd, args, options = {}) {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

/** Starts the mock with scripts/container/start-mock.sh; returns {pid, url, log}. */
export function startMock(repo, dir) {
  const out = run(path.join(repo, 'scripts/container/start-mock.sh'), ['--dir', dir]);
  const vars = Object.fromEntries(out.trim().split('\n').map((l) => l.split(/=(.*)/s).slice(0, 2)));
  return { pid: Number(vars.MOCK_PID), url: vars.MOCK_URL, log: vars.MOCK_LOG };
}

/** The mock's request log entries (one JSON object per line), oldest first. */
export function mockRequests(logFile) {
  if (!fs.existsSync(logFile)) return [];
  return fs.readFileSync(logFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

/**
 * The containers this run started: nanoclaw-* ones with a bind mount from our data root (other
 * engineers' or CI's containers on the same engine are never looked at twice or removed).
 */
export function ourContainers(runtime, root) {
  const ids = run(runtime, ['ps', '-aq', '--filter', 'name=nanoclaw-']).split('\n').filter(Boolean);
  const mine = [];
  for (const id of ids) {
    let line;
    try {
      line = run(runtime, ['inspect', '--format',
        '{{.Name}}|{{.State.Running}}|{{.State.StartedAt}}|{{range .Mounts}}{{.Source}};{{end}}', id]);
    } catch {
      continue; // removed between ps and inspect (--rm)
    }
    const [name, running, startedAt, mounts] = line.trim().split('|');
    if (mounts.split(';').some((m) => m.startsWith(`${root}/`))) {
      mine.push({ name: name.replace(/^\//, ''), running: running === 'true', startedAtMs: isoToMs(startedAt) });
    }
  }
  return mine;
}

/** Waits until none of `names` exists any more (closed and removed); null: none of ours at all. */
export async function waitUntilGone(runtime, root, names = null, timeoutMs = 60_000) {
  const deadline = nowMs() + timeoutMs;
  const left = () => ourContainers(runtime, root).filter((c) => names === null || names.includes(c.name));
  while (left().length > 0) {
    if (nowMs() > deadline) throw new Error('the previous run\'s container did not go away');
    await sleep(100);
  }
}

/** The daemon's log lines start with its local time to the millisecond; run it with TZ=UTC. */
export const logLineMs = (line) => isoToMs(`${line.slice(0, 23)}Z`);

/** Nearest rank: the median of 5 runs is the third, p90 of 10 the ninth; null without values. */
export function percentile(values, q) {
  const v = values.filter((x) => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  return v.length ? v[Math.max(0, Math.ceil(q * v.length) - 1)] : null;
}

/** RFC 3339 with up to nanoseconds (Docker) or milliseconds (the mock) to epoch ms. */
export function isoToMs(text) {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(text ?? '');
  if (!m) return NaN;
  const fraction = Number(`0.${m[2] ?? '0'}`) * 1000;
  return Date.parse(`${m[1]}${m[3]}`) + fraction;
}

/**
 * Starts nanoclawd on `root` with `env` only; resolves once its local socket accepts a
 * connection. The child is returned so the caller can stop it.
 */
export async function startDaemon({ binary, root, env, logFile, timeoutMs = 60_000 }) {
  const out = fs.openSync(logFile, 'a');
  const child = spawn(binary, ['--root', root], { env, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  let exited = null;
  child.on('exit', (code, signal) => { exited = signal ?? code; });
  const socket = path.join(root, 'data', 'nanoclawd.sock');
  const deadline = nowMs() + timeoutMs;
  while (!(await canConnect(socket))) {
    if (exited !== null) throw new Error(`nanoclawd exited during start-up (${exited}); see ${logFile}`);
    if (nowMs() > deadline) throw new Error(`nanoclawd did not accept connections within ${timeoutMs} ms`);
    await sleep(50);
  }
  return { child, socket };
}

function canConnect(socket) {
  return new Promise((resolve) => {
    const c = net.createConnection(socket);
    c.on('connect', () => { c.destroy(); resolve(true); });
    c.on('error', () => resolve(false));
  });
}

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
export async function stopDaemon(child, graceMs = 30_000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Sends one message on the local socket and times what comes back: `sentMs` (just before the
 * write), the first time each status text was seen, and `replyMs`/`reply` for the first reply
 * text. A notice (nanoclaw's own failure sentence) or an error line fails the run.
 */
export function sendAndTime({ socket, chat, text, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const c = net.createConnection(socket);
    const result = { sentMs: 0, statuses: {}, replyMs: 0, reply: '' };
    let buffer = '';
    const fail = (message) => { clearTimeout(timer); c.destroy(); reject(new Error(message)); };
    const timer = setTimeout(() => fail(`no reply within ${timeoutMs} ms (statuses seen: ${
      JSON.stringify(Object.keys(result.statuses))})`), timeoutMs);
    c.on('error', (e) => fail(`local socket: ${e.message}`));
    c.on('connect', () => {
      result.sentMs = nowMs();
      c.write(`${JSON.stringify({ type: 'message', chat, sender: 'bench', text })}\n`);
    });
    c.on('data', (data) => {
      const at = nowMs();
      buffer += data.toString('utf8');
      let newline;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        const event = JSON.parse(line);
        if (event.type === 'error') return fail(`daemon: ${event.message}`);
        if (event.chat !== chat) continue;
        if (event.type === 'status' && !(event.text in result.statuses)) result.statuses[event.text] = at;
        if (event.type === 'message' && event.notice) return fail(`nanoclaw notice: ${event.text}`);
        if (event.type === 'message') {
          Object.assign(result, { replyMs: at, reply: event.text });
          clearTimeout(timer);
          c.destroy();
          return resolve(result);
        }
      }
    });
  });
}

/**
 * The end of a benchmark run, whatever happened: the mock stopped, every container of ours under
 * each root removed, the scratch directory removed unless `keep` (then its path is printed).
 */
export function cleanUp({ runtime, mock, roots, work, keep, label }) {
  if (mock) try { process.kill(mock.pid); } catch { /* already gone */ }
  for (const root of roots) {
    for (const c of ourContainers(runtime, root)) {
      try { run(runtime, ['rm', '-f', c.name]); } catch { /* gone meanwhile */ }
    }
  }
  if (keep) console.error(`${label}: kept ${work}`);
  else fs.rmSync(work, { recursive: true, force: true });
}

/**
 * Reads command-line options into `opts`: `valued` maps "--name" to the key that takes the next
 * argument (numbers are parsed when the default is a number), `switches` maps "--flag" to a key
 * set to true. Throws on an unknown option or a missing value.
 */
export function parseOptions(argv, opts, valued, switches = {}) {
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag in switches) {
      opts[switches[flag]] = true;
    } else if (flag in valued) {
      if (i + 1 >= argv.length) throw new Error(`${flag} needs a value`);
      const key = valued[flag];
      const text = argv[++i];
      opts[key] = typeof opts[key] === 'number' || opts[key] === null ? Number.parseInt(text, 10) : text;
    } else {
      throw new Error(`unknown option ${flag}`);
    }
  }
  return opts;
}
