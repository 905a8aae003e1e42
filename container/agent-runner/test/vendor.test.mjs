// SPDX-License-Identifier: MIT
// The SDK + zod loader (src/vendor.ts) with a bundle built by vendor/build.mjs,
// as the image builds it: with its code cache, with a cache V8 rejects, with
// none, and without the bundle (plain import). Each case runs in a fresh node
// process (vendor-probe.mjs) and must find the same `claude` and serve the
// nanoclaw tools through the in-process MCP server.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nanoclaw-vendor-'));
// Laid out like /app: the bundle in vendor/, the packages in node_modules beside it.
fs.symlinkSync(path.join(pkg, 'node_modules'), path.join(root, 'node_modules'));
const built = path.join(root, 'vendor');
const buildLog = execFileSync(process.execPath, [path.join(pkg, 'vendor', 'build.mjs'), built], { encoding: 'utf8' });
test.after(() => fs.rmSync(root, { recursive: true, force: true }));

/** A copy of the built vendor directory with `change` applied to it. */
function variant(name, change) {
  const dir = path.join(root, name);
  fs.cpSync(built, dir, { recursive: true });
  change(dir);
  return dir;
}

function probe(dir) {
  return JSON.parse(execFileSync(process.execPath, [path.join(pkg, 'test', 'vendor-probe.mjs'), dir], { encoding: 'utf8' }));
}

const imported = probe(path.join(root, 'no-such-dir'));

function assertWorks(result) {
  assert.deepEqual(result.exports, ['createSdkMcpServer', 'query', 'tool', 'z']);
  assert.ok(result.claude && result.claude.endsWith('/claude'), `claude: ${result.claude}`);
  assert.equal(result.claude, imported.claude, 'the bundle finds the same claude as the package');
  assert.equal(result.tool.ok, 'Message sent.');
  assert.deepEqual(result.tool.written, ['ping']);
  assert.equal(result.tool.bad.isError, true);
  assert.match(result.tool.bad.text, /text/);
}

test('the build writes the bundle and its code cache and checks the evaluation had no side effects', () => {
  assert.ok(fs.statSync(path.join(built, 'vendor.cjs')).size > 500_000);
  assert.ok(fs.statSync(path.join(built, 'vendor.cjs.cache')).size > 100_000);
  assert.match(buildLog, /evaluation left no side effects/);
});

test('without a bundle the packages are imported, and they work', () => {
  assert.equal(imported.source, 'import');
  assert.equal(imported.packageZod, true);
  assert.match(imported.claude, /claude-agent-sdk-linux-[^/]+\/claude$/);
  assertWorks(imported);
});

test('the bundle loads with its code cache, as one copy of zod, and works', () => {
  const result = probe(built);
  assert.equal(result.source, 'cache');
  assert.equal(result.packageZod, false, 'zod comes from the bundle, not node_modules');
  assertWorks(result);
});

test('a code cache V8 rejects only costs time', () => {
  const dir = variant('rejected', (d) => fs.writeFileSync(path.join(d, 'vendor.cjs.cache'), Buffer.alloc(4096, 7)));
  const result = probe(dir);
  assert.equal(result.source, 'cache-rejected');
  assertWorks(result);
});

test('a missing code cache only costs time', () => {
  const dir = variant('uncached', (d) => fs.rmSync(path.join(d, 'vendor.cjs.cache')));
  const result = probe(dir);
  assert.equal(result.source, 'cache-missing');
  assertWorks(result);
});
