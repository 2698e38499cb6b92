//go:build tools

// Package tools pins the buildx CLI plugin that the gopherfile test bed builds. It is a
// module separate from tools/buildkit so that the two programs' dependencies never unify.
package tools

import (
	_ "github.com/docker/buildx/cmd/buildx"
)
