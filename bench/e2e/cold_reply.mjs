#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// Message -> first reply text, cold, with the real pieces: nanoclawd (the build's or an
// installed one) on a fresh root, its local channel, a real `docker run` of the agent image, and
// the mock Messages API (tests/mock-anthropic) streaming the reply through the credential proxy.
// "Cold" means no container of the group runs when the message is sent: each run waits until the
// previous run's container has closed (IDLE_TIMEOUT) and been removed. Image layers and the page
// cache stay warm, as on any machine that has answered a message before.
//
// Each run is split at three points: the daemon logs "Spawning container agent" right before it
// executes `docker run`; Docker's State.StartedAt is when the entrypoint started; the mock logs
// when the first API request of the run arrived. Prints a table and one JSON line.
//
// Usage: node bench/e2e/cold_reply.mjs [--runs N] [--image IMAGE] [--json FILE] [--keep]
// Environment: NANOCLAW_BIN_DIR (default build/release/src/bin), CONTAINER_RUNTIME_BIN (docker).
// Needs root (dockerd; the daemon chowns group folders to uid 1000) and the image built
// (scripts/container/ensure-images.sh).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  cleanUp, isoToMs, logLineMs, mockRequests, ourContainers, parseOptions, percentile, run, sendAndTime,
  startDaemon, startMock, stopDaemon, waitUntilGone,
} from './harness.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const IDLE_TIMEOUT_MS = 1500; // how long a finished container waits for a follow-up
const REPLY_TIMEOUT_MS = 180_000;

function parseArgs(argv) {
  const opts = parseOptions(
    argv, { runs: 5, image: process.env.CONTAINER_IMAGE || 'nanoclaw-agent:latest', json: '', keep: false },
    { '--runs': 'runs', '--image': 'image', '--json': 'json' }, { '--keep': 'keep' });
  if (!(opts.runs >= 1)) throw new Error('--runs must be a positive number');
  return opts;
}

function spawnTimes(logFile) {
  const lines = fs.readFileSync(logFile, 'utf8').split('\n');
  return lines.filter((l) => l.includes('Spawning container agent')).map(logLineMs);
}

async function oneRun(ctx, i) {
  await waitUntilGone(ctx.runtime, ctx.root);
  const tag = `cold-run-${i}-${Date.now()}`;
  const timed = await sendAndTime({
    socket: ctx.socket, chat: 'main', text: `${tag} [[reply:reply to ${tag}]]`, timeoutMs: REPLY_TIMEOUT_MS,
  });
  if (!timed.reply.includes(tag)) throw new Error(`run ${i}: unexpected reply ${JSON.stringify(timed.reply)}`);
  // The container idles for IDLE_TIMEOUT after its reply: long enough to read StartedAt.
  const started = ourContainers(ctx.runtime, ctx.root).map((c) => c.startedAtMs).filter((t) => t >= timed.sentMs);
  const spawned = spawnTimes(ctx.daemonLog).filter((t) => t >= timed.sentMs - 1);
  const firstRequest = mockRequests(ctx.mock.log).filter((e) => isoToMs(e.ts) >= timed.sentMs - 1)
    .map((e) => isoToMs(e.ts))[0];
  const since = (t) => (Number.isFinite(t) ? Math.round((t - timed.sentMs) * 10) / 10 : null);
  return {
    total_ms: since(timed.replyMs),
    docker_run_ms: since(spawned[0]),
    container_started_ms: since(Math.min(...started)),
    first_api_request_ms: since(firstRequest),
    api_ok_ms: since(timed.statuses['the agent is working']),
  };
}

function summarise(runs, opts) {
  const stat = (key) => ({ p50: percentile(runs.map((r) => r[key]), 0.5), max: percentile(runs.map((r) => r[key]), 1) });
  return {
    bench: 'cold_reply', runs: runs.length, image: opts.image, idle_timeout_ms: IDLE_TIMEOUT_MS,
    message_to_first_reply_ms: stat('total_ms'),
    message_to_docker_run_ms: stat('docker_run_ms'),
    message_to_container_started_ms: stat('container_started_ms'),
    message_to_first_api_request_ms: stat('first_api_request_ms'),
    message_to_api_ok_ms: stat('api_ok_ms'),
    samples: runs,
  };
}

function printTable(s) {
  const f = (x) => (x === null ? '-' : x.toFixed(0));
  console.log(`${'cold reply, real Docker + mock API'.padEnd(46)} ${'p50 ms'.padStart(8)} ${'max ms'.padStart(8)}`);
  const row = (name, key) => console.log(`${name.padEnd(46)} ${f(s[key].p50).padStart(8)} ${f(s[key].max).padStart(8)}`);
  row('message -> docker run exec\'d', 'message_to_docker_run_ms');
  row('message -> container started (entrypoint)', 'message_to_container_started_ms');
  row('message -> first API request at the mock', 'message_to_first_api_request_ms');
  row('message -> API answered (proxy saw 200)', 'message_to_api_ok_ms');
  row('message -> first reply text at the client', 'message_to_first_reply_ms');
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const runtime = process.env.CONTAINER_RUNTIME_BIN || 'docker';
  const binDir = process.env.NANOCLAW_BIN_DIR || path.join(repo, 'build/release/src/bin');
  const binary = path.join(binDir, 'nanoclawd');
  if (!fs.existsSync(binary)) throw new Error(`no nanoclawd in ${binDir} (cmake --build --preset release --target nanoclawd)`);
  run(path.join(repo, 'scripts/container/ensure-dockerd.sh'), []);
  try {
    run(runtime, ['image', 'inspect', opts.image]);
  } catch {
    throw new Error(`image ${opts.image} not found (scripts/container/ensure-images.sh --no-browser)`);
  }

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'nanoclaw-bench-cold-'));
  const ctx = { runtime, root: path.join(work, 'root'), daemonLog: path.join(work, 'daemon.log') };
  let daemon = null;
  try {
    ctx.mock = startMock(repo, path.join(work, 'mock'));
    fs.mkdirSync(ctx.root);
    fs.mkdirSync(path.join(work, 'home'));
    fs.writeFileSync(path.join(ctx.root, '.env'),
      `ANTHROPIC_API_KEY=sk-ant-bench-cold-reply\nANTHROPIC_BASE_URL=${ctx.mock.url}\n`, { mode: 0o600 });
    const env = {
      PATH: process.env.PATH, HOME: path.join(work, 'home'), TZ: 'UTC', LOG_LEVEL: 'info',
      NANOCLAW_LOG_FILE: ctx.daemonLog, CONTAINER_IMAGE: opts.image, CONTAINER_RUNTIME_BIN: runtime,
      CREDENTIAL_PROXY_HOST: '127.0.0.1', CREDENTIAL_PROXY_PORT: '0', NANOCLAW_CONTAINER_NETWORK: 'host',
      NANOCLAW_PREFLIGHT: 'off', IDLE_TIMEOUT: String(IDLE_TIMEOUT_MS),
      // Every run must start a container: no warm one (bench/agent_start measures those).
      WARM_POOL_SIZE: '0',
    };
    daemon = await startDaemon({ binary, root: ctx.root, env, logFile: path.join(work, 'daemon.out') });
    ctx.socket = daemon.socket;
    const runs = [];
    for (let i = 1; i <= opts.runs; i++) {
      runs.push(await oneRun(ctx, i));
      process.stderr.write(`cold reply: run ${i}/${opts.runs}: ${runs.at(-1).total_ms.toFixed(0)} ms\n`);
    }
    const summary = summarise(runs, opts);
    printTable(summary);
    console.log(JSON.stringify(summary));
    if (opts.json) fs.writeFileSync(opts.json, `${JSON.stringify(summary, null, 2)}\n`);
  } finally {
    if (daemon) await stopDaemon(daemon.child);
    cleanUp({ runtime, mock: ctx.mock, roots: [ctx.root], work, keep: opts.keep, label: 'cold reply' });
  }
}

main().catch((e) => {
  console.error(`cold reply: ${e.message}`);
  process.exit(1);
});
