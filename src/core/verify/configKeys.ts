// The config and the code name the same keys. Written in parallel, a model's YAML and its code
// drift apart (`max_seq_length` in the YAML, `max_length` in the code; `7B` against `7b`), and
// the code then silently ignores values or works around them with aliases.
import { parse } from 'yaml';

export const CONFIG_PATH = 'configs/base.yaml';

export interface ConfigProblem {
  /** The file a repair should change (the config). */
  file: string;
  message: string;
}

/** `cfg["x"]`, `config.get("x")`, `self.cfg['x']`, `hparams["model"]["x"]`: the key names a config is read by. */
const READ =
  /\b(?:cfg|config|conf|hparams|hparam|params|settings|options|opts|conf_dict|config_dict)\w*((?:\[\s*["'][\w.-]+["']\s*\])*)(?:\.get\(\s*["']([\w.-]+)["'])?/g;

/**
 * Keys the code reads that the config lacks, and config keys no code mentions.
 * @param files path → content of the repository; nothing is checked without `configs/base.yaml`.
 */
export function configProblems(files: ReadonlyMap<string, string>): ConfigProblem[] {
  const yaml = files.get(CONFIG_PATH);
  if (yaml === undefined) return [];
  let data: unknown;
  try {
    data = parse(yaml);
  } catch (e) {
    return [{ file: CONFIG_PATH, message: `${CONFIG_PATH} is not valid YAML: ${(e as Error).message.split('\n')[0]}` }];
  }
  const keys = new Set<string>();
  collectKeys(data, keys);
  if (!keys.size) return [];
  const code = [...files].filter(([p]) => p.endsWith('.py'));
  const problems: ConfigProblem[] = [];
  const read = new Map<string, string>();
  for (const [p, content] of code) {
    for (const m of content.matchAll(READ)) {
      const names = [...(m[1] ?? '').matchAll(/["']([\w.-]+)["']/g)].map((x) => x[1]!);
      if (m[2]) names.push(m[2]);
      for (const n of names) if (!read.has(n)) read.set(n, p);
    }
  }
  for (const [name, where] of read) {
    if (!keys.has(name))
      problems.push({
        file: CONFIG_PATH,
        message: `${where} reads the config key "${name}", which ${CONFIG_PATH} does not have${near(name, keys, 'the config has')}`,
      });
  }
  const allCode = code.map(([, c]) => c).join('\n');
  for (const key of keys) {
    if (!new RegExp(`\\b${key.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}\\b`).test(allCode)) {
      problems.push({
        file: CONFIG_PATH,
        message: `${CONFIG_PATH} has the key "${key}", which no code reads${near(key, new Set(read.keys()), 'the code reads')}`,
      });
    }
  }
  return problems;
}

function collectKeys(v: unknown, into: Set<string>): void {
  if (Array.isArray(v)) for (const x of v) collectKeys(x, into);
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      into.add(k);
      collectKeys(x, into);
    }
  }
}

/** ` (the code reads "max_length")` when a name differs from one of `names` by case, separators or a part. */
function near(name: string, names: ReadonlySet<string>, which: string): string {
  const norm = (s: string) => s.toLowerCase().replace(/[-_.]/g, '');
  const words = (s: string) =>
    s
      .toLowerCase()
      .split(/[-_.]+/)
      .filter(Boolean);
  // Contained in one another, or one's words all among the other's (max_length, max_seq_length).
  const alike = (a: string, b: string) =>
    norm(a) === norm(b) ||
    norm(a).includes(norm(b)) ||
    norm(b).includes(norm(a)) ||
    words(a).every((w) => words(b).includes(w)) ||
    words(b).every((w) => words(a).includes(w));
  for (const n of names) if (n !== name && alike(n, name)) return ` (${which} "${n}")`;
  return '';
}
