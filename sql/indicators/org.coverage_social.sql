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
-- @notes: Social groups (社会团体), private non-enterprise units (民办非企业单位) and foundations (基金会).
SELECT region_code, strftime(snapshot_date, '%Y-%m-%d') AS period, year(snapshot_date) AS year,
       count(*) FILTER (party_org_mode IN ('single', 'joint', 'affiliated')) AS numerator,
       count(*) AS denominator,
       bool_or(is_synthetic) AS is_synthetic
FROM organisation
WHERE kind IN ('social_group', 'private_non_enterprise', 'foundation') AND in_scope
GROUP BY region_code, snapshot_date
