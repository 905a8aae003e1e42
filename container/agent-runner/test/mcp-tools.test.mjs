// SPDX-License-Identifier: MIT
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { nanoclawTools } from '../dist/mcp-tools.js';
import { tempDir, listFiles, readJson } from './helpers.mjs';

const { tools: TOOLS, call: callTool } = nanoclawTools(z);

const NOW = new Date('2026-03-13T10:20:30.123Z');
const FILE_NAME = /^1773397230123-[0-9a-z]{6}\.json$/;

function ctx(t, overrides = {}) {
  return { chatJid: 'tg:own', groupFolder: 'telegram_team', isMain: false, ipcDir: tempDir(t), now: () => NOW, ...overrides };
}

/** The single request file a call wrote to `sub` (messages or tasks). */
function onlyFile(c, sub) {
  const dir = path.join(c.ipcDir, sub);
  const files = listFiles(dir);
  assert.equal(files.length, 1, `expected one file in ${sub}, got ${files}`);
  assert.match(files[0], FILE_NAME);
  return readJson(path.join(dir, files[0]));
}

function text(result) {
  return result.content.map((c) => c.text).join('');
}

test('there are exactly the eight reference tools', () => {
  assert.deepEqual(
    TOOLS.map((tool) => tool.name),
    ['send_message', 'schedule_task', 'list_tasks', 'pause_task', 'resume_task', 'cancel_task', 'update_task', 'register_group'],
  );
});

test('send_message writes the host message format to messages/', (t) => {
  const c = ctx(t);
  const result = callTool('send_message', { text: 'hi', sender: 'Researcher' }, c);
  assert.equal(text(result), 'Message sent.');
  assert.equal(result.isError, undefined);
  assert.deepEqual(onlyFile(c, 'messages'), {
    type: 'message',
    chatJid: 'tg:own',
    text: 'hi',
    sender: 'Researcher',
    groupFolder: 'telegram_team',
    timestamp: '2026-03-13T10:20:30.123Z',
  });
});

test('send_message leaves out an empty sender and writes pretty JSON atomically (E6.11)', (t) => {
  const c = ctx(t);
  callTool('send_message', { text: 'x', sender: '' }, c);
  const dir = path.join(c.ipcDir, 'messages');
  const [name] = listFiles(dir);
  const raw = fs.readFileSync(path.join(dir, name), 'utf8');
  assert.equal(raw, JSON.stringify(JSON.parse(raw), null, 2), 'two-space pretty JSON');
  assert.equal('sender' in JSON.parse(raw), false);
  assert.deepEqual(listFiles(dir).filter((f) => f.endsWith('.tmp')), []);
});

test('schedule_task from a non-main group always targets its own chat (E6.6)', (t) => {
  const c = ctx(t);
  const result = callTool(
    'schedule_task',
    { prompt: 'water plants', schedule_type: 'cron', schedule_value: '0 9 * * *', target_group_jid: 'other@g.us' },
    c,
  );
  const data = onlyFile(c, 'tasks');
  assert.match(data.taskId, /^task-1773397230123-[0-9a-z]{6}$/);
  assert.equal(text(result), `Task ${data.taskId} scheduled: cron - 0 9 * * *`);
  assert.deepEqual(data, {
    type: 'schedule_task',
    taskId: data.taskId,
    prompt: 'water plants',
    schedule_type: 'cron',
    schedule_value: '0 9 * * *',
    context_mode: 'group',
    targetJid: 'tg:own',
    createdBy: 'telegram_team',
    timestamp: '2026-03-13T10:20:30.123Z',
  });
});

test('schedule_task from main honours target_group_jid and context_mode', (t) => {
  const c = ctx(t, { isMain: true, groupFolder: 'main' });
  callTool(
    'schedule_task',
    { prompt: 'p', schedule_type: 'interval', schedule_value: '300000', context_mode: 'isolated', target_group_jid: 'other@g.us' },
    c,
  );
  const data = onlyFile(c, 'tasks');
  assert.equal(data.targetJid, 'other@g.us');
  assert.equal(data.context_mode, 'isolated');
  assert.equal(data.createdBy, 'main');
});

test('schedule_task accepts a local once timestamp and a lenient interval', (t) => {
  const c = ctx(t);
  assert.equal(callTool('schedule_task', { prompt: 'p', schedule_type: 'once', schedule_value: '2026-02-01T15:30:00' }, c).isError, undefined);
  assert.equal(callTool('schedule_task', { prompt: 'p', schedule_type: 'interval', schedule_value: '300000abc' }, c).isError, undefined);
  assert.equal(listFiles(path.join(c.ipcDir, 'tasks')).length, 2);
});

for (const [type, value, expected] of [
  ['once', '2026-02-01T15:30:00Z', /^Invalid timestamp: "2026-02-01T15:30:00Z"/],
  ['once', '2026-02-01T15:30:00+01:00', /time zone suffix/],
  ['once', 'next tuesday', /^Invalid timestamp: "next tuesday"\./],
  ['interval', '0', /^Invalid interval: "0"\./],
  ['interval', 'abc', /^Invalid interval: "abc"\./],
  ['interval', '-5', /^Invalid interval: "-5"\./],
  ['cron', '61 * * * *', /^Invalid cron: "61 \* \* \* \*"\./],
  ['cron', 'every day', /^Invalid cron: "every day"\./],
]) {
  test(`schedule_task rejects ${type} "${value}" and writes nothing (E6.7)`, (t) => {
    const c = ctx(t);
    const result = callTool('schedule_task', { prompt: 'p', schedule_type: type, schedule_value: value }, c);
    assert.equal(result.isError, true);
    assert.match(text(result), expected);
    assert.deepEqual(listFiles(path.join(c.ipcDir, 'tasks')), []);
  });
}

for (const [name, verb] of [
  ['pause_task', 'pause requested'],
  ['resume_task', 'resume requested'],
  ['cancel_task', 'cancellation requested'],
]) {
  test(`${name} writes its request with a boolean isMain`, (t) => {
    const c = ctx(t, { isMain: true });
    assert.equal(text(callTool(name, { task_id: 'task-1' }, c)), `Task task-1 ${verb}.`);
    assert.deepEqual(onlyFile(c, 'tasks'), {
      type: name,
      taskId: 'task-1',
      groupFolder: 'telegram_team',
      isMain: true,
      timestamp: '2026-03-13T10:20:30.123Z',
    });
  });
}

test('update_task sends only the given fields and isMain as a string (E6.8)', (t) => {
  const c = ctx(t);
  assert.equal(text(callTool('update_task', { task_id: 't1', prompt: 'new prompt' }, c)), 'Task t1 update requested.');
  assert.deepEqual(onlyFile(c, 'tasks'), {
    type: 'update_task',
    taskId: 't1',
    groupFolder: 'telegram_team',
    isMain: 'false',
    timestamp: '2026-03-13T10:20:30.123Z',
    prompt: 'new prompt',
  });
  const main = ctx(t, { isMain: true });
  callTool('update_task', { task_id: 't2', schedule_type: 'interval', schedule_value: '60000' }, main);
  const data = onlyFile(main, 'tasks');
  assert.equal(data.isMain, 'true');
  assert.equal(data.schedule_type, 'interval');
  assert.equal(data.schedule_value, '60000');
  assert.equal('prompt' in data, false);
});

for (const [args, expected] of [
  [{ task_id: 't', schedule_value: 'not cron' }, /^Invalid cron: "not cron"\./],
  [{ task_id: 't', schedule_type: 'cron', schedule_value: '61 * * * *' }, /^Invalid cron/],
  [{ task_id: 't', schedule_type: 'interval', schedule_value: '0' }, /^Invalid interval: "0"\./],
]) {
  test(`update_task rejects ${JSON.stringify(args)}`, (t) => {
    const c = ctx(t);
    const result = callTool('update_task', args, c);
    assert.equal(result.isError, true);
    assert.match(text(result), expected);
    assert.deepEqual(listFiles(path.join(c.ipcDir, 'tasks')), []);
  });
}

test('update_task leaves once values to the host', (t) => {
  const c = ctx(t);
  assert.equal(callTool('update_task', { task_id: 't', schedule_type: 'once', schedule_value: 'whenever' }, c).isError, undefined);
});

test('register_group from a non-main group fails and writes nothing (E6.9)', (t) => {
  const c = ctx(t);
  const result = callTool('register_group', { jid: 'j@g.us', name: 'N', folder: 'whatsapp_n', trigger: '@Andy' }, c);
  assert.equal(result.isError, true);
  assert.equal(text(result), 'Only the main group can register new groups.');
  assert.deepEqual(listFiles(c.ipcDir), []);
});

test('register_group from main writes the request, requiresTrigger only when given', (t) => {
  const c = ctx(t, { isMain: true });
  const result = callTool('register_group', { jid: 'j@g.us', name: 'Family', folder: 'whatsapp_family', trigger: '@Andy' }, c);
  assert.equal(text(result), 'Group "Family" registered. It will start receiving messages immediately.');
  assert.deepEqual(onlyFile(c, 'tasks'), {
    type: 'register_group',
    jid: 'j@g.us',
    name: 'Family',
    folder: 'whatsapp_family',
    trigger: '@Andy',
    timestamp: '2026-03-13T10:20:30.123Z',
  });
  const solo = ctx(t, { isMain: true });
  callTool('register_group', { jid: 'k', name: 'Me', folder: 'telegram_me', trigger: '@Andy', requiresTrigger: false }, solo);
  assert.equal(onlyFile(solo, 'tasks').requiresTrigger, false);
});

function writeSnapshot(c, tasks) {
  fs.writeFileSync(path.join(c.ipcDir, 'current_tasks.json'), JSON.stringify(tasks, null, 2));
}

const task = (id, groupFolder, extra = {}) => ({
  id,
  groupFolder,
  prompt: '0123456789',
  schedule_type: 'interval',
  schedule_value: '60000',
  status: 'active',
  next_run: null,
  ...extra,
});

test('list_tasks formats each task on one line (E6.10)', (t) => {
  const c = ctx(t);
  writeSnapshot(c, [task('task-a', 'telegram_team')]);
  assert.equal(
    text(callTool('list_tasks', {}, c)),
    'Scheduled tasks:\n- [task-a] 0123456789... (interval: 60000) - active, next: N/A',
  );
});

test('list_tasks cuts prompts at 50 characters and shows next_run', (t) => {
  const c = ctx(t, { isMain: true });
  writeSnapshot(c, [task('t', 'x', { prompt: 'p'.repeat(80), next_run: '2026-03-14T09:00:00.000Z' })]);
  assert.equal(
    text(callTool('list_tasks', {}, c)),
    `Scheduled tasks:\n- [t] ${'p'.repeat(50)}... (interval: 60000) - active, next: 2026-03-14T09:00:00.000Z`,
  );
});

test('list_tasks shows other groups\' tasks only to main', (t) => {
  const tasks = [task('mine', 'telegram_team'), task('theirs', 'other')];
  const c = ctx(t);
  writeSnapshot(c, tasks);
  assert.doesNotMatch(text(callTool('list_tasks', {}, c)), /theirs/);
  const main = ctx(t, { isMain: true });
  writeSnapshot(main, tasks);
  assert.match(text(callTool('list_tasks', {}, main)), /theirs/);
});

test('list_tasks with no snapshot or no own tasks says so', (t) => {
  const c = ctx(t);
  assert.equal(text(callTool('list_tasks', {}, c)), 'No scheduled tasks found.');
  writeSnapshot(c, [task('theirs', 'other')]);
  assert.equal(text(callTool('list_tasks', {}, c)), 'No scheduled tasks found.');
});

test('list_tasks reports a broken snapshot as text without the error flag', (t) => {
  const c = ctx(t);
  fs.writeFileSync(path.join(c.ipcDir, 'current_tasks.json'), '{broken');
  const result = callTool('list_tasks', {}, c);
  assert.match(text(result), /^Error reading tasks: /);
  assert.equal(result.isError, undefined);
});

for (const [name, args, field] of [
  ['send_message', {}, /text/],
  ['send_message', { text: 42 }, /text/],
  ['schedule_task', { prompt: 'p', schedule_type: 'weekly', schedule_value: 'x' }, /schedule_type/],
  ['schedule_task', { prompt: 'p', schedule_type: 'cron', schedule_value: '* * * * *', context_mode: 'shared' }, /context_mode/],
  ['pause_task', {}, /task_id/],
  ['update_task', { task_id: 't', schedule_type: 'hourly' }, /schedule_type/],
  ['register_group', { jid: 'j', name: 'n', folder: 'f' }, /trigger/],
  ['register_group', { jid: 'j', name: 'n', folder: 'f', trigger: '@A', requiresTrigger: 'no' }, /requiresTrigger/],
]) {
  test(`${name} with invalid arguments ${JSON.stringify(args)} is a clear tool error`, (t) => {
    const c = ctx(t, { isMain: true });
    const result = callTool(name, args, c);
    assert.equal(result.isError, true);
    assert.match(text(result), new RegExp(`^Invalid arguments for tool ${name}: `));
    assert.match(text(result), field);
    assert.deepEqual(listFiles(c.ipcDir), []);
  });
}

test('an unknown tool is an error', (t) => {
  assert.equal(callTool('rm_rf', {}, ctx(t)).isError, true);
});

test('a write that cannot happen throws instead of reporting success', (t) => {
  const c = ctx(t);
  fs.writeFileSync(path.join(c.ipcDir, 'messages'), 'a file where a directory should be');
  assert.throws(() => callTool('send_message', { text: 'x' }, c));
});
