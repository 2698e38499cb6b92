// Re-marshals every op of our Definitions with BuildKit's code and compares bytes and digests.
package main

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/moby/buildkit/solver/pb"
	digest "github.com/opencontainers/go-digest"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

func checkDefinitions(dir string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.pb"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no .pb files in %s", dir)
	}
	sort.Strings(files)
	var problems []string
	ops := 0
	for _, f := range files {
		dt, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		name := filepath.Base(f)
		var def pb.Definition
		if err := def.Unmarshal(dt); err != nil {
			problems = append(problems, fmt.Sprintf("%s: definition does not decode: %v", name, err))
			continue
		}
		ops += len(def.Def)
		problems = append(problems, checkDefinition(name, dt, &def)...)
	}
	fmt.Printf("checked %d definitions, %d ops\n", len(files), ops)
	return problems, nil
}

func checkDefinition(name string, raw []byte, def *pb.Definition) []string {
	var problems []string
	seen := map[digest.Digest]bool{}
	for i, dt := range def.Def {
		dgst := digest.FromBytes(dt)
		where := fmt.Sprintf("%s op[%d] %s", name, i, dgst)
		var op pb.Op
		// Unmarshal + Marshal are exactly what llbsolver.recomputeDigests does.
		if err := op.Unmarshal(dt); err != nil {
			problems = append(problems, fmt.Sprintf("%s: does not decode: %v", where, err))
			continue
		}
		again, err := op.Marshal()
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: does not re-marshal: %v", where, err))
			continue
		}
		if !bytes.Equal(dt, again) {
			problems = append(problems, diff(where, dt, again, &op))
		} else if digest.FromBytes(again) != dgst {
			problems = append(problems, fmt.Sprintf("%s: digest changed", where))
		}
		for _, in := range op.Inputs {
			if !seen[digest.Digest(in.Digest)] {
				problems = append(problems, fmt.Sprintf("%s: input %s is not an earlier op", where, in.Digest))
			}
		}
		if seen[dgst] {
			problems = append(problems, fmt.Sprintf("%s: duplicate op", where))
		}
		seen[dgst] = true
	}
	for k := range def.Metadata {
		if !seen[digest.Digest(k)] {
			problems = append(problems, fmt.Sprintf("%s: metadata key %s is not an op digest", name, k))
		}
	}
	if def.Source != nil {
		for k := range def.Source.Locations {
			if !seen[digest.Digest(k)] {
				problems = append(problems, fmt.Sprintf("%s: source location key %s is not an op digest", name, k))
			}
		}
	}
	// The Definition itself is not digested, but we promise canonical bytes for it too.
	canon, err := proto.MarshalOptions{Deterministic: true}.Marshal(def)
	if err != nil {
		problems = append(problems, fmt.Sprintf("%s: definition does not re-marshal: %v", name, err))
	} else if !bytes.Equal(raw, canon) {
		problems = append(problems, diff(name+" (definition)", raw, canon, nil))
	}
	return problems
}

func diff(where string, ours, goes []byte, op *pb.Op) string {
	at := 0
	for at < len(ours) && at < len(goes) && ours[at] == goes[at] {
		at++
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: bytes differ at offset %d (ours %d bytes, go %d bytes)\n", where, at, len(ours), len(goes))
	fmt.Fprintf(&b, "  ours: %s\n", window(ours, at))
	fmt.Fprintf(&b, "  go:   %s\n", window(goes, at))
	if op != nil {
		js, _ := protojson.Marshal(op)
		fmt.Fprintf(&b, "  op:   %s\n", js)
	}
	return b.String()
}

func window(dt []byte, at int) string {
	from := max(0, at-16)
	to := min(len(dt), at+32)
	return hex.EncodeToString(dt[from:at]) + "|" + hex.EncodeToString(dt[at:to])
}
