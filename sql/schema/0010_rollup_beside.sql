-- Schema v10: a region's own figure and the roll-up of its children, side by
-- side, and the completeness of every roll-up.
--
-- A roll-up used to stop below the first region with a figure of its own: a
-- province's published census figure hid the sum of its prefectures. Both are
-- wanted — the national census rate as published (it counts active
-- servicemen) and as summed from the 31 provinces — but never mixed: the sum
-- is kept beside the own figure (beside_own), and the series a chart reads
-- (indicator_series), the changes and the alerts keep to the own figure.
-- reported and expected say how complete a roll-up is: "14 of 14 townships".

ALTER TABLE indicator_value_history ADD COLUMN reported INTEGER;
ALTER TABLE indicator_value_history ADD COLUMN expected INTEGER;
ALTER TABLE indicator_value_history ADD COLUMN beside_own BOOLEAN DEFAULT false;
UPDATE indicator_value_history SET beside_own = false WHERE beside_own IS NULL;
CREATE OR REPLACE VIEW indicator_value AS SELECT * EXCLUDE (superseded_by) FROM indicator_value_history
WHERE (run_id IS NULL OR run_id NOT IN (SELECT run_id FROM _unseen_run))
  AND (superseded_by IS NULL OR superseded_by IN (SELECT run_id FROM _unseen_run));
COMMENT ON VIEW indicator_value IS 'Computed indicator values by region and period (a year such as 2015, or a snapshot date such as 2024-06-30). value = numerator / denominator × scale. Rows with is_rollup were summed up the region hierarchy from their children: reported of the expected children contributed (flags ''partial: …'' when some did not). A roll-up with beside_own was computed for a region that has its own figure for the same period and vintage: kept beside it for comparison, never instead of it. Current rows only: every version is in indicator_value_history.';
COMMENT ON COLUMN indicator_value_history.reported IS 'On a roll-up: how many of the region''s children contributed (had a value, or a roll-up of their own).';
COMMENT ON COLUMN indicator_value_history.expected IS 'On a roll-up: how many children the region has (villages and communities are not counted).';
COMMENT ON COLUMN indicator_value_history.beside_own IS 'A roll-up of the children of a region that has its own figure for the same indicator, period and vintage: shown beside the own figure, never read as the region''s figure.';

CREATE OR REPLACE VIEW indicator_change AS
WITH v AS (
    SELECT iv.*, i.unit AS ind_unit, i.direction, i.aggregation,
           CASE WHEN length(iv.period) = 4 THEN make_date(CAST(iv.period AS INTEGER), 12, 31)
                ELSE TRY_CAST(iv.period AS DATE) END AS period_date
    FROM indicator_value iv JOIN indicator i ON i.code = iv.indicator
    WHERE NOT iv.beside_own
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
COMMENT ON VIEW indicator_change IS 'Each indicator value with the previous value of the same indicator, region and vintage (vintages are never mixed; a roll-up computed beside a region''s own figure is left out): change (percentage points for rates in %), change per year over the gap, and compound annual growth in % for levels (units other than %).';

CREATE OR REPLACE VIEW indicator_default AS
WITH have AS (
    SELECT iv.indicator, iv.region_code, iv.vintage, count(*) AS n, i.vintages
    FROM indicator_value iv JOIN indicator i ON i.code = iv.indicator
    WHERE NOT iv.beside_own
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
WHERE ranked.r = 1 AND NOT iv.beside_own;
COMMENT ON VIEW indicator_default IS 'The default series of each indicator and region: all values of one vintage only — the first of the indicator''s declared vintage preference the region has values for, else the vintage with most values.';

CREATE OR REPLACE VIEW indicator_series AS
WITH complete AS (
    SELECT * FROM indicator_value WHERE flags NOT LIKE 'partial:%' AND NOT beside_own
), have AS (
    SELECT c.indicator, c.region_code, c.vintage, count(*) AS n, i.vintages
    FROM complete c LEFT JOIN indicator i ON i.code = c.indicator
    GROUP BY ALL
), ranked AS (
    SELECT indicator, region_code, vintage,
           row_number() OVER (PARTITION BY indicator, region_code ORDER BY
               coalesce(list_position(string_split(replace(coalesce(vintages, ''), ' ', ''), ','), vintage), 1000),
               n DESC, vintage) AS r
    FROM have
)
SELECT c.* FROM complete c
JOIN ranked USING (indicator, region_code, vintage)
WHERE ranked.r = 1;
COMMENT ON VIEW indicator_series IS 'What reports show as a region''s figures: the values of indicator_value that are not partial roll-ups nor roll-ups beside the region''s own figure (beside_own) (flags ''partial: …'' — summed from only some sub-regions, so not the region''s figure), of one vintage per indicator and region — the first of the indicator''s declared vintage preference the region has complete values for, else the vintage with most values (as indicator_default chooses).';

CREATE OR REPLACE VIEW indicator_target_status AS
WITH t AS (
    SELECT iv.indicator, iv.region_code, iv.vintage, iv.period, iv.year, iv.value, iv.is_synthetic,
           tg.baseline_year, tg.baseline_value, tg.target_year, tg.target_value, tg.binding,
           tg.source AS target_source, i.direction,
           row_number() OVER (PARTITION BY iv.indicator, iv.region_code, iv.vintage, iv.period, tg.target_year
                              ORDER BY (tg.region_code = '*')) AS pick
    FROM indicator_value iv
    JOIN indicator i ON i.code = iv.indicator
    JOIN target tg ON tg.indicator = iv.indicator AND (tg.region_code = iv.region_code OR tg.region_code = '*')
    WHERE NOT iv.beside_own
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
