package csv

import (
	"bufio"
	encsv "encoding/csv"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

func records(t testing.TB, in string, lazy bool) ([][]string, []int64, error) {
	s := newSplitter(bufio.NewReaderSize(strings.NewReader(in), 16), ',', lazy)
	var out [][]string
	var lines []int64
	for {
		cells, line, err := s.next()
		if err == io.EOF {
			return out, lines, nil
		}
		if err != nil {
			return out, lines, err
		}
		row := make([]string, len(cells))
		for i, c := range cells {
			row[i] = strings.Clone(c)
		}
		out = append(out, row)
		lines = append(lines, line)
	}
}

func TestSplitter(t *testing.T) {
	in := "a,b,c\r\n\n1,\"x, y\",3\n\"multi\nline\",\"say \"\"hi\"\"\",\nlong line beyond the sixteen byte buffer,2,3\nlast"
	got, lines, err := records(t, in, false)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"a", "b", "c"}, {"1", "x, y", "3"}, {"multi\nline", `say "hi"`, ""}, {"long line beyond the sixteen byte buffer", "2", "3"}, {"last"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if !reflect.DeepEqual(lines, []int64{1, 3, 4, 6, 7}) {
		t.Errorf("lines %v", lines)
	}
	for _, bad := range []struct {
		in  string
		err error
	}{{"a,b\"c\n", errBareQuote}, {"\"a\"b,c\n", errQuote}, {"\"open\n", errUnfinished}} {
		if _, _, err := records(t, bad.in, false); !errors.Is(err, bad.err) {
			t.Errorf("%q: %v, want %v", bad.in, err, bad.err)
		}
	}
	if got, _, err := records(t, "a,b\"c,\"d\"e\n", true); err != nil || !reflect.DeepEqual(got, [][]string{{"a", `b"c`, `d"e`}}) {
		t.Errorf("lazy: %q, %v", got, err)
	}
}

// FuzzSplitter checks the splitter against encoding/csv on well-formed input.
func FuzzSplitter(f *testing.F) {
	for _, s := range []string{"a,b\n", "\"a,\"\"b\",c\r\n", "x\n\n\"m\nl\",2\n", ",,\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		r := encsv.NewReader(strings.NewReader(in))
		r.FieldsPerRecord = -1
		want, err := r.ReadAll()
		if err != nil || strings.Contains(in, "\r") {
			records(t, in, false) // must not panic
			return
		}
		got, _, err := records(t, in, false)
		if err != nil {
			t.Fatalf("%q: %v (encoding/csv reads it)", in, err)
		}
		if len(want) == 0 {
			want = nil
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q:\n got %q\nwant %q", in, got, want)
		}
	})
}
