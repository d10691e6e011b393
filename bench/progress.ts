import { formatRate } from './units.js';

/**
 * The live progress line on stderr: rewritten in place on a terminal, one line per finished
 * measurement otherwise (so logs stay readable).
 */
export class Progress {
  private readonly stream: NodeJS.WriteStream;
  private readonly live: boolean;
  private label = '';
  constructor(stream: NodeJS.WriteStream = process.stderr) {
    this.stream = stream;
    this.live = stream.isTTY === true;
  }
  start(label: string): void {
    this.label = label;
    if (this.live) this.stream.write(`\r\x1b[K${label} …`);
  }
  update(executions: number, elapsedMs: number): void {
    if (!this.live) return;
    const rate = elapsedMs > 0 ? (executions * 1000) / elapsedMs : 0;
    this.stream.write(`\r\x1b[K${this.label}: ${executions.toLocaleString('en-US')} executions, ${formatRate(rate)}/s, ${(elapsedMs / 1000).toFixed(1)} s`);
  }
  done(summary: string): void {
    this.stream.write(`${this.live ? '\r\x1b[K' : ''}${this.label}: ${summary}\n`);
  }
  note(text: string): void {
    this.stream.write(`${this.live ? '\r\x1b[K' : ''}${text}\n`);
  }
}
