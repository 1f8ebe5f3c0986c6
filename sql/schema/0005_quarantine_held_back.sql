-- A run that fails after reading rows (reject threshold, personal data, a bad
-- file further down, a stopped run) quarantines every row it read, so that
-- rows read = rows loaded + rows quarantined holds for every run.
COMMENT ON TABLE _quarantine IS 'Rows a run did not load, with why: rows it rejected carry their raw values as read (JSON object keyed by source column), the file, sheet and row they came from, and every reason; the valid rows of a run that failed are held back here too, with raw NULL (the source file still has them) and the reason the run failed.';
COMMENT ON COLUMN _quarantine.raw IS 'The values as read, keyed by source column; NULL for a valid row held back because its run failed.';
