// SPDX-License-Identifier: MIT
// The environment the SDK gives the `claude` process (and, through it, every
// tool the agent runs).

/**
 * The entrypoint moves NODE_EXTRA_CA_CERTS to this name before starting the
 * runner: our own node process makes no TLS connections, and loading a large
 * CA bundle costs every node start ~50 ms. `claude`, and the npm, curl or
 * WebFetch calls the agent makes, do need it, so it goes back under its real
 * name here.
 */
export const DEFERRED_CA_VAR = 'NANOCLAW_EXTRA_CA_CERTS';

/** Ours, plus the compaction window v1 settled on, with the CA bundle restored. */
export function sdkEnvironment(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = { CLAUDE_CODE_AUTO_COMPACT_WINDOW: '165000', ...env };
  const deferred = out[DEFERRED_CA_VAR];
  delete out[DEFERRED_CA_VAR];
  if (deferred && !out.NODE_EXTRA_CA_CERTS) out.NODE_EXTRA_CA_CERTS = deferred;
  return out;
}
