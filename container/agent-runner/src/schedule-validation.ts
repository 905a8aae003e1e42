// SPDX-License-Identifier: MIT
// Early checks of schedule values so the agent gets a useful error at once
// instead of a task the host silently refuses. The host re-validates
// everything (spec 10 §13.4); these checks only help the agent.
import { CronExpressionParser } from 'cron-parser';

export type ScheduleType = 'cron' | 'interval' | 'once';

export function cronError(value: string): string | null {
  try {
    CronExpressionParser.parse(value);
    return null;
  } catch {
    return (
      `Invalid cron: "${value}". Expected five fields (minute hour day month weekday), ` +
      'e.g. "0 9 * * *" for 9:00 every day or "*/5 * * * *" for every five minutes.'
    );
  }
}

/** Same lenient rule as the host: the leading integer must be positive ("300000abc" passes). */
export function intervalError(value: string): string | null {
  const ms = Number.parseInt(value, 10);
  if (Number.isNaN(ms) || ms <= 0) {
    return `Invalid interval: "${value}". Give a positive number of milliseconds, e.g. "3600000" for one hour.`;
  }
  return null;
}

/** One-time tasks are in the user's local time, so an explicit zone is refused. */
export function onceError(value: string): string | null {
  if (/[Zz]$/.test(value) || /[+-]\d{2}:\d{2}$/.test(value)) {
    return (
      `Invalid timestamp: "${value}" has a time zone suffix. One-time tasks take local time ` +
      'without "Z" or an offset, e.g. "2026-02-01T15:30:00".'
    );
  }
  if (Number.isNaN(new Date(value).getTime())) {
    return `Invalid timestamp: "${value}". Use local time like "2026-02-01T15:30:00".`;
  }
  return null;
}

export function scheduleError(type: ScheduleType, value: string): string | null {
  switch (type) {
    case 'cron':
      return cronError(value);
    case 'interval':
      return intervalError(value);
    case 'once':
      return onceError(value);
  }
}
