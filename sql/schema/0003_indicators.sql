-- Schema v3: what the indicators need beyond the core tables — the region
-- closure used for roll-ups, the member microdata reduced to one aggregate shape,
-- published member counts in that shape, catalogue columns, open-ended targets
-- and the derived series (change, growth, distance to target, pace, status).

-- Catalogue columns the indicator headers declare.
ALTER TABLE indicator ADD COLUMN weight VARCHAR;
ALTER TABLE indicator ADD COLUMN period_kind VARCHAR;
ALTER TABLE indicator ADD COLUMN vintages VARCHAR;
ALTER TABLE indicator ADD COLUMN depends_on VARCHAR;
COMMENT ON COLUMN indicator.weight IS 'For aggregation weighted_mean: what the denominator counts (the weight of each region in a roll-up).';
COMMENT ON COLUMN indicator.period_kind IS 'year (periods are years, e.g. 2015) or snapshot (periods are dates, e.g. 2024-06-30).';
COMMENT ON COLUMN indicator.vintages IS 'Comma-separated vintage preference: the default series of a region is the first of these it has values for; vintages are never mixed in one series.';
COMMENT ON COLUMN indicator.depends_on IS 'Indicators this one is computed from (read from indicator_value), comma-separated.';

-- A target without a year is a level to keep (e.g. pairing coverage 100%).
ALTER TABLE target ALTER COLUMN target_year DROP NOT NULL;
COMMENT ON COLUMN target.region_code IS 'Region the target is set for; * sets it for every region that has no target of its own.';

-- Regions ----------------------------------------------------------------------

CREATE VIEW region_ancestor AS
WITH RECURSIVE up(code, ancestor, depth) AS (
    SELECT code, code, 0 FROM region
    UNION ALL
    SELECT up.code, r.parent_code, up.depth + 1
    FROM up JOIN region r ON r.code = up.ancestor
    WHERE r.parent_code IS NOT NULL AND r.parent_code <> r.code AND up.depth < 8
)
SELECT DISTINCT code, ancestor, depth FROM up;
COMMENT ON VIEW region_ancestor IS 'Every region paired with itself (depth 0) and each of its ancestors (depth = levels up), from region.parent_code. Indicator roll-ups sum numerators and denominators over it.';

-- Members in one shape ---------------------------------------------------------

CREATE TABLE member_profile (
    region_code          VARCHAR NOT NULL,
    as_of_date           DATE NOT NULL,
    year                 INTEGER NOT NULL,
    is_synthetic         BOOLEAN NOT NULL,
    members              BIGINT NOT NULL,
    aged_members         BIGINT NOT NULL,
    age_sum              DOUBLE,
    age_le35             BIGINT NOT NULL,
    age_ge55             BIGINT NOT NULL,
    age_ge61             BIGINT NOT NULL,
    edu_known            BIGINT NOT NULL,
    edu_junior_or_below  BIGINT NOT NULL,
    edu_college_plus     BIGINT NOT NULL,
    floating             BIGINT NOT NULL,
    in_service           BIGINT NOT NULL,
    in_service_reported  BIGINT NOT NULL
);
COMMENT ON TABLE member_profile IS 'party_member reduced to counts by region and snapshot date (one row each, per is_synthetic), rebuilt from party_member in one scan by every indicator computation that reads it. Ages are completed years at the snapshot, the birth month taken as its first day: aged_members have a birth month; age_sum is the sum of their exact ages in years (days / 365.2425, for the mean age); age_le35, age_ge55, age_ge61 count members aged 35 or under, 55 or over, 61 or over. edu_known members have a recorded education; edu_junior_or_below: primary or junior high; edu_college_plus: college (大专), bachelor or postgraduate. floating: floating members; in_service: in-service members; in_service_reported: those of them who reported to their residential community.';

CREATE VIEW member_published AS
SELECT region_code, as_of_date, year, dimension, band, members, published_share_pct,
       'member_count' AS origin, source, is_synthetic
FROM member_count
UNION ALL
SELECT '000000' AS region_code, b.as_of_date, b.year,
       CASE WHEN b.figure = 'members_total' THEN 'total'
            WHEN b.figure LIKE 'age\_%' ESCAPE '\' THEN 'age'
            ELSE 'education' END AS dimension,
       CASE WHEN b.figure = 'members_total' THEN 'total'
            WHEN b.figure LIKE 'age\_%' ESCAPE '\' THEN substr(b.figure, 5)
            ELSE 'college_plus' END AS band,
       b.value AS members, s.value AS published_share_pct,
       'cpc_bulletin' AS origin, b.source, false AS is_synthetic
FROM party_bulletin b
LEFT JOIN party_bulletin s
  ON s.as_of_date = b.as_of_date AND s.subject = b.subject
 AND s.figure = CASE WHEN b.figure = 'college_plus_members' THEN 'college_plus_share_pct'
                     ELSE b.figure || '_share_pct' END
WHERE b.subject = 'members' AND b.unit = 'persons'
  AND (b.figure = 'members_total' OR b.figure = 'college_plus_members'
       OR (b.figure LIKE 'age\_%' ESCAPE '\' AND b.figure NOT LIKE '%share%'));
COMMENT ON VIEW member_published IS 'Published member counts in one shape: member_count rows as loaded, and the CPC bulletin''s national figures (members_total as dimension total; age bands le30, 31_35, ..., ge61, le35, 36_45, 46_60 as dimension age; college_plus_members as education college_plus), each with the share the source printed where it printed one.';

-- Derived series ---------------------------------------------------------------

CREATE VIEW indicator_change AS
WITH v AS (
    SELECT iv.*, i.unit AS ind_unit, i.direction, i.aggregation,
           CASE WHEN length(iv.period) = 4 THEN make_date(CAST(iv.period AS INTEGER), 12, 31)
                ELSE TRY_CAST(iv.period AS DATE) END AS period_date
    FROM indicator_value iv JOIN indicator i ON i.code = iv.indicator
), l AS (
    SELECT v.*,
           lag(value) OVER w AS prev_value,
           lag(period) OVER w AS prev_period,
           lag(period_date) OVER w AS prev_date
    FROM v
    WINDOW w AS (PARTITION BY indicator, region_code, vintage ORDER BY period_date, period)
)
SELECT indicator, region_code, period, year, vintage, value, unit, is_synthetic,
       prev_period, prev_value,
       CASE WHEN length(period) = 4 AND length(prev_period) = 4
            THEN CAST(period AS INTEGER) - CAST(prev_period AS INTEGER)
            ELSE date_diff('day', prev_date, period_date) / 365.2425 END AS years_since_prev,
       value - prev_value AS change,
       (value - prev_value) / nullif(CASE WHEN length(period) = 4 AND length(prev_period) = 4
            THEN CAST(period AS INTEGER) - CAST(prev_period AS INTEGER)
            ELSE date_diff('day', prev_date, period_date) / 365.2425 END, 0) AS change_per_year,
       CASE WHEN ind_unit <> '%' AND prev_value > 0 AND value > 0 THEN
            (power(value / prev_value, 1.0 / nullif(CASE WHEN length(period) = 4 AND length(prev_period) = 4
                 THEN CAST(period AS INTEGER) - CAST(prev_period AS INTEGER)
                 ELSE date_diff('day', prev_date, period_date) / 365.2425 END, 0)) - 1) * 100
       END AS cagr_pct,
       CASE WHEN ind_unit = '%' THEN 'pp' ELSE ind_unit END AS change_unit
FROM l;
COMMENT ON VIEW indicator_change IS 'Each indicator value with the previous value of the same indicator, region and vintage (vintages are never mixed): change (percentage points for rates in %), change per year over the gap, and compound annual growth in % for levels (units other than %).';

CREATE VIEW indicator_target_status AS
WITH t AS (
    SELECT iv.indicator, iv.region_code, iv.vintage, iv.period, iv.year, iv.value, iv.is_synthetic,
           tg.baseline_year, tg.baseline_value, tg.target_year, tg.target_value, tg.binding,
           tg.source AS target_source, i.direction,
           row_number() OVER (PARTITION BY iv.indicator, iv.region_code, iv.vintage, iv.period, tg.target_year
                              ORDER BY (tg.region_code = '*')) AS pick
    FROM indicator_value iv
    JOIN indicator i ON i.code = iv.indicator
    JOIN target tg ON tg.indicator = iv.indicator AND (tg.region_code = iv.region_code OR tg.region_code = '*')
), c AS (
    SELECT t.*, ch.change_per_year AS recent_pace,
           CASE WHEN t.direction = 'lower_better' THEN t.value <= t.target_value
                ELSE t.value >= t.target_value END AS reached
    FROM t LEFT JOIN indicator_change ch
      ON ch.indicator = t.indicator AND ch.region_code = t.region_code
     AND ch.vintage = t.vintage AND ch.period = t.period
    WHERE t.pick = 1
)
SELECT indicator, region_code, vintage, period, year, value, is_synthetic,
       baseline_year, baseline_value, target_year, target_value, binding, target_source,
       target_value - value AS distance,
       CASE WHEN reached THEN 0
            WHEN target_year > year THEN (target_value - value) / (target_year - year) END AS pace_needed,
       recent_pace,
       CASE WHEN reached THEN year
            WHEN recent_pace IS NOT NULL AND recent_pace <> 0
                 AND sign(recent_pace) = sign(target_value - value)
            THEN year + CAST(ceil((target_value - value) / recent_pace) AS INTEGER) END AS projected_year,
       CASE WHEN target_year > baseline_year AND year >= baseline_year
            THEN (year - baseline_year) * 1.0 / (target_year - baseline_year) END AS time_elapsed,
       CASE WHEN target_value <> baseline_value
            THEN (value - baseline_value) / (target_value - baseline_value) END AS task_done,
       CASE WHEN reached THEN 'reached'
            WHEN target_year IS NOT NULL AND year >= target_year THEN 'missed'
            WHEN year < baseline_year THEN 'before_baseline'
            WHEN target_year IS NULL OR baseline_year IS NULL OR baseline_value IS NULL
                 OR target_year <= baseline_year OR target_value = baseline_value THEN 'not_reached'
            WHEN (value - baseline_value) / (target_value - baseline_value)
                 >= (year - baseline_year) * 1.0 / (target_year - baseline_year) THEN 'on_track'
            ELSE 'behind' END AS status
FROM c;
COMMENT ON VIEW indicator_target_status IS 'Each indicator value against its target (a region''s own, else the * target): distance = target − value; pace_needed per year to reach it by target_year; recent_pace = change per year since the previous value; projected_year at the recent pace; time_elapsed and task_done as shares of the baseline→target span ("time half gone, task half done": on_track when task_done ≥ time_elapsed); status reached, on_track, behind, missed (target year passed), before_baseline (a value from before the baseline year) or not_reached (no baseline to judge pace).';

CREATE VIEW indicator_default AS
WITH have AS (
    SELECT iv.indicator, iv.region_code, iv.vintage, count(*) AS n, i.vintages
    FROM indicator_value iv JOIN indicator i ON i.code = iv.indicator
    GROUP BY ALL
), ranked AS (
    SELECT indicator, region_code, vintage,
           row_number() OVER (PARTITION BY indicator, region_code ORDER BY
               coalesce(list_position(string_split(replace(coalesce(vintages, ''), ' ', ''), ','), vintage), 1000),
               n DESC, vintage) AS r
    FROM have
)
SELECT iv.* FROM indicator_value iv
JOIN ranked USING (indicator, region_code, vintage)
WHERE ranked.r = 1;
COMMENT ON VIEW indicator_default IS 'The default series of each indicator and region: all values of one vintage only — the first of the indicator''s declared vintage preference the region has values for, else the vintage with most values.';
