-- @code: org.coverage_economic
-- @name_zh: 新经济组织党组织覆盖率
-- @name_en: Party-organisation coverage of non-public enterprises
-- @unit: %
-- @scale: 100
-- @direction: higher_better
-- @aggregation: ratio
-- @numerator: non-public enterprises in scope with a party organisation (single, joint or affiliated)
-- @denominator: non-public enterprises in scope (统计范围)
-- @source_tables: organisation
-- @period: snapshot
-- @notes: Organisational coverage (组织覆盖); joint (联合) and affiliated (挂靠) organisations count. Every region in the register counts as reporting: one with no organisation in scope has 0 of 0 (no value of its own) and leaves its parent's roll-up complete.
SELECT region_code, strftime(snapshot_date, '%Y-%m-%d') AS period, year(snapshot_date) AS year,
       count(*) FILTER ((kind = 'nonpublic_enterprise' AND in_scope) AND (party_org_mode IN ('single', 'joint', 'affiliated'))) AS numerator,
       count(*) FILTER (kind = 'nonpublic_enterprise' AND in_scope) AS denominator,
       bool_or(is_synthetic) AS is_synthetic,
       weakest_status(status) AS status
FROM organisation
GROUP BY region_code, snapshot_date
