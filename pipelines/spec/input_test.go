package spec

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// project makes a project folder with pipelines/, inputs/pop.csv and a
// folder beside it (outside) holding secret.csv.
func project(t *testing.T) (proj, outside string) {
	t.Helper()
	base := t.TempDir()
	proj, outside = filepath.Join(base, "proj"), filepath.Join(base, "outside")
	for _, d := range []string{filepath.Join(proj, Dir), filepath.Join(proj, "inputs"), outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(proj, "inputs", "pop.csv"), []byte("年份\n2020\n"), 0o644)
	os.WriteFile(filepath.Join(outside, "secret.csv"), []byte("root:x:0:0:root:/root:/bin/bash\n"), 0o644)
	return proj, outside
}

func writeSpec(t *testing.T, proj, name, path, extra string) {
	t.Helper()
	src := strings.Replace(smallSpec, "  path: x.csv\n", "  path: "+path+"\n"+extra, 1)
	if err := os.WriteFile(filepath.Join(proj, Dir, name+".yaml"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A local input must be a regular file inside the project, symbolic links
// followed, unless the spec says source.allow_outside_project: true; run and
// lint load specs through Load and LoadAll, which say so with the position.
func TestInputConfinedToProject(t *testing.T) {
	proj, outside := project(t)
	secret := filepath.Join(outside, "secret.csv")
	os.Symlink(secret, filepath.Join(proj, "inputs", "link.csv"))
	os.Symlink(outside, filepath.Join(proj, "inputs", "linked_dir"))
	fifo := filepath.Join(proj, "inputs", "fifo.csv")
	haveFIFO := syscall.Mkfifo(fifo, 0o644) == nil
	os.Mkdir(filepath.Join(proj, "inputs", "dir.csv"), 0o755)
	allow := "  allow_outside_project: true\n"
	outsideMsg := func(path, resolved string) string {
		if resolved != "" {
			path += " leads to " + resolved + ","
		} else {
			path += " is"
		}
		return "pipelines/x.yaml:3:9: source.path: " + path + " outside the project folder " + proj +
			"; a pipeline reads only inputs inside its project unless it sets source.allow_outside_project: true"
	}
	for _, tc := range []struct {
		path, extra, want string
	}{
		{"inputs/pop.csv", "", ""},
		{"inputs/missing.csv", "", ""}, // opening it will say so
		{"../outside/secret.csv", "", outsideMsg(secret, "")},
		{"../../../../../../../../etc/passwd", "", outsideMsg("/etc/passwd", "")},
		{secret, "", outsideMsg(secret, "")},
		{"/etc/shadow", "", outsideMsg("/etc/shadow", "")},
		{"/proc/self/environ", "", outsideMsg("/proc/self/environ", fmt.Sprintf("/proc/%d/environ", os.Getpid()))},
		{"inputs/link.csv", "", outsideMsg(filepath.Join(proj, "inputs", "link.csv"), secret)},
		{"inputs/linked_dir/secret.csv", "", outsideMsg(filepath.Join(proj, "inputs", "linked_dir", "secret.csv"), secret)},
		{"file://" + secret, "", outsideMsg(secret, "")},
		{"inputs/link.csv", allow, ""},
		{"../outside/secret.csv", allow, ""},
		{"inputs/dir.csv", "", "pipelines/x.yaml:3:9: source.path: " + filepath.Join(proj, "inputs", "dir.csv") +
			" is a directory, not a regular file; a pipeline reads regular files and http(s) URLs"},
		{"/dev/zero", allow, "pipelines/x.yaml:3:9: source.path: /dev/zero is a device, not a regular file; a pipeline reads regular files and http(s) URLs"},
		{"/proc/self/environ", allow, "pipelines/x.yaml:3:9: source.path: /proc/self/environ is a /proc file, not a regular file; a pipeline reads regular files and http(s) URLs"},
		{"inputs/fifo.csv", "", "pipelines/x.yaml:3:9: source.path: " + fifo +
			" is a named pipe (FIFO), not a regular file; a pipeline reads regular files and http(s) URLs"},
	} {
		if tc.path == "inputs/fifo.csv" && !haveFIFO {
			continue
		}
		writeSpec(t, proj, "x", tc.path, tc.extra)
		got := ""
		if _, err := Load(proj, "x"); err != nil {
			got = strings.ReplaceAll(err.Error(), proj+"/"+Dir+"/", Dir+"/")
		}
		if got != tc.want {
			t.Errorf("path %s %s\n got: %s\nwant: %s", tc.path, strings.TrimSpace(tc.extra), got, tc.want)
		}
		_, err := LoadAll(proj)
		got = ""
		if err != nil {
			got = strings.ReplaceAll(err.Error(), proj+"/"+Dir+"/", Dir+"/")
		}
		if got != tc.want {
			t.Errorf("LoadAll, path %s %s\n got: %s\nwant: %s", tc.path, strings.TrimSpace(tc.extra), got, tc.want)
		}
	}
}

// Every period's path is checked.
func TestInputConfinedEveryPeriod(t *testing.T) {
	proj, outside := project(t)
	os.WriteFile(filepath.Join(proj, "inputs", "pop_2020.csv"), []byte("年份\n2020\n"), 0o644)
	os.Symlink(filepath.Join(outside, "secret.csv"), filepath.Join(proj, "inputs", "pop_2021.csv"))
	writeSpec(t, proj, "x", "inputs/pop_{year}.csv", "")
	src, _ := os.ReadFile(filepath.Join(proj, Dir, "x.yaml"))
	os.WriteFile(filepath.Join(proj, Dir, "x.yaml"), append(src, "periods: 2020..2022\n"...), 0o644)
	_, err := Load(proj, "x")
	if err == nil || !strings.Contains(err.Error(), "x.yaml:3:9: source.path: "+filepath.Join(proj, "inputs", "pop_2021.csv")+" leads to ") ||
		strings.Count(err.Error(), "\n") != 0 {
		t.Fatalf("err = %v", err)
	}
}

// A pattern path is checked for its syntax, for its folder and for every
// file it matches now; that it matches nothing is no problem for lint (the
// returns may not be in yet), but a run's Glob says so.
func TestInputPattern(t *testing.T) {
	proj, outside := project(t)
	os.Symlink(filepath.Join(outside, "secret.csv"), filepath.Join(proj, "inputs", "zz.csv"))
	for _, tc := range []struct{ path, want string }{
		{"inputs/returns/*.csv", ""},
		{"inputs/p*.csv", ""},
		{"inputs/[.csv", ""}, // a bracket is part of a name, not a pattern
		{`inputs/*\`, `source.path: "inputs/*\\" is not a valid pattern: syntax error in pattern`},
		{"../outside/*.csv", "source.path: ../outside/*.csv leads to " + outside + ", outside the project folder"},
		{"inputs/*.csv", "source.path: " + filepath.Join(proj, "inputs", "zz.csv") + " leads to "},
	} {
		writeSpec(t, proj, "x", tc.path, "")
		_, err := Load(proj, "x")
		if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("path %s: %v, want %q", tc.path, err, tc.want)
		}
	}
	writeSpec(t, proj, "x", "inputs/returns/*.csv", "")
	s, err := Load(proj, "x")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Glob(proj, LocalPath(proj, s.Source.Path)); err == nil || !strings.Contains(err.Error(), "no file matches inputs/returns/*.csv") {
		t.Errorf("Glob with no file: %v", err)
	}
	files, _, err := s.Glob(proj, LocalPath(proj, "inputs/p*.csv"))
	if err != nil || len(files) != 1 || filepath.Base(files[0]) != "pop.csv" {
		t.Errorf("Glob inputs/p*.csv: %v, %v", files, err)
	}
}
