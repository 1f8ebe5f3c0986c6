-- @code: urban.floating_share
-- @name_zh: 流动人口占比
-- @name_en: Floating population share
-- @unit: %
-- @scale: 100
-- @direction: neutral
-- @aggregation: ratio
-- @numerator: floating population (persons)
-- @denominator: resident population (persons)
-- @persons: numerator, denominator
-- @source_tables: population
-- @period: year
-- @vintages: NBS_data_portal_revised, first_release
SELECT region_code,
       CASE WHEN reference_date IS NULL OR strftime(reference_date, '%m-%d') = '12-31'
            THEN CAST(year AS VARCHAR) ELSE strftime(reference_date, '%Y-%m-%d') END AS period,
       year, vintage,
       floating_pop AS numerator,
       resident_pop AS denominator,
       is_synthetic, status
FROM population
WHERE floating_pop IS NOT NULL AND resident_pop IS NOT NULL
