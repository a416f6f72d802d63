-- Step 1: the episodes of the HEDIS low back pain imaging measure (CLINICAL.md §7): the first
-- low back pain diagnosis in the intake period, none in the 180 days before, age 18-75 at the
-- end of the year. audit.py fills in the dates.
CREATE TABLE cond AS
        SELECT patient, system,
               CASE WHEN system = 'icd10cm' THEN upper(replace(code, '.', '')) ELSE code END AS code,
               TRY_CAST(onset AS DATE) AS onset, status, verification
        FROM conditions
        WHERE coalesce(verification, '') NOT IN ('refuted', 'entered-in-error');

CREATE TABLE eligible AS
    WITH lbp AS (
        SELECT c.patient, c.onset FROM cond c JOIN codes k
          ON k.kind = 'value_set' AND k.target = 'low_back_pain' AND k.system = c.system
         AND (c.code = k.code OR (k.is_prefix AND starts_with(c.code, k.code)))
        WHERE c.onset IS NOT NULL
    ),
    first_lbp AS (
        SELECT patient, min(onset) AS index_date FROM lbp
        WHERE onset BETWEEN {start} AND {end} GROUP BY patient
    ),
    episodes AS (
        SELECT f.patient, f.index_date,
               date_diff('year', TRY_CAST(p.birth_date AS DATE), f.index_date)
                 - CASE WHEN strftime(TRY_CAST(p.birth_date AS DATE), '%m%d') > strftime(f.index_date, '%m%d') THEN 1 ELSE 0 END AS age,
               date_diff('year', TRY_CAST(p.birth_date AS DATE), {dec31})
                 - CASE WHEN strftime(TRY_CAST(p.birth_date AS DATE), '%m%d') > '1231' THEN 1 ELSE 0 END AS hedis_age,
               TRY_CAST(p.deceased AS DATE) AS deceased
        FROM first_lbp f JOIN patients p ON p.patient = f.patient
        WHERE NOT EXISTS (SELECT 1 FROM lbp b WHERE b.patient = f.patient
                          AND b.onset >= f.index_date - INTERVAL 180 DAY AND b.onset < f.index_date)
    )
    SELECT * FROM episodes WHERE hedis_age BETWEEN 18 AND 75;
