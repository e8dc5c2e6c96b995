// The file paths of a plan, made safe before anything is analysed: each one normalised
// (spaces trimmed, `./` and `//` dropped, `\` → `/`), confined to the output folder or
// refused with its reason, and the same file proposed twice merged into one entry. The
// paths come from a model that read an untrusted paper (see src/core/workspace/README.md).
import type { PathRefusal } from '../workspace/safePath';
import { checkPath, displayPath } from '../workspace/safePath';
import { CONFIG_PATH, PRESETS, presetPath } from '../verify/configKeys';
import type { Plan } from './prompts';

/** Files the pipeline writes itself: a plan entry for one of them is dropped. */
export const RESERVED_FILES: ReadonlySet<string> = new Set([
  'README.md',
  'REPRODUCTION_NOTES.md',
  'ARCHITECTURE.md',
  'IMPLEMENTATION_PLAN.md',
  'requirements.txt',
  'pyproject.toml',
  '.python-version',
  '.gitignore',
  CONFIG_PATH,
  'configs/base.yaml',
  ...PRESETS.map((p) => presetPath(CONFIG_PATH, p)),
]);

export interface ConfinedPlan {
  plan: Plan;
  /** Paths that will not be written, each once, with the reason. */
  refused: PathRefusal[];
  /** One line per path that was changed or merged: `"./src/x.py" → "src/x.py" (…)`. */
  notes: string[];
}

/**
 * Confines every path of `plan` (architecture files, logic files and their `dependsOn`) to
 * `outDir`. Never throws: a plan of any shape comes back with only safe, distinct paths.
 * Logic order is kept (first occurrence); a duplicate's responsibilities, dependencies and
 * citations are merged into the first.
 */
export function confinePlanPaths(plan: Plan, outDir: string): ConfinedPlan {
  const refused: PathRefusal[] = [];
  const notes: string[] = [];
  const seen = new Map<string, string | undefined>();
  const check = (proposed: string): string | undefined => {
    if (seen.has(proposed)) return seen.get(proposed);
    const r = checkPath(outDir, proposed);
    const safe = r.ok ? r.value : undefined;
    seen.set(proposed, safe);
    if (!r.ok) refused.push({ path: proposed, reason: r.error.reason });
    else if (safe !== proposed) notes.push(`${displayPath(proposed)} → ${displayPath(safe!)} (${changeOf(proposed)})`);
    return safe;
  };
  const merged = new Set<string>();
  const noteMerged = (p: string): void => {
    if (merged.has(p)) return;
    merged.add(p);
    notes.push(`${displayPath(p)} was planned twice; the two entries are merged`);
  };

  const arch = new Map<string, Plan['architecture']['files'][number]>();
  for (const f of plan.architecture.files) {
    const p = check(f.path);
    if (!p) continue;
    const known = arch.get(p);
    if (known) {
      noteMerged(p);
      if (f.purpose && !known.purpose.includes(f.purpose)) known.purpose = `${known.purpose} ${f.purpose}`.trim();
    } else arch.set(p, { ...f, path: p });
  }

  const logic = new Map<string, Plan['logic']['files'][number]>();
  for (const f of plan.logic.files) {
    const p = check(f.path);
    if (!p) continue;
    const dependsOn = f.dependsOn.flatMap((d) => {
      const r = checkPath(outDir, d);
      return r.ok && r.value !== p ? [r.value] : [];
    });
    const known = logic.get(p);
    if (known) {
      noteMerged(p);
      known.responsibilities = union(known.responsibilities, f.responsibilities);
      known.dependsOn = union(known.dependsOn, dependsOn);
      known.cites = union(known.cites, f.cites);
    } else logic.set(p, { ...f, path: p, dependsOn: union([], dependsOn) });
  }
  // A file of the architecture the logic design forgot is still written, last.
  for (const f of arch.values()) {
    if (!logic.has(f.path)) logic.set(f.path, { path: f.path, responsibilities: [f.purpose], dependsOn: [], cites: [] });
  }
  return {
    plan: {
      ...plan,
      architecture: { ...plan.architecture, files: [...arch.values()] },
      logic: { ...plan.logic, files: [...logic.values()].filter((f) => !RESERVED_FILES.has(f.path)) },
      config: { ...plan.config, path: configPathOf(plan.config.path) },
    },
    refused,
    notes,
  };
}

/**
 * The config's path: the model's when it is a YAML file under configs/ that is not a preset
 * (its code was written to read that file), else `configs/paper.yaml`.
 */
function configPathOf(proposed: string): string {
  const m = /^configs\/([\w-]+)\.ya?ml$/.exec(proposed?.trim() ?? '');
  return m && !(PRESETS as readonly string[]).includes(m[1]!) ? m[0] : CONFIG_PATH;
}

function changeOf(proposed: string): string {
  const what: string[] = [];
  if (proposed !== proposed.trim()) what.push('spaces around it trimmed');
  if (proposed.includes('\\')) what.push("'\\' read as '/'");
  if (/(^|\/)\.(\/|$)|\/\//.test(proposed.replace(/\\/g, '/'))) what.push("'./' and empty folders dropped");
  if (/(^|\/)\.\.(\/|$)/.test(proposed.replace(/\\/g, '/'))) what.push("'..' resolved");
  return what.join(', ') || 'normalised';
}

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])];
}
