// SPDX-License-Identifier: MIT
import test from 'node:test';
import assert from 'node:assert/strict';
import { parseDirectives, planTurn, promptIndex } from '../script.mjs';

let ids = 0;
const newId = () => `id${++ids}`;
const user = (content) => ({ role: 'user', content });
const assistant = (content) => ({ role: 'assistant', content });
const toolResult = (id, text) => user([{ type: 'tool_result', tool_use_id: id, content: [{ type: 'text', text }] }]);

test('without directives the mock says hi', () => {
  const turn = planTurn({ messages: [user('hello')] }, newId);
  assert.deepEqual(turn.content, [{ type: 'text', text: 'hi from mock' }]);
  assert.equal(turn.stopReason, 'end_turn');
});

test('a reply directive sets the text, keeping inner spaces', () => {
  const turn = planTurn({ messages: [user([{ type: 'text', text: 'x [[reply:two  words]]' }])] }, newId);
  assert.equal(turn.content[0].text, 'two  words');
});

test('directives are parsed with JSON input, delay and error', () => {
  const d = parseDirectives('[[tool:Bash {"command":"ls"}]] [[tool:Read]] [[delay:25]] [[http_error:529]] [[tool:X {bad]]');
  assert.deepEqual(d.tools, [
    { name: 'Bash', input: { command: 'ls' } },
    { name: 'Read', input: {} },
    { name: 'X', input: { _unparsed: '{bad' } },
  ]);
  assert.equal(d.delayMs, 25);
  assert.equal(d.httpError, 529);
});

test('tools run in order, one per turn, then MOCK_DONE with the last result', () => {
  const prompt = user('go [[tool:Bash {"command":"a"}]] [[tool:Read {"file_path":"/x"}]]');
  const tools = [{ name: 'Bash' }, { name: 'Read' }];
  const t1 = planTurn({ tools, messages: [prompt] }, newId);
  assert.equal(t1.stopReason, 'tool_use');
  assert.equal(t1.content[0].name, 'Bash');
  const t2 = planTurn({ tools, messages: [prompt, assistant(t1.content), toolResult(t1.content[0].id, 'out-a')] }, newId);
  assert.equal(t2.content[0].name, 'Read');
  assert.deepEqual(t2.content[0].input, { file_path: '/x' });
  const t3 = planTurn(
    { tools, messages: [prompt, assistant(t1.content), toolResult('1', 'out-a'), assistant(t2.content), toolResult('2', 'out-b')] },
    newId,
  );
  assert.deepEqual(t3.content, [{ type: 'text', text: 'MOCK_DONE: out-b' }]);
});

test('a deferred tool is first looked up with ToolSearch', () => {
  const prompt = user('[[tool:mcp__nanoclaw__send_message {"text":"hi"}]]');
  const tools = [{ name: 'ToolSearch' }, { name: 'Bash' }];
  const t1 = planTurn({ tools, messages: [prompt] }, newId);
  assert.equal(t1.content[0].name, 'ToolSearch');
  assert.deepEqual(t1.content[0].input, { query: 'select:mcp__nanoclaw__send_message' });
  const t2 = planTurn({ tools, messages: [prompt, assistant(t1.content), toolResult(t1.content[0].id, '')] }, newId);
  assert.equal(t2.content[0].name, 'mcp__nanoclaw__send_message');
});

test('only the latest prompt counts, so a resumed history does not replay old directives', () => {
  const messages = [user('[[tool:Bash {}]]'), assistant([{ type: 'text', text: 'done' }]), user('[[reply:new]]')];
  assert.equal(promptIndex(messages), 2);
  assert.equal(planTurn({ messages }, newId).content[0].text, 'new');
});

test('an empty or malformed body still gets an answer', () => {
  assert.equal(planTurn({}, newId).content[0].text, 'hi from mock');
  assert.equal(planTurn({ messages: 'nope' }, newId).content[0].text, 'hi from mock');
});
