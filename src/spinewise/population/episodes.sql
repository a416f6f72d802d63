-- Episodes of the HEDIS low back pain imaging measure (CLINICAL.md §7), their imaging, HEDIS
-- exclusions, findings at the index date and the policy's decision. audit.py fills in the
-- intake dates, the finding columns, the exclusion list, and the decision and urgency (the
-- rulebook compiled to SQL by compile.py).
    WITH cond AS (
        SELECT patient, system,
               CASE WHEN system = 'icd10cm' THEN upper(replace(code, '.', '')) ELSE code END AS code,
               TRY_CAST(onset AS DATE) AS onset, status, verification
        FROM conditions
        WHERE coalesce(verification, '') NOT IN ('refuted', 'entered-in-error')
    ),
    lbp AS (
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
    ),
    eligible AS (SELECT * FROM episodes WHERE hedis_age BETWEEN 18 AND 75),
    imaging AS (
        SELECT e.patient, min(TRY_CAST(pr.performed AS DATE)) AS imaging_date,
               arg_min(pr.code, TRY_CAST(pr.performed AS DATE)) AS imaging_code
        FROM eligible e JOIN procedures pr ON pr.patient = e.patient
        JOIN codes k ON k.kind = 'value_set' AND k.target = 'lumbar_imaging' AND k.system = pr.system AND k.code = pr.code
        WHERE TRY_CAST(pr.performed AS DATE) BETWEEN e.index_date AND e.index_date + INTERVAL 28 DAY
        GROUP BY e.patient
    ),
    matched AS (
        SELECT e.patient, k.target
        FROM eligible e JOIN cond c ON c.patient = e.patient
        JOIN codes k ON k.kind = 'finding' AND k.system = c.system
         AND (c.code = k.code OR (k.is_prefix AND starts_with(c.code, k.code)))
        WHERE c.onset IS NOT NULL AND c.onset <= e.index_date
          AND (k.statuses = 'any' OR c.status IS NULL OR c.status IN ('active', 'recurrence', 'relapse'))
          AND (k.lookback IS NULL OR c.onset >= e.index_date - k.lookback * INTERVAL 1 DAY)
    ),
    coded AS (
        SELECT e.patient, {coded}
        FROM eligible e LEFT JOIN matched m ON m.patient = e.patient GROUP BY e.patient
    ),
    temps AS (
        SELECT e.patient,
               max(CASE WHEN lower(t.unit) IN ('[degf]', 'degf', 'f', '°f') THEN (CAST(t.value AS DOUBLE) - 32) * 5 / 9
                        ELSE CAST(t.value AS DOUBLE) END) FILTER (
                   WHERE TRY_CAST(t.effective AS DATE) BETWEEN e.index_date - INTERVAL 7 DAY AND e.index_date) AS tmax,
               count(*) FILTER (
                   WHERE TRY_CAST(t.effective AS DATE) BETWEEN e.index_date - INTERVAL 2 DAY AND e.index_date) AS recent
        FROM eligible e JOIN temperatures t ON t.patient = e.patient GROUP BY e.patient
    ),
    features AS (
        SELECT e.*, c.* EXCLUDE (patient),
               CASE WHEN tm.tmax >= 38.0 THEN TRUE WHEN tm.recent > 0 THEN FALSE END AS "fever",
               i.imaging_date, i.imaging_code
        FROM eligible e JOIN coded c USING (patient)
        LEFT JOIN temps tm USING (patient) LEFT JOIN imaging i USING (patient)
    ),
    excluded AS (
        SELECT e.patient, min(x.reason) AS reason
        FROM eligible e JOIN cond c ON c.patient = e.patient AND c.system = 'icd10cm'
        JOIN (VALUES {exclusions})
             AS x(reason, prefix, window_days)
          ON starts_with(c.code, x.prefix)
        WHERE c.onset <= e.index_date + INTERVAL 28 DAY
          AND (x.window_days IS NULL OR c.onset >= e.index_date - x.window_days * INTERVAL 1 DAY)
        GROUP BY e.patient
    )
    SELECT f.*, {decision} AS decision, {urgency} AS urgency,
           coalesce(x.reason, CASE WHEN f.deceased IS NOT NULL AND year(f.deceased) = {year} THEN 'death' END) AS excluded_reason
    FROM features f LEFT JOIN excluded x USING (patient)
    ORDER BY f.patient
    
