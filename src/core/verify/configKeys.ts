// The config and the code name the same keys. Written in parallel, a model's YAML and its code
// drift apart (`max_seq_length` in the YAML, `max_length` in the code; `7B` against `7b`), and
// the code then silently ignores values or works around them with aliases.
import { parse } from 'yaml';

/** Where the plan's config is written: the paper's values (presets beside it override some). */
export const CONFIG_PATH = 'configs/paper.yaml';

export interface ConfigProblem {
  /** The file a repair should change (the config). */
  file: string;
  message: string;
}

/** `cfg["x"]`, `config.get("x")`, `self.cfg['x']`, `hparams["model"]["x"]`: the key names a config is read by. */
const READ =
  /\b(?:cfg|config|conf|hparams|hparam|params|settings|options|opts|conf_dict|config_dict)\w*((?:\[\s*["'][\w.-]+["']\s*\])*)(?:\.get\(\s*["']([\w.-]+)["'])?/g;

/** The preset names, each a YAML file beside the paper's config that overrides some of its keys. */
export const PRESETS = ['small', 'medium', 'large'] as const;

/** `configs/paper.yaml` → `configs/small.yaml`. */
export function presetPath(configPath: string, preset: string): string {
  return configPath.replace(/[^/]+$/, `${preset}.yaml`);
}

/**
 * Keys the code reads that the config lacks, config keys no code mentions, and preset keys the
 * config does not have (a preset can only change a value the paper's config sets).
 * @param files path → content of the repository; nothing is checked without the config.
 * @param configPath the paper's config, `configs/paper.yaml` unless the plan named another.
 */
export function configProblems(files: ReadonlyMap<string, string>, configPath: string = CONFIG_PATH): ConfigProblem[] {
  const yaml = files.get(configPath);
  if (yaml === undefined) return [];
  let data: unknown;
  try {
    data = parse(yaml);
  } catch (e) {
    return [{ file: configPath, message: `${configPath} is not valid YAML: ${(e as Error).message.split('\n')[0]}` }];
  }
  const keys = new Set<string>();
  collectKeys(data, keys);
  if (!keys.size) return [];
  const presetProblems: ConfigProblem[] = [];
  for (const preset of PRESETS) {
    const file = presetPath(configPath, preset);
    const text = files.get(file);
    if (text === undefined || file === configPath) continue;
    let overrides: unknown;
    try {
      overrides = parse(text);
    } catch (e) {
      presetProblems.push({ file, message: `${file} is not valid YAML: ${(e as Error).message.split('\n')[0]}` });
      continue;
    }
    const presetKeys = new Set<string>();
    collectKeys(overrides, presetKeys);
    for (const k of presetKeys)
      if (!keys.has(k))
        presetProblems.push({ file, message: `${file} sets "${k}", which ${configPath} does not have${near(k, keys, 'it has')}` });
  }
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
        file: configPath,
        message: `${where} reads the config key "${name}", which ${configPath} does not have${near(name, keys, 'the config has')}`,
      });
  }
  const allCode = code.map(([, c]) => c).join('\n');
  for (const key of keys) {
    if (!new RegExp(`\\b${key.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}\\b`).test(allCode)) {
      problems.push({
        file: configPath,
        message: `${configPath} has the key "${key}", which no code reads${near(key, new Set(read.keys()), 'the code reads')}`,
      });
    }
  }
  return [...presetProblems, ...problems];
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
