// SPDX-License-Identifier: MIT
// Newline-delimited reading of stdin for warm mode, where the host writes the
// second line only when a message arrives, possibly minutes later.
import { AsyncQueue } from './async-queue.js';

/** Hands out stdin one line at a time; null at EOF. A last line without "\n" still counts. */
export class LineReader {
  private buffer = '';
  private readonly lines = new AsyncQueue<string>();

  constructor(input: NodeJS.ReadableStream) {
    input.setEncoding('utf8');
    input.on('data', (chunk: string) => {
      this.buffer += chunk;
      let newline: number;
      while ((newline = this.buffer.indexOf('\n')) >= 0) {
        this.lines.push(this.buffer.slice(0, newline));
        this.buffer = this.buffer.slice(newline + 1);
      }
    });
    const finish = (): void => {
      if (this.lines.isEnded) return;
      if (this.buffer.trim() !== '') this.lines.push(this.buffer);
      this.buffer = '';
      this.lines.end();
    };
    input.on('end', finish);
    input.on('error', finish);
  }

  /** The next non-empty line, or null once stdin has ended. */
  async next(): Promise<string | null> {
    for (;;) {
      const line = await this.lines.next();
      if (line === null || line.trim() !== '') return line;
    }
  }
}
