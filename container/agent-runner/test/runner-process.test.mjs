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
import { tempDir, followUp, listFiles, readJson } from './helpers.mjs';

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

function startRunner(t, root, mockUrl) {
  const env = {
    PATH: process.env.PATH,
    HOME: path.join(root, 'home'),
    NANOCLAW_WORKSPACE_ROOT: root,
    ANTHROPIC_BASE_URL: mockUrl,
    ANTHROPIC_API_KEY: 'placeholder',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    // The CLI refuses to skip permissions as root unless told it is sandboxed.
    ...(process.getuid?.() === 0 ? { IS_SANDBOX: '1' } : {}),
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
