// SPDX-License-Identifier: MIT
// Loads the agent SDK and zod: the bulk of the runner's start-up. Parsing and
// compiling the SDK's 1.4 MB sdk.mjs and zod costs ~130 ms on every cold start,
// so the image bundles both into one CommonJS file (/app/vendor/vendor.cjs,
// built by vendor/build.mjs) and stores V8's code cache for it beside it; with
// the cache, V8 skips most of that work. Without the cache (or when V8 rejects
// it) the bundle still loads, only slower; without the bundle (tests running
// dist/ outside the image) the packages are imported as usual.
//
// Every use of the SDK and zod in the runner goes through one loaded copy, so
// the zod schemas of our MCP tools are made by the same zod the SDK sees.
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { createRequire } from 'node:module';
import type * as Sdk from '@anthropic-ai/claude-agent-sdk';
import type * as Zod from 'zod';

/** What the runner uses; vendor/entry.mjs exports exactly these. */
export interface Vendor {
  query: typeof Sdk.query;
  createSdkMcpServer: typeof Sdk.createSdkMcpServer;
  tool: typeof Sdk.tool;
  z: typeof Zod.z;
}

/** How the copy was loaded: bundle with its code cache, bundle without one, or plain import(). */
export type VendorSource = 'cache' | 'cache-missing' | 'cache-rejected' | 'import';

export interface LoadedVendor {
  vendor: Vendor;
  source: VendorSource;
}

export const DEFAULT_VENDOR_DIR = '/app/vendor';
export const BUNDLE_FILE = 'vendor.cjs';
export const CACHE_FILE = 'vendor.cjs.cache';

/** The directory the image puts the bundle in; NANOCLAW_VENDOR_DIR exists for tests. */
export function vendorDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.NANOCLAW_VENDOR_DIR || DEFAULT_VENDOR_DIR;
}

// Node's CommonJS wrapper (module.wrap), so the bundle sees the usual module scope.
const WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname) { ';
const WRAPPER_TAIL = '\n});';

function compile(file: string, cachedData?: Buffer): vm.Script {
  const source = fs.readFileSync(file, 'utf8');
  return new vm.Script(WRAPPER_HEAD + source + WRAPPER_TAIL, { filename: file, cachedData });
}

function evaluate(script: vm.Script, file: string): Vendor {
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  const module = { exports: {} as Record<string, unknown> };
  // createRequire(file) resolves from /app/vendor, i.e. /app/node_modules: the
  // SDK finds the same native `claude` as when it is imported from there.
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
  return module.exports as unknown as Vendor;
}

function readCache(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Loads the bundle in `dir` with its code cache if it has one; null when there is no bundle. */
export function loadBundle(dir: string): LoadedVendor | null {
  const file = path.join(dir, BUNDLE_FILE);
  if (!fs.existsSync(file)) return null;
  const cachedData = readCache(path.join(dir, CACHE_FILE));
  const script = compile(file, cachedData);
  const source: VendorSource = !cachedData ? 'cache-missing' : script.cachedDataRejected ? 'cache-rejected' : 'cache';
  return { vendor: evaluate(script, file), source };
}

/** The packages themselves, for a runner started without the image's bundle. */
export async function importVendor(): Promise<LoadedVendor> {
  const [sdk, zod] = await Promise.all([import('@anthropic-ai/claude-agent-sdk'), import('zod')]);
  return {
    vendor: { query: sdk.query, createSdkMcpServer: sdk.createSdkMcpServer, tool: sdk.tool, z: zod.z },
    source: 'import',
  };
}

let loaded: Promise<LoadedVendor> | undefined;

/** The one copy of the SDK and zod for this process (loaded on the first call). */
export function loadVendor(dir: string = vendorDir()): Promise<LoadedVendor> {
  loaded ??= Promise.resolve().then(() => loadBundle(dir) ?? importVendor());
  return loaded;
}

/**
 * Evaluates the bundle in `dir` once and writes V8's code cache for it (an
 * image build step). Taken after the evaluation, the cache also holds the
 * functions that ran while the modules were defined, which are exactly the
 * ones a start needs. Returns the cache's size in bytes.
 */
export function writeCodeCache(dir: string): number {
  const file = path.join(dir, BUNDLE_FILE);
  const script = compile(file);
  evaluate(script, file);
  const data = script.createCachedData();
  const target = path.join(dir, CACHE_FILE);
  fs.writeFileSync(`${target}.tmp`, data);
  fs.renameSync(`${target}.tmp`, target);
  return data.length;
}
