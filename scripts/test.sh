#!/usr/bin/env bash
# `npm test`: provision the test bed, typecheck, run the unit tests, then the e2e suite; end with
# one line "N passed, N failed" summed over both suites. A step that fails outside any test
# (provisioning, typecheck, a suite that could not run) counts as one failure. Exits non-zero on any.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
reports=.testbed/reports
mkdir -p "$reports"
rm -f "$reports"/*.json

failed_steps=0
provisioned=1

step() {
  printf '\n=== %s ===\n' "$*"
}

step "provision the test bed (npm run testbed)"
if ! npm run --silent testbed; then
  provisioned=0
  failed_steps=$((failed_steps + 1))
  printf 'test: provisioning FAILED (see above); the e2e suite cannot run\n' >&2
fi

step "typecheck (npm run typecheck)"
if ! npm run --silent typecheck; then
  failed_steps=$((failed_steps + 1))
  printf 'test: typecheck FAILED\n' >&2
fi

# Runs one vitest suite with a JSON report next to the console output.
suite() {
  local name="$1" config="$2" reporter="$3"
  step "$name tests (vitest --config $config)"
  if ! node_modules/.bin/vitest run --config "$config" --reporter="$reporter" --reporter=json \
    --outputFile.json="$reports/$name.json"; then
    return 1
  fi
}

suite unit vitest.config.ts default
unit_status=$?

if ((provisioned)); then
  # The e2e tests run this checkout's frontend: build its image (dockerd's store + the registry).
  step "frontend image (scripts/build-frontend.sh)"
  if ! bash scripts/build-frontend.sh; then
    failed_steps=$((failed_steps + 1))
    printf 'test: the frontend image did not build; frontend e2e tests will fail\n' >&2
  fi
  # verbose: every test is listed, so the log shows each client path ran.
  suite e2e vitest.e2e.config.ts verbose
  e2e_status=$?
else
  step "e2e tests NOT RUN: provisioning failed (counted once, above)"
  e2e_status=-1
fi

# Counts from the JSON reports; a suite that failed without a failed test (a crash, a failed
# globalSetup, a missing report) counts as one failure, and an e2e suite may skip nothing.
node --input-type=module - "$reports" "$unit_status" "$e2e_status" "$failed_steps" <<'EOF'
import { existsSync, readFileSync } from "node:fs";
const [reports, unitStatus, e2eStatus, failedSteps] = process.argv.slice(2);
let passed = 0;
let failed = Number(failedSteps);
for (const [name, status] of [["unit", Number(unitStatus)], ["e2e", Number(e2eStatus)]]) {
  if (status === -1) {
    console.error(`test: ${name}: not run`);
    continue;
  }
  const path = `${reports}/${name}.json`;
  const report = existsSync(path) ? JSON.parse(readFileSync(path, "utf8")) : undefined;
  const suitePassed = report?.numPassedTests ?? 0;
  let suiteFailed = report?.numFailedTests ?? 0;
  const skipped = (report?.numPendingTests ?? 0) + (report?.numTodoTests ?? 0);
  if ((status !== 0 || report?.success === false) && suiteFailed === 0) {
    suiteFailed = 1;
    console.error(`test: the ${name} suite failed outside any test (exit ${status}${report ? "" : ", no report"})`);
  } else if (name === "e2e" && suitePassed + suiteFailed === 0) {
    suiteFailed = 1;
    console.error("test: the e2e suite ran no tests; that is a failure, not a pass");
  }
  if (name === "e2e" && skipped > 0) {
    suiteFailed += skipped;
    const names = (report?.testResults ?? []).flatMap((file) =>
      (file.assertionResults ?? []).filter((t) => t.status !== "passed" && t.status !== "failed").map((t) => t.fullName),
    );
    console.error(`test: ${skipped} e2e test(s) skipped; e2e tests must run or fail:\n  ${names.join("\n  ")}`);
  }
  console.error(`test: ${name}: ${suitePassed} passed, ${suiteFailed} failed${skipped ? `, ${skipped} skipped` : ""}`);
  passed += suitePassed;
  failed += suiteFailed;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
EOF
