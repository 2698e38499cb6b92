import { defineConfig } from "vitest/config";

// End-to-end tests: real BuildKit daemons provisioned by `npm run testbed`.
// Builds share two daemons on a 2-core machine, so files run one at a time.
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.e2e.ts"],
    testTimeout: 600_000,
    hookTimeout: 900_000,
    fileParallelism: false,
    globalSetup: ["test/e2e/global-setup.ts"],
  },
});
