-- @code: population.adult_share_60_plus
-- @name_zh: 20岁及以上人口中60岁及以上占比
-- @name_en: Share aged 60 and over among residents aged 20 and over
-- @unit: %
-- @scale: 100
-- @direction: neutral
-- @precision: 2
-- @aggregation: ratio
-- @numerator: residents aged 60 or over (census)
-- @denominator: residents aged 20 or over (census)
-- @persons: numerator, denominator
-- @source_tables: census_age, census_unit
-- @period: snapshot
-- @vintages: census
-- @notes: The population's side of member.age_gap_61_pp (the census bands cannot give 61+: 60–64 is one band). From census_population_age (the 2010 and 2020 censuses, placed among today's regions).
SELECT region_code, strftime(reference_date, '%Y-%m-%d') AS period, year, 'census' AS vintage,
       coalesce(sum(persons) FILTER (age_from >= 60), 0) AS numerator,
       sum(persons) FILTER (age_from >= 20) AS denominator,
       false AS is_synthetic
FROM census_population_age
GROUP BY region_code, reference_date, year
HAVING sum(persons) FILTER (age_from >= 20) > 0
