package fetch

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// ErrNotRegular is wrapped by the error for a local input that is not a
// regular file: a directory, named pipe, device, socket or /proc file, any of
// which could block a reader, never end, or expose the system.
var ErrNotRegular = errors.New("not a regular file")

// NotRegularError names a local path that is not a regular file and what it
// is instead ("a directory", "a device").
type NotRegularError struct {
	Path string
	What string
}

func (e *NotRegularError) Error() string {
	return fmt.Sprintf("%s is %s, not a regular file", e.Path, e.What)
}

func (e *NotRegularError) Unwrap() error { return ErrNotRegular }

// Regular returns the file information of path, following symbolic links, if
// it is a regular file, and a *NotRegularError if it is not.
func Regular(path string) (fs.FileInfo, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	return st, checkRegular(path, st)
}

func checkRegular(path string, st fs.FileInfo) error {
	what := ""
	switch m := st.Mode(); {
	case m.IsDir():
		what = "a directory"
	case m&fs.ModeNamedPipe != 0:
		what = "a named pipe (FIFO)"
	case m&fs.ModeDevice != 0 || m&fs.ModeCharDevice != 0:
		what = "a device"
	case m&fs.ModeSocket != 0:
		what = "a socket"
	case !m.IsRegular():
		what = "not a plain file"
	default:
		what = pseudoFS(path)
	}
	if what != "" {
		return &NotRegularError{Path: path, What: what}
	}
	return nil
}

// openRegular opens a regular file for reading. The file is opened without
// waiting (a named pipe with no writer would block a plain open) and checked
// again once open, so that a file swapped for something else in between is
// refused too.
func openRegular(path string) (*os.File, fs.FileInfo, error) {
	// Not even opened if it is not a regular file: opening some devices
	// does something. A path that cannot be stat'ed is left to the open to
	// report.
	if st, err := os.Stat(path); err == nil {
		if err := checkRegular(path, st); err != nil {
			return nil, nil, err
		}
	}
	f, err := os.OpenFile(path, openFlags, 0)
	if err != nil {
		return nil, nil, err
	}
	st, err := f.Stat()
	if err == nil {
		err = checkRegular(path, st)
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, st, nil
}

// Resolve returns the absolute path that path names once every symbolic link
// in it is followed. For a path that does not exist, the longest part of it
// that does is resolved and the rest appended.
func Resolve(path string) (string, error) {
	if path == "" {
		path = "."
	}
	p, rest := path, ""
	for {
		// EvalSymlinks follows a link before applying a ".." after it, as
		// opening the path does; cleaning the path first would not.
		r, err := filepath.EvalSymlinks(p)
		if err == nil {
			if r, err = filepath.Abs(r); err != nil {
				return "", err
			}
			return filepath.Join(r, rest), nil
		}
		if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) {
			return "", err
		}
		i := strings.LastIndexAny(strings.TrimRight(p, `/\`), `/\`)
		if i < 0 {
			// Nothing of it exists: it is relative to the working directory.
			r, err := filepath.Abs(".")
			if err != nil {
				return "", err
			}
			return filepath.Join(r, p, rest), nil
		}
		if i == 0 { // the root itself
			return filepath.Join(p[:1], p[1:], rest), nil
		}
		p, rest = p[:i], filepath.Join(strings.TrimRight(p[i+1:], `/\`), rest)
	}
}

// Within resolves root and path (see Resolve) and reports whether path lies
// inside root.
func Within(root, path string) (resolved string, inside bool, err error) {
	r, err := Resolve(root)
	if err != nil {
		return "", false, err
	}
	p, err := Resolve(path)
	if err != nil {
		return "", false, err
	}
	rel, err := filepath.Rel(r, p)
	if err != nil {
		return p, false, nil
	}
	return p, rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)), nil
}
