-- Step 2, for the eligible episodes: imaging in the 28 days, HEDIS exclusions, the findings at
-- the index date (coded diagnoses, temperatures, and notes when read) and the policy's
-- decision. audit.py fills in the dates, the finding columns, the exclusion list, and the
-- decision and urgency (the rulebook compiled to SQL by compile.py).
    WITH imaging AS (
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
    noted AS (
        SELECT patient, {noted} FROM note_findings GROUP BY patient
    ),
    features AS (
        SELECT e.*, {merged},
               i.imaging_date, i.imaging_code
        FROM eligible e JOIN coded c USING (patient)
        LEFT JOIN noted n USING (patient)
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
    
