-- @code: urban.rate_change_pp
-- @name_zh: 城镇化率年增幅
-- @name_en: Yearly change of the resident urbanisation rate
-- @unit: pp
-- @direction: higher_better
-- @aggregation: none
-- @numerator: change of urban.rate_resident since the previous year-end value of the same vintage, per year of the gap (percentage points per year)
-- @source_tables: population
-- @depends_on: urban.rate_resident
-- @period: year
-- @vintages: NBS_data_portal_revised, first_release, CSY1998_p105
-- @notes: Year-end values only (census dates are left out); where years are missing in a vintage the change is spread evenly over the gap and flagged "over N years". Never compares two vintages, nor a region's own figure with a partial roll-up: a partial rate is compared only with the previous partial rate of its vintage, and the change is flagged partial.
WITH y AS (
    SELECT region_code, period, year, vintage, value, partial, is_synthetic, status,
           lag(value) OVER w AS prev_value, lag(year) OVER w AS prev_year,
           lag(is_synthetic) OVER w AS prev_synthetic, lag(status) OVER w AS prev_status
    FROM indicator_input
    WHERE indicator = 'urban.rate_resident' AND length(period) = 4 AND value IS NOT NULL
    WINDOW w AS (PARTITION BY region_code, vintage, partial ORDER BY year)
)
SELECT region_code, period, year, vintage,
       (value - prev_value) / (year - prev_year) AS numerator,
       NULL::DOUBLE AS denominator,
       CASE WHEN year - prev_year > 1 THEN 'over ' || (year - prev_year) || ' years' ELSE '' END AS flags,
       partial,
       is_synthetic OR prev_synthetic AS is_synthetic,
       weaker_status(status, prev_status) AS status
FROM y
WHERE prev_value IS NOT NULL
