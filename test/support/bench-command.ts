/** Runs `statemill bench` as the CLI does (benchCommand), its stdout and stderr captured as text. */
import { Writable } from 'node:stream';
import { benchCommand } from '../../bench/command.js';

class Capture extends Writable {
  text = '';
  isTTY = false;
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

export async function runBenchCommand(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await benchCommand(argv, { stdout, stderr: stderr as unknown as NodeJS.WriteStream });
  return { code, stdout: stdout.text, stderr: stderr.text };
}
