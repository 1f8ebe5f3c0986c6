-- @code: org.coverage_social
-- @name_zh: 新社会组织党组织覆盖率
-- @name_en: Party-organisation coverage of social organisations
-- @unit: %
-- @scale: 100
-- @direction: higher_better
-- @aggregation: ratio
-- @numerator: social organisations in scope with a party organisation (single, joint or affiliated)
-- @denominator: social organisations in scope: social groups, private non-enterprise units, foundations
-- @source_tables: organisation
-- @period: snapshot
-- @notes: Social groups (社会团体), private non-enterprise units (民办非企业单位) and foundations (基金会). Every region in the register counts as reporting: one with no organisation in scope has 0 of 0 (no value of its own) and leaves its parent's roll-up complete.
SELECT region_code, strftime(snapshot_date, '%Y-%m-%d') AS period, year(snapshot_date) AS year,
       count(*) FILTER ((kind IN ('social_group', 'private_non_enterprise', 'foundation') AND in_scope) AND (party_org_mode IN ('single', 'joint', 'affiliated'))) AS numerator,
       count(*) FILTER (kind IN ('social_group', 'private_non_enterprise', 'foundation') AND in_scope) AS denominator,
       bool_or(is_synthetic) AS is_synthetic,
       weakest_status(status) AS status
FROM organisation
GROUP BY region_code, snapshot_date
