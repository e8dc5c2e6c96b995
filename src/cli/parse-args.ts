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
    const msg = e instanceof Error ? e.message.split('\n')[0]! : String(e);
    // "--keys --out x": node says the argument is "ambiguous"; what is wrong is that it is missing.
    const missing = /^Option '(?:-\w, )?(--[\w-]+)(?: <value>)?' argument (?:is ambiguous|missing)/.exec(msg);
    if (missing) return fail('bad-input', `papertrail ${verb}: ${missing[1]} needs a value (see papertrail ${verb} --help)`);
    // Node's advice for an unknown option ("place it at the end … after '--'") is about positionals
    // that start with "-"; almost always the option is simply misspelt.
    const unknown = /^Unknown option '([^']+)'/.exec(msg);
    if (unknown)
      return fail('bad-input', `papertrail ${verb}: unknown option ${unknown[1]} (see papertrail ${verb} --help for its options)`);
    return fail('bad-input', `papertrail ${verb}: ${msg.replace(/^Unknown option/, 'unknown option')} (see papertrail ${verb} --help)`);
  }
}
