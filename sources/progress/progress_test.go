package progress

import (
	"testing"
	"time"
)

func TestCounters(t *testing.T) {
	var none *Counters // counts nothing, and does not panic
	none.SetPhase(Reading)
	none.AddBytes(10)
	none.SetRows(3)
	if s := none.Snapshot(); s.Rows != 0 || s.Size != -1 {
		t.Errorf("nil counters: %+v", s)
	}

	c := New("members", "2023", "党员名册")
	if s := c.Snapshot(); s.Phase != Starting || s.Size != -1 || s.Pipeline != "members" || s.Period != "2023" {
		t.Errorf("new: %+v", s)
	}
	c.SetPhase(Downloading)
	c.SetSize(100)
	c.AddBytes(100)
	c.SetPhase(Reading) // the bytes of the download are not the reading's
	if s := c.Snapshot(); s.Bytes != 0 || s.Size != -1 {
		t.Errorf("reading after downloading: %d of %d bytes", s.Bytes, s.Size)
	}
	c.SetSize(100)
	c.AddBytes(40)
	c.SetRows(1000)
	c.SetQuarantined(2)
	c.SetPhase(Writing) // keeps the bytes read
	if s := c.Snapshot(); s.Bytes != 40 || s.Size != 100 || s.Rows != 1000 || s.Quarantined != 2 || s.Phase != Writing {
		t.Errorf("writing: %+v", s)
	}
}

func TestRateAndETA(t *testing.T) {
	s := Snapshot{Phase: Reading, Rows: 5000, Bytes: 25, Size: 100, InPhase: 2 * time.Second}
	if r := s.RowsPerSecond(); r != 2500 {
		t.Errorf("rows/s = %v, want 2500", r)
	}
	if left, ok := s.ETA(); !ok || left != 6*time.Second {
		t.Errorf("ETA = %v, %v; want 6s (a quarter in 2s)", left, ok)
	}
	for _, tc := range []Snapshot{
		{Phase: Reading, Rows: 5000, Bytes: 25, Size: -1, InPhase: 2 * time.Second}, // size unknown
		{Phase: Reading, Rows: 5, Bytes: 1, Size: 100, InPhase: time.Millisecond},   // too early
		{Phase: Reading, Rows: 5, Bytes: 100, Size: 100, InPhase: time.Second},      // all read
	} {
		if _, ok := tc.ETA(); ok {
			t.Errorf("ETA of %+v known", tc)
		}
	}
	if r := (Snapshot{Phase: Writing, Rows: 5000, InPhase: time.Second}).RowsPerSecond(); r != 0 {
		t.Errorf("rows/s while writing = %v, want none", r)
	}
}

func TestBoardAndTee(t *testing.T) {
	var a, b Board
	obs := Tee{&a, nil, &b}
	x, y := New("x", "", ""), New("y", "", "")
	obs.Started(x)
	obs.Started(y)
	obs.Finished(x)
	for _, bd := range []*Board{&a, &b} {
		if s := bd.Snapshots(); len(s) != 1 || s[0].Pipeline != "y" {
			t.Errorf("board: %+v, want y alone", s)
		}
	}
}
