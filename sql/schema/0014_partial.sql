-- Schema v14: a partial roll-up is judged against no target and changes to
-- or from it are not given.
--
-- A roll-up summed over the regions below that have reported is marked
-- partial ("2 of 16 sub-regions"); it is never the region's own figure. Yet
-- the target view rated such a sum (全国 from two districts of Shanghai:
-- "reached"), and the change view took the difference of two partial sums of
-- different regions as a change. Both views are restated here with partial
-- values left out of the judgement.

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
           lag(period_date) OVER w AS prev_date,
           lag(flags) OVER w AS prev_flags
    FROM v
    WINDOW w AS (PARTITION BY indicator, region_code, vintage ORDER BY period_date, period)
), l2 AS (
    -- A partial roll-up sums whichever regions below had reported: two of
    -- them may sum different regions, and their difference is no change.
    SELECT * REPLACE (CASE WHEN coalesce(flags, '') LIKE 'partial:%' OR coalesce(prev_flags, '') LIKE 'partial:%'
                           THEN NULL ELSE prev_value END AS prev_value)
    FROM l
)
SELECT indicator, region_code, period, year, vintage, value, unit, is_synthetic,
       prev_period,
       prev_value,
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
FROM l2;
COMMENT ON VIEW indicator_change IS 'Each indicator value with the previous value of the same indicator, region and vintage (vintages are never mixed; a roll-up computed beside a region''s own figure is left out; no change is given to or from a partial roll-up, which may sum other regions than the value before it): change (percentage points for rates in %), change per year over the gap, and compound annual growth in % for levels (units other than %).';

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
    WHERE NOT iv.beside_own AND coalesce(iv.flags, '') NOT LIKE 'partial:%'
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
COMMENT ON VIEW indicator_target_status IS 'Each indicator value against its target (a partial roll-up, summing only some of the regions below, is judged against none) (a region''s own, else the * target): distance = target − value; pace_needed per year to reach it by target_year; recent_pace = change per year since the previous value; projected_year at the recent pace; time_elapsed and task_done as shares of the baseline→target span ("time half gone, task half done": on_track when task_done ≥ time_elapsed); status reached, on_track, behind, missed (target year passed), before_baseline (a value from before the baseline year) or not_reached (no baseline to judge pace).';
