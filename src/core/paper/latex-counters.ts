// LaTeX counters as the compiled PDF shows them: values, which counter resets which
// (\numberwithin), and the \the<counter> templates (\renewcommand{\theequation}{A\arabic{equation}}).

export interface Counters {
  values: Map<string, number>;
  /** parent → counters set to 0 when the parent steps. */
  resets: Map<string, Set<string>>;
  /** counter → the body of \the<counter>. */
  templates: Map<string, string>;
}

/** Counter names as packages spell them, mapped to the ones the scanner steps. */
const ALIASES: Record<string, string> = { algocf: 'algorithm', algorithmcfline: 'algorithm' };

export function counterName(name: string): string {
  const n = name.trim();
  return ALIASES[n] ?? n;
}

/** Article defaults; report/book classes (with \chapter) number sections, equations and floats within chapters. */
export function newCounters(withChapters: boolean): Counters {
  const c: Counters = { values: new Map(), resets: new Map(), templates: new Map() };
  const chain = ['section', 'subsection', 'subsubsection', 'paragraph', 'subparagraph'];
  c.templates.set('section', withChapters ? '\\thechapter.\\arabic{section}' : '\\arabic{section}');
  for (let k = 1; k < chain.length; k++) {
    c.templates.set(chain[k]!, `\\the${chain[k - 1]}.\\arabic{${chain[k]}}`);
    addReset(c, chain[k - 1]!, chain[k]!);
  }
  for (const f of ['equation', 'figure', 'table', 'algorithm']) c.templates.set(f, '\\arabic{' + f + '}');
  if (withChapters) {
    c.templates.set('chapter', '\\arabic{chapter}');
    for (const f of ['section', 'equation', 'figure', 'table']) addReset(c, 'chapter', f);
    for (const f of ['equation', 'figure', 'table']) c.templates.set(f, `\\thechapter.\\arabic{${f}}`);
  }
  return c;
}

function addReset(c: Counters, parent: string, child: string): void {
  let set = c.resets.get(parent);
  if (!set) c.resets.set(parent, (set = new Set()));
  set.add(child);
}

export function getCounter(c: Counters, name: string): number {
  return c.values.get(counterName(name)) ?? 0;
}

export function setCounter(c: Counters, name: string, value: number): void {
  c.values.set(counterName(name), value);
}

/** \stepcounter: +1, and every counter numbered within it back to 0 (recursively, as LaTeX ≥ 2018 does). */
export function stepCounter(c: Counters, name: string): void {
  const n = counterName(name);
  c.values.set(n, getCounter(c, n) + 1);
  resetChildren(c, n, 0);
}

function resetChildren(c: Counters, name: string, depth: number): void {
  if (depth > 8) return;
  for (const child of c.resets.get(name) ?? []) {
    c.values.set(child, 0);
    resetChildren(c, child, depth + 1);
  }
}

/** \numberwithin{child}{parent} (and \counterwithin); `withTemplate` false for the starred form. */
export function numberWithin(c: Counters, child: string, parent: string, withTemplate: boolean): void {
  const ch = counterName(child);
  const pa = counterName(parent);
  addReset(c, pa, ch);
  if (withTemplate) c.templates.set(ch, `\\the${pa}.\\arabic{${ch}}`);
}

/** \counterwithout{child}{parent}. */
export function numberWithout(c: Counters, child: string, parent: string): void {
  const ch = counterName(child);
  c.resets.get(counterName(parent))?.delete(ch);
  c.templates.set(ch, `\\arabic{${ch}}`);
}

export function setTemplate(c: Counters, name: string, template: string): void {
  c.templates.set(counterName(name), template);
}

/** What \the<name> prints now. */
export function theCounter(c: Counters, name: string, depth = 0): string {
  const n = counterName(name);
  const template = c.templates.get(n) ?? `\\arabic{${n}}`;
  if (depth > 6) return String(getCounter(c, n));
  const rendered = template
    .replace(/\\(arabic|alph|Alph|roman|Roman|fnsymbol)\s*\{([a-zA-Z@*]+)\}/g, (_all, style: string, counter: string) =>
      format(style, getCounter(c, counter)),
    )
    .replace(/\\@(arabic|alph|Alph|roman|Roman)\s*\\c@([a-zA-Z]+)/g, (_all, style: string, counter: string) =>
      format(style, getCounter(c, counter)),
    )
    .replace(/\\the([a-zA-Z]+)/g, (_all, counter: string) => theCounter(c, counter, depth + 1))
    .replace(/\\[a-zA-Z@]+\s*/g, '')
    .replace(/[{}]/g, '')
    .trim();
  return rendered;
}

export function format(style: string, value: number): string {
  switch (style) {
    case 'alph':
      return letters(value).toLowerCase();
    case 'Alph':
      return letters(value);
    case 'roman':
      return roman(value).toLowerCase();
    case 'Roman':
      return roman(value);
    case 'fnsymbol':
      return ['', '*', '†', '‡', '§', '¶', '‖', '**', '††', '‡‡'][value] ?? String(value);
    default:
      return String(value);
  }
}

function letters(n: number): string {
  if (n <= 0) return '';
  let s = '';
  for (let v = n; v > 0; v = Math.floor((v - 1) / 26)) s = String.fromCharCode(65 + ((v - 1) % 26)) + s;
  return s;
}

function roman(n: number): string {
  if (n <= 0 || n >= 4000) return String(n);
  const table: [number, string][] = [
    [1000, 'M'],
    [900, 'CM'],
    [500, 'D'],
    [400, 'CD'],
    [100, 'C'],
    [90, 'XC'],
    [50, 'L'],
    [40, 'XL'],
    [10, 'X'],
    [9, 'IX'],
    [5, 'V'],
    [4, 'IV'],
    [1, 'I'],
  ];
  let out = '';
  let v = n;
  for (const [value, sym] of table) {
    while (v >= value) {
      out += sym;
      v -= value;
    }
  }
  return out;
}
