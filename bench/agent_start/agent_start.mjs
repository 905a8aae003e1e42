#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// Message -> agent start, COLD and WARM in one run, phase by phase, with the real pieces:
// nanoclawd (the build's) on a fresh root, its local channel, `docker run` of the agent image on
// the default bridge (the daemon's default: its credential proxy binds the docker0 address and
// forwards to the mock Messages API on 127.0.0.1), LOG_LEVEL=debug so the container's stderr
// (the image's `phase <name> wall_us=<n>` lines) reaches the daemon's log.
//   cold: WARM_POOL_SIZE=0; before each message the previous run's container has closed
//         (IDLE_TIMEOUT 1.5 s) and been removed, so every message starts a container.
//   warm: WARM_POOL_SIZE=1; before each message the previous container has closed and the daemon
//         has logged "Warm container ready" for the next one. When it never does (a daemon
//         without the warm pool), the warm part is skipped with one line.
// Each mode starts with one message that is not counted (the group's first run creates its
// folders and session). The floors are measured in the same run: `docker run --rm --entrypoint
// true` on the default bridge and with --network host, and `docker run --rm --entrypoint node
// <image> -e 0`. Prints the phase table (p50 and p90, ms after the message was sent), the floors,
// the acceptance targets as met/missed, and one JSON line. Without root, Docker or the image it
// prints one line saying what is missing and exits 0 with {"skipped": ...}.
//
// Usage: node bench/agent_start/agent_start.mjs [--runs N] [--warm-runs N] [--image IMAGE]
//          [--network-host] [--cold-only] [--json FILE] [--keep]
//   --network-host  a second table with NANOCLAW_CONTAINER_NETWORK=host (proxy on 127.0.0.1)
//   --cold-only     no warm part (shown as skipped)
// Environment: NANOCLAW_BIN_DIR (default build/bench/src/bin), CONTAINER_RUNTIME_BIN (docker).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  cleanUp, isoToMs, mockRequests, nowMs, ourContainers, parseOptions, run, sendAndTime, startDaemon, startMock,
  stopDaemon, waitUntilGone,
} from '../e2e/harness.mjs';
import { DaemonLog, runEvents } from './daemon_log.mjs';
import {
  checkTargets, coldSplit, floorStats, FLOORS, phaseStats, printFloors, printSplit, printTables, printTargets,
  ROWS,
} from './summary.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const IDLE_TIMEOUT_MS = 1500;
const REPLY_TIMEOUT_MS = 180_000;
const WARM_READY_TIMEOUT_MS = 30_000;
const WARM_POOL_TTL_MS = 600_000;

function parseArgs(argv) {
  const opts = parseOptions(argv, {
    runs: 10, warmRuns: null, image: process.env.CONTAINER_IMAGE || 'nanoclaw-agent:latest',
    json: '', keep: false, networkHost: false, coldOnly: false,
  }, { '--runs': 'runs', '--warm-runs': 'warmRuns', '--image': 'image', '--json': 'json' },
  { '--network-host': 'networkHost', '--cold-only': 'coldOnly', '--keep': 'keep' });
  opts.warmRuns ??= opts.runs;
  if (!(opts.runs >= 1 && opts.warmRuns >= 1)) throw new Error('--runs and --warm-runs must be positive numbers');
  return opts;
}

/** What stops the benchmark from running here, in one line; null when nothing does. */
function missing(runtime, image) {
  if (process.getuid && process.getuid() !== 0) return 'needs root (dockerd; the daemon chowns group folders to uid 1000)';
  if (spawnSync(runtime, ['--version'], { stdio: 'ignore' }).error) return `no ${runtime} CLI on PATH`;
  const dockerd = spawnSync(path.join(repo, 'scripts/container/ensure-dockerd.sh'), [], { encoding: 'utf8' });
  if (dockerd.status !== 0) return `no Docker engine (scripts/container/ensure-dockerd.sh: ${(dockerd.stderr || '').trim().split('\n').at(-1)})`;
  if (spawnSync(runtime, ['image', 'inspect', image], { stdio: 'ignore' }).status !== 0) {
    return `no image ${image} (scripts/container/ensure-images.sh --no-browser)`;
  }
  return null;
}

function timeCommand(cmd, args) {
  return new Promise((resolve, reject) => {
    const t0 = nowMs();
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(nowMs() - t0) : reject(new Error(`${cmd} ${args.join(' ')}: exit ${code}: ${err.trim()}`))));
  });
}

/** Docker's start and die events of the named containers since `sinceMs`: name -> {start, die}. */
function containerEvents(runtime, sinceMs) {
  const out = run(runtime, ['events', '--since', (sinceMs / 1000).toFixed(3), '--until', (nowMs() / 1000 + 1).toFixed(3),
    '--filter', 'type=container', '--filter', 'event=start', '--filter', 'event=die',
    '--format', '{{.Actor.Attributes.name}} {{.Action}} {{.TimeNano}}']);
  const events = {};
  for (const line of out.split('\n').filter(Boolean)) {
    const [name, action, ns] = line.split(' ');
    (events[name] ??= {})[action] = Number(BigInt(ns) / 1000n) / 1000;
  }
  return events;
}

/**
 * The floors, interleaved so that a busy moment of the machine touches all three alike. Each
 * `docker run` is timed to its exit (--rm: removal included) and split by Docker's events: the
 * container's start (comparable with the agent's State.StartedAt) and how long it ran.
 */
async function measureFloors(runtime, image, runs) {
  const args = {
    docker_true_bridge: ['--entrypoint', 'true', image],
    docker_true_host: ['--network', 'host', '--entrypoint', 'true', image],
    docker_node_bridge: ['--entrypoint', 'node', image, '-e', '0'],
  };
  const floorRun = (key, name) => timeCommand(runtime, ['run', '--rm', '--name', name, ...args[key]]);
  const prefix = `agent-start-floor-${process.pid}`;
  await floorRun('docker_node_bridge', `${prefix}-first`); // page cache and Docker's first-run work
  const since = nowMs();
  const launched = [];
  for (let i = 0; i < runs; i++) {
    for (const [key] of FLOORS) {
      const name = `${prefix}-${key}-${i}`;
      const t0 = nowMs();
      launched.push({ key, name, t0, exitMs: await floorRun(key, name) });
    }
  }
  const events = containerEvents(runtime, since);
  const samples = Object.fromEntries(FLOORS.map(([key]) => [key, []]));
  for (const l of launched) {
    const e = events[l.name] ?? {};
    samples[l.key].push({ exit: l.exitMs, started: e.start ? e.start - l.t0 : null, ran: e.start && e.die ? e.die - e.start : null });
  }
  return floorStats(samples);
}

function daemonEnv(ctx, { warm, hostNetwork }) {
  const env = {
    PATH: process.env.PATH, HOME: ctx.home, TZ: 'UTC', LOG_LEVEL: 'debug',
    NANOCLAW_LOG_FILE: ctx.daemonLog, CONTAINER_IMAGE: ctx.image, CONTAINER_RUNTIME_BIN: ctx.runtime,
    CREDENTIAL_PROXY_PORT: '0', NANOCLAW_PREFLIGHT: 'off', IDLE_TIMEOUT: String(IDLE_TIMEOUT_MS),
    WARM_POOL_SIZE: warm ? '1' : '0', WARM_POOL_TTL: String(WARM_POOL_TTL_MS),
  };
  if (hostNetwork) Object.assign(env, { NANOCLAW_CONTAINER_NETWORK: 'host', CREDENTIAL_PROXY_HOST: '127.0.0.1' });
  return env;
}

/** Sends one message and waits for its reply; what is needed to time it afterwards. */
async function sendOne(ctx, tag) {
  const from = ctx.log.poll().length;
  const timed = await sendAndTime({
    socket: ctx.socket, chat: 'main', text: `${tag} [[reply:reply to ${tag}]]`, timeoutMs: REPLY_TIMEOUT_MS,
  });
  if (!timed.reply.includes(tag)) throw new Error(`${tag}: unexpected reply ${JSON.stringify(timed.reply)}`);
  // The container idles for IDLE_TIMEOUT after its reply: long enough to read StartedAt.
  return { from, timed, containers: ourContainers(ctx.runtime, ctx.root) };
}

/** One sample's row values, ms after the message was sent (null: not seen). */
function sampleRow(sent, events, mockLog) {
  const { timed } = sent;
  const since = (t) => (t === null || t === undefined || !Number.isFinite(t) ? null : Math.round((t - timed.sentMs) * 10) / 10);
  const own = runEvents(events, sent.from);
  const container = own?.warm
    ? sent.containers.find((c) => c.name === own.container)
    : sent.containers.filter((c) => c.startedAtMs >= timed.sentMs - 1).sort((a, b) => a.startedAtMs - b.startedAtMs)[0];
  const post = mockRequests(mockLog).find((e) => e.method === 'POST' && isoToMs(e.ts) >= timed.sentMs - 1);
  const row = {
    warm: own?.warm ?? false, compiled: own?.compiled ?? false, failed: own?.failed ?? false,
    failed_after_reply: own?.failedAfterReply ?? false, container: own?.container ?? container?.name ?? null,
    daemon_start: since(own?.anchorMs), container_started: since(container?.startedAtMs),
    first_post: since(post && isoToMs(post.ts)), host_output: since(own?.outputMs), client_reply: since(timed.replyMs),
  };
  for (const [key, , phase] of ROWS) if (phase) row[key] = since(own?.phases[phase]);
  return row;
}

const MAX_REPRIMES = 3;

/** Whether a run after log index `from` failed (the daemon's "agent run failed"). */
const failedSince = (events, from) => events.slice(from).some((e) => e.kind === 'run-failed');

/**
 * Waits for the previous run's container to go and, warm, for a new warm container: one that
 * became ready after the previous message and that no message has taken (a taken one that failed
 * is gone before the snapshot after the reply, so the log's "taken" lines count too). The pool
 * refills after a successful run only, so after a failed one an uncounted message comes first.
 * Returns the run to wait from and, when no warm container came, why.
 */
async function prepare(ctx, mode, previous) {
  await waitUntilGone(ctx.runtime, ctx.root, previous.containers.map((c) => c.name));
  if (!mode.warm) return { previous, skipped: null };
  while (failedSince(ctx.log.poll(), previous.from)) {
    if (++mode.reprimed > MAX_REPRIMES) {
      return { previous, skipped: `${MAX_REPRIMES} runs failed (the daemon's "agent run failed"); no warm container follows a failed run` };
    }
    previous = await sendOne(ctx, `${mode.label}-reprime-${Date.now()}`);
    mode.remember(previous);
    await waitUntilGone(ctx.runtime, ctx.root, previous.containers.map((c) => c.name));
  }
  for (const e of ctx.log.poll()) if (e.kind === 'warm-taken') mode.used.add(e.container);
  const fresh = (e) => e.kind === 'warm-ready' && !mode.used.has(e.container);
  const ready = await ctx.log.waitFor(fresh, previous.from, WARM_READY_TIMEOUT_MS);
  return {
    previous,
    skipped: ready ? null : `the daemon logged no "Warm container ready" within ${WARM_READY_TIMEOUT_MS / 1000} s ` +
      'after the previous container closed (a nanoclawd without the warm pool?)',
  };
}

async function measureMode(ctx, { warm, runs, label }) {
  const mode = { warm, label, used: new Set(), reprimed: 0 };
  mode.remember = (sent) => sent.containers.forEach((c) => mode.used.add(c.name));
  let previous = await sendOne(ctx, `${label}-prime-${Date.now()}`);
  mode.remember(previous);
  const sent = [];
  let skipped = null;
  for (let i = 1; i <= runs; i++) {
    ({ previous, skipped } = await prepare(ctx, mode, previous));
    if (skipped) break;
    previous = await sendOne(ctx, `${label}-run-${i}-${Date.now()}`);
    mode.remember(previous);
    sent.push(previous);
    process.stderr.write(`agent start: ${label} ${i}/${runs}: reply after ${(previous.timed.replyMs - previous.timed.sentMs).toFixed(0)} ms\n`);
  }
  await waitUntilGone(ctx.runtime, ctx.root, previous.containers.map((c) => c.name)); // the last run's lines
  const events = ctx.log.poll();
  const rows = sent.map((s) => sampleRow(s, events, ctx.mock.log));
  // A run that failed before its reply was answered by a new container after a delay: its
  // phases mix two containers. One that failed after replying is timed like any other.
  const counted = rows.filter((r) => r.warm === warm && !r.failed);
  const result = { runs: counted.length, phases: phaseStats(counted), samples: rows, skipped };
  result.failed_runs = rows.filter((r) => r.failed).length;
  result.failed_after_reply = rows.filter((r) => r.failed_after_reply).length;
  result.reprimed = mode.reprimed;
  if (warm) result.cold_fallbacks = rows.filter((r) => !r.warm && !r.failed).length;
  result.compiled_runner = counted.filter((r) => r.compiled).length;
  if (skipped) console.log(`agent start: ${label}: ${sent.length ? `stopped after ${sent.length} runs` : 'skipped'}: ${skipped}`);
  return result;
}

/** One daemon per mode (the pool size is read at start-up), each on a fresh root. */
async function measureNetwork(base, opts, hostNetwork) {
  const result = {};
  if (opts.coldOnly) result.warm = { runs: 0, phases: phaseStats([]), samples: [], skipped: '--cold-only' };
  for (const warm of opts.coldOnly ? [false] : [false, true]) {
    const name = `${hostNetwork ? 'host' : 'bridge'}-${warm ? 'warm' : 'cold'}`;
    const dir = path.join(base.work, name);
    const ctx = { ...base, root: path.join(dir, 'root'), home: path.join(dir, 'home'), daemonLog: path.join(dir, 'daemon.log') };
    fs.mkdirSync(ctx.root, { recursive: true });
    fs.mkdirSync(ctx.home);
    fs.writeFileSync(path.join(ctx.root, '.env'),
      `ANTHROPIC_API_KEY=sk-ant-bench-agent-start\nANTHROPIC_BASE_URL=${base.mock.url}\n`, { mode: 0o600 });
    ctx.log = new DaemonLog(ctx.daemonLog);
    const daemon = await startDaemon({
      binary: base.binary, root: ctx.root, env: daemonEnv(ctx, { warm, hostNetwork }), logFile: path.join(dir, 'daemon.out'),
    });
    base.roots.push(ctx.root);
    try {
      ctx.socket = daemon.socket;
      result[warm ? 'warm' : 'cold'] = await measureMode(ctx, { warm, runs: warm ? opts.warmRuns : opts.runs, label: name });
    } finally {
      await stopDaemon(daemon.child);
    }
  }
  return result;
}

function skip(reason, opts) {
  console.log(`agent start: skipped: ${reason}`);
  const summary = { bench: 'agent_start', skipped: reason };
  console.log(JSON.stringify(summary));
  if (opts.json) fs.writeFileSync(opts.json, `${JSON.stringify(summary, null, 2)}\n`);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const runtime = process.env.CONTAINER_RUNTIME_BIN || 'docker';
  const binDir = process.env.NANOCLAW_BIN_DIR || path.join(repo, 'build/bench/src/bin');
  const binary = path.join(binDir, 'nanoclawd');
  const why = missing(runtime, opts.image);
  if (why) return skip(why, opts);
  if (!fs.existsSync(binary)) throw new Error(`no nanoclawd in ${binDir} (cmake --build --preset bench --target nanoclawd)`);

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'nanoclaw-bench-agent-start-'));
  const base = { runtime, image: opts.image, binary, work, roots: [] };
  const load = () => os.loadavg().map((x) => Math.round(x * 100) / 100);
  const summary = { bench: 'agent_start', image: opts.image, network: 'bridge', idle_timeout_ms: IDLE_TIMEOUT_MS,
    first_output_at_host: 'the daemon\'s log line of the first output record ("agent output")', load_before: load(),
    phase_rows: ROWS.map(([key, label]) => ({ key, label })), floor_rows: FLOORS.map(([key, label]) => ({ key, label })) };
  try {
    base.mock = startMock(repo, path.join(work, 'mock'));
    summary.floors = await measureFloors(runtime, opts.image, opts.runs);
    Object.assign(summary, await measureNetwork(base, opts, false));
    if (opts.networkHost) summary.host_network = await measureNetwork(base, opts, true);
    summary.cold_split = coldSplit(summary.cold.samples.filter((r) => !r.warm), summary.floors);
    summary.targets = checkTargets(summary);
    summary.load_after = load();
    printTables(summary, 'agent start, default bridge (proxy on docker0)');
    if (summary.host_network) printTables(summary.host_network, 'agent start, --network host (proxy on 127.0.0.1)');
    printFloors(summary.floors, opts.runs);
    printSplit(summary.cold_split, summary.cold.phases.first_post.p50);
    printTargets(summary.targets);
    console.log('(negative: before the message, while the warm container waited; -: no such line)');
    console.log(JSON.stringify(summary));
    if (opts.json) fs.writeFileSync(opts.json, `${JSON.stringify(summary, null, 2)}\n`);
  } finally {
    cleanUp({ runtime, mock: base.mock, roots: base.roots, work, keep: opts.keep, label: 'agent start' });
  }
}

main().catch((e) => {
  console.error(`agent start: ${e.message}`);
  process.exit(1);
});
