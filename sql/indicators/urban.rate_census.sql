-- @code: urban.rate_census
-- @name_zh: 常住人口城镇化率（普查）
-- @name_en: Urbanisation rate of the resident population (census)
-- @unit: %
-- @scale: 100
-- @direction: higher_better
-- @precision: 2
-- @aggregation: ratio
-- @numerator: urban resident population at the census, 1 November (persons)
-- @denominator: resident population at the census (persons)
-- @persons: numerator, denominator
-- @source_tables: census_unit, population
-- @period: snapshot
-- @vintages: census
-- @notes: The 2010 and 2020 censuses for every province, prefecture and county (census_population: census units placed among today's regions, merged units summed), and the country's published census figures (population, vintages census_2010 / census_2020; they count active servicemen, 2,000,000 in 2020, whom the provinces do not: 全国 63.89% published, 63.84% summed from the 31 provinces — both kept, the sum beside the published figure). One series, vintage census; periods are the census dates.
SELECT region_code, strftime(reference_date, '%Y-%m-%d') AS period, year, 'census' AS vintage,
       urban_resident_pop AS numerator, resident_pop AS denominator, false AS is_synthetic, NULL::VARCHAR AS status
FROM census_population
WHERE urban_resident_pop IS NOT NULL AND resident_pop > 0
UNION ALL
SELECT region_code, strftime(reference_date, '%Y-%m-%d') AS period, year, 'census' AS vintage,
       urban_resident_pop AS numerator, resident_pop AS denominator, is_synthetic, status
FROM population p
WHERE vintage IN ('census_2010', 'census_2020') AND urban_resident_pop IS NOT NULL AND resident_pop > 0
  AND NOT EXISTS (SELECT 1 FROM census_population c WHERE c.region_code = p.region_code AND c.vintage = p.vintage)
