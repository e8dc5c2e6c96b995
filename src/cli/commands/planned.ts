// Verbs whose capability has not landed in this build. They say so plainly and exit 2
// (the run could not happen) instead of pretending to work.
import type { CliIo } from '../io';
import { EXIT_OK, EXIT_USAGE } from '../io';
import type { Verb } from '../verb';

export function plannedVerb(name: string, summary: string, usage: string, lands: string): Verb {
  return {
    name,
    summary,
    usage,
    async run(argv: string[], io: CliIo): Promise<number> {
      if (argv.includes('--help') || argv.includes('-h')) {
        io.stdout(`${usage}\n\nnot available in this build yet: ${lands}\n`);
        return EXIT_OK;
      }
      io.stderr(`papertrail ${name}: not available in this build yet (${lands}); update PaperTrail to a later version\n`);
      return EXIT_USAGE;
    },
  };
}
