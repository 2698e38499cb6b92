// Command sbom-scanner is the test bed's BuildKit SBOM generator: it follows BuildKit's SBOM
// scanning protocol (moby/buildkit docs/attestations/sbom-protocol.md) on top of the syft library,
// as docker/buildkit-syft-scanner does. That module is not served by the Go module proxy this
// project may use, so the test bed builds this one and serves it under the name BuildKit uses by
// default (docker/buildkit-syft-scanner:stable-1) through its docker.io mirror.
//
// Protocol: BuildKit mounts the scanned root filesystem read-only at $BUILDKIT_SCAN_SOURCE, optional
// extra trees (build contexts, stages) under $BUILDKIT_SCAN_SOURCE_EXTRAS, one directory each, and
// collects every file written to $BUILDKIT_SCAN_DESTINATION as an in-toto statement whose subject
// BuildKit fills in. One SPDX JSON statement per scanned tree, named after it.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/anchore/syft/syft"
	"github.com/anchore/syft/syft/cataloging"
	"github.com/anchore/syft/syft/cataloging/filecataloging"
	"github.com/anchore/syft/syft/cataloging/pkgcataloging"
	"github.com/anchore/syft/syft/format"
	"github.com/anchore/syft/syft/format/spdxjson"
	"github.com/anchore/syft/syft/source"
	"github.com/anchore/syft/syft/source/directorysource"
)

// statement is an in-toto v0.1 statement without subject: BuildKit adds the image as subject.
type statement struct {
	Type          string          `json:"_type"`
	PredicateType string          `json:"predicateType"`
	Predicate     json.RawMessage `json:"predicate"`
}

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintf(os.Stderr, "sbom-scanner: %v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	destination, err := requiredDir("BUILDKIT_SCAN_DESTINATION")
	if err != nil {
		return err
	}
	core, err := requiredDir("BUILDKIT_SCAN_SOURCE")
	if err != nil {
		return err
	}
	targets := []string{core}
	if extras := os.Getenv("BUILDKIT_SCAN_SOURCE_EXTRAS"); extras != "" {
		entries, err := os.ReadDir(extras)
		if err != nil {
			return fmt.Errorf("BUILDKIT_SCAN_SOURCE_EXTRAS: %w", err)
		}
		for _, entry := range entries {
			targets = append(targets, filepath.Join(extras, entry.Name()))
		}
	}
	for _, target := range targets {
		if err := scan(ctx, target, destination); err != nil {
			return fmt.Errorf("scanning %s: %w", target, err)
		}
	}
	return nil
}

func requiredDir(name string) (string, error) {
	path := os.Getenv(name)
	if path == "" {
		return "", fmt.Errorf("%s is not set; this program runs as a BuildKit SBOM generator (--sbom=true)", name)
	}
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	return path, nil
}

// scan writes DESTINATION/<base name of tree>.spdx.json for one tree.
func scan(ctx context.Context, tree, destination string) error {
	name := filepath.Base(tree)
	src, err := directorysource.New(directorysource.Config{Path: tree, Base: tree, Alias: source.Alias{Name: name}})
	if err != nil {
		return err
	}
	// What syft catalogs in an image (Go binaries among them) plus file metadata, like the upstream
	// scanner; BUILDKIT_SCAN_SELECT_CATALOGERS (attest:sbom=SELECT_CATALOGERS=…) overrides the choice.
	// Not RPM databases: reading them needs a SQLite driver, which would double the compile time of
	// this test bed tool for images gopherfile never makes.
	selection := cataloging.NewSelectionRequest().
		WithDefaults(pkgcataloging.ImageTag, filecataloging.FileTag).
		WithAdditions("sbom-cataloger").
		WithRemovals("rpm-db-cataloger")
	if v := os.Getenv("BUILDKIT_SCAN_SELECT_CATALOGERS"); v != "" {
		selection = cataloging.NewSelectionRequest().WithExpression(strings.Split(v, ",")...)
	}
	result, err := syft.CreateSBOM(ctx, src, syft.DefaultCreateSBOMConfig().WithCatalogerSelection(selection))
	if err != nil {
		return err
	}
	encoder, err := spdxjson.NewFormatEncoderWithConfig(spdxjson.DefaultEncoderConfig())
	if err != nil {
		return err
	}
	document, err := format.Encode(*result, encoder)
	if err != nil {
		return err
	}
	out, err := json.Marshal(statement{
		Type:          "https://in-toto.io/Statement/v0.1",
		PredicateType: "https://spdx.dev/Document",
		Predicate:     document,
	})
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(destination, name+".spdx.json"), append(out, '\n'), 0o644)
}
