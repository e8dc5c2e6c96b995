// Shapes shared by the local and the Jupyter runner, the CLI and the editor's test UI.

export type TestOutcome = 'passed' | 'failed' | 'skipped' | 'error';

/** One test as pytest reported it in its JUnit XML. */
export interface TestCaseResult {
  /** pytest's node id: `tests/test_x.py::test_name`, `tests/test_x.py::TestC::test_m[param]`. */
  id: string;
  /** The test function's name, parameters included (`test_m[param]`). */
  name: string;
  outcome: TestOutcome;
  /** Why it failed, errored or was skipped (pytest's one-line message); '' when it passed. */
  message: string;
  /**
   * Where to show it, relative to the repository folder, '/'-separated. For a failure: the line of
   * the test file where the assertion failed (from the traceback); otherwise the `def` line.
   */
  file: string;
  /** 1-based; 0 when pytest gave no location (e.g. a module that failed to import). */
  line: number;
  durationMs: number;
  /** The whole traceback or skip text pytest wrote, for a detail view; absent when it passed. */
  details?: string;
}

export interface TestRunResult {
  passed: number;
  failed: number;
  skipped: number;
  errors: number;
  tests: TestCaseResult[];
  /** pytest's own exit status (0 ok, 1 failures, 2 interrupted/collection errors, 5 no tests). */
  pytestExitCode: number;
  /** Wall time of the whole run, sync and kernel start included for Jupyter. */
  durationMs: number;
}

/** A test found without running it, for a test tree. */
export interface DiscoveredTest {
  /** Same form as TestCaseResult.id, so results map onto discovered items. */
  id: string;
  /** Relative to the repository folder, '/'-separated. */
  file: string;
  /** The class for a method (`TestC`), else undefined. */
  className?: string;
  name: string;
  /** 1-based line of the `def`. */
  line: number;
}

/** Called with each line of pytest's output (no trailing newline) as it appears. */
export type OutputListener = (line: string) => void;

export interface RunLocalOptions {
  /** The repository folder; pytest runs there. */
  dir: string;
  /** The interpreter; default `python3` on PATH (then `python`). */
  python?: string;
  /** Extra pytest arguments (test ids, `-k expr`, `-x`, …). */
  args?: string[];
  signal?: AbortSignal;
  onOutput?: OutputListener;
  /** Environment for pytest; default process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface RunJupyterOptions {
  /** The repository folder on this machine. */
  dir: string;
  /** e.g. `http://gpu-box:8888/` or a JupyterHub user URL `https://hub/user/me/`. */
  serverUrl: string;
  token: string;
  args?: string[];
  signal?: AbortSignal;
  onOutput?: OutputListener;
  /** Progress and facts about the run, one line each: the device, what was synced, the kernel. */
  onInfo?: (line: string) => void;
  /** Folder on the server, relative to its root; default `papertrail/<basename of dir>`. */
  remoteDir?: string;
  /** Kernel spec to start when no kernel of ours is alive; default `python3`. */
  kernelName?: string;
  /** Shut the kernel down after the run; default false (the next run reuses it). */
  shutdownKernel?: boolean;
}

/** What a Jupyter run did besides testing, for logs and benchmarks. */
export interface JupyterRunResult extends TestRunResult {
  /** The device line reported at the start (`NVIDIA A100 80GB, 81920 MiB`, `CPU only`). */
  device: string;
  /** Files uploaded by this run's sync (relative, '/'-separated). */
  uploaded: string[];
  /** Files deleted on the server because they are gone here. */
  deleted: string[];
  remoteDir: string;
  kernelId: string;
  /** True when a kernel left by an earlier run was reused. */
  kernelReused: boolean;
}
