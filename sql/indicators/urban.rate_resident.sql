-- @code: urban.rate_resident
-- @name_zh: 常住人口城镇化率
-- @name_en: Urbanisation rate of the resident population
-- @unit: %
-- @scale: 100
-- @direction: higher_better
-- @aggregation: ratio
-- @numerator: urban resident population (persons)
-- @denominator: resident population (persons)
-- @persons: numerator, denominator
-- @source_tables: population
-- @period: year
-- @vintages: NBS_data_portal_revised, first_release, CSY1998_p105
-- @notes: Year-end figures have the year as period; census and 1% sample-survey figures (1 November) have their date. Each vintage is its own series.
SELECT region_code,
       CASE WHEN reference_date IS NULL OR strftime(reference_date, '%m-%d') = '12-31'
            THEN CAST(year AS VARCHAR) ELSE strftime(reference_date, '%Y-%m-%d') END AS period,
       year, vintage,
       urban_resident_pop AS numerator,
       resident_pop AS denominator,
       is_synthetic, status
FROM population
WHERE urban_resident_pop IS NOT NULL AND resident_pop IS NOT NULL
