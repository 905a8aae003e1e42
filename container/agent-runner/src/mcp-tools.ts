// SPDX-License-Identifier: MIT
// The `nanoclaw` MCP tools (spec 20 §9.2). Each tool turns a call into one IPC
// request file in exactly the format the host reads (spec 10 §13). The host is
// the authority on permissions; the checks here only give the agent a clear
// answer early.
import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { writeIpcFile, randomBase36 } from './ipc-writer.js';
import { cronError, intervalError, scheduleError } from './schedule-validation.js';
import { errorMessage } from './protocol.js';

/** Who is calling: fixed per container run from the ContainerInput. */
export interface ToolContext {
  chatJid: string;
  groupFolder: string;
  isMain: boolean;
  ipcDir: string;
  now: () => Date;
}

export interface ToolResult {
  [key: string]: unknown;
  content: { type: 'text'; text: string }[];
  isError?: boolean;
}

export interface ToolDefinition<Shape extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  description: string;
  inputSchema: Shape;
  handler: (args: z.infer<z.ZodObject<Shape>>, ctx: ToolContext) => ToolResult;
}

function ok(text: string): ToolResult {
  return { content: [{ type: 'text', text }] };
}

function fail(text: string): ToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}

type Zod = typeof z;

const messagesDir = (ctx: ToolContext): string => path.join(ctx.ipcDir, 'messages');
const tasksDir = (ctx: ToolContext): string => path.join(ctx.ipcDir, 'tasks');

function define<Shape extends z.ZodRawShape>(tool: ToolDefinition<Shape>): ToolDefinition {
  return tool as unknown as ToolDefinition;
}

/** The tools, with their schemas made by `z`: the zod instance the SDK validates with. */
function defineTools(z: Zod): ToolDefinition[] {
  const scheduleType = z.enum(['cron', 'interval', 'once']);

  const sendMessage = define({
    name: 'send_message',
    description:
      'Send a message to this chat right now, while you keep working. Use it to acknowledge a request ' +
      'before long work, for progress updates, or to send several separate messages. Can be called many times.',
    inputSchema: {
      text: z.string().describe('Message text'),
      sender: z
        .string()
        .optional()
        .describe('Optional role or persona name (e.g. "Researcher"); on Telegram it can post from a dedicated bot'),
    },
    handler: (args, ctx) => {
      writeIpcFile(
        messagesDir(ctx),
        {
          type: 'message',
          chatJid: ctx.chatJid,
          text: args.text,
          sender: args.sender || undefined,
          groupFolder: ctx.groupFolder,
          timestamp: ctx.now().toISOString(),
        },
        ctx.now(),
      );
      return ok('Message sent.');
    },
  });

  const scheduleTask = define({
    name: 'schedule_task',
    description: `Create a task that runs later, once or repeatedly, as a full agent with every tool. Returns the task id. Use update_task to change an existing task.

  Context mode:
  - "group": the task runs inside this chat's conversation, with its history and memory. Choose it when the task depends on what was discussed ("remind me about what we talked about", "follow up on my request").
  - "isolated": the task starts a fresh session with no history. Choose it for self-contained jobs ("check the weather every morning", "write a daily report"), and put every piece of context the task needs into the prompt.
  Ask the user when unsure.

  Messaging: whatever the task agent outputs is sent to the chat. It can also use send_message, or wrap text in <internal></internal> tags to keep it out of the chat. Say in the prompt whether the task should always message (reminders, briefings), only when there is something to report ("tell me if..."), or never (maintenance).

  Schedule values, always in LOCAL time:
  - cron: a cron expression, e.g. "0 9 * * *" (every day at 09:00) or "*/5 * * * *" (every five minutes)
  - interval: milliseconds between runs, e.g. "300000" (five minutes) or "3600000" (one hour)
  - once: a local date-time with no "Z" and no offset, e.g. "2026-02-01T15:30:00"`,
    inputSchema: {
      prompt: z.string().describe('What the task agent should do; for isolated mode include all context'),
      schedule_type: scheduleType.describe('cron = at fixed times, interval = every N ms, once = a single run'),
      schedule_value: z
        .string()
        .describe('cron: "*/5 * * * *" | interval: "300000" | once: "2026-02-01T15:30:00" (local, no Z)'),
      context_mode: z
        .enum(['group', 'isolated'])
        .default('group')
        .describe('group = with chat history and memory, isolated = fresh session'),
      target_group_jid: z
        .string()
        .optional()
        .describe('Main group only: the JID of the group the task belongs to (default: this chat)'),
    },
    handler: (args, ctx) => {
      const invalid = scheduleError(args.schedule_type, args.schedule_value);
      if (invalid) return fail(invalid);
      // Only main may schedule for another chat; for others the field is ignored.
      const targetJid = ctx.isMain && args.target_group_jid ? args.target_group_jid : ctx.chatJid;
      const now = ctx.now();
      const taskId = `task-${now.getTime()}-${randomBase36(6)}`;
      writeIpcFile(
        tasksDir(ctx),
        {
          type: 'schedule_task',
          taskId,
          prompt: args.prompt,
          schedule_type: args.schedule_type,
          schedule_value: args.schedule_value,
          context_mode: args.context_mode ?? 'group',
          targetJid,
          createdBy: ctx.groupFolder,
          timestamp: now.toISOString(),
        },
        now,
      );
      return ok(`Task ${taskId} scheduled: ${args.schedule_type} - ${args.schedule_value}`);
    },
  });

  interface TaskSnapshotEntry {
    id: string;
    groupFolder: string;
    prompt: string;
    schedule_type: string;
    schedule_value: string;
    status: string;
    next_run: string | null;
  }

  const listTasks = define({
    name: 'list_tasks',
    description: 'List scheduled tasks. In the main group this shows every task; elsewhere only this group\'s tasks.',
    inputSchema: {},
    handler: (_args, ctx) => {
      const file = path.join(ctx.ipcDir, 'current_tasks.json');
      try {
        if (!fs.existsSync(file)) return ok('No scheduled tasks found.');
        const all = JSON.parse(fs.readFileSync(file, 'utf8')) as TaskSnapshotEntry[];
        if (!Array.isArray(all)) throw new Error('current_tasks.json is not a list');
        // The host already filters the snapshot per group; filter again in case
        // the agent rewrote the file.
        const tasks = ctx.isMain ? all : all.filter((t) => t.groupFolder === ctx.groupFolder);
        if (tasks.length === 0) return ok('No scheduled tasks found.');
        const lines = tasks.map(
          (t) =>
            `- [${t.id}] ${String(t.prompt).slice(0, 50)}... (${t.schedule_type}: ${t.schedule_value}) - ` +
            `${t.status}, next: ${t.next_run || 'N/A'}`,
        );
        return ok(`Scheduled tasks:\n${lines.join('\n')}`);
      } catch (err) {
        // Reference behaviour: reported as text, not flagged as a tool error.
        return ok(`Error reading tasks: ${errorMessage(err)}`);
      }
    },
  });

  function taskStateTool(
    name: 'pause_task' | 'resume_task' | 'cancel_task',
    description: string,
    done: string,
  ): ToolDefinition {
    return define({
      name,
      description,
      inputSchema: { task_id: z.string().describe('Id of the task') },
      handler: (args, ctx) => {
        writeIpcFile(
          tasksDir(ctx),
          {
            type: name,
            taskId: args.task_id,
            groupFolder: ctx.groupFolder,
            isMain: ctx.isMain,
            timestamp: ctx.now().toISOString(),
          },
          ctx.now(),
        );
        return ok(`Task ${args.task_id} ${done}.`);
      },
    });
  }

  const updateTask = define({
    name: 'update_task',
    description: 'Change a scheduled task. Only the fields you pass change; the rest stay as they are.',
    inputSchema: {
      task_id: z.string().describe('Id of the task'),
      prompt: z.string().optional().describe('New prompt'),
      schedule_type: scheduleType.optional().describe('New schedule type'),
      schedule_value: z.string().optional().describe('New schedule value (formats as in schedule_task)'),
    },
    handler: (args, ctx) => {
      const value = args.schedule_value;
      // A value without a type is checked as cron, like the reference; once-values are left to the host.
      if (value && (args.schedule_type === 'cron' || !args.schedule_type)) {
        const invalid = cronError(value);
        if (invalid) return fail(invalid);
      }
      if (value && args.schedule_type === 'interval') {
        const invalid = intervalError(value);
        if (invalid) return fail(invalid);
      }
      const now = ctx.now();
      const data: Record<string, string> = {
        type: 'update_task',
        taskId: args.task_id,
        groupFolder: ctx.groupFolder,
        // A string here, unlike pause/resume/cancel: the reference wrote it so.
        isMain: String(ctx.isMain),
        timestamp: now.toISOString(),
      };
      if (args.prompt !== undefined) data.prompt = args.prompt;
      if (args.schedule_type !== undefined) data.schedule_type = args.schedule_type;
      if (value !== undefined) data.schedule_value = value;
      writeIpcFile(tasksDir(ctx), data, now);
      return ok(`Task ${args.task_id} update requested.`);
    },
  });

  const registerGroup = define({
    name: 'register_group',
    description: `Register a chat so the assistant answers there. Main group only.

  Find the chat's JID in /workspace/ipc/available_groups.json. Name the folder after the channel and the group: "{channel}_{group-name}", lowercase with hyphens, e.g. "whatsapp_family-chat", "telegram_dev-team", "discord_general".`,
    inputSchema: {
      jid: z.string().describe('Chat JID, e.g. "120363336345536173@g.us", "tg:-1001234567890", "dc:1234567890123456"'),
      name: z.string().describe('Display name of the group'),
      folder: z.string().describe('Channel-prefixed folder name, e.g. "telegram_dev-team"'),
      trigger: z.string().describe('Trigger word, e.g. "@Andy"'),
      requiresTrigger: z
        .boolean()
        .optional()
        .describe('false = answer every message (solo chats); leave out to keep the default (trigger needed)'),
    },
    handler: (args, ctx) => {
      if (!ctx.isMain) return fail('Only the main group can register new groups.');
      const now = ctx.now();
      writeIpcFile(
        tasksDir(ctx),
        {
          type: 'register_group',
          jid: args.jid,
          name: args.name,
          folder: args.folder,
          trigger: args.trigger,
          requiresTrigger: args.requiresTrigger,
          timestamp: now.toISOString(),
        },
        now,
      );
      return ok(`Group "${args.name}" registered. It will start receiving messages immediately.`);
    },
  });

  return [
    sendMessage,
    scheduleTask,
    listTasks,
    taskStateTool('pause_task', 'Pause a scheduled task; it will not run until resumed.', 'pause requested'),
    taskStateTool('resume_task', 'Resume a paused task.', 'resume requested'),
    taskStateTool('cancel_task', 'Cancel a scheduled task and delete it.', 'cancellation requested'),
    updateTask,
    registerGroup,
  ];
}

export interface Toolset {
  tools: readonly ToolDefinition[];
  /**
   * Validates raw arguments like the MCP server does and runs the tool. Used
   * by tests; the in-process server lets the SDK do the same validation.
   */
  call(name: string, rawArgs: unknown, ctx: ToolContext): ToolResult;
}

const toolsets = new WeakMap<Zod, Toolset>();

/**
 * The eight tools built with the given zod. zod is not imported here: it comes
 * with the SDK from src/vendor.ts, so there is one copy in the process.
 */
export function nanoclawTools(z: Zod): Toolset {
  let toolset = toolsets.get(z);
  if (toolset) return toolset;
  const tools = defineTools(z);
  toolset = {
    tools,
    call: (name, rawArgs, ctx) => {
      const tool = tools.find((t) => t.name === name);
      if (!tool) return fail(`Unknown tool: ${name}`);
      const parsed = z.object(tool.inputSchema).safeParse(rawArgs ?? {});
      if (!parsed.success) {
        return fail(`Invalid arguments for tool ${name}: ${parsed.error.issues.map(describeIssue).join('; ')}`);
      }
      return tool.handler(parsed.data, ctx);
    },
  };
  toolsets.set(z, toolset);
  return toolset;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  return `${issue.path.join('.') || '(arguments)'}: ${issue.message}`;
}
