//go:build tools

// Package tools pins the BuildKit daemon, client and Dockerfile frontend that the gopherfile
// test bed builds.
// A module of its own lets `go install` honour our go.sum: BuildKit's go.mod has exclude
// directives, so `go install github.com/moby/buildkit/cmd/buildkitd@v0.32.2` refuses to run.
package tools

import (
	_ "github.com/moby/buildkit/cmd/buildctl"
	_ "github.com/moby/buildkit/cmd/buildkitd"
	_ "github.com/moby/buildkit/frontend/dockerfile/cmd/dockerfile-frontend"
)
