// SPDX-License-Identifier: MIT
// Requests to the host are JSON files in /workspace/ipc/{messages,tasks}. The
// host picks up only `*.json`, so we write `<name>.json.tmp` and rename it:
// the host never sees a half-written file (spec 20 §9.1).
import fs from 'node:fs';
import path from 'node:path';
import { randomInt } from 'node:crypto';

const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';

/** `length` random base-36 characters (always exactly that many). */
export function randomBase36(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += BASE36[randomInt(BASE36.length)];
  return out;
}

/** Writes `data` as pretty JSON to `<epochMs>-<6 chars>.json` in `dir`; returns the file name. */
export function writeIpcFile(dir: string, data: object, now: Date = new Date()): string {
  fs.mkdirSync(dir, { recursive: true });
  const name = `${now.getTime()}-${randomBase36(6)}.json`;
  const target = path.join(dir, name);
  const temp = `${target}.tmp`;
  try {
    fs.writeFileSync(temp, JSON.stringify(data, null, 2));
    fs.renameSync(temp, target);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  }
  return name;
}
