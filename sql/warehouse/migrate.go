package warehouse

import (
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"time"

	"grassroots/sql/schema"
)

// Migration is one numbered schema file.
type Migration struct {
	Version int
	Name    string // file name, e.g. 0001_core.sql
	SQL     string
	sum     string
}

var migrationName = regexp.MustCompile(`^(\d{4})_[a-z0-9_]+\.sql$`)

// Migrations lists the embedded migrations in version order.
func Migrations() ([]Migration, error) { return migrationsFrom(schema.FS) }

func migrationsFrom(fsys fs.FS) ([]Migration, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, err
	}
	var ms []Migration
	seen := map[int]string{}
	for _, n := range names {
		m := migrationName.FindStringSubmatch(n)
		if m == nil {
			return nil, fmt.Errorf("migration %s: name must be NNNN_snake_case.sql", n)
		}
		v, _ := strconv.Atoi(m[1])
		if prev, dup := seen[v]; dup {
			return nil, fmt.Errorf("migrations %s and %s share version %d", prev, n, v)
		}
		seen[v] = n
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		s := sha256.Sum256(b)
		ms = append(ms, Migration{Version: v, Name: n, SQL: string(b), sum: hex.EncodeToString(s[:])})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	return ms, nil
}

// Migrate applies, in order, each embedded migration not yet recorded in
// _migration, each in its own transaction, and returns the names it applied.
// A recorded migration whose file has since changed is an error: migrations are
// append-only.
func (w *Warehouse) Migrate(ctx context.Context) ([]string, error) {
	ms, err := Migrations()
	if err != nil {
		return nil, fmt.Errorf("warehouse: %w", err)
	}
	return w.migrate(ctx, ms)
}

func (w *Warehouse) migrate(ctx context.Context, ms []Migration) ([]string, error) {
	if w.readOnly {
		return nil, fmt.Errorf("warehouse %s: opened read-only, cannot migrate", w.path)
	}
	w.writeMu.Lock()
	defer w.writeMu.Unlock()
	if _, err := w.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS _migration (
		version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, checksum VARCHAR NOT NULL,
		applied_at TIMESTAMPTZ NOT NULL)`); err != nil {
		return nil, fmt.Errorf("warehouse: create _migration: %w", err)
	}
	applied := map[int]string{}
	rows, err := w.db.QueryContext(ctx, `SELECT version, checksum FROM _migration`)
	if err != nil {
		return nil, fmt.Errorf("warehouse: read _migration: %w", err)
	}
	for rows.Next() {
		var v int
		var sum string
		if err := rows.Scan(&v, &sum); err != nil {
			rows.Close()
			return nil, err
		}
		applied[v] = sum
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	var done []string
	for _, m := range ms {
		if sum, ok := applied[m.Version]; ok {
			if sum != m.sum {
				return done, fmt.Errorf("warehouse: migration %s changed after it was applied; add a new migration instead", m.Name)
			}
			continue
		}
		if err := w.apply(ctx, m); err != nil {
			return done, err
		}
		done = append(done, m.Name)
	}
	if err := w.refreshLabels(ctx); err != nil {
		return done, err
	}
	return done, nil
}

// refreshLabels replaces catalog_label with the embedded labels.csv, so labels
// follow the binary without a migration of their own.
func (w *Warehouse) refreshLabels(ctx context.Context) error {
	f, err := schema.FS.Open("labels.csv")
	if err != nil {
		return fmt.Errorf("warehouse: labels: %w", err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return fmt.Errorf("warehouse: labels.csv: %w", err)
	}
	conn, err := w.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION; DELETE FROM catalog_label"); err != nil {
		return fmt.Errorf("warehouse: labels: %w", err)
	}
	for i, r := range recs[1:] {
		if len(r) != 5 {
			_, _ = conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
			return fmt.Errorf("warehouse: labels.csv: line %d: want 5 fields, have %d", i+2, len(r))
		}
		var unit any
		if r[4] != "" {
			unit = r[4]
		}
		if _, err := conn.ExecContext(ctx, `INSERT INTO catalog_label VALUES (?, ?, ?, ?, ?)`,
			r[0], r[1], r[2], r[3], unit); err != nil {
			_, _ = conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
			return fmt.Errorf("warehouse: labels.csv: line %d: %w", i+2, err)
		}
	}
	_, err = conn.ExecContext(ctx, "COMMIT")
	return err
}

func (w *Warehouse) apply(ctx context.Context, m Migration) error {
	conn, err := w.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return err
	}
	rollback := func(err error) error {
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		return fmt.Errorf("warehouse: migration %s: %w", m.Name, err)
	}
	if _, err := conn.ExecContext(ctx, m.SQL); err != nil {
		return rollback(err)
	}
	if _, err := conn.ExecContext(ctx, `INSERT INTO _migration VALUES (?, ?, ?, ?)`,
		m.Version, m.Name, m.sum, time.Now()); err != nil {
		return rollback(err)
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return rollback(err)
	}
	return nil
}

// Applied lists the migrations recorded in the warehouse, oldest first.
func (w *Warehouse) Applied(ctx context.Context) ([]string, error) {
	rows, err := w.db.QueryContext(ctx, `SELECT name FROM _migration ORDER BY version`)
	if err != nil {
		return nil, fmt.Errorf("warehouse: read _migration: %w", err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return names, rows.Err()
}
