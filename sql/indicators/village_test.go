package indicators

import (
	"context"
	"math"
	"testing"
)

// TestVillageShareFallsAsVillagesConvert: two of a town's four villages
// become communities (村改居) between snapshots; a street with neither
// village nor community party organisations has nothing to count.
func TestVillageShareFallsAsVillagesConvert(t *testing.T) {
	w := openTemp(t)
	db := w.DB()
	exec(t, db, fixture[0],
		`INSERT INTO region_history (code, name, level, level_name, parent_code) VALUES
		('310112102', '乙街道', 4, 'township', '310112')`,
		`INSERT INTO party_org_history (snapshot_date, region_code, org_code, kind, setting, urban_partner_code, is_synthetic) VALUES
		('2023-06-30', '310112101', 'v1', 'branch',          'village',   NULL, true),
		('2023-06-30', '310112101', 'v2', 'branch',          'village',   NULL, true),
		('2023-06-30', '310112101', 'v3', 'branch',          'village',   NULL, true),
		('2023-06-30', '310112101', 'v4', 'branch',          'village',   NULL, true),
		('2023-06-30', '310112101', 'm1', 'branch',          'community', NULL, true),
		('2023-06-30', '310112101', 'e1', 'branch',          'enterprise', NULL, true),
		('2023-06-30', '310112102', 'e2', 'party_committee', 'enterprise', NULL, true),
		('2024-06-30', '310112101', 'v1', 'branch',          'village',   NULL, true),
		('2024-06-30', '310112101', 'v2', 'branch',          'village',   NULL, true),
		('2024-06-30', '310112101', 'v3', 'branch',          'community', NULL, true),
		('2024-06-30', '310112101', 'v4', 'branch',          'community', NULL, true),
		('2024-06-30', '310112101', 'm1', 'branch',          'community', NULL, true),
		('2024-06-30', '310112101', 'e1', 'branch',          'enterprise', NULL, true),
		('2024-06-30', '310112102', 'e2', 'party_committee', 'enterprise', NULL, true),
		('2024-06-30', '310104',    'v9', 'branch',          'village',   NULL, true)`)
	if _, err := Compute(context.Background(), w, "party_org.village_share"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		region, period string
		want           float64
	}{
		{"310112101", "2023-06-30", 80}, // 4 of 4 villages + 1 community; the enterprise's branch is neither
		{"310112101", "2024-06-30", 40}, // 2 of 2 villages + 3 communities
		{"310112", "2024-06-30", 40},    // 乙街道 adds 0 of 0
		{"310100", "2024-06-30", 50},    // (2+1) / (5+1)
	}
	for _, tc := range tests {
		got := value(t, db, "party_org.village_share", tc.region, tc.period, "")
		if math.IsNaN(got) || math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("village share %s %s = %v, want %v", tc.region, tc.period, got, tc.want)
		}
	}
	if f := flagsOf(t, db, "party_org.village_share", "310112102", "2024-06-30", ""); f != "(none)" {
		t.Errorf("乙街道 (no village or community party organisation) has a value (flags %q)", f)
	}
	if f := flagsOf(t, db, "party_org.village_share", "310112", "2024-06-30", ""); f != "" {
		t.Errorf("district village share flagged %q: a street with nothing to count made it partial", f)
	}
	var change float64
	if err := db.QueryRow(`SELECT change FROM indicator_change WHERE indicator = 'party_org.village_share'
		AND region_code = '310112101' AND period = '2024-06-30'`).Scan(&change); err != nil {
		t.Fatal(err)
	}
	if change != -40 {
		t.Errorf("甲镇 village share change %v pp, want -40 (two villages converted)", change)
	}
}
