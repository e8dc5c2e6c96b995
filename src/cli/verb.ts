import type { CliIo } from './io';

export interface Verb {
  name: string;
  /** One line for the verb list in `papertrail --help`. */
  summary: string;
  /** Full text for `papertrail <verb> --help`. */
  usage: string;
  run(argv: string[], io: CliIo): Promise<number>;
}
