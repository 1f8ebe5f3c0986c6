-- Region codes the cases validate against (real NBS township codes of 闵行区).
INSERT INTO region_history (code, name, level, level_name, parent_code) VALUES
  ('310112', '闵行区', 3, 'county', '310100'),
  ('310112001', '江川路街道', 4, 'township', '310112'),
  ('310112006', '古美街道', 4, 'township', '310112'),
  ('310112008', '新虹街道', 4, 'township', '310112'),
  ('310112009', '浦锦街道', 4, 'township', '310112'),
  ('310112101', '莘庄镇', 4, 'township', '310112'),
  ('310112102', '七宝镇', 4, 'township', '310112'),
  ('310112103', '颛桥镇', 4, 'township', '310112'),
  ('310112106', '华漕镇', 4, 'township', '310112'),
  ('310112107', '虹桥镇', 4, 'township', '310112'),
  ('310112108', '梅陇镇', 4, 'township', '310112'),
  ('310112110', '吴泾镇', 4, 'township', '310112'),
  ('310112112', '马桥镇', 4, 'township', '310112'),
  ('310112114', '浦江镇', 4, 'township', '310112'),
  ('310112501', '莘庄工业区', 4, 'township', '310112');
