-- @code: population.share_65_plus
-- @name_zh: 65岁及以上人口占比
-- @name_en: Share of the population aged 65 and over
-- @unit: %
-- @scale: 100
-- @direction: neutral
-- @precision: 2
-- @aggregation: ratio
-- @numerator: residents aged 65 or over (census)
-- @denominator: residents with a recorded age band (census)
-- @persons: numerator, denominator
-- @source_tables: census_age, census_unit
-- @period: snapshot
-- @vintages: census
-- @notes: 7% marks an ageing society, 14% an aged one (UN convention). From census_population_age (the 2010 and 2020 censuses, placed among today's regions).
SELECT region_code, strftime(reference_date, '%Y-%m-%d') AS period, year, 'census' AS vintage,
       coalesce(sum(persons) FILTER (age_from >= 65), 0) AS numerator,
       sum(persons) AS denominator,
       false AS is_synthetic
FROM census_population_age
GROUP BY region_code, reference_date, year
HAVING sum(persons) > 0
