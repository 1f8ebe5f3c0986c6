-- Schema v1: regions, facts, indicators and the operations tables.
--
-- Conventions
--   * Names are English snake_case; Chinese labels live in catalog_label.
--   * Every loadable table carries run_id (the _run that wrote the row). A re-run
--     replaces a partition by inserting its rows, then deleting older rows with the
--     same partition key, so there are no primary keys on loadable tables: keys are
--     checked by the pipelines' validation instead (DuckDB's indexes would also slow
--     bulk loads).
--   * Counts of persons are in persons (万人 is converted on the way in).
--   * is_synthetic marks rows generated for the demo; reports label them.

-- Regions ----------------------------------------------------------------------

CREATE TABLE region (
    code             VARCHAR NOT NULL,
    name             VARCHAR NOT NULL,
    level            TINYINT NOT NULL,
    level_name       VARCHAR NOT NULL,
    parent_code      VARCHAR,
    urban_rural_class VARCHAR,
    nbs_special_unit BOOLEAN NOT NULL DEFAULT false,
    valid_from       DATE,
    valid_to         DATE,
    source           VARCHAR,
    run_id           BIGINT
);
COMMENT ON TABLE region IS 'Administrative divisions: level 0 country (000000 全国), 1 province, 2 prefecture, 3 county (GB/T 2260 six-digit codes), 4 township (9-digit NBS statistical code), 5 village or community (12-digit NBS code, with the NBS urban-rural class code where known).';
COMMENT ON COLUMN region.code IS 'GB/T 2260 code (levels 0-3, six digits) or NBS statistical code (township 9 digits, village/community 12 digits).';
COMMENT ON COLUMN region.parent_code IS 'Code of the enclosing region; 000000 for provinces; NULL only for the country.';
COMMENT ON COLUMN region.urban_rural_class IS 'NBS 城乡分类代码 (111 main urban area ... 220 village), for level 5 where known.';
COMMENT ON COLUMN region.nbs_special_unit IS 'True for NBS statistical-only units (development zones etc.) that are not GB/T 2260 codes.';

CREATE TABLE region_crosswalk (
    old_code   VARCHAR NOT NULL,
    new_code   VARCHAR NOT NULL,
    valid_from DATE NOT NULL,
    weight     DOUBLE NOT NULL DEFAULT 1.0,
    note       VARCHAR,
    source     VARCHAR,
    run_id     BIGINT
);
COMMENT ON TABLE region_crosswalk IS 'Code changes (mergers, splits, renames): old_code maps to new_code from valid_from with a weight (share of the old unit), so long series stay continuous. Example: Shanghai County merged into Minhang in 1992.';

-- Facts ------------------------------------------------------------------------

CREATE TABLE population (
    region_code          VARCHAR NOT NULL,
    year                 INTEGER NOT NULL,
    reference_date       DATE,
    vintage              VARCHAR NOT NULL DEFAULT '',
    resident_pop         DOUBLE,
    urban_resident_pop   DOUBLE,
    rural_resident_pop   DOUBLE,
    hukou_pop            DOUBLE,
    urban_hukou_pop      DOUBLE,
    floating_pop         DOUBLE,
    urbanised_area_km2   DOUBLE,
    published_urban_rate_pct DOUBLE,
    published_hukou_urban_rate_pct DOUBLE,
    source               VARCHAR,
    note                 VARCHAR,
    is_synthetic         BOOLEAN NOT NULL DEFAULT false,
    run_id               BIGINT
);
COMMENT ON TABLE population IS 'Population and urbanisation by region and year, in persons. vintage names the release a figure comes from (first release, revised after a census, yearbook edition) so that series of different vintages are never mixed silently.';
COMMENT ON COLUMN population.published_urban_rate_pct IS 'The urbanisation rate as the source printed it (percent), kept to check computed rates against.';

CREATE TABLE organisation (
    snapshot_date       DATE NOT NULL,
    region_code         VARCHAR NOT NULL,
    org_id              VARCHAR NOT NULL,
    name                VARCHAR,
    kind                VARCHAR NOT NULL,
    industry            VARCHAR,
    employees           INTEGER,
    formal_members      INTEGER,
    party_org_mode      VARCHAR NOT NULL DEFAULT 'none',
    instructor_assigned BOOLEAN NOT NULL DEFAULT false,
    in_scope            BOOLEAN NOT NULL DEFAULT true,
    source              VARCHAR,
    is_synthetic        BOOLEAN NOT NULL DEFAULT false,
    run_id              BIGINT
);
COMMENT ON TABLE organisation IS 'Registry of new economic and social organisations ("两新组织"), one row per organisation per snapshot. kind: nonpublic_enterprise, social_group, private_non_enterprise, foundation, other. party_org_mode: single (单独组建), joint (联合组建), affiliated (挂靠), none.';
COMMENT ON COLUMN organisation.formal_members IS 'Formal (正式) party members working in the organisation.';
COMMENT ON COLUMN organisation.in_scope IS 'Whether the organisation counts in the coverage denominator (统计范围).';

CREATE TABLE party_member (
    snapshot_date          DATE NOT NULL,
    region_code            VARCHAR NOT NULL,
    member_hash            VARCHAR NOT NULL,
    birth_month            DATE,
    gender                 VARCHAR,
    education              VARCHAR,
    joined_month           DATE,
    category               VARCHAR,
    in_service             BOOLEAN,
    floating               BOOLEAN NOT NULL DEFAULT false,
    reported_to_community  BOOLEAN,
    party_org_code         VARCHAR,
    is_synthetic           BOOLEAN NOT NULL DEFAULT false,
    run_id                 BIGINT
);
COMMENT ON TABLE party_member IS 'Anonymised party-member records: member_hash is a salted hash of the source id; no names or ID numbers are stored; birth and joining dates are cut to the month (first day). gender: M/F. education: primary_or_below, junior_high, senior_high, college (大专), bachelor, postgraduate. category: rural, community, agency, enterprise, social_org, public_institution, retired, student, other.';

CREATE TABLE party_org (
    snapshot_date          DATE NOT NULL,
    region_code            VARCHAR NOT NULL,
    org_code               VARCHAR NOT NULL,
    name                   VARCHAR,
    kind                   VARCHAR NOT NULL,
    setting                VARCHAR,
    members                INTEGER,
    secretary_birth_year   INTEGER,
    urban_partner_code     VARCHAR,
    is_synthetic           BOOLEAN NOT NULL DEFAULT false,
    run_id                 BIGINT
);
COMMENT ON TABLE party_org IS 'Register of party organisations. kind: party_committee (党委), general_branch (党总支), branch (党支部). setting: village, community, compound, enterprise, social_org, agency, public_institution, other. urban_partner_code: the urban party organisation paired with a rural one (城乡结对共建).';

CREATE TABLE community (
    snapshot_date           DATE NOT NULL,
    region_code             VARCHAR NOT NULL,
    community_code          VARCHAR NOT NULL,
    name                    VARCHAR,
    staff                   INTEGER,
    fulltime_social_workers INTEGER,
    venue_m2                DOUBLE,
    funding_yuan            DOUBLE,
    residents               INTEGER,
    households              INTEGER,
    compounds               INTEGER,
    compounds_with_branch   INTEGER,
    is_synthetic            BOOLEAN NOT NULL DEFAULT false,
    run_id                  BIGINT
);
COMMENT ON TABLE community IS 'Register of urban communities (社区): staffing, full-time social workers, venue area, funding, residents and households, residential compounds (小区) and how many have a party branch.';

CREATE TABLE member_count (
    region_code      VARCHAR NOT NULL,
    as_of_date       DATE NOT NULL,
    year             INTEGER NOT NULL,
    dimension        VARCHAR NOT NULL,
    band             VARCHAR NOT NULL,
    members          DOUBLE,
    published_share_pct DOUBLE,
    source           VARCHAR,
    note             VARCHAR,
    is_synthetic     BOOLEAN NOT NULL DEFAULT false,
    run_id           BIGINT
);
COMMENT ON TABLE member_count IS 'Party members as published counts (sources that only give aggregates, such as the yearly intra-party statistical bulletin): dimension (total, age, gender, education, occupation, joined, category) × band. Microdata in party_member are reduced to this shape by views.';

CREATE TABLE party_bulletin (
    as_of_date         DATE NOT NULL,
    year               INTEGER NOT NULL,
    subject            VARCHAR NOT NULL,
    figure             VARCHAR NOT NULL,
    value              DOUBLE,
    unit               VARCHAR,
    value_as_published VARCHAR,
    source             VARCHAR,
    note               VARCHAR,
    run_id             BIGINT
);
COMMENT ON TABLE party_bulletin IS 'Every figure of the 中国共产党党内统计公报 (CPC intra-party statistical bulletin) in long form, one source per figure. subject: members or orgs. unit: persons, units or percent.';

CREATE TABLE intl_series (
    iso3          VARCHAR NOT NULL,
    country       VARCHAR,
    year          INTEGER NOT NULL,
    series_code   VARCHAR NOT NULL,
    value         DOUBLE,
    is_aggregate  BOOLEAN,
    source        VARCHAR,
    run_id        BIGINT
);
COMMENT ON TABLE intl_series IS 'International series by economy and year (World Bank WDI): SP.URB.TOTL.IN.ZS urban population % of total, SP.POP.TOTL total population. is_aggregate marks regional and income-group aggregates.';

-- Indicators -------------------------------------------------------------------

CREATE TABLE indicator (
    code          VARCHAR PRIMARY KEY,
    name_zh       VARCHAR NOT NULL,
    name_en       VARCHAR NOT NULL,
    unit          VARCHAR NOT NULL,
    direction     VARCHAR NOT NULL,
    scale         DOUBLE NOT NULL DEFAULT 1,
    aggregation   VARCHAR NOT NULL DEFAULT 'ratio',
    numerator     VARCHAR,
    denominator   VARCHAR,
    source_tables VARCHAR,
    notes         VARCHAR,
    definition    VARCHAR
);
COMMENT ON TABLE indicator IS 'Indicator catalogue, one row per file in sql/indicators. direction: higher_better, lower_better or neutral. aggregation: how values roll up the region hierarchy (ratio = Σnumerator/Σdenominator; sum; weighted_mean).';

CREATE TABLE indicator_value (
    indicator     VARCHAR NOT NULL,
    region_code   VARCHAR NOT NULL,
    period        VARCHAR NOT NULL,
    year          INTEGER,
    vintage       VARCHAR NOT NULL DEFAULT '',
    numerator     DOUBLE,
    denominator   DOUBLE,
    value         DOUBLE,
    unit          VARCHAR,
    flags         VARCHAR NOT NULL DEFAULT '',
    is_rollup     BOOLEAN NOT NULL DEFAULT false,
    is_synthetic  BOOLEAN NOT NULL DEFAULT false,
    computed_at   TIMESTAMPTZ,
    run_id        BIGINT
);
COMMENT ON TABLE indicator_value IS 'Computed indicator values by region and period (a year such as 2015, or a snapshot date such as 2024-06-30). value = numerator / denominator × scale. Rows with is_rollup were summed up the region hierarchy from their children.';

CREATE TABLE target (
    indicator      VARCHAR NOT NULL,
    region_code    VARCHAR NOT NULL,
    baseline_year  INTEGER,
    baseline_value DOUBLE,
    target_year    INTEGER NOT NULL,
    target_value   DOUBLE NOT NULL,
    binding        BOOLEAN NOT NULL DEFAULT false,
    source         VARCHAR,
    note           VARCHAR
);
COMMENT ON TABLE target IS 'Planning targets (five-year-plan style): indicator reaches target_value in region by target_year; binding (约束性) or indicative (预期性).';

CREATE TABLE alert_rule (
    indicator   VARCHAR NOT NULL,
    comparator  VARCHAR NOT NULL,
    threshold   DOUBLE NOT NULL,
    severity    VARCHAR NOT NULL DEFAULT 'warn',
    message_zh  VARCHAR,
    message_en  VARCHAR,
    source      VARCHAR
);
COMMENT ON TABLE alert_rule IS 'Early-warning (预警) rules: an alert is raised where indicator value <comparator> threshold. comparator: >, >=, <, <=. severity: info, warn, critical.';

CREATE TABLE alert (
    indicator    VARCHAR NOT NULL,
    region_code  VARCHAR NOT NULL,
    period       VARCHAR NOT NULL,
    value        DOUBLE,
    comparator   VARCHAR NOT NULL,
    threshold    DOUBLE NOT NULL,
    severity     VARCHAR NOT NULL,
    message      VARCHAR,
    is_synthetic BOOLEAN NOT NULL DEFAULT false,
    raised_at    TIMESTAMPTZ,
    run_id       BIGINT
);
COMMENT ON TABLE alert IS 'Current early warnings: indicator values that break an alert_rule, refreshed with every indicator computation.';

-- Labels -----------------------------------------------------------------------

CREATE TABLE catalog_label (
    table_name  VARCHAR NOT NULL,
    column_name VARCHAR NOT NULL DEFAULT '',
    label_zh    VARCHAR NOT NULL,
    label_en    VARCHAR NOT NULL,
    unit        VARCHAR
);
COMMENT ON TABLE catalog_label IS 'Chinese and English labels of tables (column_name empty) and columns, used for exports and reports.';

-- Operations -------------------------------------------------------------------

CREATE SEQUENCE _run_id_seq START 1;

CREATE TABLE _run (
    run_id           BIGINT PRIMARY KEY,
    pipeline         VARCHAR NOT NULL,
    trigger          VARCHAR NOT NULL DEFAULT 'cli',
    started_at       TIMESTAMPTZ NOT NULL,
    ended_at         TIMESTAMPTZ,
    status           VARCHAR NOT NULL,
    rows_read        BIGINT NOT NULL DEFAULT 0,
    rows_loaded      BIGINT NOT NULL DEFAULT 0,
    rows_quarantined BIGINT NOT NULL DEFAULT 0,
    input            VARCHAR,
    input_hash       VARCHAR,
    pid              INTEGER,
    error            VARCHAR
);
COMMENT ON TABLE _run IS 'One row per pipeline run: status running, succeeded, failed, skipped or interrupted (the process died mid-run; found and marked at the next open). rows_read = rows_loaded + rows_quarantined.';

CREATE TABLE _load (
    run_id      BIGINT NOT NULL,
    table_name  VARCHAR NOT NULL,
    partition_by VARCHAR,
    rows        BIGINT NOT NULL DEFAULT 0,
    replaced    BIGINT NOT NULL DEFAULT 0,
    started_at  TIMESTAMPTZ NOT NULL,
    ended_at    TIMESTAMPTZ,
    status      VARCHAR NOT NULL,
    error       VARCHAR
);
COMMENT ON TABLE _load IS 'One row per table load inside a run: rows inserted, older rows replaced in the same partitions, status. Committed with the data it describes.';

CREATE TABLE _quarantine (
    run_id      BIGINT NOT NULL,
    file        VARCHAR,
    sheet       VARCHAR,
    row_number  BIGINT,
    raw         VARCHAR,
    reasons     VARCHAR NOT NULL
);
COMMENT ON TABLE _quarantine IS 'Rows a run rejected: the raw values as read (JSON object keyed by source column), the file, sheet and row they came from, and every reason.';
