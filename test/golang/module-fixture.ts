// Test fixtures for discovery: a module exercising every rule, and a reader that records its calls.

import type { ContextEntry, ContextReader } from "../../src/context/reader.js";
import type { Tree } from "./temp-tree.js";

const LICENSE = "// Copyright 2024 The Authors.\n// SPDX-License-Identifier: Apache-2.0\n\n";

/** A module exercising every rule of discovery; comments say what each entry is for. */
export const MODULE: Tree = {
  "go.mod": "module example.com/app\n\ngo 1.22\n\ntoolchain go1.23.4\n",
  "go.sum": "",
  "main.go": "// Command app.\npackage main\n\nfunc main() {}\n",
  "main_test.go": "package main\n",
  "_x.go": "package ignored\n", // names starting with _ or . are ignored
  ".y.go": "package ignored\n",
  "cmd/server/main.go": `${LICENSE}package main\n`,
  "cmd/server/server_test.go": "package main\n",
  "cmd/client/client.go": "package main\n",
  "internal/util/util.go": 'package util\n\nimport (\n\t"strings"\n\t. "fmt"\n\tnet `net/http`\n)\n\nimport "os"\n', // imports, in every spelling
  "internal/util/util_test.go": "package util\n",
  "internal/util/ext_test.go": "package util_test\n", // an external test package still means tests
  "internal/util/util_windows_test.go": "package util\n", // excluded by its name on linux
  "pkg/onlytests/a_test.go": "package onlytests_test\n", // a package made only of tests
  "pkg/winonly/w_windows.go": "package winonly\n", // nothing builds on linux: no package
  "tools/tools.go": "//go:build tools\n\npackage tools\n", // only with -tags tools
  "gen/gen.go": "//go:build ignore\n\npackage main\n", // a generator; the package is gen
  "gen/lib.go": "package gen\n",
  "cgo/main.go": 'package main\n\n// #include <stdio.h>\nimport "C"\n', // cgo files do not build with CGO_ENABLED=0
  "docs/doc.go": `/*\nPackage docs explains.\n\n${"Long documentation. ".repeat(300)}\n*/\npackage docs\n`, // header over 4 KiB
  "assets/logo.txt": "not go",
  "vendor/github.com/x/y/y.go": "package y\n", // skipped; marks vendoring
  "vendor/modules.txt": "",
  "testdata/t.go": "package t\n",
  "_scratch/s.go": "package s\n",
  ".git/x.go": "package x\n",
  "nested/go.mod": "module example.com/nested\n",
  "nested/main.go": "package main\n",
};

/** Wraps a reader and records every call, to pin what discovery costs. */
export class RecordingReader implements ContextReader {
  readonly dirCalls: string[] = [];
  readonly fileCalls: { path: string; limit: number | undefined }[] = [];
  constructor(private readonly inner: ContextReader) {}
  readDir(path: string): Promise<readonly ContextEntry[]> {
    this.dirCalls.push(path);
    return this.inner.readDir(path);
  }
  readFile(path: string, limit?: number): Promise<Uint8Array | undefined> {
    this.fileCalls.push({ path, limit });
    return this.inner.readFile(path, limit);
  }
}
