// For contributors with internet: runs the same extension-host suite in desktop VS Code
// (`npx vscode-test` after `npm run build && node scripts/build-e2e.mjs`). Offline CI uses code-server instead
// (scripts/test-e2e.sh), which runs these very files.
import { defineConfig } from '@vscode/test-cli';

export default defineConfig({
  files: 'out/e2e/suite/**/*.test.js',
  workspaceFolder: 'out/e2e/workspace',
  mocha: { ui: 'tdd', timeout: 30000 },
});
