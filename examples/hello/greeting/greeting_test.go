package greeting

import "testing"

func TestFor(t *testing.T) {
	if got := For("gopher"); got != "hello, gopher" {
		t.Fatalf("For = %q", got)
	}
}
