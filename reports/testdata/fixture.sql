-- A small warehouse for the report tests. Figures for the country are real
-- (see pipelines/refdata); everything below the country is synthetic and
-- flagged is_synthetic, as the demo's data are.
INSERT INTO region_history (code, name, level, level_name, parent_code) VALUES
 ('000000', '全国', 0, 'country', NULL),
 ('310000', '上海市', 1, 'province', '000000'),
 ('440000', '广东省', 1, 'province', '000000'),
 ('450000', '广西壮族自治区', 1, 'province', '000000'),
 ('310100', '市辖区', 2, 'prefecture', '310000'),
 ('310112', '闵行区', 3, 'county', '310100'),
 ('310112001', '江川路街道', 4, 'township', '310112'),
 ('310112006', '古美街道', 4, 'township', '310112'),
 ('310112101', '莘庄镇', 4, 'township', '310112'),
 ('310112102', '七宝镇', 4, 'township', '310112');

INSERT INTO population_history (region_code, year, reference_date, vintage, resident_pop, urban_resident_pop, hukou_pop, urban_hukou_pop, published_urban_rate_pct, published_hukou_urban_rate_pct, source, is_synthetic) VALUES
 ('000000', 1952, '1952-12-31', 'CSY1998_p105', 574820000, 71630000, NULL, NULL, 12.5, NULL, 'China Statistical Yearbook 1998', false),
 ('000000', 1978, '1978-12-31', 'CSY1998_p105', 962590000, 172450000, NULL, NULL, 17.9, NULL, 'China Statistical Yearbook 1998', false),
 ('000000', 2015, '2015-12-31', 'first_release', 1374620000, 771160000, NULL, NULL, 56.1, NULL, 'NBS communique 2015', false),
 ('000000', 2015, '2015-12-31', 'NBS_data_portal_revised', 1383260000, 793020000, NULL, NULL, NULL, NULL, 'NBS annual data', false),
 ('000000', 2020, '2020-11-01', 'census_2020', 1411780000, 901990000, NULL, NULL, 63.89, 45.4, 'Census bulletin no.7', false),
 ('310112', 1992, '1992-12-31', '', 1000000, 392000, 600000, 200000, NULL, NULL, 'synthetic demo', true),
 ('310112', 2004, '2004-12-31', '', 1200000, 966000, 700000, 450000, NULL, NULL, 'synthetic demo', true);

INSERT INTO indicator (code, name_zh, name_en, unit, direction, source_tables) VALUES
 ('urban.rate_resident', '常住人口城镇化率', 'Urbanisation rate (resident)', '%', 'higher_better', 'population'),
 ('urban.rate_hukou', '户籍人口城镇化率', 'Urbanisation rate (hukou)', '%', 'higher_better', 'population'),
 ('org.coverage_economic', '新经济组织党组织覆盖率', 'Party coverage of non-public enterprises', '%', 'higher_better', 'organisation'),
 ('member.share_55_plus', '55岁以上党员占比', 'Members aged 55+', '%', 'lower_better', 'party_member');

INSERT INTO indicator_value_history (indicator, region_code, period, year, vintage, numerator, denominator, value, unit, is_rollup, is_synthetic) VALUES
 ('urban.rate_resident', '310112', '1992', 1992, '', 392000, 1000000, 39.2, '%', false, true),
 ('urban.rate_resident', '310112', '2004', 2004, '', 966000, 1200000, 80.5, '%', false, true),
 ('urban.rate_hukou', '310112', '1992', 1992, '', 200000, 600000, 33.33, '%', false, true),
 ('urban.rate_hukou', '310112', '2004', 2004, '', 450000, 700000, 64.29, '%', false, true),
 ('urban.rate_resident', '310000', '2020', 2020, '', NULL, NULL, 89.3, '%', false, false),
 ('urban.rate_resident', '440000', '2020', 2020, '', NULL, NULL, 74.15, '%', false, false),
 ('urban.rate_resident', '450000', '2020', 2020, '', NULL, NULL, 54.2, '%', false, false),
 ('org.coverage_economic', '310112001', '2024-06-30', 2024, '', 3, 4, 75, '%', false, true),
 ('org.coverage_economic', '310112006', '2024-06-30', 2024, '', 1, 4, 25, '%', false, true),
 ('org.coverage_economic', '310112101', '2024-06-30', 2024, '', 5, 5, 100, '%', false, true),
 ('org.coverage_economic', '310112', '2024-06-30', 2024, '', 9, 13, 69.23, '%', true, true),
 ('org.coverage_economic', '310112001', '2023-06-30', 2023, '', 1, 4, 25, '%', false, true),
 ('member.share_55_plus', '310112', '2024-06-30', 2024, '', 3, 6, 50, '%', true, true);

INSERT INTO target (indicator, region_code, target_year, target_value, binding, source) VALUES
 ('urban.rate_resident', '000000', 2020, 60, false, '国家新型城镇化规划（2014—2020年）'),
 ('urban.rate_hukou', '000000', 2020, 45, false, '国家新型城镇化规划（2014—2020年）'),
 ('urban.rate_resident', '310112', 2010, 85, false, 'synthetic demo target'),
 ('org.coverage_economic', '310112', 2025, 90, false, 'synthetic demo target');

INSERT INTO alert_history (indicator, region_code, period, value, comparator, threshold, severity, message, is_synthetic) VALUES
 ('member.share_55_plus', '310112', '2024-06-30', 50, '>=', 50, 'critical', '农村党员老龄化：55岁以上占一半', true),
 ('org.coverage_economic', '310112006', '2024-06-30', 25, '<', 60, 'warn', '<b>覆盖率偏低</b>', true);

INSERT INTO organisation_history (snapshot_date, region_code, org_id, name, kind, employees, formal_members, party_org_mode, instructor_assigned, in_scope, is_synthetic) VALUES
 ('2024-06-30', '310112001', 'E1', '示例精密机械有限公司', 'nonpublic_enterprise', 120, 8, 'single', false, true, true),
 ('2024-06-30', '310112001', 'E2', '<script>alert(1)</script>', 'nonpublic_enterprise', 45, 4, 'none', false, true, true),
 ('2024-06-30', '310112006', 'E3', '示例物流有限公司', 'nonpublic_enterprise', 30, 3, 'none', true, true, true),
 ('2024-06-30', '310112006', 'E4', '示例软件有限公司', 'nonpublic_enterprise', 60, 2, 'joint', false, true, true),
 ('2024-06-30', '310112101', 'S1', '示例社区服务中心', 'private_non_enterprise', 12, 3, 'affiliated', false, true, true),
 ('2024-06-30', '310112101', 'S2', '示例行业协会', 'social_group', 6, 1, 'none', false, true, true),
 ('2024-06-30', '310112101', 'S3', '示例不在统计范围单位', 'social_group', 6, 5, 'none', false, false, true),
 ('2023-06-30', '310112001', 'E1', '示例精密机械有限公司', 'nonpublic_enterprise', 110, 7, 'none', false, true, true);

INSERT INTO party_member_history (snapshot_date, region_code, member_hash, birth_month, gender, education, category, is_synthetic) VALUES
 ('2024-06-30', '310112101', 'h01', '1950-03-01', 'M', 'primary_or_below', 'rural', true),
 ('2024-06-30', '310112101', 'h02', '1958-07-01', 'F', 'junior_high', 'rural', true),
 ('2024-06-30', '310112101', 'h03', '1968-01-01', 'M', 'junior_high', 'rural', true),
 ('2024-06-30', '310112001', 'h04', '1990-05-01', 'F', 'bachelor', 'community', true),
 ('2024-06-30', '310112001', 'h05', '1985-11-01', 'M', 'college', 'community', true),
 ('2024-06-30', '310112006', 'h06', '1999-02-01', 'F', 'postgraduate', 'enterprise', true),
 ('2024-06-30', '310112006', 'h07', '1947-09-01', 'M', NULL, 'retired', true),
 ('2023-06-30', '310112006', 'h06', '1999-02-01', 'F', 'postgraduate', 'enterprise', true);

INSERT INTO intl_series_history (iso3, country, year, series_code, value, is_aggregate) VALUES
 ('CHN', 'China', 1960, 'SP.URB.TOTL.IN.ZS', 16.203, false),
 ('CHN', 'China', 2024, 'SP.URB.TOTL.IN.ZS', 66.0, false),
 ('WLD', 'World', 1960, 'SP.URB.TOTL.IN.ZS', 33.6, true),
 ('WLD', 'World', 2024, 'SP.URB.TOTL.IN.ZS', 58.1, true),
 ('HIC', 'High income', 2024, 'SP.URB.TOTL.IN.ZS', 81.9, true),
 ('LIC', 'Low income', 2024, 'SP.URB.TOTL.IN.ZS', 35.0, true),
 ('CHN', 'China', 2024, 'SP.POP.TOTL', 1408975000, false);
