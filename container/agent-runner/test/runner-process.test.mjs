// SPDX-License-Identifier: MIT
// Runs the compiled runner as a process, like the container entrypoint does,
// against the mock Messages API with the real Claude agent SDK. Nothing leaves
// the machine: the mock listens on 127.0.0.1 and the SDK is told to send no
// other traffic.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgentProcess } from '../../../scripts/container/agent-harness.mjs';
import { createMockServer } from '../../../tests/mock-anthropic/server.mjs';
import { SCHEDULED_TASK_PREFIX } from '../dist/prompt.js';
import { tempDir, followUp, listFiles, readJson, waitFor } from './helpers.mjs';

const RUNNER = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'index.js');

async function startMock(t) {
  const dir = tempDir(t, 'nanoclaw-mock-');
  const logFile = path.join(dir, 'requests.jsonl');
  const server = createMockServer({ logFile });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l)) : []),
  };
}

function workspace(t) {
  const root = tempDir(t, 'nanoclaw-ws-');
  for (const dir of ['group', 'ipc/input', 'ipc/messages', 'ipc/tasks', 'home']) fs.mkdirSync(path.join(root, dir), { recursive: true });
  return root;
}

function startRunner(t, root, mockUrl, extraEnv = {}) {
  const env = {
    PATH: process.env.PATH,
    HOME: path.join(root, 'home'),
    NANOCLAW_WORKSPACE_ROOT: root,
    ANTHROPIC_BASE_URL: mockUrl,
    ANTHROPIC_API_KEY: 'placeholder',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    // The CLI refuses to skip permissions as root unless told it is sandboxed.
    ...(process.getuid?.() === 0 ? { IS_SANDBOX: '1' } : {}),
    ...extraEnv,
  };
  const runner = new AgentProcess(process.execPath, [RUNNER], { env });
  t.after(() => runner.child.kill('SIGKILL'));
  return runner;
}

const base = { groupFolder: 'telegram_team', chatJid: 'tg:7', isMain: false };

test('bad stdin gives one error record and exit code 1 (E6.5)', async (t) => {
  const runner = startRunner(t, workspace(t), 'http://127.0.0.1:9');
  runner.send('not json');
  const { code } = await runner.waitForExit(15000);
  assert.equal(code, 1);
  assert.equal(runner.records.length, 1);
  assert.equal(runner.records[0].status, 'error');
  assert.equal(runner.records[0].result, null);
  assert.match(runner.records[0].error, /^Failed to parse input: /);
});

test('a full conversation: task prefix, MCP tool, follow-up, _close', async (t) => {
  const mock = await startMock(t);
  const root = workspace(t);
  fs.writeFileSync(path.join(root, 'ipc', 'input', '_close'), ''); // stale, must not end the run
  const runner = startRunner(t, root, mock.url);
  runner.send({
    ...base,
    isScheduledTask: true,
    prompt: 'P [[tool:mcp__nanoclaw__send_message {"text":"progress"}]] [[reply:task done]]',
  });
  const first = await runner.waitForResult((r) => r === 'task done', 60000);
  assert.equal(first.status, 'success');
  assert.match(first.newSessionId, /^[0-9a-f-]{36}$/);

  const [sent] = listFiles(path.join(root, 'ipc', 'messages'));
  const message = readJson(path.join(root, 'ipc', 'messages', sent));
  assert.deepEqual([message.type, message.chatJid, message.text, message.groupFolder], ['message', 'tg:7', 'progress', 'telegram_team']);

  const firstPrompt = mock.requests().find((r) => r.path === '/v1/messages').prompt_text;
  assert.ok(firstPrompt.includes(`${SCHEDULED_TASK_PREFIX}\n\nP`), 'the SDK got the prefixed prompt (E6.4)');

  followUp(path.join(root, 'ipc', 'input'), `${Date.now()}-abcd.json`, 'second [[reply:second answer]]');
  const second = await runner.waitForResult((r) => r === 'second answer', 60000);
  assert.equal(second.newSessionId, first.newSessionId, 'the follow-up went into the same session');

  fs.writeFileSync(path.join(root, 'ipc', 'input', '_close'), '');
  const { code } = await runner.waitForExit(30000);
  assert.equal(code, 0);
  assert.ok(runner.records.every((r) => r.status === 'success'));
  assert.ok(mock.requests().every((r) => r.headers['x-api-key'] === 'placeholder'));
});

test('a second run resumes the session it is given', async (t) => {
  const mock = await startMock(t);
  const root = workspace(t);
  const first = startRunner(t, root, mock.url);
  first.send({ ...base, prompt: 'remember the word tangerine [[reply:noted]]' });
  const answer = await first.waitForResult((r) => r === 'noted', 60000);
  fs.writeFileSync(path.join(root, 'ipc', 'input', '_close'), '');
  assert.equal((await first.waitForExit(30000)).code, 0);

  const second = startRunner(t, root, mock.url);
  second.send({ ...base, sessionId: answer.newSessionId, prompt: 'what was the word? [[reply:tangerine]]' });
  const resumed = await second.waitForResult((r) => r === 'tangerine', 60000);
  assert.equal(resumed.newSessionId, answer.newSessionId);
  const last = mock.requests().filter((r) => r.path === '/v1/messages').at(-1);
  assert.ok(last.message_count >= 3, `resumed request carries the history (${last.message_count} messages)`);
  fs.writeFileSync(path.join(root, 'ipc', 'input', '_close'), '');
  assert.equal((await second.waitForExit(30000)).code, 0);
});

/** A directive the outer [[tool:...]] parser does not see: JSON escapes for the brackets. */
function nested(directive) {
  return directive.replaceAll('[[', '\\u005b\\u005b').replaceAll(']]', '\\u005d\\u005d');
}

test('a sub-agent started with the Task tool can use the in-process nanoclaw tools', async (t) => {
  const mock = await startMock(t);
  const root = workspace(t);
  const runner = startRunner(t, root, mock.url);
  const inner = nested('[[tool:mcp__nanoclaw__send_message {\\"text\\":\\"from the sub-agent\\"}]]');
  runner.send({
    ...base,
    prompt: `delegate [[tool:Task {"description":"sub","prompt":"sub ${inner}","subagent_type":"general-purpose"}]] [[reply:main done]]`,
  });
  await runner.waitForResult((r) => r === 'main done', 60000);
  const messages = path.join(root, 'ipc', 'messages');
  const [file] = await waitFor(() => listFiles(messages).filter((f) => f.endsWith('.json')).length && listFiles(messages), 60000, 'the sub-agent IPC file');
  const message = readJson(path.join(messages, file));
  assert.deepEqual([message.chatJid, message.text, message.groupFolder], ['tg:7', 'from the sub-agent', 'telegram_team']);
  const subRequest = mock.requests().find((r) => r.reply?.[0]?.tool_use === 'mcp__nanoclaw__send_message');
  assert.ok(subRequest && subRequest.prompt_text.includes('sub [[tool:mcp__nanoclaw__send_message'), 'the call came from the sub-agent');
  fs.writeFileSync(path.join(root, 'ipc', 'input', '_close'), '');
  assert.equal((await runner.waitForExit(30000)).code, 0);
});

test('the CA bundle deferred by the entrypoint reaches claude and its tools', async (t) => {
  const mock = await startMock(t);
  const root = workspace(t);
  const bundle = path.join(root, 'ca.pem');
  fs.writeFileSync(bundle, '');
  const runner = startRunner(t, root, mock.url, { NANOCLAW_EXTRA_CA_CERTS: bundle });
  const command = 'echo "${NODE_EXTRA_CA_CERTS:-unset}|${NANOCLAW_EXTRA_CA_CERTS:-unset}" > ca.txt';
  runner.send({ ...base, prompt: `[[tool:Bash ${JSON.stringify({ command, description: 'ca' })}]] [[reply:ca done]]` });
  await runner.waitForResult((r) => r === 'ca done', 60000);
  assert.equal(fs.readFileSync(path.join(root, 'group', 'ca.txt'), 'utf8').trim(), `${bundle}|unset`);
  fs.writeFileSync(path.join(root, 'ipc', 'input', '_close'), '');
  assert.equal((await runner.waitForExit(30000)).code, 0);
});

function phaseLines(runner) {
  return runner.stderrLines.map((l) => l.match(/^\[agent-runner\] phase (\S+) wall_us=(\d+)$/)).filter(Boolean).map((m) => m[1]);
}

/** Milliseconds from `since` (epoch ms) to the mock's first Messages request. */
async function firstRequestAfter(mock, since) {
  const first = await waitFor(() => mock.requests().find((r) => r.path === '/v1/messages'), 60000, 'the first API request');
  return Date.parse(first.ts) - since;
}

test('warm mode: claude is up before the take, nothing is touched before it, then a normal run', async (t) => {
  const mock = await startMock(t);
  const coldRoot = workspace(t);
  const coldStarted = Date.now();
  const cold = startRunner(t, coldRoot, mock.url);
  cold.send({ ...base, prompt: 'cold [[reply:cold answer]]' });
  const coldMs = await firstRequestAfter(mock, coldStarted);
  await cold.waitForResult((r) => r === 'cold answer', 60000);
  fs.writeFileSync(path.join(coldRoot, 'ipc', 'input', '_close'), '');
  assert.equal((await cold.waitForExit(30000)).code, 0);
  const coldRequests = mock.requests().length;

  const root = workspace(t);
  const input = path.join(root, 'ipc', 'input');
  fs.writeFileSync(path.join(input, '_close'), ''); // the running container's, not ours
  followUp(input, '1-aaaa.json', 'queued before the take');
  const runner = startRunner(t, root, mock.url, { NANOCLAW_WARM: '1' });
  runner.sendLine({ groupFolder: base.groupFolder, chatJid: base.chatJid, isMain: false });
  await runner.waitForStderr(/^\[agent-runner\] Warm and waiting for the prompt$/, 60000);
  await new Promise((r) => setTimeout(r, 600)); // longer than the inbox poll: nothing may happen meanwhile
  assert.deepEqual(listFiles(input), ['1-aaaa.json', '_close'], 'the input directory is untouched before the take');
  assert.equal(runner.records.length, 0);
  assert.equal(mock.requests().length, coldRequests, 'no API request before the take');
  // The SDK loads while stdin is read, so sdk-loaded and input come in either order.
  const phases = phaseLines(runner);
  assert.deepEqual([phases[0], ...phases.slice(1, 3).sort(), ...phases.slice(3)], ['main', 'input', 'sdk-loaded', 'query', 'claude-ready', 'warm-ready']);

  const takenAt = Date.now();
  runner.sendLine({ prompt: 'warm [[reply:warm answer]]', isScheduledTask: true }, { end: true });
  const answer = await runner.waitForResult((r) => r === 'warm answer', 60000);
  const warmRequest = mock.requests().slice(coldRequests).find((r) => r.path === '/v1/messages');
  const warmMs = Date.parse(warmRequest.ts) - takenAt;
  t.diagnostic(`start -> first request: cold ${coldMs} ms, warm take ${warmMs} ms`);
  assert.ok(warmMs < coldMs / 2, `the take reaches the API much sooner than a cold start (${warmMs} vs ${coldMs} ms)`);
  assert.ok(warmRequest.prompt_text.includes(`${SCHEDULED_TASK_PREFIX}\n\nwarm [[reply:warm answer]]\nqueued before the take`), 'prefix and queued follow-up');
  assert.ok(!fs.existsSync(path.join(input, '_close')), 'the stale _close was removed at the take');
  await runner.waitForStderr(/^\[agent-runner\] phase output wall_us=\d+$/, 5000); // stderr may trail stdout
  assert.ok(phaseLines(runner).indexOf('prompt') < phaseLines(runner).indexOf('output'));

  followUp(input, `${Date.now()}-bbbb.json`, 'again [[reply:second warm answer]]');
  const second = await runner.waitForResult((r) => r === 'second warm answer', 60000);
  assert.equal(second.newSessionId, answer.newSessionId);
  fs.writeFileSync(path.join(input, '_close'), '');
  assert.equal((await runner.waitForExit(30000)).code, 0);
});

test('warm mode: EOF before the take exits 0 with no record and leaves the input alone', async (t) => {
  const mock = await startMock(t);
  const root = workspace(t);
  fs.writeFileSync(path.join(root, 'ipc', 'input', '_close'), '');
  const runner = startRunner(t, root, mock.url, { NANOCLAW_WARM: '1' });
  runner.sendLine({ ...base, sessionId: '' });
  await runner.waitForStderr(/Warm and waiting for the prompt/, 60000);
  runner.endInput();
  assert.equal((await runner.waitForExit(15000)).code, 0);
  assert.equal(runner.stdout, '');
  assert.deepEqual(listFiles(path.join(root, 'ipc', 'input')), ['_close']);
  assert.equal(mock.requests().length, 0);
});

test('warm mode: a bad start line or take gives one error record and exit 1', async (t) => {
  const badStart = startRunner(t, workspace(t), 'http://127.0.0.1:9', { NANOCLAW_WARM: '1' });
  badStart.sendLine({ groupFolder: 'g', chatJid: 'c' });
  assert.equal((await badStart.waitForExit(15000)).code, 1);
  assert.deepEqual(badStart.records, [{ status: 'error', result: null, error: 'Failed to parse input: "isMain" must be a boolean' }]);

  const mock = await startMock(t);
  const badTake = startRunner(t, workspace(t), mock.url, { NANOCLAW_WARM: '1' });
  badTake.sendLine(base);
  badTake.sendLine({ prompt: 5 }, { end: true });
  assert.equal((await badTake.waitForExit(30000)).code, 1);
  assert.deepEqual(badTake.records, [{ status: 'error', result: null, error: 'Failed to parse input: "prompt" must be a string' }]);
});
