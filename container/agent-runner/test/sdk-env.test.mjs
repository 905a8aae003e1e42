// SPDX-License-Identifier: MIT
import test from 'node:test';
import assert from 'node:assert/strict';
import { sdkEnvironment } from '../dist/sdk-env.js';

test('the deferred CA bundle goes back to NODE_EXTRA_CA_CERTS for claude', () => {
  const env = sdkEnvironment({ PATH: '/bin', NANOCLAW_EXTRA_CA_CERTS: '/etc/ca.pem' });
  assert.equal(env.NODE_EXTRA_CA_CERTS, '/etc/ca.pem');
  assert.equal('NANOCLAW_EXTRA_CA_CERTS' in env, false);
  assert.equal(env.PATH, '/bin');
});

test('a NODE_EXTRA_CA_CERTS already set wins, and no bundle means none', () => {
  assert.equal(sdkEnvironment({ NODE_EXTRA_CA_CERTS: '/a', NANOCLAW_EXTRA_CA_CERTS: '/b' }).NODE_EXTRA_CA_CERTS, '/a');
  assert.equal('NODE_EXTRA_CA_CERTS' in sdkEnvironment({ PATH: '/bin' }), false);
});

test('the compaction window default is there unless the container sets one', () => {
  assert.equal(sdkEnvironment({}).CLAUDE_CODE_AUTO_COMPACT_WINDOW, '165000');
  assert.equal(sdkEnvironment({ CLAUDE_CODE_AUTO_COMPACT_WINDOW: '9' }).CLAUDE_CODE_AUTO_COMPACT_WINDOW, '9');
});
