-- @code: party_org.village_share
-- @name_zh: 村党组织占村（社区）党组织比重
-- @name_en: Village party organisations among village and community ones
-- @unit: %
-- @scale: 100
-- @direction: neutral
-- @aggregation: ratio
-- @numerator: party organisations of villages (setting village)
-- @denominator: party organisations of villages and of communities (setting village or community)
-- @source_tables: party_org
-- @period: snapshot
-- @notes: Falls as villages convert to communities (村改居) with urbanisation: a converted village's party organisation is registered under its new community. Neither better nor worse in itself; read it beside the urbanisation rate. Every region in the register counts as reporting: a street with neither village nor community party organisations has 0 of 0 (no value of its own) and leaves its district's roll-up complete.
SELECT region_code, strftime(snapshot_date, '%Y-%m-%d') AS period, year(snapshot_date) AS year,
       count(*) FILTER (setting = 'village') AS numerator,
       count(*) FILTER (setting IN ('village', 'community')) AS denominator,
       bool_or(is_synthetic) AS is_synthetic,
       weakest_status(status) AS status
FROM party_org
GROUP BY region_code, snapshot_date
