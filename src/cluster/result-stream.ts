/**
 * A client's results stream: workers XADD each job's answer to it (answers.ts); the client
 * reads it on a connection of its own with blocking XREADs and deletes what it read with
 * the next XREAD, in one write and one round trip (a separate XDEL cost a command and a
 * socket write of its own per read).
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
    /** The connection the blocking reads (and the deletions before them) use, and nothing else. */
    private readonly reader: Redis,
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
    /** Entries read and handled, deleted with the next read (kept until a read succeeds). */
    let read: string[] = [];
    while (!this.stopping) {
      let reply: [Buffer, [Buffer, Buffer[]][]][] | null;
      try {
        reply = await this.next(read, last);
        read = [];
      } catch {
        if (this.stopping) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      if (reply === null) continue;
      for (const [, entries] of reply) {
        for (const [id, fields] of entries) {
          last = id.toString();
          read.push(last);
          this.onAnswer(fields[1]!.toString(), fields[3]!.toString(), fields[5]!);
        }
      }
    }
  }

  /** The next entries after `last`, deleting `read` first in the same round trip. */
  private async next(read: readonly string[], last: string): Promise<[Buffer, [Buffer, Buffer[]][]][] | null> {
    type Reply = [Buffer, [Buffer, Buffer[]][]][] | null;
    if (read.length === 0) return (await this.reader.xreadBuffer('COUNT', READ_COUNT, 'BLOCK', BLOCK_MS, 'STREAMS', this.stream, last)) as Reply;
    const results = await this.reader
      .pipeline()
      .xdel(this.stream, ...read)
      .xreadBuffer('COUNT', READ_COUNT, 'BLOCK', BLOCK_MS, 'STREAMS', this.stream, last)
      .exec();
    const [deleted, entries] = results!;
    if (deleted![0] !== null) throw deleted![0];
    if (entries![0] !== null) throw entries![0];
    return entries![1] as Reply;
  }
}
