// SPDX-License-Identifier: MIT
import test from 'node:test';
import assert from 'node:assert/strict';
import { buildInitialPrompt, SCHEDULED_TASK_PREFIX } from '../dist/prompt.js';

const input = { prompt: 'P', groupFolder: 'g', chatJid: 'j', isMain: false };

test('a scheduled task prompt gets the fixed prefix and a blank line (E6.4)', () => {
  assert.equal(
    buildInitialPrompt({ ...input, isScheduledTask: true }, []),
    '[SCHEDULED TASK - The following message was sent automatically and is not coming directly from the user or group.]\n\nP',
  );
  assert.ok(SCHEDULED_TASK_PREFIX.startsWith('[SCHEDULED TASK'));
});

test('a chat prompt is used as is', () => {
  assert.equal(buildInitialPrompt(input, []), 'P');
});

test('queued follow-ups are appended one per line', () => {
  assert.equal(buildInitialPrompt(input, ['A', 'B']), 'P\nA\nB');
});
