-- Added to fixture.sql for the region pages: census figures for the country,
-- a few provinces, prefectures and counties. Province and national rates and
-- totals are the published census ones (real); the rest are invented for the
-- tests and flagged is_synthetic (the census rows, which carry no such flag,
-- only for 闵行区 and two provinces, with invented age bands).

INSERT INTO region_history (code, name, level, level_name, parent_code) VALUES
 ('110000', '北京市', 1, 'province', '000000'),
 ('110100', '市辖区', 2, 'prefecture', '110000'),
 ('110101', '东城区', 3, 'county', '110100'),
 ('310101', '黄浦区', 3, 'county', '310100'),
 ('310104', '徐汇区', 3, 'county', '310100'),
 ('310151', '崇明区', 3, 'county', '310100'),
 ('410000', '河南省', 1, 'province', '000000'),
 ('410100', '郑州市', 2, 'prefecture', '410000'),
 ('410102', '中原区', 3, 'county', '410100'),
 ('419000', '省直辖县级行政区划', 2, 'prefecture', '410000'),
 ('419001', '济源市', 3, 'county', '419000'),
 ('440100', '广州市', 2, 'prefecture', '440000'),
 ('440103', '荔湾区', 3, 'county', '440100'),
 ('440104', '越秀区', 3, 'county', '440100'),
 ('440300', '深圳市', 2, 'prefecture', '440000'),
 ('440303', '罗湖区', 3, 'county', '440300'),
 ('450100', '南宁市', 2, 'prefecture', '450000');

INSERT INTO indicator (code, name_zh, name_en, unit, direction, source_tables) VALUES
 ('urban.rate_census', '常住人口城镇化率（普查）', 'Urbanisation rate (census)', '%', 'higher_better', 'census_population'),
 ('urban.census_change_pp', '城镇化率变化（2010—2020年，百分点）', 'Change of the urbanisation rate, 2010–2020 (pp)', 'pp', 'higher_better', 'census_population'),
 ('population.share_60_plus', '60岁及以上人口占比', 'Population aged 60 and over', '%', 'neutral', 'census_population_age'),
 ('population.share_65_plus', '65岁及以上人口占比', 'Population aged 65 and over', '%', 'neutral', 'census_population_age'),
 ('member.age_gap_55_pp', '党员与人口55岁以上占比之差', 'Members aged 55+ minus residents aged 55+ (pp)', 'pp', 'lower_better', 'member_profile, census_population_age');

INSERT INTO indicator_value_history (indicator, region_code, period, year, vintage, numerator, denominator, value, unit, flags, is_rollup, is_synthetic, reported, expected, beside_own) VALUES
 -- The country: the published rate, and beside it the sum of the provinces.
 ('urban.rate_census', '000000', '2020-11-01', 2020, 'census', 901991162, 1411778724, 63.89, '%', '', false, false, NULL, NULL, false),
 ('urban.rate_census', '000000', '2020-11-01', 2020, 'census', 899991162, 1409778724, 63.84, '%', '', true, false, 31, 31, true),
 ('urban.rate_census', '000000', '2010-11-01', 2010, 'census', 665575306, 1339724852, 49.68, '%', '', false, false, NULL, NULL, false),
 ('urban.census_change_pp', '000000', '2020-11-01', 2020, 'census', NULL, NULL, 14.21, 'pp', '', false, false, NULL, NULL, false),
 ('population.share_65_plus', '000000', '2020-11-01', 2020, 'census', NULL, NULL, 13.50, '%', '', false, false, NULL, NULL, false),
 ('population.share_65_plus', '000000', '2010-11-01', 2010, 'census', NULL, NULL, 8.87, '%', '', false, false, NULL, NULL, false),
 ('population.share_60_plus', '000000', '2020-11-01', 2020, 'census', NULL, NULL, 18.70, '%', '', false, false, NULL, NULL, false),
 -- Provinces.
 ('urban.rate_census', '110000', '2020-11-01', 2020, 'census', 19166433, 21893095, 87.55, '%', '', false, false, NULL, NULL, false),
 ('urban.rate_census', '110000', '2010-11-01', 2010, 'census', 16858692, 19612368, 85.96, '%', '', false, false, NULL, NULL, false),
 ('urban.census_change_pp', '110000', '2020-11-01', 2020, 'census', NULL, NULL, 1.59, 'pp', '', false, false, NULL, NULL, false),
 ('urban.rate_census', '310000', '2020-11-01', 2020, 'census', 22209380, 24870895, 89.30, '%', '', false, false, NULL, NULL, false),
 ('urban.rate_census', '310000', '2010-11-01', 2010, 'census', NULL, NULL, 89.30, '%', '', false, false, NULL, NULL, false),
 ('urban.census_change_pp', '310000', '2020-11-01', 2020, 'census', NULL, NULL, 0.0, 'pp', '', false, false, NULL, NULL, false),
 -- Shanghai summed through its one child, the placeholder 市辖区.
 ('urban.rate_census', '310000', '2020-11-01', 2020, 'census', 22209380, 24870895, 89.30, '%', '', true, false, 1, 1, true),
 ('urban.rate_census', '310100', '2020-11-01', 2020, 'census', 22209380, 24870895, 89.30, '%', '', true, false, 4, 4, false),
 ('population.share_65_plus', '310000', '2020-11-01', 2020, 'census', NULL, NULL, 16.28, '%', '', false, false, NULL, NULL, false),
 ('urban.rate_census', '440000', '2020-11-01', 2020, 'census', 93436072, 126012510, 74.15, '%', '', false, false, NULL, NULL, false),
 ('urban.rate_census', '440000', '2010-11-01', 2010, 'census', NULL, 104320459, 66.17, '%', '', false, false, NULL, NULL, false),
 ('urban.census_change_pp', '440000', '2020-11-01', 2020, 'census', NULL, NULL, 7.98, 'pp', '', false, false, NULL, NULL, false),
 ('urban.rate_census', '410000', '2020-11-01', 2020, 'census', NULL, NULL, 55.43, '%', '', false, true, NULL, NULL, false),
 -- 广西 2010: only one prefecture summed, no figure of its own.
 ('urban.rate_census', '450000', '2020-11-01', 2020, 'census', NULL, NULL, 54.20, '%', '', false, false, NULL, NULL, false),
 ('urban.rate_census', '450000', '2010-11-01', 2010, 'census', 4000, 10000, 40.00, '%', 'partial: 1 of 14 sub-regions', true, true, 1, 14, false),
 ('urban.rate_census', '450100', '2010-11-01', 2010, 'census', 4000, 10000, 40.00, '%', '', false, true, NULL, NULL, false),
 -- Prefectures and counties (invented).
 ('urban.rate_census', '440100', '2020-11-01', 2020, 'census', 8619, 10000, 86.19, '%', '', false, true, NULL, NULL, false),
 ('urban.rate_census', '440100', '2010-11-01', 2010, 'census', 8378, 10000, 83.78, '%', '', false, true, NULL, NULL, false),
 ('urban.census_change_pp', '440100', '2020-11-01', 2020, 'census', NULL, NULL, 2.41, 'pp', '', false, true, NULL, NULL, false),
 ('urban.rate_census', '440300', '2020-11-01', 2020, 'census', 9954, 10000, 99.54, '%', '', true, true, 1, 1, false),
 ('urban.rate_census', '440103', '2020-11-01', 2020, 'census', 10000, 10000, 100.00, '%', '', false, true, NULL, NULL, false),
 ('urban.rate_census', '440104', '2020-11-01', 2020, 'census', 10000, 10000, 100.00, '%', '', false, true, NULL, NULL, false),
 ('urban.rate_census', '440303', '2020-11-01', 2020, 'census', 9954, 10000, 99.54, '%', '', false, true, NULL, NULL, false),
 ('urban.rate_census', '410100', '2020-11-01', 2020, 'census', NULL, NULL, 78.40, '%', '', false, true, NULL, NULL, false),
 ('urban.rate_census', '410102', '2020-11-01', 2020, 'census', NULL, NULL, 99.00, '%', '', false, true, NULL, NULL, false),
 ('urban.rate_census', '419001', '2020-11-01', 2020, 'census', NULL, NULL, 67.80, '%', '', false, true, NULL, NULL, false),
 ('urban.rate_census', '110101', '2020-11-01', 2020, 'census', NULL, NULL, 100.00, '%', '', false, true, NULL, NULL, false),
 ('urban.rate_census', '310101', '2020-11-01', 2020, 'census', NULL, NULL, 100.00, '%', '', false, true, NULL, NULL, false),
 ('urban.rate_census', '310101', '2010-11-01', 2010, 'census', NULL, NULL, 100.00, '%', '', false, true, NULL, NULL, false),
 ('urban.rate_census', '310104', '2020-11-01', 2020, 'census', NULL, NULL, 100.00, '%', '', false, true, NULL, NULL, false),
 ('urban.rate_census', '310104', '2010-11-01', 2010, 'census', NULL, NULL, 100.00, '%', '', false, true, NULL, NULL, false),
 ('urban.rate_census', '310151', '2020-11-01', 2020, 'census', NULL, NULL, 55.01, '%', '', false, true, NULL, NULL, false),
 ('urban.rate_census', '310151', '2010-11-01', 2010, 'census', NULL, NULL, 45.20, '%', '', false, true, NULL, NULL, false),
 ('urban.census_change_pp', '310151', '2020-11-01', 2020, 'census', NULL, NULL, 9.81, 'pp', '', false, true, NULL, NULL, false),
 ('urban.rate_census', '310112', '2020-11-01', 2020, 'census', NULL, NULL, 95.80, '%', '', false, true, NULL, NULL, false),
 ('urban.rate_census', '310112', '2010-11-01', 2010, 'census', 2429372, 2429372, 100.00, '%', '', false, false, NULL, NULL, false),
 ('urban.census_change_pp', '310112', '2020-11-01', 2020, 'census', NULL, NULL, -4.20, 'pp', '', false, true, NULL, NULL, false),
 ('population.share_65_plus', '310112', '2020-11-01', 2020, 'census', NULL, NULL, 14.10, '%', '', false, true, NULL, NULL, false),
 ('population.share_65_plus', '310112', '2010-11-01', 2010, 'census', NULL, NULL, 8.40, '%', '', false, true, NULL, NULL, false),
 ('member.age_gap_55_pp', '310112', '2020', 2020, '', NULL, NULL, 12.30, 'pp', '', false, true, NULL, NULL, false),
 -- A partial sum for a province, of a party indicator.
 ('org.coverage_economic', '310000', '2024-06-30', 2024, '', 9, 13, 69.23, '%', 'partial: 1 of 16 sub-regions', true, true, 1, 16, false);

-- Census rows as the yearbook prints them, each under its own code.
INSERT INTO census_unit_history (vintage, year, reference_date, source_row, census_code, unit_name, resident_pop, male_pop, female_pop,
                                 urban_resident_pop, rural_resident_pop, households, source) VALUES
 ('census_2010', 2010, '2010-11-01', 1, '310112', '闵行区', 2429372, 1270000, 1159372, 2429372, NULL, 850000, '第六次全国人口普查'),
 ('census_2020', 2020, '2020-11-01', 1, '310112', '闵行区', 2653489, 1390000, 1263489, 2542000, 111489, 1000000, '第七次全国人口普查'),
 ('census_2020', 2020, '2020-11-01', 2, '440000', '广东省', 126012510, 66880000, 59132510, 93436072, 32576438, 40000000, '第七次全国人口普查'),
 ('census_2020', 2020, '2020-11-01', 3, '310000', '上海市', 24870895, 12870000, 12000895, 22209380, 2661515, 9000000, '第七次全国人口普查'),
 ('census_2020', 2020, '2020-11-01', 4, '110000', '北京市', 21893095, 11190000, 10703095, 19166433, 2726662, 8000000, '第七次全国人口普查'),
 ('census_2020', 2020, '2020-11-01', 5, '410000', '河南省', 99365519, 49800000, 49565519, 55078993, 44286526, 30000000, '第七次全国人口普查'),
 ('census_2020', 2020, '2020-11-01', 6, '450000', '广西壮族自治区', 50126804, 25900000, 24226804, 27170000, 22956804, 15000000, '第七次全国人口普查');

-- Age bands as the 2020 yearbook heads them: 男_0岁, 男_1到4岁, 男_5到9岁 … 男_85岁及以上.
INSERT INTO census_age_history (vintage, year, reference_date, source_row, band, persons)
SELECT u.vintage, u.year, u.reference_date, u.source_row,
       s.sex || '_' || CASE WHEN b.f = 0 THEN '0岁' WHEN b.f = 1 THEN '1到4岁' WHEN b.f = 85 THEN '85岁及以上' ELSE b.f || '到' || (b.f + 4) || '岁' END,
       CAST(u.resident_pop / 40 * (CASE WHEN b.f = 0 THEN 0.2 WHEN b.f = 1 THEN 0.8 ELSE 1 END)
            * (1 + 0.3 * sin(b.f / 10.0)) * (CASE WHEN b.f >= 60 AND u.year = 2020 THEN 1.4 ELSE 1 END)
            * (CASE WHEN s.sex = '男' THEN 1.05 ELSE 1 END) AS BIGINT)
FROM census_unit_history u, (VALUES ('男'), ('女')) s(sex),
     (SELECT unnest([0, 1, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85]) AS f) b;
