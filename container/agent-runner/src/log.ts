// SPDX-License-Identifier: MIT
// Diagnostics go to stderr: the host logs them at debug level and never parses
// them, so stdout stays reserved for output markers.

export function log(message: string): void {
  process.stderr.write(`[agent-runner] ${message}\n`);
}

/** Microseconds since the epoch, on the same clock the entrypoint's $EPOCHREALTIME reads. */
export function wallMicros(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

/**
 * A start-up milestone for the benchmark (bench/agent_start parses these lines;
 * keep the format): `[agent-runner] phase <name> wall_us=<integer>`.
 */
export function phase(name: string): void {
  log(`phase ${name} wall_us=${wallMicros()}`);
}
