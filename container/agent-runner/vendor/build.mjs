// SPDX-License-Identifier: MIT
// Image build step (container/Dockerfile), after tsc: bundles vendor/entry.mjs
// (the agent SDK and zod) into <out>/vendor.cjs and writes its V8 code cache,
// <out>/vendor.cjs.cache, which dist/vendor.js loads at every start.
//
//   node vendor/build.mjs <out-dir>
//
// The cache is written by a fresh node process that evaluates the bundle once
// through the runner's own loader, and that evaluation must do nothing but
// define things: it fails the build if it leaves timers, handles, process
// listeners, globals or environment variables behind, apart from the ones the
// packages define on every import (KNOWN below), with or without the bundle.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const [mode, outArg] = process.argv[2] === '--cache' ? ['cache', process.argv[3]] : ['bundle', process.argv[2]];
if (!outArg) {
  console.error('usage: node vendor/build.mjs <out-dir>');
  process.exit(2);
}
const out = path.resolve(outArg);

async function bundle() {
  const esbuild = await import('esbuild');
  fs.mkdirSync(out, { recursive: true });
  await esbuild.build({
    entryPoints: [path.join(here, 'entry.mjs')],
    outfile: path.join(out, 'vendor.cjs'),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: `node${process.versions.node.split('.')[0]}`,
    // The SDK finds its native `claude` with createRequire(import.meta.url):
    // give it the bundle's own URL, so it resolves from <out>/../node_modules.
    define: { 'import.meta.url': '__vendor_file_url' },
    banner: { js: 'var __vendor_file_url = require("node:url").pathToFileURL(__filename).href;' },
    logLevel: 'warning',
    legalComments: 'none',
  });
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--cache', out], { stdio: 'inherit' });
  if (child.status !== 0) process.exit(child.status ?? 1);
}

// zod keeps its registry on globalThis; the SDK sets this variable when it
// loads (a Windows PATH-lookup guard, inherited by `claude` as before).
const KNOWN = { globals: ['__zod_globalConfig', '__zod_globalRegistry'], env: ['NoDefaultCurrentDirectoryInExePath'] };

const without = (names, known) => names.filter((name) => !known.includes(name));

function snapshot() {
  const listeners = {};
  for (const event of ['exit', 'beforeExit', 'SIGTERM', 'SIGINT', 'uncaughtException', 'unhandledRejection', 'warning']) {
    listeners[event] = process.listenerCount(event);
  }
  return {
    resources: process.getActiveResourcesInfo().sort().join(','),
    listeners: JSON.stringify(listeners),
    globals: without(Object.getOwnPropertyNames(globalThis), KNOWN.globals).sort().join(','),
    env: without(Object.keys(process.env), KNOWN.env).sort().join(','),
  };
}

async function cache() {
  // The loader is the runner's compiled src/vendor.ts, beside this folder.
  const { writeCodeCache } = await import(pathToFileURL(path.join(here, '..', 'dist', 'vendor.js')).href);
  // Node opens stdout and stderr on first use (a pipe handle under docker
  // build); the SDK looks at them while loading, which is no side effect.
  void process.stdout.isTTY;
  void process.stderr.isTTY;
  await new Promise((resolve) => setImmediate(resolve)); // let the loader's own file reads finish
  const before = snapshot();
  const bytes = writeCodeCache(out);
  const after = snapshot();
  await new Promise((resolve) => setImmediate(resolve));
  const late = snapshot();
  const changed = Object.keys(before).filter((key) => before[key] !== after[key] || before[key] !== late[key]);
  if (changed.length > 0) {
    for (const key of changed) console.error(`vendor: evaluating the bundle changed ${key}:\n  before ${before[key]}\n  after  ${late[key]}`);
    process.exit(1);
  }
  const size = fs.statSync(path.join(out, 'vendor.cjs')).size;
  console.log(`vendor: ${out}/vendor.cjs ${size} bytes, code cache ${bytes} bytes; evaluation left no side effects`);
}

await (mode === 'cache' ? cache() : bundle());
