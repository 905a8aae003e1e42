// SPDX-License-Identifier: MIT
// Newline-delimited reading of stdin for warm mode, where the host writes the
// second line only when a message arrives, possibly minutes later.

/** Hands out stdin one line at a time; null at EOF. A last line without "\n" still counts. */
export class LineReader {
  private buffer = '';
  private readonly lines: string[] = [];
  private ended = false;
  private wake: (() => void) | null = null;

  constructor(input: NodeJS.ReadableStream) {
    input.setEncoding('utf8');
    input.on('data', (chunk: string) => {
      this.buffer += chunk;
      let newline: number;
      while ((newline = this.buffer.indexOf('\n')) >= 0) {
        this.lines.push(this.buffer.slice(0, newline));
        this.buffer = this.buffer.slice(newline + 1);
      }
      this.notify();
    });
    const finish = (): void => {
      if (this.buffer.trim() !== '') this.lines.push(this.buffer);
      this.buffer = '';
      this.ended = true;
      this.notify();
    };
    input.on('end', finish);
    input.on('error', finish);
  }

  /** The next non-empty line, or null once stdin has ended. */
  async next(): Promise<string | null> {
    for (;;) {
      while (this.lines.length > 0) {
        const line = this.lines.shift()!;
        if (line.trim() !== '') return line;
      }
      if (this.ended) return null;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  private notify(): void {
    const resolve = this.wake;
    this.wake = null;
    resolve?.();
  }
}
