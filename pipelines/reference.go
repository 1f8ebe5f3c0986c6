package pipelines

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"

	"grassroots/pipelines/refdata"
	"grassroots/pipelines/run"
	"grassroots/pipelines/spec"
	"grassroots/sql/warehouse"
)

// WriteReference writes the reference-data pipelines (pipelines/refdata_*.yaml)
// and the bundled CSV files they read (pipelines/refdata/*) into the project
// folder dir, and returns the specs in load order.
func WriteReference(dir string) ([]Spec, error) {
	dst := filepath.Join(dir, spec.Dir, "refdata")
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return nil, err
	}
	err := fs.WalkDir(refdata.FS, ".", func(p string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		b, err := fs.ReadFile(refdata.FS, p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dst, p)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, p), b, 0o644)
	})
	if err != nil {
		return nil, fmt.Errorf("pipelines: write reference data: %w", err)
	}
	specs := Refdata()
	for _, s := range specs {
		if err := os.WriteFile(filepath.Join(dir, spec.Dir, s.File), s.Data, 0o644); err != nil {
			return nil, fmt.Errorf("pipelines: write %s: %w", s.File, err)
		}
	}
	return specs, nil
}

// LoadReference loads the bundled reference data into w through the same
// pipelines `grassroots demo` runs (all of them, or only those named), from a
// temporary project folder. It is for tests and benchmarks that need the
// published figures in a warehouse.
func LoadReference(ctx context.Context, w *warehouse.Warehouse, names ...string) error {
	dir, err := os.MkdirTemp("", "grassroots-reference-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	specs, err := WriteReference(dir)
	if err != nil {
		return err
	}
	for _, ps := range specs {
		if len(names) > 0 && !slices.Contains(names, ps.Name) {
			continue
		}
		s, err := spec.Parse(filepath.Join(dir, spec.Dir, ps.File), ps.Data)
		if err != nil {
			return err
		}
		outs, err := run.Run(ctx, s, run.Options{Project: dir, Warehouse: w, Trigger: "reference",
			Force: true, Log: slog.New(slog.DiscardHandler)})
		if err != nil {
			return err
		}
		for _, o := range outs {
			if o.Err != nil {
				return fmt.Errorf("pipelines: %s: %w", ps.Name, o.Err)
			}
		}
	}
	return nil
}
