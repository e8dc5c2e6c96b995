// Dependency waves for coding: a file runs once every file it depends on is written, so
// independent files of a wave run in parallel. A cycle (the model's plan may have one)
// is broken in the plan's own order, with a warning, rather than refused.

export interface Node {
  path: string;
  dependsOn: string[];
}

export function dependencyWaves(nodes: Node[]): { waves: string[][]; warnings: string[] } {
  const known = new Set(nodes.map((n) => n.path));
  const warnings: string[] = [];
  const pending = new Map<string, Set<string>>();
  for (const n of nodes) {
    const deps = new Set(n.dependsOn.filter((d) => d !== n.path && known.has(d)));
    for (const d of n.dependsOn) if (!known.has(d)) warnings.push(`${n.path} depends on ${d}, which is not in the plan; ignored`);
    pending.set(n.path, deps);
  }
  const done = new Set<string>();
  const waves: string[][] = [];
  while (done.size < nodes.length) {
    let wave = nodes.map((n) => n.path).filter((p) => !done.has(p) && [...pending.get(p)!].every((d) => done.has(d)));
    if (!wave.length) {
      const first = nodes.find((n) => !done.has(n.path))!;
      warnings.push(`dependency cycle through ${first.path}; it is written first`);
      wave = [first.path];
    }
    for (const p of wave) done.add(p);
    waves.push(wave);
  }
  return { waves, warnings };
}
