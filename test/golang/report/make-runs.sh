#!/usr/bin/env bash
# Regenerates test/golang/report/runs/: real `go test -json` captures (stdout, stderr, exit code) of small Go packages.
#
# Each run is written the way a test vertex writes its output directory:
#   runs/<name>/test2json.json  stdout of `go test -json <flags> ./<pkg>`
#   runs/<name>/stderr.txt      its stderr
#   runs/<name>/exit-code       its exit status, decimal
# The Go sources below are the reference for the line numbers the tests expect (e.g. failing_test.go:10).
# Times and elapsed seconds change on every run: after regenerating, update the hand-written expectations.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/runs"
work="$(mktemp -d "${TMPDIR:-/tmp}/gopherfile-report-XXXXXX")"
trap 'rm -rf "$work"' EXIT

# Writes one file under the temp module; the content comes from stdin.
put() {
  mkdir -p "$(dirname "$work/$1")"
  cat >"$work/$1"
}

put go.mod <<'EOF'
module example.com/report

go 1.26
EOF

put passing/passing.go <<'EOF'
package passing

// Add returns a+b.
func Add(a, b int) int { return a + b }
EOF
put passing/passing_test.go <<'EOF'
package passing

import "testing"

func TestAdd(t *testing.T) {
	if Add(2, 2) != 4 {
		t.Fatal("broken")
	}
	t.Log("added")
}

func TestAddNegative(t *testing.T) {
	if Add(-1, -1) != -2 {
		t.Fatal("broken")
	}
}
EOF

put failing/failing.go <<'EOF'
package failing

// Sum is wrong on purpose.
func Sum(a, b int) int { return a + b }
EOF
put failing/failing_test.go <<'EOF'
package failing

import "testing"

func TestOK(t *testing.T) {}

func TestSum(t *testing.T) {
	got := Sum(2, 2)
	if got != 5 {
		t.Errorf("Sum(2, 2) = %d, want 5", got)
	}
	t.Errorf("second complaint: <a & b> \"quoted\" \x1b[31mred\x1b[0m \x00nul")
}

func TestFatal(t *testing.T) {
	t.Fatal("cannot continue")
	t.Log("unreachable")
}
EOF

put subtests/subtests_test.go <<'EOF'
package subtests

import "testing"

func TestTable(t *testing.T) {
	for _, c := range []struct {
		name string
		in   int
	}{{"one", 1}, {"bad case", 2}, {"three", 3}} {
		t.Run(c.name, func(t *testing.T) {
			if c.in == 2 {
				t.Errorf("case %d failed", c.in)
			}
		})
	}
}

func TestNested(t *testing.T) {
	t.Run("outer", func(t *testing.T) {
		t.Run("inner", func(t *testing.T) {
			t.Skip("not today")
		})
	})
}
EOF

put skipping/skipping_test.go <<'EOF'
package skipping

import "testing"

func TestNeedsNetwork(t *testing.T) {
	t.Skip("needs network")
}

func TestLocal(t *testing.T) {}
EOF

put panicking/panicking_test.go <<'EOF'
package panicking

import "testing"

func TestBefore(t *testing.T) {}

func TestPanic(t *testing.T) {
	var s []int
	_ = s[5]
}

func TestAfter(t *testing.T) {}
EOF

put broken/broken.go <<'EOF'
package broken

// Two returns two.
func Two() int { return 2 }
EOF
put broken/broken_test.go <<'EOF'
package broken

import "testing"

func TestTwo(t *testing.T) {
	if Two() != Three() {
		t.Fatal("no")
	}
	var unused int
}
EOF

put vetfail/vetfail_test.go <<'EOF'
package vetfail

import "testing"

func TestFormat(t *testing.T) {
	t.Logf("%d", "not a number")
}
EOF

put notests/notests.go <<'EOF'
package notests

// Helper has a test file but no tests.
func Helper() {}
EOF
put notests/helper_test.go <<'EOF'
package notests

func helperForTests() int { return 1 }

var _ = helperForTests
EOF

put nofiles/nofiles.go <<'EOF'
package nofiles

// Nothing has no test files at all.
func Nothing() {}
EOF

put slow/slow_test.go <<'EOF'
package slow

import (
	"testing"
	"time"
)

func TestQuick(t *testing.T) {}

func TestSlow(t *testing.T) {
	t.Log("sleeping")
	time.Sleep(10 * time.Second)
}
EOF

put exiting/exiting_test.go <<'EOF'
package exiting

import (
	"os"
	"testing"
)

func TestExit(t *testing.T) {
	t.Log("about to exit")
	os.Exit(3)
}
EOF

# Runs one capture: name, then the go test arguments after -json. Extra env comes from the caller.
capture() {
  local name="$1"
  shift
  mkdir -p "$out/$name"
  local code=0
  (cd "$work" && go test -json "$@" >"$out/$name/test2json.json" 2>"$out/$name/stderr.txt") || code=$?
  printf '%d\n' "$code" >"$out/$name/exit-code"
  printf '%-16s exit %d\n' "$name" "$code"
}

rm -rf "$out"
export GOFLAGS=-buildvcs=false GOWORK=off GOTOOLCHAIN=local
capture passing -count=1 ./passing
capture failing -count=1 ./failing
capture subtests -count=1 ./subtests
capture skipping -count=1 ./skipping
capture panicking -count=1 ./panicking
capture broken -count=1 ./broken
capture vetfail -count=1 ./vetfail
capture notests -count=1 ./notests
capture nofiles -count=1 ./nofiles
capture slow -count=1 -timeout=1s ./slow
capture exiting -count=1 ./exiting
# The second run of an unchanged package comes from Go's test cache, as in a shared GOCACHE mount.
(cd "$work" && go test -json ./passing >/dev/null 2>&1) || true
capture passing-cached ./passing
# Go 1.23 and older printed build failures as text on stderr and stdout; Go 1.24 keeps that behind a GODEBUG.
GODEBUG=gotestjsonbuildtext=1 capture broken-go123 -count=1 ./broken
printf 'go: %s\n' "$(go version)" >"$out/GO-VERSION"
