// SPDX-License-Identifier: MIT
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runSession } from '../dist/session-loop.js';
import { IpcInbox } from '../dist/ipc-inbox.js';
import { tempDir, followUp, listFiles } from './helpers.mjs';

const input = { prompt: 'first', groupFolder: 'g', chatJid: 'j', isMain: false, sessionId: 'old' };

/** A query runner scripted per call; records what the loop asked for. */
function scriptedQueries(steps) {
  const calls = [];
  return {
    calls,
    run: async (prompt, position) => {
      calls.push({ prompt, position });
      const step = steps[calls.length - 1];
      if (!step) throw new Error('unexpected extra query');
      return typeof step === 'function' ? step() : step;
    },
  };
}

function setup(t, steps) {
  const dir = tempDir(t);
  const inbox = new IpcInbox(dir, { pollMs: 10 });
  const outputs = [];
  const queries = scriptedQueries(steps);
  const run = () => runSession({ input, inbox, runQuery: queries.run, emit: (o) => outputs.push(o) });
  return { dir, outputs, queries, run };
}

test('after a query it reports the session, answers a follow-up, and exits 0 on _close', async (t) => {
  const { dir, outputs, queries, run } = setup(t, [
    () => {
      setTimeout(() => followUp(dir, '1-a.json', 'again'), 20);
      return { newSessionId: 'new', lastAssistantUuid: 'u1', closedDuringQuery: false };
    },
    () => {
      setTimeout(() => fs.writeFileSync(path.join(dir, '_close'), ''), 20);
      return { lastAssistantUuid: 'u2', closedDuringQuery: false };
    },
  ]);
  assert.equal(await run(), 0);
  assert.deepEqual(queries.calls, [
    { prompt: 'first', position: { sessionId: 'old' } },
    { prompt: 'again', position: { sessionId: 'new', resumeAt: 'u1' } },
  ]);
  assert.deepEqual(outputs, [
    { status: 'success', result: null, newSessionId: 'new' },
    { status: 'success', result: null, newSessionId: 'new' },
  ]);
});

test('a close consumed during the query ends the run with no further record', async (t) => {
  const { outputs, run } = setup(t, [{ newSessionId: 's', closedDuringQuery: true }]);
  assert.equal(await run(), 0);
  assert.deepEqual(outputs, []);
});

test('close and a message both waiting: exit 0, the message stays (E6.2)', async (t) => {
  const { dir, outputs, run } = setup(t, [
    () => {
      followUp(dir, '1-a.json', 'left for later');
      fs.writeFileSync(path.join(dir, '_close'), '');
      return { closedDuringQuery: false };
    },
  ]);
  assert.equal(await run(), 0);
  assert.deepEqual(listFiles(dir), ['1-a.json']);
  assert.equal(outputs.length, 1, 'only the session update, nothing for the close');
});

test('a stale _close at startup is removed and the query still runs (E6.3)', async (t) => {
  const { dir, queries, run } = setup(t, [
    () => {
      setTimeout(() => fs.writeFileSync(path.join(dir, '_close'), ''), 20);
      return { closedDuringQuery: false };
    },
  ]);
  fs.writeFileSync(path.join(dir, '_close'), '');
  assert.equal(await run(), 0);
  assert.equal(queries.calls.length, 1);
});

test('follow-ups queued before start join the first prompt (E6.1)', async (t) => {
  const { dir, queries, run } = setup(t, [{ closedDuringQuery: true }]);
  followUp(dir, '2-b.json', 'B');
  followUp(dir, '1-a.json', 'A');
  await run();
  assert.equal(queries.calls[0].prompt, 'first\nA\nB');
});

test('several follow-ups waiting together become one prompt', async (t) => {
  const { dir, queries, run } = setup(t, [
    () => {
      followUp(dir, '1-a.json', 'A');
      followUp(dir, '2-b.json', 'B');
      return { closedDuringQuery: false };
    },
    { closedDuringQuery: true },
  ]);
  await run();
  assert.equal(queries.calls[1].prompt, 'A\nB');
});

test('a failing query produces one error record with the session and exit code 1', async (t) => {
  const { outputs, run } = setup(t, [
    () => {
      throw new Error('CLI exploded');
    },
  ]);
  assert.equal(await run(), 1);
  assert.deepEqual(outputs, [{ status: 'error', result: null, newSessionId: 'old', error: 'CLI exploded' }]);
});
