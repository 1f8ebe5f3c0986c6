package indicators

import (
	"context"
	"database/sql"
	"testing"
)

func statusOf(t *testing.T, db *sql.DB, code, region, period, vintage string) string {
	t.Helper()
	var s sql.NullString
	if err := db.QueryRow(`SELECT status FROM indicator_value WHERE indicator = ? AND region_code = ? AND period = ?
		AND vintage = ? AND NOT beside_own`, code, region, period, vintage).Scan(&s); err != nil {
		t.Fatalf("%s %s %s %q: %v", code, region, period, vintage, err)
	}
	return s.String
}

// A value carries the weakest status of the figures it was computed from:
// a roll-up of a final and a preliminary district is preliminary, a change
// from a revised to a preliminary year is preliminary, a gap between a
// preliminary resident rate and a final hukou rate is preliminary, and rows
// without a status are final.
func TestStatusWeakestInputWins(t *testing.T) {
	w := openTemp(t)
	db := w.DB()
	exec(t, db, fixture[0], `INSERT INTO population_history (region_code, year, vintage, resident_pop, urban_resident_pop,
		hukou_pop, urban_hukou_pop, status) VALUES
		('310112', 2023, '', 1000, 800, 1000, 700, 'revised'),
		('310112', 2024, '', 1000, 820, 1000, 710, 'preliminary'),
		('310104', 2024, '', 1000, 900, 1000, 900, NULL),
		('310104', 2023, '', 1000, 890, 1000, 880, 'estimated')`)
	if _, err := Compute(context.Background(), w, "urban.rate_resident", "urban.rate_hukou"); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ code, region, period, want string }{
		{"urban.rate_resident", "310112", "2023", "revised"},
		{"urban.rate_resident", "310112", "2024", "preliminary"},
		{"urban.rate_resident", "310104", "2024", "final"},
		{"urban.rate_resident", "310100", "2024", "preliminary"}, // final + preliminary
		{"urban.rate_resident", "310100", "2023", "estimated"},   // revised + estimated
		{"urban.rate_change_pp", "310112", "2024", "preliminary"},
		{"urban.rate_change_pp", "310104", "2024", "estimated"}, // from an estimated 2023
		{"urban.hukou_gap_pp", "310112", "2024", "preliminary"},
	} {
		if got := statusOf(t, db, tt.code, tt.region, tt.period, ""); got != tt.want {
			t.Errorf("%s %s %s: status %q, want %q", tt.code, tt.region, tt.period, got, tt.want)
		}
	}
}
