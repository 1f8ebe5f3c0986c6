-- @code: party_org.pairing_coverage
-- @name_zh: 城乡结对共建覆盖率
-- @name_en: Rural party organisations paired with an urban partner
-- @unit: %
-- @scale: 100
-- @direction: higher_better
-- @aggregation: ratio
-- @numerator: village (rural) party organisations with an urban partner organisation (城乡结对共建)
-- @denominator: village (rural) party organisations
-- @source_tables: party_org
-- @period: snapshot
-- @notes: The southern Jiangsu study reports 32 of 32 villages paired (100%), 261 pairs in all. Every region in the register counts as reporting: a street with no village party organisation has 0 of 0 (no value of its own) and leaves its district's roll-up complete.
SELECT region_code, strftime(snapshot_date, '%Y-%m-%d') AS period, year(snapshot_date) AS year,
       count(*) FILTER (setting = 'village' AND urban_partner_code IS NOT NULL AND urban_partner_code <> '') AS numerator,
       count(*) FILTER (setting = 'village') AS denominator,
       bool_or(is_synthetic) AS is_synthetic,
       weakest_status(status) AS status
FROM party_org
GROUP BY region_code, snapshot_date
