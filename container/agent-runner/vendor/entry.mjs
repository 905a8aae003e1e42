// SPDX-License-Identifier: MIT
// The esbuild entry of /app/vendor/vendor.cjs: exactly what the runner takes
// from the agent SDK and zod, bundled into one CommonJS file that loads with a
// V8 code cache (src/vendor.ts, vendor/build.mjs). Add an export here when the
// runner starts using another SDK or zod value, and to `Vendor` in src/vendor.ts.
export { query, createSdkMcpServer, tool } from '@anthropic-ai/claude-agent-sdk';
export { z } from 'zod';
