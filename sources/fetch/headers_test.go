package fetch

import (
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestHeadersDecode(t *testing.T) {
	var o Options
	if err := yaml.Unmarshal([]byte("headers: {X-Api-Key: k, Accept: text/csv}\nidle_timeout: 2m\ntotal_timeout: 3h\n"), &o); err != nil {
		t.Fatal(err)
	}
	if o.Headers["X-Api-Key"] != "k" || len(o.Headers) != 2 || o.IdleTimeout.String() != "2m0s" || o.TotalTimeout.String() != "3h0m0s" {
		t.Errorf("decoded %+v", o)
	}
	err := yaml.Unmarshal([]byte("headers:\n  Accept: a\n  Accept: b\n"), &o)
	if err == nil || !strings.Contains(err.Error(), `line 3, column 3: mapping key "Accept" already defined at line 2`) {
		t.Errorf("duplicate header: %v", err)
	}
	err = yaml.Unmarshal([]byte("headers: [Accept]\n"), &o)
	if err == nil || !strings.Contains(err.Error(), "line 1, column 10: cannot unmarshal !!seq into map[string]string") {
		t.Errorf("list for headers: %v", err)
	}
}
