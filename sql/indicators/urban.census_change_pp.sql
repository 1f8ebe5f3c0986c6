-- @code: urban.census_change_pp
-- @name_zh: 城镇化率变化（2010—2020年普查）
-- @name_en: Change of the census urbanisation rate, 2010 to 2020
-- @unit: pp
-- @direction: higher_better
-- @precision: 2
-- @aggregation: none
-- @numerator: urban.rate_census at the 2020 census minus at the 2010 census (percentage points)
-- @source_tables: census_unit, population
-- @depends_on: urban.rate_census
-- @period: snapshot
-- @vintages: census
-- @notes: Ten years between the two censuses, both placed among today's regions (a county merged since carries the sum of its parts in 2010). A region's own figures are compared with its own; a partial roll-up only with a partial roll-up, flagged partial.
SELECT region_code, period, year, vintage,
       value - prev_value AS numerator,
       NULL::DOUBLE AS denominator,
       partial OR prev_partial AS partial,
       is_synthetic OR prev_synthetic AS is_synthetic,
       weaker_status(status, prev_status) AS status
FROM (
    SELECT region_code, period, year, vintage, value, partial, is_synthetic, status,
           lag(value) OVER w AS prev_value, lag(year) OVER w AS prev_year,
           lag(partial) OVER w AS prev_partial, lag(is_synthetic) OVER w AS prev_synthetic, lag(status) OVER w AS prev_status
    FROM indicator_input
    WHERE indicator = 'urban.rate_census' AND value IS NOT NULL AND year IN (2010, 2020)
    WINDOW w AS (PARTITION BY region_code, vintage, partial ORDER BY year)
)
WHERE prev_year = 2010 AND year = 2020
