// SPDX-License-Identifier: MIT
// A push-fed async iterable of SDK user messages. Handing the SDK an open
// stream (instead of a single string) keeps the session alive between turns,
// so follow-ups and agent-team sub-agents run inside the same query.
import type { SDKUserMessage } from '@anthropic-ai/claude-agent-sdk';

export class MessageStream implements AsyncIterable<SDKUserMessage> {
  private readonly pending: SDKUserMessage[] = [];
  private wakeReader: (() => void) | null = null;
  private ended = false;

  push(text: string): void {
    if (this.ended) throw new Error('push after end');
    this.pending.push({
      type: 'user',
      message: { role: 'user', content: text },
      parent_tool_use_id: null,
      session_id: '',
    } as SDKUserMessage);
    this.wake();
  }

  /** Lets the reader finish once it has taken what was already pushed. */
  end(): void {
    this.ended = true;
    this.wake();
  }

  get isEnded(): boolean {
    return this.ended;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<SDKUserMessage> {
    for (;;) {
      while (this.pending.length > 0) yield this.pending.shift()!;
      if (this.ended) return;
      await new Promise<void>((resolve) => {
        this.wakeReader = resolve;
      });
    }
  }

  private wake(): void {
    const resolve = this.wakeReader;
    this.wakeReader = null;
    resolve?.();
  }
}
