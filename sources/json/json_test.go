package json_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"grassroots/sources"
	"grassroots/sources/internal/sourcetest"
	_ "grassroots/sources/json"
)

func config(t *testing.T, spec string) sources.Config {
	t.Helper()
	var cfg sources.Config
	dec := yaml.NewDecoder(strings.NewReader(spec))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil {
		t.Fatalf("decoding spec: %v", err)
	}
	return cfg
}

func read(t *testing.T, cfg sources.Config) string {
	t.Helper()
	cfg.Allocator = sourcetest.Checked(t)
	var rejects []sources.Reject
	cfg.OnReject = func(r sources.Reject) { rejects = append(rejects, r) }
	src, err := sources.New("json", cfg)
	if err != nil {
		t.Fatal(err)
	}
	rdr, err := src.Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer rdr.Release()
	return sourcetest.Dump(rdr, &rejects)
}

func TestNDJSON(t *testing.T) {
	got := read(t, config(t, `
path: testdata/members.ndjson
ndjson: true
columns:
  - {from: region.code, name: region_code, required: true}
  - {from: month, name: month, type: month}
  - {from: members, name: members, type: int}
  - {from: floating, name: floating, type: bool}
  - {from: rate, name: rate, type: float, percent: pct}
  - {from: tags, name: tags}
`))
	sourcetest.Golden(t, "members.txt", got)
}

func TestRecordsPath(t *testing.T) {
	got := read(t, config(t, `
path: testdata/api_page1.json
records_path: data.items
columns:
  - {from: org_code, name: org_code}
  - {from: employees, name: employees, type: int}
  - {from: has_party_org, name: has_party_org, type: bool}
`))
	want := `schema: org_code:utf8 employees:int64 has_party_org:bool _row:int64
batch 1: 2 rows
  "A001" | "1200" | "true" | "1"
  "A002" | "35" | "false" | "2"
stats: encoding=utf-8 bom=false read=2 rejected=0 dropped=0 out=2
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestMissingField(t *testing.T) {
	cfg := config(t, `
path: testdata/api_page1.json
records_path: data.items
columns: [{from: org_name, name: org_name}]
`)
	got := read(t, cfg)
	want := `error: json: testdata/api_page1.json: field "org_name" not found in any of 2 records (first record has: employees, has_party_org, kind, org_code)`
	if !strings.Contains(got, want) {
		t.Errorf("got\n%s\nwant it to contain\n%s", got, want)
	}
}

// api serves 7 organisations, 3 per page, by page number or by next link.
func api(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	page := func(n int) []string {
		var recs []string
		for i := (n-1)*3 + 1; i <= 7 && i <= n*3; i++ {
			recs = append(recs, fmt.Sprintf(`{"org_code":"B%03d","employees":%d}`, i, i*10))
		}
		return recs
	}
	mux.HandleFunc("/orgs", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("page"))
		if r.URL.Query().Get("size") != "3" {
			t.Errorf("size parameter = %q", r.URL.Query().Get("size"))
		}
		fmt.Fprintf(w, `{"data":{"items":[%s]}}`, strings.Join(page(n), ","))
	})
	mux.HandleFunc("/linked", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("p"))
		if n == 0 {
			n = 1
		}
		next := "null"
		if n < 3 {
			next = fmt.Sprintf(`"/linked?p=%d"`, n+1)
		}
		fmt.Fprintf(w, `{"results":[%s],"links":{"next":%s}}`, strings.Join(page(n), ","), next)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

const pagedWant = `schema: org_code:utf8 employees:int64 _row:int64
batch 1: 4 rows
  "B001" | "10" | "1"
  "B002" | "20" | "2"
  "B003" | "30" | "3"
  "B004" | "40" | "4"
batch 2: 3 rows
  "B005" | "50" | "5"
  "B006" | "60" | "6"
  "B007" | "70" | "7"
stats: encoding=utf-8 bom=false read=7 rejected=0 dropped=0 out=7
`

func TestPaginatedByPageNumber(t *testing.T) {
	srv := api(t)
	cfg := config(t, `
url: `+srv.URL+`/orgs
records_path: data.items
pagination: {page_param: page, size_param: size, size: 3}
batch_size: 4
columns:
  - {from: org_code, name: org_code}
  - {from: employees, name: employees, type: int}
`)
	if got := read(t, cfg); got != pagedWant {
		t.Errorf("got\n%s\nwant\n%s", got, pagedWant)
	}
}

func TestPaginatedByNextLink(t *testing.T) {
	srv := api(t)
	cfg := config(t, `
url: `+srv.URL+`/linked
records_path: results
pagination: {next_path: links.next}
batch_size: 4
columns:
  - {from: org_code, name: org_code}
  - {from: employees, name: employees, type: int}
`)
	if got := read(t, cfg); got != pagedWant {
		t.Errorf("got\n%s\nwant\n%s", got, pagedWant)
	}
}

func TestConfigErrors(t *testing.T) {
	cfg := config(t, `
path: testdata/members.ndjson
ndjson: true
records_path: data
columns: [{from: 1, name: a}]
`)
	_, err := sources.New("json", cfg)
	want := "columns[0].from: JSON fields are taken by name, not position\nrecords_path: NDJSON records are the lines themselves"
	if err == nil || err.Error() != want {
		t.Errorf("error = %v\nwant %s", err, want)
	}
}
