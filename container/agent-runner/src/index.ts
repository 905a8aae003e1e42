// SPDX-License-Identifier: MIT
// Container entry. Kept free of static imports so the `main` phase line is the
// first thing the runner does; the runner itself and the agent SDK (the bulk
// of the start-up cost, src/vendor.ts) load afterwards.
const mainUs = Math.round((performance.timeOrigin + performance.now()) * 1000);
process.stderr.write(`[agent-runner] phase main wall_us=${mainUs}\n`);

const { run } = await import('./runner.js');
await run();
