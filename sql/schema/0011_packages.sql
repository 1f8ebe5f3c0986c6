-- Schema v11: reporting up the hierarchy (上报).
--
-- A warehouse belongs to a home region (_setting home_region, default 000000,
-- the country). A lower level exports a package of aggregates for one of its
-- regions and some periods; the upper level imports it in one run, replacing
-- what an earlier package of the same region and periods brought. Imported
-- rows are versioned like every fact, so a corrected package replaces the old
-- one and the old one can still be read as of its time.

CREATE TABLE reported_package_history (
    package_region VARCHAR NOT NULL,
    year           INTEGER NOT NULL,
    producer       VARCHAR NOT NULL,
    producer_home  VARCHAR,
    created_at     TIMESTAMPTZ NOT NULL,
    imported_at    TIMESTAMPTZ NOT NULL,
    file_name      VARCHAR,
    file_sha256    VARCHAR NOT NULL,
    format_version INTEGER NOT NULL,
    schema_version VARCHAR,
    vintages       VARCHAR,
    rows           BIGINT NOT NULL,
    is_synthetic   BOOLEAN NOT NULL DEFAULT false,
    run_id         BIGINT,
    superseded_by  BIGINT
);
CREATE VIEW reported_package AS SELECT * EXCLUDE (superseded_by) FROM reported_package_history
WHERE (run_id IS NULL OR run_id NOT IN (SELECT run_id FROM _unseen_run))
  AND (superseded_by IS NULL OR superseded_by IN (SELECT run_id FROM _unseen_run));
COMMENT ON TABLE reported_package_history IS 'Every version of reported_package: rows of every committed import, the ones replaced since included. Read reported_package for the current rows.';
COMMENT ON VIEW reported_package IS 'Packages imported from regions below this warehouse''s home region: one row per region and year a package brought, with its producer, when it was made and imported, the SHA-256 of the file and the number of rows it held.';

CREATE TABLE reported_value_history (
    package_region VARCHAR NOT NULL,
    indicator      VARCHAR NOT NULL,
    region_code    VARCHAR NOT NULL,
    period         VARCHAR NOT NULL,
    year           INTEGER NOT NULL,
    vintage        VARCHAR NOT NULL DEFAULT '',
    numerator      DOUBLE,
    denominator    DOUBLE,
    value          DOUBLE,
    unit           VARCHAR,
    flags          VARCHAR NOT NULL DEFAULT '',
    is_rollup      BOOLEAN NOT NULL DEFAULT false,
    is_derived     BOOLEAN NOT NULL DEFAULT false,
    is_synthetic   BOOLEAN NOT NULL DEFAULT false,
    reported       INTEGER,
    expected       INTEGER,
    run_id         BIGINT,
    superseded_by  BIGINT
);
CREATE VIEW reported_value AS SELECT * EXCLUDE (superseded_by) FROM reported_value_history
WHERE (run_id IS NULL OR run_id NOT IN (SELECT run_id FROM _unseen_run))
  AND (superseded_by IS NULL OR superseded_by IN (SELECT run_id FROM _unseen_run));
COMMENT ON TABLE reported_value_history IS 'Every version of reported_value. Read reported_value for the current rows.';
COMMENT ON VIEW reported_value IS 'Indicator numerators and denominators reported up in packages, for the package''s region and every region below it, as the lower level computed them. The indicator computation takes them as those regions'' own figures (where this warehouse computes none of its own) and sums them up the hierarchy; is_derived marks indicators computed from other indicators, which are recomputed here instead.';

CREATE TABLE reported_count_history (
    package_region VARCHAR NOT NULL,
    aggregate      VARCHAR NOT NULL,
    region_code    VARCHAR NOT NULL,
    period         VARCHAR NOT NULL,
    year           INTEGER NOT NULL,
    breakdown      VARCHAR NOT NULL DEFAULT '',
    measure        VARCHAR NOT NULL,
    value          DOUBLE,
    is_synthetic   BOOLEAN NOT NULL DEFAULT false,
    run_id         BIGINT,
    superseded_by  BIGINT
);
CREATE VIEW reported_count AS SELECT * EXCLUDE (superseded_by) FROM reported_count_history
WHERE (run_id IS NULL OR run_id NOT IN (SELECT run_id FROM _unseen_run))
  AND (superseded_by IS NULL OR superseded_by IN (SELECT run_id FROM _unseen_run));
COMMENT ON TABLE reported_count_history IS 'Every version of reported_count. Read reported_count for the current rows.';
COMMENT ON VIEW reported_count IS 'Aggregate tables reported up in packages, long: aggregate (members, organisations, communities), region, period, breakdown (such as category=rural;age_band=55-60), measure (members, organisations, employees …) and value. Counts, never rows of people or organisations.';
