// SPDX-License-Identifier: MIT
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ALLOWED_TOOLS, buildQueryOptions, extraDirectories, runQuery } from '../dist/agent-query.js';
import { workspacePaths } from '../dist/paths.js';
import { IpcInbox } from '../dist/ipc-inbox.js';
import { tempDir, followUp, waitFor } from './helpers.mjs';

function context(t, inputOverrides = {}) {
  const root = tempDir(t);
  const paths = workspacePaths(root);
  fs.mkdirSync(paths.inputDir, { recursive: true });
  return {
    input: { prompt: 'p', groupFolder: 'team', chatJid: 'tg:5', isMain: false, ...inputOverrides },
    paths,
    mcpServer: () => ({ type: 'sdk', name: 'nanoclaw', instance: {} }),
    sdkEnv: { ANTHROPIC_BASE_URL: 'http://proxy' },
  };
}

test('options carry the reference settings, tools and the in-process MCP server', (t) => {
  const ctx = context(t);
  const options = buildQueryOptions(ctx, { sessionId: 's1', resumeAt: 'u9' });
  assert.equal(options.cwd, ctx.paths.groupDir);
  assert.equal(options.resume, 's1');
  assert.equal(options.resumeSessionAt, 'u9');
  assert.equal(options.permissionMode, 'bypassPermissions');
  assert.equal(options.allowDangerouslySkipPermissions, true);
  assert.deepEqual(options.settingSources, ['project', 'user']);
  assert.deepEqual(options.allowedTools, ALLOWED_TOOLS);
  assert.equal(ALLOWED_TOOLS.length, 19);
  assert.ok(ALLOWED_TOOLS.includes('mcp__nanoclaw__*'));
  assert.equal(options.env, ctx.sdkEnv);
  assert.deepEqual(Object.keys(options.mcpServers), ['nanoclaw']);
  assert.equal(options.mcpServers.nanoclaw.type, 'sdk', 'the tools run in-process');
  assert.equal(options.hooks.PreCompact.length, 1);
  assert.equal(options.additionalDirectories, undefined);
});

test('a non-main group gets the preset with global memory appended', (t) => {
  const ctx = context(t);
  fs.mkdirSync(path.dirname(ctx.paths.globalClaudeMd), { recursive: true });
  fs.writeFileSync(ctx.paths.globalClaudeMd, '# Shared memory');
  assert.deepEqual(buildQueryOptions(ctx, {}).systemPrompt, {
    type: 'preset',
    preset: 'claude_code',
    append: '# Shared memory',
  });
});

test('main gets no system prompt override even when global memory exists', (t) => {
  const ctx = context(t, { isMain: true });
  fs.mkdirSync(path.dirname(ctx.paths.globalClaudeMd), { recursive: true });
  fs.writeFileSync(ctx.paths.globalClaudeMd, '# Shared memory');
  const options = buildQueryOptions(ctx, {});
  assert.equal(options.systemPrompt, undefined);
});

test('without a global CLAUDE.md a non-main group keeps the SDK default prompt', (t) => {
  assert.equal(buildQueryOptions(context(t), {}).systemPrompt, undefined);
});

test('only directories under /workspace/extra become additional directories', (t) => {
  const ctx = context(t);
  fs.mkdirSync(path.join(ctx.paths.extraDir, 'repo'), { recursive: true });
  fs.writeFileSync(path.join(ctx.paths.extraDir, 'note.txt'), '');
  assert.deepEqual(extraDirectories(ctx.paths.extraDir), [path.join(ctx.paths.extraDir, 'repo')]);
  assert.deepEqual(buildQueryOptions(ctx, {}).additionalDirectories, [path.join(ctx.paths.extraDir, 'repo')]);
  assert.deepEqual(extraDirectories(path.join(ctx.paths.root, 'missing')), []);
});

/**
 * A stand-in for the SDK's query(): answers each prompt from the stream with a
 * result, the way the CLI does in a long-lived session.
 */
function fakeSdk(results) {
  const seen = { prompts: [], options: null };
  const queryFn = ({ prompt, options }) => {
    seen.options = options;
    return (async function* () {
      yield { type: 'system', subtype: 'init', session_id: 'sess-1' };
      let i = 0;
      for await (const msg of prompt) {
        seen.prompts.push(msg.message.content);
        yield { type: 'assistant', uuid: `uuid-${i}`, message: { content: [] } };
        yield { type: 'result', subtype: 'success', result: results[i++] ?? '' };
      }
    })();
  };
  return { queryFn, seen };
}

test('results become records, follow-ups are piped in, and close ends the query', async (t) => {
  const ctx = context(t);
  const inbox = new IpcInbox(ctx.paths.inputDir, { pollMs: 10 });
  const outputs = [];
  const { queryFn, seen } = fakeSdk(['first answer', '']);
  const running = runQuery('hello', {}, ctx, { queryFn, inbox, emit: (o) => outputs.push(o) });
  await waitFor(() => outputs.length === 1, 5000, 'first result');
  followUp(ctx.paths.inputDir, '1-a.json', 'follow-up');
  await waitFor(() => outputs.length === 2, 5000, 'second result');
  fs.writeFileSync(path.join(ctx.paths.inputDir, '_close'), '');
  const outcome = await running;
  assert.deepEqual(seen.prompts, ['hello', 'follow-up']);
  assert.deepEqual(outputs, [
    { status: 'success', result: 'first answer', newSessionId: 'sess-1' },
    { status: 'success', result: null, newSessionId: 'sess-1' },
  ]);
  assert.deepEqual(outcome, { newSessionId: 'sess-1', lastAssistantUuid: 'uuid-1', closedDuringQuery: true });
});

test('an SDK failure propagates and stops watching the inbox', async (t) => {
  const ctx = context(t);
  const inbox = new IpcInbox(ctx.paths.inputDir, { pollMs: 10 });
  const queryFn = () =>
    (async function* () {
      yield { type: 'system', subtype: 'init', session_id: 's' };
      throw new Error('model unavailable');
    })();
  await assert.rejects(runQuery('x', {}, ctx, { queryFn, inbox, emit: () => {} }), /model unavailable/);
  followUp(ctx.paths.inputDir, '1-a.json', 'not consumed');
  await new Promise((r) => setTimeout(r, 50));
  assert.ok(fs.existsSync(path.join(ctx.paths.inputDir, '1-a.json')));
});
