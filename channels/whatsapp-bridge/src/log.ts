// SPDX-License-Identifier: MIT
// Diagnostics go to stderr, one line each: the daemon copies them into its log and never parses
// them. stdout is the protocol's alone.
import type { ILogger } from '@whiskeysockets/baileys/lib/Utils/logger.js';

export function log(message: string): void {
  process.stderr.write(`[whatsapp-bridge] ${message.replace(/\n/g, ' ')}\n`);
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : String(err);
}

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'silent'] as const;
type Level = (typeof LEVELS)[number];

function describe(obj: unknown): string {
  if (obj === undefined || obj === null) return '';
  if (typeof obj === 'string') return obj;
  if (obj instanceof Error) return obj.message;
  try {
    const text = JSON.stringify(obj, (_k, v) => {
      if (v instanceof Error) return v.message;
      if (v instanceof Uint8Array) return `<${v.length} bytes>`;
      if (typeof v === 'bigint') return v.toString();
      return v;
    });
    return text.length > 1000 ? text.slice(0, 1000) + '...' : text;
  } catch {
    return '<unprintable>';
  }
}

/** A pino-shaped logger for Baileys that writes single lines to stderr. Level from
 *  WHATSAPP_BRIDGE_LOG_LEVEL (trace..error, silent), default warn: Baileys is chatty. */
export function stderrLogger(level: string = process.env.WHATSAPP_BRIDGE_LOG_LEVEL ?? 'warn'): ILogger {
  const threshold = LEVELS.includes(level as Level) ? LEVELS.indexOf(level as Level) : LEVELS.indexOf('warn');
  const at = (l: Level) => (obj: unknown, msg?: string) => {
    if (LEVELS.indexOf(l) < threshold) return;
    const detail = describe(obj);
    log(`baileys ${l}: ${msg ?? ''}${msg && detail ? ' ' : ''}${detail}`);
  };
  const logger: ILogger = {
    level: LEVELS[threshold],
    child: () => logger,
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
  return logger;
}
