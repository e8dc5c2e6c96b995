import { describeError } from '../core/errors';
import { auditVerb } from './commands/audit';
import { evalVerb } from './commands/eval';
import { parseVerb } from './commands/parse';
import { reimplementVerb } from './commands/reimplement';
import { resolveVerb } from './commands/resolve';
import { testVerb } from './commands/test';
import type { CliIo } from './io';
import { EXIT_OK, EXIT_USAGE } from './io';
import type { Verb } from './verb';

const VERSION = '0.1.0';

export const verbs: Verb[] = [parseVerb, resolveVerb, auditVerb, reimplementVerb, evalVerb, testVerb];

export function helpText(): string {
  const width = Math.max(...verbs.map((v) => v.name.length));
  return [
    `papertrail ${VERSION}: turn an ML paper into a citation-anchored repository`,
    '',
    'usage: papertrail <verb> [options]   (papertrail <verb> --help for details)',
    '',
    ...verbs.map((v) => `  ${v.name.padEnd(width)}  ${v.summary}`),
    '',
    'Every verb takes --json (one JSON document on stdout).',
    'exit codes: 0 success, 1 ran and found problems, 2 bad usage or unusable input',
  ].join('\n');
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (!first || first === '--help' || first === '-h' || first === 'help') {
    io.stdout(helpText() + '\n');
    return first ? EXIT_OK : EXIT_USAGE;
  }
  if (first === '--version' || first === '-v') {
    io.stdout(VERSION + '\n');
    return EXIT_OK;
  }
  const verb = verbs.find((v) => v.name === first);
  if (!verb) {
    io.stderr(`papertrail: unknown verb "${first}"; run papertrail --help for the list\n`);
    return EXIT_USAGE;
  }
  try {
    return await verb.run(rest, io);
  } catch (e) {
    // A bug, not bad input: still one line, and a hint where to look.
    io.stderr(`papertrail ${verb.name}: internal error: ${describeError(e)} (set PAPERTRAIL_DEBUG=1 for details)\n`);
    if (io.env.PAPERTRAIL_DEBUG) io.stderr(String((e as Error)?.stack) + '\n');
    return EXIT_USAGE;
  }
}
