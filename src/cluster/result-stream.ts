/**
 * A client's results stream: workers XADD each job's answer to it (answers.ts); the client
 * reads it on a connection of its own with blocking XREADs and deletes what it read.
 */
import type { Redis } from 'ioredis';

/** Handles one answer: the job it answers, what kind of job it was, the msgpack reply. */
export type AnswerHandler = (jobId: string, kind: string, data: Buffer) => void;

/** Most answers one XREAD brings. */
const READ_COUNT = 256;
/** How long one XREAD waits for an answer, so that stop() is seen. */
const BLOCK_MS = 1000;

export class ResultStream {
  private readonly reading: Promise<void>;
  private stopping = false;

  constructor(
    private readonly stream: string,
    /** The connection the blocking reads use, and nothing else. */
    private readonly reader: Redis,
    /** The connection the deletions use. */
    private readonly redis: Redis,
    private readonly onAnswer: AnswerHandler,
  ) {
    this.reading = this.read();
  }

  /** Stops reading; resolves once the loop ended. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.reader.disconnect();
    await this.reading;
  }

  private async read(): Promise<void> {
    let last = '0-0';
    while (!this.stopping) {
      let reply: [Buffer, [Buffer, Buffer[]][]][] | null;
      try {
        reply = (await this.reader.xreadBuffer('COUNT', READ_COUNT, 'BLOCK', BLOCK_MS, 'STREAMS', this.stream, last)) as typeof reply;
      } catch {
        if (this.stopping) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      if (reply === null) continue;
      const ids: string[] = [];
      for (const [, entries] of reply) {
        for (const [id, fields] of entries) {
          last = id.toString();
          ids.push(last);
          this.onAnswer(fields[1]!.toString(), fields[3]!.toString(), fields[5]!);
        }
      }
      this.redis.xdel(this.stream, ...ids).catch(() => {});
    }
  }
}
