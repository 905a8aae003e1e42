// SPDX-License-Identifier: MIT
// A queue one reader awaits while others push: the shape both the SDK's message stream and
// warm mode's stdin lines need.

export class AsyncQueue<T> {
  private readonly items: T[] = [];
  private ended = false;
  private wakeReader: (() => void) | null = null;

  push(item: T): void {
    this.items.push(item);
    this.wake();
  }

  /** The reader gets what was already pushed, then null. */
  end(): void {
    this.ended = true;
    this.wake();
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** The next item, waiting for one; null once the queue has ended and is empty. */
  async next(): Promise<T | null> {
    for (;;) {
      if (this.items.length > 0) return this.items.shift()!;
      if (this.ended) return null;
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
