package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
)

// SettingInfo describes one warehouse setting (a row of _setting).
type SettingInfo struct {
	Key     string
	Default string
	// About says what the setting means, in one or two lines.
	About string
}

// Settings are the settings a user may read and set, in the order they are
// listed.
var Settings = []SettingInfo{
	{Key: "home_region", Default: Country,
		About: "the region whose data the warehouse holds (its own and the regions' below it); packages are taken from below it only"},
	{Key: "history_retention_days", Default: strconv.Itoa(int(DefaultRetention.Hours() / 24)),
		About: "days rows replaced by a later run are kept before grassroots vacuum drops them"},
	{Key: "small_cell_threshold", Default: strconv.Itoa(DefaultSmallCellThreshold),
		About: "person counts below it are shown as <N in reports and exports, and rates over fewer persons as —; 1 shows every count (grassroots sql is always exact)"},
}

// DefaultSmallCellThreshold is the small-cell threshold of a warehouse that
// sets none: counts of one or two persons are not published.
const DefaultSmallCellThreshold = 3

// SettingNamed returns the description of key.
func SettingNamed(key string) (SettingInfo, bool) {
	for _, s := range Settings {
		if s.Key == key {
			return s, true
		}
	}
	return SettingInfo{}, false
}

// Setting reads a setting: its value, and whether the warehouse sets it
// (when not, the value is the default).
func (w *Warehouse) Setting(ctx context.Context, key string) (value string, set bool, err error) {
	return ReadSetting(ctx, w.db, key)
}

// ReadSetting reads a setting from a warehouse database, as Setting does; a
// database without the settings table gives the default.
func ReadSetting(ctx context.Context, db *sql.DB, key string) (value string, set bool, err error) {
	info, ok := SettingNamed(key)
	if !ok {
		return "", false, fmt.Errorf("warehouse: no setting %q", key)
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM information_schema.tables
		WHERE table_name = '_setting'`).Scan(&n); err != nil {
		return "", false, fmt.Errorf("warehouse: read setting %s: %w", key, err)
	}
	if n == 0 {
		return info.Default, false, nil
	}
	var v sql.NullString
	err = db.QueryRowContext(ctx, `SELECT value FROM _setting WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && (!v.Valid || v.String == "")) {
		return info.Default, false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("warehouse: read setting %s: %w", key, err)
	}
	return v.String, true, nil
}

// CheckSetting says what is wrong with value for key (nil when nothing).
// home_region is checked as a code only: whether the region exists and
// holds the packages already taken is for the caller to check.
func CheckSetting(key, value string) error {
	switch key {
	case "home_region":
		if len(value) != 6 || !allDigits(value) {
			return fmt.Errorf("home_region %q: want a six-digit region code such as 310112", value)
		}
	case "history_retention_days":
		if d, err := strconv.Atoi(value); err != nil || d < 0 {
			return fmt.Errorf("history_retention_days %q: want a whole number of days, 0 or more", value)
		}
	case "small_cell_threshold":
		if t, err := strconv.Atoi(value); err != nil || t < 1 || t > 100 {
			return fmt.Errorf("small_cell_threshold %q: want a whole number of persons from 1 (show every count) to 100", value)
		}
	default:
		return fmt.Errorf("no setting %q (settings: home_region, history_retention_days, small_cell_threshold)", key)
	}
	return nil
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// SetSetting checks value and stores it.
func (w *Warehouse) SetSetting(ctx context.Context, key, value string) error {
	if err := CheckSetting(key, value); err != nil {
		return fmt.Errorf("warehouse: %w", err)
	}
	w.writeMu.Lock()
	defer w.writeMu.Unlock()
	if _, err := w.db.ExecContext(ctx, `INSERT OR REPLACE INTO _setting VALUES (?, ?)`, key, value); err != nil {
		return fmt.Errorf("warehouse: set %s: %w", key, err)
	}
	return nil
}

// SmallCellThreshold reads the small-cell threshold of a warehouse database
// (setting small_cell_threshold; DefaultSmallCellThreshold when unset).
func SmallCellThreshold(ctx context.Context, db *sql.DB) (int, error) {
	v, _, err := ReadSetting(ctx, db, "small_cell_threshold")
	if err != nil {
		return 0, err
	}
	if err := CheckSetting("small_cell_threshold", v); err != nil {
		return 0, fmt.Errorf("warehouse: setting %w", err)
	}
	t, _ := strconv.Atoi(v)
	return t, nil
}
