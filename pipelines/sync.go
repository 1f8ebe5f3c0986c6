package pipelines

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"grassroots/pipelines/refdata"
	"grassroots/pipelines/spec"
)

// BundledList is the file, under a project's pipelines/refdata, that
// records the SHA-256 of each reference file as SyncReference last wrote it.
const BundledList = "BUNDLED.sha256"

// SyncReference brings the reference-data pipelines and the files they read
// into the project folder dir, as this binary bundles them, without undoing
// an analyst's edits: a file is written where it is missing, or where it is
// still exactly as an earlier SyncReference wrote it (an older bundled
// version); a file changed since is kept, and named in kept. It returns the
// specs as they now stand in the project, in load order.
func SyncReference(dir string) (specs []Spec, kept []string, err error) {
	pdir := filepath.Join(dir, spec.Dir)
	list := filepath.Join(pdir, "refdata", BundledList)
	was, err := readBundled(list)
	if err != nil {
		return nil, nil, err
	}
	now := map[string]string{}
	write := func(rel string, b []byte) error {
		sum := sha256.Sum256(b)
		h := hex.EncodeToString(sum[:])
		p := filepath.Join(pdir, filepath.FromSlash(rel))
		cur, err := os.ReadFile(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return err
		default:
			cs := sha256.Sum256(cur)
			ch := hex.EncodeToString(cs[:])
			if ch == h {
				now[rel] = h
				return nil
			}
			if was[rel] != ch {
				kept = append(kept, path.Join(spec.Dir, rel))
				now[rel] = was[rel]
				return nil
			}
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return err
		}
		now[rel] = h
		return nil
	}
	err = fs.WalkDir(refdata.FS, ".", func(p string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		b, err := fs.ReadFile(refdata.FS, p)
		if err != nil {
			return err
		}
		return write(path.Join("refdata", p), b)
	})
	if err != nil {
		return nil, nil, fmt.Errorf("pipelines: reference data: %w", err)
	}
	for _, s := range Refdata() {
		if err := write(s.File, s.Data); err != nil {
			return nil, nil, fmt.Errorf("pipelines: reference data: %w", err)
		}
		b, err := os.ReadFile(filepath.Join(pdir, s.File))
		if err != nil {
			return nil, nil, err
		}
		specs = append(specs, Spec{Name: s.Name, File: s.File, Data: b})
	}
	if err := writeBundled(list, now); err != nil {
		return nil, nil, err
	}
	return specs, kept, nil
}

// readBundled reads a BundledList: "SHA256  path" lines.
func readBundled(file string) (map[string]string, error) {
	out := map[string]string{}
	b, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		if h, p, ok := strings.Cut(line, "  "); ok {
			out[p] = h
		}
	}
	return out, sc.Err()
}

func writeBundled(file string, sums map[string]string) error {
	var b strings.Builder
	b.WriteString("# The reference files as grassroots init last wrote them (SHA-256, path under pipelines/).\n")
	b.WriteString("# init replaces a file still as written here with this binary's version, and keeps one you changed.\n")
	paths := make([]string, 0, len(sums))
	for p := range sums {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		if sums[p] != "" {
			fmt.Fprintf(&b, "%s  %s\n", sums[p], p)
		}
	}
	return os.WriteFile(file, []byte(b.String()), 0o644)
}
