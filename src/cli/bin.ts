// The `papertrail` executable: process in, exit code out. All logic is in main.ts.
import { describeError } from '../core/errors';
import { EXIT_USAGE, processIo } from './io';
import { main } from './main';

// `papertrail parse x --json | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

main(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`papertrail: ${describeError(e)}\n`);
    process.exitCode = EXIT_USAGE;
  },
);
