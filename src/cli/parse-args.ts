import { parseArgs } from 'node:util';
import type { Result } from '../core/errors';
import { fail, ok } from '../core/errors';

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

export interface ParsedArgs {
  positionals: string[];
  values: Record<string, string | boolean | string[] | undefined>;
}

/** node:util parseArgs, with its thrown errors turned into a one-line usage message. */
export function parseVerbArgs(verb: string, argv: string[], options: OptionSpec): Result<ParsedArgs> {
  try {
    const { positionals, values } = parseArgs({
      args: argv,
      options: { ...options, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return ok({ positionals, values: values as ParsedArgs['values'] });
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    return fail('bad-input', `papertrail ${verb}: ${msg.replace(/^Unknown option/, 'unknown option')} (see papertrail ${verb} --help)`);
  }
}
