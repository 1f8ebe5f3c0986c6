-- Schema v17: the years a returned file's rows carried.
--
-- grassroots status --period 2023 shows the returns of 2023: the latest run
-- that read files with rows of 2023. The years are kept with each file, as
-- its region codes are, so that the answer holds after grassroots vacuum
-- has removed the rows a later load replaced. NULL for the files of runs
-- before this column, and for a pipeline without a year column.

ALTER TABLE _run_file ADD COLUMN years INTEGER[];
COMMENT ON COLUMN _run_file.years IS 'The distinct values of the year column in the file''s rows (NULL: no year column, or recorded before schema v17).';
