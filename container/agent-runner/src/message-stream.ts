// SPDX-License-Identifier: MIT
// A push-fed async iterable of SDK user messages. Handing the SDK an open
// stream (instead of a single string) keeps the session alive between turns,
// so follow-ups and agent-team sub-agents run inside the same query.
import type { SDKUserMessage } from '@anthropic-ai/claude-agent-sdk';
import { AsyncQueue } from './async-queue.js';

export class MessageStream implements AsyncIterable<SDKUserMessage> {
  private readonly queue = new AsyncQueue<SDKUserMessage>();

  push(text: string): void {
    if (this.queue.isEnded) throw new Error('push after end');
    this.queue.push({
      type: 'user',
      message: { role: 'user', content: text },
      parent_tool_use_id: null,
      session_id: '',
    } as SDKUserMessage);
  }

  /** Lets the reader finish once it has taken what was already pushed. */
  end(): void {
    this.queue.end();
  }

  get isEnded(): boolean {
    return this.queue.isEnded;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<SDKUserMessage> {
    for (let message = await this.queue.next(); message !== null; message = await this.queue.next()) {
      yield message;
    }
  }
}
