// SPDX-License-Identifier: MIT
// Decides what the mock "model" says next. Stateless: everything is derived
// from the request body, the way the real API works, so resumed sessions and
// parallel clients need no server-side bookkeeping.
//
// Directives, written anywhere in the latest user prompt:
//   [[tool:NAME {json input}]]  call a tool; several run in order, one per turn
//   [[reply:TEXT]]              the final text (default: "hi from mock", or
//                               "MOCK_DONE: <last tool result>" after tools)
//   [[delay:MS]]                wait before answering each request of this prompt
//   [[http_error:STATUS]]       answer with an API error instead
// Deferred tools (tool search on): when NAME is not in the request's tool list
// but ToolSearch is, the mock first calls ToolSearch {"query":"select:NAME"}.

const DIRECTIVE = /\[\[(tool|reply|delay|http_error):([\s\S]*?)\]\]/g;

/** Text of a message's content: a string, or the concatenated text blocks. */
export function contentText(content) {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((block) => {
      if (block?.type === 'text') return block.text ?? '';
      if (block?.type === 'tool_result') return contentText(block.content);
      return '';
    })
    .join('\n');
}

function isToolResultMessage(message) {
  return Array.isArray(message.content) && message.content.some((b) => b?.type === 'tool_result');
}

/** Index of the last user message that is a prompt (not a tool result). */
export function promptIndex(messages) {
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i].role === 'user' && !isToolResultMessage(messages[i])) return i;
  }
  return -1;
}

export function parseDirectives(text) {
  const out = { tools: [], reply: null, delayMs: 0, httpError: null };
  for (const match of text.matchAll(DIRECTIVE)) {
    const [, kind, rawArg] = match;
    const arg = rawArg.trim();
    if (kind === 'tool') {
      const space = arg.search(/\s/);
      const name = space < 0 ? arg : arg.slice(0, space);
      const json = space < 0 ? '{}' : arg.slice(space + 1).trim();
      let input;
      try {
        input = JSON.parse(json || '{}');
      } catch {
        input = { _unparsed: json };
      }
      out.tools.push({ name, input });
    } else if (kind === 'reply') {
      out.reply = rawArg;
    } else if (kind === 'delay') {
      out.delayMs = Math.max(0, Number.parseInt(arg, 10) || 0);
    } else {
      out.httpError = Number.parseInt(arg, 10) || 500;
    }
  }
  return out;
}

/**
 * The next assistant turn for a Messages API request body:
 * { content: [...blocks], stopReason, delayMs, httpError, promptText }.
 */
export function planTurn(body, newToolId) {
  const messages = Array.isArray(body?.messages) ? body.messages : [];
  const index = promptIndex(messages);
  const promptText = index >= 0 ? contentText(messages[index].content) : '';
  const directives = parseDirectives(promptText);
  const base = { delayMs: directives.delayMs, httpError: directives.httpError, promptText };

  const calls = [];
  let lastResultText = '';
  for (const message of messages.slice(index + 1)) {
    if (!Array.isArray(message.content)) continue;
    for (const block of message.content) {
      if (message.role === 'assistant' && block?.type === 'tool_use') calls.push(block);
      if (message.role === 'user' && block?.type === 'tool_result') lastResultText = contentText(block.content);
    }
  }
  const done = calls.filter((c) => c.name !== 'ToolSearch').length;
  const next = directives.tools[done];
  if (next) {
    const available = new Set((body.tools ?? []).map((t) => t?.name));
    const last = calls[calls.length - 1];
    const searchedForIt = last?.name === 'ToolSearch' && last.input?.query === `select:${next.name}`;
    if (!available.has(next.name) && available.has('ToolSearch') && !searchedForIt) {
      return { ...base, stopReason: 'tool_use', content: [toolUse(newToolId(), 'ToolSearch', { query: `select:${next.name}` })] };
    }
    return { ...base, stopReason: 'tool_use', content: [toolUse(newToolId(), next.name, next.input)] };
  }
  let text = directives.reply;
  if (text === null) {
    text = directives.tools.length > 0 ? `MOCK_DONE: ${lastResultText.slice(0, 200)}` : 'hi from mock';
  }
  return { ...base, stopReason: 'end_turn', content: [{ type: 'text', text }] };
}

function toolUse(id, name, input) {
  return { type: 'tool_use', id, name, input };
}
