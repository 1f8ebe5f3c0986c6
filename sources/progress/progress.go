// Package progress counts how far a run has got while it runs — rows read,
// rows quarantined, bytes of the input read and, where it is known, their
// total — for whoever shows it: the command line's live line on a terminal,
// the daemon's debug log.
//
// The readers bump the counters on their hot path with atomic stores and adds
// and never wait; whoever shows them takes a Snapshot at any time, from any
// goroutine. Every method is safe on a nil *Counters and does nothing, so a
// reader without an observer pays one nil test.
package progress

import (
	"sync"
	"sync/atomic"
	"time"
)

// Phase is what a run is doing.
type Phase int32

// The phases of a run, in order. A local input is read (and hashed beside
// the load); an input at a URL is downloaded to a temporary copy and then
// read.
const (
	Starting    Phase = iota // recorded, the input not opened yet
	Downloading              // copying the input from its URL
	Reading                  // reading, checking and loading rows
	Writing                  // every row read: the load, quarantine and commit finish
	Refreshing               // committed: refreshing indicators and reports
)

var phaseNames = [...]string{"starting", "downloading", "reading", "writing", "refreshing"}

func (p Phase) String() string {
	if p < 0 || int(p) >= len(phaseNames) {
		return "?"
	}
	return phaseNames[p]
}

// Counters are the live counts of one run. Pipeline, Period and Description
// are set by New and not changed after.
type Counters struct {
	Pipeline    string
	Period      string // "" for a pipeline without periods
	Description string
	Start       time.Time

	phase       atomic.Int32
	phaseStart  atomic.Int64 // unix nanoseconds
	rows        atomic.Int64
	quarantined atomic.Int64
	bytes       atomic.Int64
	size        atomic.Int64 // -1: unknown
}

// New returns the counters of a run that starts now.
func New(pipeline, period, description string) *Counters {
	c := &Counters{Pipeline: pipeline, Period: period, Description: description, Start: time.Now()}
	c.phaseStart.Store(c.Start.UnixNano())
	c.size.Store(-1)
	return c
}

// SetPhase enters phase p, and rates are measured from now. A phase that
// reads the input (downloading, reading) counts its bytes from 0
// (each reads its own: the download, then the copy); the phases after it
// keep the bytes the reading counted.
func (c *Counters) SetPhase(p Phase) {
	if c == nil {
		return
	}
	if p <= Reading {
		c.bytes.Store(0)
		c.size.Store(-1)
	}
	c.phaseStart.Store(time.Now().UnixNano())
	c.phase.Store(int32(p))
}

// AddBytes counts n more bytes of the input read.
func (c *Counters) AddBytes(n int) {
	if c != nil && n > 0 {
		c.bytes.Add(int64(n))
	}
}

// SetSize sets the number of bytes the phase will read; -1 if unknown (an
// HTTP answer without Content-Length).
func (c *Counters) SetSize(n int64) {
	if c != nil {
		c.size.Store(n)
	}
}

// SetRows sets the number of source rows read so far.
func (c *Counters) SetRows(n int64) {
	if c != nil {
		c.rows.Store(n)
	}
}

// SetQuarantined sets the number of rows set aside so far.
func (c *Counters) SetQuarantined(n int64) {
	if c != nil {
		c.quarantined.Store(n)
	}
}

// Snapshot is the counters as of one moment.
type Snapshot struct {
	Pipeline, Period, Description string
	Phase                         Phase
	Rows, Quarantined             int64
	// Bytes read in this phase, of Size (-1: unknown).
	Bytes, Size int64
	// Elapsed since the run started; InPhase since the phase started.
	Elapsed, InPhase time.Duration
}

// Snapshot reads the counters now.
func (c *Counters) Snapshot() Snapshot {
	if c == nil {
		return Snapshot{Size: -1}
	}
	now := time.Now()
	return Snapshot{
		Pipeline: c.Pipeline, Period: c.Period, Description: c.Description,
		Phase:       Phase(c.phase.Load()),
		Rows:        c.rows.Load(),
		Quarantined: c.quarantined.Load(),
		Bytes:       c.bytes.Load(),
		Size:        c.size.Load(),
		Elapsed:     now.Sub(c.Start),
		InPhase:     now.Sub(time.Unix(0, c.phaseStart.Load())),
	}
}

// RowsPerSecond is the reading rate: rows over the time spent reading. It is
// 0 before the run reads rows or too early to tell.
func (s Snapshot) RowsPerSecond() float64 {
	if s.Phase != Reading || s.InPhase < 100*time.Millisecond || s.Rows == 0 {
		return 0
	}
	return float64(s.Rows) / s.InPhase.Seconds()
}

// ETA is the time the phase has left at its pace so far, from the bytes read
// of the known size; ok is false when the size is unknown, it is too early
// to tell, or every byte is read already (a workbook is read whole before
// its rows, and the last rows of any input are still being checked and
// loaded after its last byte was read: the bytes tell nothing more).
func (s Snapshot) ETA() (left time.Duration, ok bool) {
	if s.Size <= 0 || s.Bytes <= 0 || s.Bytes >= s.Size || s.InPhase < 200*time.Millisecond {
		return 0, false
	}
	perByte := float64(s.InPhase) / float64(s.Bytes)
	return time.Duration(perByte * float64(s.Size-s.Bytes)), true
}

// Observer is told when a run starts, with the counters it will bump, and
// when it has ended. Several runs may be going at once (the daemon): calls
// come from their goroutines and must not block for long.
type Observer interface {
	Started(c *Counters)
	Finished(c *Counters)
}

// Tee tells every observer in it, nil ones skipped.
type Tee []Observer

func (t Tee) Started(c *Counters) {
	for _, o := range t {
		if o != nil {
			o.Started(c)
		}
	}
}

func (t Tee) Finished(c *Counters) {
	for _, o := range t {
		if o != nil {
			o.Finished(c)
		}
	}
}

// Board is the set of runs going now, in the order they started. The zero
// value is ready to use.
type Board struct {
	mu   sync.Mutex
	runs []*Counters
}

var _ Observer = (*Board)(nil)

func (b *Board) Started(c *Counters) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.runs = append(b.runs, c)
}

func (b *Board) Finished(c *Counters) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, r := range b.runs {
		if r == c {
			b.runs = append(b.runs[:i], b.runs[i+1:]...)
			break
		}
	}
}

// Snapshots reads the counters of every run going now.
func (b *Board) Snapshots() []Snapshot {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]Snapshot, len(b.runs))
	for i, r := range b.runs {
		out[i] = r.Snapshot()
	}
	return out
}
