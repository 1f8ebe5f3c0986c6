package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Country is the home region of a warehouse that was given none.
const Country = "000000"

// Home is the warehouse's home region: the region whose data it holds, its
// own and the regions' below it, and from below which it takes packages.
func (w *Warehouse) Home(ctx context.Context) (string, error) {
	var v sql.NullString
	err := w.db.QueryRowContext(ctx, `SELECT value FROM _setting WHERE key = 'home_region'`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && (!v.Valid || v.String == "")) {
		return Country, nil
	}
	if err != nil {
		return "", fmt.Errorf("warehouse: read the home region: %w", err)
	}
	return v.String, nil
}

// SetHome sets the warehouse's home region.
func (w *Warehouse) SetHome(ctx context.Context, code string) error {
	w.writeMu.Lock()
	defer w.writeMu.Unlock()
	if _, err := w.db.ExecContext(ctx, `INSERT OR REPLACE INTO _setting VALUES ('home_region', ?)`, code); err != nil {
		return fmt.Errorf("warehouse: set the home region: %w", err)
	}
	return nil
}
