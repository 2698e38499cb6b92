import { defineConfig } from "vitest/config";

// Unit tests: pure parts only (LLB, spec, compiler, gateway framing). No daemons.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/e2e/**", "test/fixtures/**", "node_modules/**"],
  },
});
