// SPDX-License-Identifier: MIT
// node --test bench/agent_start: which log lines belong to which run.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import { DaemonLog, parseLine, runEvents } from './daemon_log.mjs';

const at = (s) => `2026-12-07T22:00:${String(s).padStart(2, '0')}.000`;
const wall = (s) => (Date.parse(`${at(s)}Z`) * 1000 + 500).toString(); // µs, half a ms later
const phase = (s, source, name) => `${at(s)} debug [container main] [${source}] phase ${name} wall_us=${wall(s)}`;

const LOG = [
  `${at(1)} info Spawning container agent: group=main mounts=6 isMain=true`,
  `${at(1)} debug [container main] [entrypoint] runner source differs from the image build; compiling it`,
  phase(2, 'entrypoint', 'start'),
  phase(3, 'agent-runner', 'output'),
  `${at(3)} info agent output chat=local:main chars=12`,
  `${at(5)} info Warm container started: group=Local chat container=nanoclaw-main-5`,
  phase(5, 'entrypoint', 'start'),
  phase(6, 'agent-runner', 'warm-ready'),
  `${at(6)} info Warm container ready: group=Local chat container=nanoclaw-main-5`,
  // the message is sent here (index 7 of the events)
  `${at(8)} info Warm container taken: group=Local chat container=nanoclaw-main-5`,
  phase(8, 'agent-runner', 'input'),
  `${at(8)} debug [container main] [agent-runner] Input for group main`, // not an event
  phase(9, 'agent-runner', 'output'),
  `${at(9)} info agent output chat=local:main chars=12`,
  `${at(11)} info Warm container started: group=Local chat container=nanoclaw-main-11`,
  phase(11, 'entrypoint', 'start'),
];

function load(lines) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'agent-start-test-')), 'daemon.log');
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return new DaemonLog(file).poll();
}

test('a phase line keeps the container\'s wall clock, not the log time', () => {
  const e = parseLine(phase(2, 'entrypoint', 'start'));
  assert.equal(e.phase, 'entrypoint start');
  assert.equal(e.wallMs, Date.parse(`${at(2)}Z`) + 0.5);
  assert.equal(parseLine(`${at(2)} debug [container main] [agent-runner] Input for group main`), null);
});

test('a cold run spans from its spawn to the next container\'s start', () => {
  const run = runEvents(load(LOG), 0);
  assert.equal(run.warm, false);
  assert.equal(run.anchorMs, Date.parse(`${at(1)}Z`));
  assert.equal(run.compiled, true);
  assert.deepEqual(Object.keys(run.phases), ['entrypoint start', 'agent-runner output']);
  assert.equal(run.outputMs, Date.parse(`${at(3)}Z`));
});

test('a warm run has its container\'s start-up before the message and not the next one\'s', () => {
  const events = load(LOG);
  const run = runEvents(events, events.findIndex((e) => e.kind === 'warm-ready') + 1);
  assert.equal(run.warm, true);
  assert.equal(run.container, 'nanoclaw-main-5');
  assert.equal(run.compiled, false);
  assert.equal(run.phases['entrypoint start'], Date.parse(`${at(5)}Z`) + 0.5);
  assert.deepEqual(Object.keys(run.phases),
    ['entrypoint start', 'agent-runner warm-ready', 'agent-runner input', 'agent-runner output']);
  assert.equal(run.outputMs, Date.parse(`${at(9)}Z`));
});

test('a warm container that fails after the take marks the run failed, not the retry', () => {
  const events = load([
    `${at(1)} info Warm container started: group=Local chat container=nanoclaw-main-1`,
    `${at(2)} info Warm container ready: group=Local chat container=nanoclaw-main-1 afterMs=700`,
    `${at(3)} info Warm container taken: group=Local chat container=nanoclaw-main-1`,
    `${at(3)} error agent run failed group=main err=Container exited with code 143: the prompt`,
    `${at(8)} info Spawning container agent: group=Local chat mounts=7 isMain=true`,
    `${at(9)} info agent output chat=local:main chars=38`,
  ]);
  const run = runEvents(events, 2);
  assert.equal(run.warm, true);
  assert.equal(run.failed, true);
  assert.equal(run.outputMs, null); // the retry's output belongs to the retry's container
  assert.equal(runEvents(events, 4).failed, false);
});

test('a container that fails after its reply still times the run', () => {
  const run = runEvents(load([
    `${at(1)} info Spawning container agent: group=Local chat mounts=7 isMain=true`,
    `${at(2)} info agent output chat=local:main chars=38`,
    `${at(3)} error agent run failed group=main err=Container exited with code 143: x`,
  ]), 0);
  assert.equal(run.failed, false);
  assert.equal(run.failedAfterReply, true);
  assert.equal(run.outputMs, Date.parse(`${at(2)}Z`));
});

test('a run the daemon never started has no events; a partial last line waits for its end', () => {
  assert.equal(runEvents(load(LOG.slice(0, 1)), 1), null);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'agent-start-test-')), 'daemon.log');
  fs.writeFileSync(file, `${LOG[0]}\n${LOG[4].slice(0, 30)}`);
  const log = new DaemonLog(file);
  assert.equal(log.poll().length, 1);
  fs.appendFileSync(file, `${LOG[4].slice(30)}\n`);
  assert.deepEqual(log.poll().map((e) => e.kind), ['spawn', 'output']);
});
