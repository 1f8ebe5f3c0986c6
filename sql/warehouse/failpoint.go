package warehouse

import (
	"os"
	"strconv"
	"strings"
	"sync"
)

// Failpoints let the crash tests kill a process exactly between two writes
// of a run, where a timed kill would hit only by luck. GRASSROOTS_FAILPOINT
// names one point, optionally the how-manieth time it is reached
// ("update:committed@2"); the process then kills itself with SIGKILL, as the
// operating system would, running no deferred code. Unset, a failpoint costs
// one comparison.
var failAt = struct {
	sync.Mutex
	name string
	nth  int
	hits int
}{name: os.Getenv("GRASSROOTS_FAILPOINT")}

func init() {
	if name, n, ok := strings.Cut(failAt.name, "@"); ok {
		failAt.name = name
		failAt.nth, _ = strconv.Atoi(n)
	}
	if failAt.nth < 1 {
		failAt.nth = 1
	}
}

// failpoint kills the process if it is the point named for this process.
func failpoint(name string) {
	if failAt.name == "" || failAt.name != name {
		return
	}
	failAt.Lock()
	failAt.hits++
	hit := failAt.hits == failAt.nth
	failAt.Unlock()
	if hit {
		p, err := os.FindProcess(os.Getpid())
		if err == nil {
			_ = p.Kill()
		}
		select {} // the signal is on its way
	}
}
