// SPDX-License-Identifier: MIT
// Diagnostics go to stderr: the host logs them at debug level and never parses
// them, so stdout stays reserved for output markers.

export function log(message: string): void {
  process.stderr.write(`[agent-runner] ${message}\n`);
}
