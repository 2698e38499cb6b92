// Command conformance checks gopherfile's protocol output against BuildKit's own Go code.
//
//	conformance defs <dir>        every <dir>/*.pb is a pb.Definition; each op must re-marshal
//	                              to identical bytes the way the solver does (recomputeDigests).
//	conformance descriptors <fds> every message, enum and service in the FileDescriptorSet must
//	                              match the descriptors compiled into BuildKit's Go packages.
//
// Exit status is 0 only when everything matches; mismatches are printed with a diff.
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: conformance defs <dir> | conformance descriptors <file>")
		os.Exit(2)
	}
	var problems []string
	var err error
	switch os.Args[1] {
	case "defs":
		problems, err = checkDefinitions(os.Args[2])
	case "descriptors":
		problems, err = checkDescriptors(os.Args[2])
	default:
		err = fmt.Errorf("unknown mode %q: use defs or descriptors", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(2)
	}
	for _, p := range problems {
		fmt.Println(p)
	}
	if len(problems) > 0 {
		fmt.Printf("FAIL: %d mismatch(es)\n", len(problems))
		os.Exit(1)
	}
	fmt.Println("OK")
}
