//go:build !linux

package fetch

import (
	"os"
	"path/filepath"
	"strings"
)

const openFlags = os.O_RDONLY

// pseudoFS says what path is if it is under /proc or /sys, and "" otherwise.
func pseudoFS(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return ""
	}
	for _, p := range []string{"/proc", "/sys"} {
		if abs == p || strings.HasPrefix(abs, p+"/") {
			return "a " + p + " file"
		}
	}
	return ""
}
