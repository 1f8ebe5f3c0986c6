package fetch

import (
	"os"
	"strings"
	"syscall"
)

// openFlags open a named pipe without waiting for a writer; for a regular
// file O_NONBLOCK changes nothing.
const openFlags = os.O_RDONLY | syscall.O_NONBLOCK

// Magic numbers of the kernel's pseudo-filesystems (statfs(2)): their files
// claim to be regular but are views of the running system.
var pseudoMagic = map[int64]string{
	0x9fa0:     "a /proc file",
	0x62656572: "a /sys file",
	0x64626720: "a debugfs file",
	0x74726163: "a tracefs file",
	0x73636673: "a securityfs file",
	0x27e0eb:   "a cgroup file",
	0x63677270: "a cgroup file",
	0x62656570: "a configfs file",
	0xde5e81e4: "an efivarfs file",
	0xcafe4a11: "a bpf filesystem file",
	0x6165676c: "a pstore file",
}

// pseudoFS says what path is if it lives on a kernel pseudo-filesystem, and
// "" if it does not.
func pseudoFS(path string) string {
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err == nil {
		if what, ok := pseudoMagic[int64(st.Type)]; ok {
			return what
		}
	}
	return pseudoPrefix(path)
}

// pseudoPrefix recognises /proc and /sys by name, for where statfs cannot.
func pseudoPrefix(path string) string {
	for _, p := range []string{"/proc", "/sys"} {
		if path == p || strings.HasPrefix(path, p+"/") {
			return "a " + p + " file"
		}
	}
	return ""
}
