// Activation that degrades instead of dying: each feature registers on its own, and one whose
// registration throws is logged with its name and reported once, while the others still work.

export interface Feature {
  /** What the user would call it: "paper viewer", "citations", "test runs". */
  name: string;
  register: () => void;
}

export interface FeatureHost {
  /** A log line for each failure, with the feature's name and the error. */
  logError: (message: string) => void;
  /** Told once, after all features, with the names of those that failed. */
  reportFailures: (names: string[]) => void;
}

/**
 * Registers every feature in order.
 * @returns the names of the features that failed to register (empty when all did).
 */
export function registerFeatures(features: readonly Feature[], host: FeatureHost): string[] {
  const failed: string[] = [];
  for (const f of features) {
    try {
      f.register();
    } catch (e) {
      failed.push(f.name);
      host.logError(`${f.name} could not start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  }
  if (failed.length) host.reportFailures(failed);
  return failed;
}
