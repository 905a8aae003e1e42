// SPDX-License-Identifier: MIT
// Shared test helpers: a temporary directory per test and atomic file writes
// the way the host writes them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function tempDir(t, prefix = 'nanoclaw-runner-') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes like the host's GroupQueue: `<name>.tmp` then rename. */
export function writeAtomic(dir, name, value) {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(`${file}.tmp`, typeof value === 'string' ? value : JSON.stringify(value));
  fs.renameSync(`${file}.tmp`, file);
  return file;
}

export function followUp(dir, name, text) {
  return writeAtomic(dir, name, { type: 'message', text });
}

export function listFiles(dir) {
  try {
    return fs.readdirSync(dir).sort();
  } catch {
    return [];
  }
}

export function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** Resolves once `predicate()` is truthy; rejects after `timeoutMs`. */
export async function waitFor(predicate, timeoutMs = 5000, what = 'condition') {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
