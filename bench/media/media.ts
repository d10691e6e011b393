/**
 * `npm run bench:media`: the real-media benchmark (bench/media/run.ts) from the command line.
 *   npm run bench:media                  60 s video, 3 rounds
 *   npm run bench:media -- --help        every option
 */
import { MEDIA_HELP, parseMediaOptions } from './options.js';
import { MediaExitCodes, runMediaBench } from './run.js';
import { OptionsError } from '../options.js';

async function main(argv: readonly string[]): Promise<number> {
  let options;
  try {
    options = parseMediaOptions(argv);
  } catch (error) {
    if (!(error instanceof OptionsError)) throw error;
    process.stderr.write(`bench:media: ${error.message}\n\n${MEDIA_HELP}`);
    return MediaExitCodes.SETUP;
  }
  if (options.help) {
    process.stdout.write(MEDIA_HELP);
    return MediaExitCodes.OK;
  }
  return runMediaBench(options, { stdout: process.stdout, stderr: process.stderr });
}

process.exitCode = await main(process.argv.slice(2));
