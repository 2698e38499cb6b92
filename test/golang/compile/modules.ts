// Test data: small in-memory Go modules the compiler tests build (contents are read only for package clauses).
import type { Tree } from "./helpers.js";

/** The `# syntax=` line every spec starts with; a spec holding only it is the empty spec. */
export const SYNTAX = "# syntax=ghcr.io/gopherfile/gopherfile:1\n";

const GO_SUM = "golang.org/x/text v0.14.0 h1:ScX5w1eTa3QqT8oi6+ziP7dTV1S2+ALU0bI+0zXKWiQ=\n";

/** One main package (cmd/hello) and one tested library package. */
export const ONE_MAIN: Tree = {
  "go.mod": "module example.com/hello\n\ngo 1.22\n\nrequire golang.org/x/text v0.14.0\n",
  "go.sum": GO_SUM,
  "cmd/hello/main.go": '// Command hello greets.\npackage main\n\nimport "example.com/hello/greet"\n\nfunc main() { println(greet.Line()) }\n',
  "greet/greet.go": '// Package greet says hello.\npackage greet\n\nfunc Line() string { return "hello" }\n',
  "greet/greet_test.go": 'package greet\n\nimport "testing"\n\nfunc TestLine(t *testing.T) {}\n',
  "README.md": "# hello\n",
};

/** Two main packages (server, client), two tested packages (one with an external test package), one untested. */
export const TWO_MAINS: Tree = {
  "go.mod": "module example.com/shop\n\ngo 1.22\n\nrequire golang.org/x/text v0.14.0\n",
  "go.sum": GO_SUM,
  "cmd/server/main.go": "package main\n\nfunc main() {}\n",
  "cmd/client/main.go": "package main\n\nfunc main() {}\n",
  "internal/store/store.go": "package store\n",
  "internal/store/store_test.go": "package store\n",
  "internal/api/api.go": "package api\n",
  "internal/api/api_test.go": "package api_test\n",
  "internal/util/util.go": "package util\n",
  "README.md": "# shop\n",
};

/** {@link ONE_MAIN} with a vendor directory: nothing to download. */
export const VENDORED: Tree = {
  ...ONE_MAIN,
  "vendor/modules.txt": "# golang.org/x/text v0.14.0\n## explicit; go 1.18\ngolang.org/x/text/language\n",
  "vendor/golang.org/x/text/language/language.go": "package language\n",
};

/** The module lives in app/ and replaces a library with the sibling directory lib/. */
export const SUBDIR: Tree = {
  "app/go.mod": "module example.com/app\n\ngo 1.22\n\nrequire example.com/lib v0.0.0\n\nreplace example.com/lib => ../lib\n",
  "app/go.sum": GO_SUM,
  "app/main.go": "package main\n\nfunc main() {}\n",
  "app/main_test.go": "package main\n",
  "lib/go.mod": "module example.com/lib\n\ngo 1.22\n",
  "lib/lib.go": "package lib\n",
  "README.md": "# monorepo\n",
};

/** One main package and a go.mod with a toolchain line newer than its go line. */
export const TOOLCHAIN_LINE: Tree = {
  "go.mod": "module example.com/tool\n\ngo 1.22\n\ntoolchain go1.23.4\n",
  "main.go": "package main\n\nfunc main() {}\n",
};

/** A module with no main package at all. */
export const LIBRARY_ONLY: Tree = {
  "go.mod": "module example.com/lib\n\ngo 1.22\n",
  "lib.go": "package lib\n",
  "lib_test.go": "package lib\n",
};

/** A go.mod without a go line. */
export const NO_GO_LINE: Tree = {
  "go.mod": "module example.com/old\n",
  "main.go": "package main\n\nfunc main() {}\n",
};
