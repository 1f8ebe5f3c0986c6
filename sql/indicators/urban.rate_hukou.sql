-- @code: urban.rate_hukou
-- @name_zh: 户籍人口城镇化率
-- @name_en: Urbanisation rate of the registered (hukou) population
-- @unit: %
-- @scale: 100
-- @direction: higher_better
-- @aggregation: ratio
-- @numerator: urban hukou population (persons)
-- @denominator: hukou population (persons)
-- @persons: numerator, denominator
-- @source_tables: population
-- @period: year
-- @vintages: hukou_rate_release, NBS_data_portal_revised, first_release
-- @notes: Where a source publishes only the rate (the national 2017-2020 figures), the rate itself is the numerator and 100 the denominator, flagged "published"; such rows are never summed into a roll-up.
SELECT region_code,
       CASE WHEN reference_date IS NULL OR strftime(reference_date, '%m-%d') = '12-31'
            THEN CAST(year AS VARCHAR) ELSE strftime(reference_date, '%Y-%m-%d') END AS period,
       year, vintage,
       CASE WHEN urban_hukou_pop IS NOT NULL AND hukou_pop IS NOT NULL THEN urban_hukou_pop
            ELSE published_hukou_urban_rate_pct END AS numerator,
       CASE WHEN urban_hukou_pop IS NOT NULL AND hukou_pop IS NOT NULL THEN hukou_pop
            ELSE 100 END AS denominator,
       CASE WHEN urban_hukou_pop IS NOT NULL AND hukou_pop IS NOT NULL THEN '' ELSE 'published' END AS flags,
       is_synthetic, status
FROM population
WHERE (urban_hukou_pop IS NOT NULL AND hukou_pop IS NOT NULL)
   OR published_hukou_urban_rate_pct IS NOT NULL
