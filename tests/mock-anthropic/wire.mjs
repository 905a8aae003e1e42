// SPDX-License-Identifier: MIT
// Turns a planned assistant turn into Messages API wire formats: one JSON
// message, or the SSE event sequence the streaming client expects.

export function usageFor(requestBytes, content) {
  const output = Math.max(1, Math.ceil(JSON.stringify(content).length / 4));
  return {
    input_tokens: Math.max(1, Math.ceil(requestBytes / 4)),
    output_tokens: output,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
  };
}

export function jsonMessage({ id, model, content, stopReason, usage }) {
  return { id, type: 'message', role: 'assistant', model, content, stop_reason: stopReason, stop_sequence: null, usage };
}

function event(name, data) {
  return `event: ${name}\ndata: ${JSON.stringify({ type: name, ...data })}\n\n`;
}

/** Splits text into a few deltas so clients exercise their accumulation code. */
function chunks(text, size = 16) {
  const out = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length > 0 ? out : [''];
}

export function sseEvents({ id, model, content, stopReason, usage }) {
  const events = [
    event('message_start', {
      message: jsonMessage({ id, model, content: [], stopReason: null, usage: { ...usage, output_tokens: 1 } }),
    }),
  ];
  content.forEach((block, index) => {
    if (block.type === 'text') {
      events.push(event('content_block_start', { index, content_block: { type: 'text', text: '' } }));
      if (index === 0) events.push(event('ping', {}));
      for (const text of chunks(block.text)) {
        events.push(event('content_block_delta', { index, delta: { type: 'text_delta', text } }));
      }
    } else {
      events.push(event('content_block_start', { index, content_block: { ...block, input: {} } }));
      if (index === 0) events.push(event('ping', {}));
      for (const partial_json of chunks(JSON.stringify(block.input))) {
        events.push(event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json } }));
      }
    }
    events.push(event('content_block_stop', { index }));
  });
  events.push(
    event('message_delta', {
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { output_tokens: usage.output_tokens },
    }),
  );
  events.push(event('message_stop', {}));
  return events;
}

export function apiError(status, message) {
  const type = status === 401 ? 'authentication_error' : status === 404 ? 'not_found_error' : status === 429 ? 'rate_limit_error' : status >= 500 ? 'api_error' : 'invalid_request_error';
  return { type: 'error', error: { type, message } };
}
