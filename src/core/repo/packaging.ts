// The generated repository as a Python project: pyproject.toml (PEP 621, usable with `uv sync`
// and `pip install -e .`), a requirements.txt that says the same, .python-version and a
// .gitignore. Written from the run's own files and the model's list of imports, never by the
// model: a model's pyproject drifted from its requirements and did not install.

import { bareName, parseRequirements } from '../verify/python';

/** Distributions that are tools of the repository, not of its code. */
const DEV_TOOLS = /^(pytest|pytest-[\w-]+|ruff|black|flake8|isort|mypy|nbclient|ipykernel|jupyter|notebook|nbconvert)$/i;
/** Distributions only the demo imports. */
const DEMO_ONLY = /^(gradio|streamlit)$/i;

export interface ProjectInput {
  /** The paper's title, for the description and a project name when there is no single package. */
  title: string;
  /** Every file of the repository (relative, '/'-separated). */
  paths: readonly string[];
  /** The model's requirements.txt. */
  requirements: string;
}

export interface ProjectFiles {
  'pyproject.toml': string;
  'requirements.txt': string;
  '.python-version': string;
  '.gitignore': string;
}

/** The Python version uv pins and the oldest the project declares. */
const PYTHON = { pinned: '3.11', oldest: '3.9' };

/**
 * pyproject.toml, requirements.txt, .python-version and .gitignore for a generated repository.
 * Runtime dependencies are the model's requirements without test tools; `dev` holds pytest and
 * ruff (and the notebook runner when there is a notebook), `demo` gradio when there is a demo.
 */
export function projectFiles(input: ProjectInput): ProjectFiles {
  const reqs = parseRequirements(input.requirements);
  const hasDemo = input.paths.some((p) => p.startsWith('demo/') && p.endsWith('.py'));
  const hasNotebook = input.paths.some((p) => p.endsWith('.ipynb'));
  const runtime = reqs.filter((r) => !DEV_TOOLS.test(bareName(r.name)) && !(hasDemo && DEMO_ONLY.test(bareName(r.name))));
  const pytest = reqs.find((r) => bareName(r.name).toLowerCase() === 'pytest')?.spec ?? 'pytest>=7';
  const dev = [pytest, 'ruff>=0.5', ...(hasNotebook ? ['nbclient>=0.7', 'ipykernel>=6'] : [])];
  const demo = hasDemo ? [reqs.find((r) => DEMO_ONLY.test(bareName(r.name)))?.spec ?? 'gradio>=4'] : [];
  const { packages, modules } = importables(input.paths);
  const name = projectName(packages, modules, input.title);

  const toml = [
    '[build-system]',
    'requires = ["setuptools>=64"]',
    'build-backend = "setuptools.build_meta"',
    '',
    '[project]',
    `name = ${str(name)}`,
    'version = "0.1.0"',
    `description = ${str(`Reimplementation of "${input.title}", written by PaperTrail with every line citing the paper`)}`,
    'readme = "README.md"',
    `requires-python = ">=${PYTHON.oldest}"`,
    `dependencies = ${list(runtime.map((r) => r.spec))}`,
    '',
    '[dependency-groups]',
    `dev = ${list(dev)}`,
    ...(demo.length ? [`demo = ${list(demo)}`] : []),
    '',
    '[tool.setuptools]',
    `packages = ${list(packages)}`,
    ...(modules.length ? [`py-modules = ${list(modules)}`] : []),
    '',
    '[tool.pytest.ini_options]',
    'pythonpath = ["."]',
    'testpaths = ["tests"]',
    '',
    '[tool.ruff]',
    'line-length = 100',
    '',
  ].join('\n');
  const requirements = [
    '# The same runtime dependencies as pyproject.toml, then pytest to run the tests:',
    '#   pip install -r requirements.txt && python -m pytest',
    ...runtime.map((r) => r.spec),
    pytest,
    ...(demo.length ? ['# The demo also needs: ' + demo.join(' ')] : []),
    '',
  ].join('\n');
  return {
    'pyproject.toml': toml,
    'requirements.txt': requirements,
    '.python-version': `${PYTHON.pinned}\n`,
    '.gitignore': GITIGNORE,
  };
}

const GITIGNORE = `# Environments
.venv/
venv/
env/
# Caches
__pycache__/
*.py[cod]
.pytest_cache/
.ruff_cache/
.mypy_cache/
.ipynb_checkpoints/
*.egg-info/
build/
dist/
# Checkpoints, runs and logs
checkpoints/
outputs/
runs/
wandb/
lightning_logs/
logs/
*.log
*.pt
*.pth
*.ckpt
*.safetensors
# Data the user supplies
data/raw/
data/processed/
# Secrets
.env
.env.*
*credentials*
*secret*
*.pem
*.key
id_rsa*
# PaperTrail's run and evaluation records (prompts and answers); .papertrail/paper.json is kept
.papertrail/runs/
.papertrail/eval/
`;

/** Folders (dotted) and top-level modules that make the installable project: code, not tests, notebooks or the demo. */
export function importables(paths: readonly string[]): { packages: string[]; modules: string[] } {
  const packages = new Set<string>();
  const modules: string[] = [];
  for (const p of paths) {
    if (!p.endsWith('.py')) continue;
    const parts = p.split('/');
    if (/^(tests?|notebooks|demo|scripts|docs)$/.test(parts[0]!) || !parts.every((s) => /^[A-Za-z_]\w*(\.py)?$/.test(s))) continue;
    if (parts.length === 1) {
      if (!/^(setup|conftest)\.py$/.test(p)) modules.push(p.replace(/\.py$/, ''));
      continue;
    }
    for (let i = 1; i < parts.length; i++) packages.add(parts.slice(0, i).join('.'));
  }
  return { packages: [...packages].sort(), modules: modules.sort() };
}

/** The single top-level package's name as a distribution name, else the title's first words. */
function projectName(packages: string[], modules: string[], title: string): string {
  const top = [...new Set(packages.map((p) => p.split('.')[0]!))];
  if (top.length === 1) return top[0]!.replace(/_/g, '-').toLowerCase();
  if (!top.length && modules.length === 1) return modules[0]!.replace(/_/g, '-').toLowerCase();
  const slug = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .split('-')
    .filter(Boolean)
    .slice(0, 4)
    .join('-');
  return slug || 'reimplementation';
}

/** A TOML basic string: JSON's escapes are TOML's. */
function str(s: string): string {
  return JSON.stringify(s);
}

function list(items: readonly string[]): string {
  if (!items.length) return '[]';
  return `[\n${items.map((i) => `  ${str(i)},`).join('\n')}\n]`;
}
