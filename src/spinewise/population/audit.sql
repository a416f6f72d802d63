-- The audit, written once in DuckDB's SQL dialect and run as is on DuckDB and transpiled (with
-- sqlglot) to Spark SQL. Each "-- step: NAME" is a table or view of that name for the steps
-- after it ([notes]: only with --notes; [keep]: always materialised; [record] and [findings]:
-- the steps that read findings from the record as of the days in `readings`, which the spec tests
-- also run alone). Before it runs, `definition.py` expands the macros fhir_date(x),
-- fhir_day0(x), fhir_day1(x) and patient_ref(x) and fills the {placeholders}: dates, the record
-- rules (knowledge/record_rules.yaml, generated into SQL), the finding columns, and the decision
-- and urgency (the rulebook compiled to SQL by compile.py).
--
-- Lists are unnested in the select list (a lateral join over UNNEST is 70x slower on DuckDB).
-- In: parsed(lid, file, expected, rtype, bad_text, patient, r_<Type> ...): one row per NDJSON
-- line, the patient it is about, one struct column per resource type read (schema.py), made by
-- the engine; and the small tables
-- codes, systems, med_names, med_words, exclusions (from the knowledge files).

-- step: subjects
-- The patient each clinical resource is about (read from its subject with the lines); a
-- resource without one is quarantined.
SELECT lid, rtype, patient FROM parsed
WHERE rtype IN ('Encounter', 'Condition', 'Observation', 'Procedure', 'ImagingStudy',
                'DiagnosticReport', 'ServiceRequest', 'MedicationDispense', 'MedicationRequest',
                'MedicationStatement', 'DocumentReference', 'QuestionnaireResponse')
  AND bad_text IS NULL;

-- step: patients
SELECT lid, r_Patient.id AS patient, fhir_date(r_Patient.birthDate) AS birth_date,
       fhir_date(r_Patient.deceasedDateTime) AS deceased
FROM parsed WHERE r_Patient IS NOT NULL AND r_Patient.id IS NOT NULL;

-- step: organizations
SELECT lid, r_Organization.id AS id, r_Organization.name AS name
FROM parsed WHERE r_Organization IS NOT NULL AND r_Organization.id IS NOT NULL;

-- step: practitioners
SELECT lid, r_Practitioner.id AS id,
       coalesce(r_Practitioner.name[1].text,
                concat_ws(' ', r_Practitioner.name[1].given[1], r_Practitioner.name[1].family)) AS name
FROM parsed WHERE r_Practitioner IS NOT NULL AND r_Practitioner.id IS NOT NULL;

-- step: encounters
SELECT p.lid, p.patient,
       fhir_date(p.r_Encounter.period.start) AS day,
       regexp_extract(p.r_Encounter.serviceProvider.reference, '([^/:]+)$', 1) AS organization,
       regexp_extract(p.r_Encounter.participant[1].individual.reference, '([^/:]+)$', 1) AS practitioner
FROM parsed p
WHERE p.r_Encounter IS NOT NULL AND p.patient IS NOT NULL
  AND coalesce(p.r_Encounter.status, '') NOT IN ('entered-in-error', 'cancelled');

-- step: condition_codes
-- One row per coding of a Condition; system NULL when spinewise does not know the code system.
SELECT x.lid, x.patient, y.system,
       CASE WHEN y.system = 'icd10cm' THEN upper(replace(x.code, '.', '')) ELSE x.code END AS code,
       x.onset, x.status, x.verification
FROM (
    SELECT p.lid, p.patient, c.system AS url, trim(c.code) AS code,
           coalesce(fhir_date(p.r_Condition.onsetDateTime), fhir_date(p.r_Condition.onsetPeriod.start),
                    fhir_date(p.r_Condition.recordedDate)) AS onset,
           p.r_Condition.clinicalStatus.coding[1].code AS status,
           p.r_Condition.verificationStatus.coding[1].code AS verification
    FROM (SELECT *, unnest(p.r_Condition.code.coding) AS c FROM parsed p WHERE p.r_Condition IS NOT NULL) p
    WHERE p.r_Condition IS NOT NULL AND p.patient IS NOT NULL AND c.code IS NOT NULL
) x LEFT JOIN systems y ON y.url = x.url;

-- step: conditions
SELECT patient, system, code, onset, status, verification FROM condition_codes
WHERE system IS NOT NULL AND coalesce(verification, '') NOT IN ('refuted', 'entered-in-error');

-- step: record_codings [record]
-- Each coding of a record the rules read (Condition.code, ServiceRequest.reasonCode,
-- Procedure.code, the code of an Observation with its value in the canonical unit), with its
-- first and last day and whether its status counts as current.
{record_codings};

-- step: record_facts [record]
-- Each such record once per value set it is in: what the record rules read.
{record_facts};

-- step: imaging_codes
-- Lumbar imaging (and any other coded study) from the four resources that can carry it; a
-- ServiceRequest counts only once completed.
SELECT x.lid, x.patient, x.source, x.performed, y.system, trim(x.code) AS code
FROM (
    SELECT p.lid, p.patient, 'Procedure' AS source, c.system AS url, c.code,
           coalesce(fhir_date(p.r_Procedure.performedDateTime),
                    fhir_date(p.r_Procedure.performedPeriod.start)) AS performed
    FROM (SELECT *, unnest(p.r_Procedure.code.coding) AS c FROM parsed p WHERE p.r_Procedure IS NOT NULL) p
    WHERE p.r_Procedure IS NOT NULL
      AND coalesce(p.r_Procedure.status, '') NOT IN ('entered-in-error', 'not-done', 'preparation')
    UNION ALL
    SELECT p.lid, p.patient, 'ImagingStudy', c.system, c.code, fhir_date(p.r_ImagingStudy.started)
    FROM (SELECT *, unnest(pc.coding) AS c FROM (SELECT *, unnest(p.r_ImagingStudy.procedureCode) AS pc FROM parsed p WHERE p.r_ImagingStudy IS NOT NULL) p) p
    WHERE p.r_ImagingStudy IS NOT NULL
      AND coalesce(p.r_ImagingStudy.status, '') NOT IN ('entered-in-error', 'cancelled')
    UNION ALL
    SELECT p.lid, p.patient, 'DiagnosticReport', c.system, c.code,
           coalesce(fhir_date(p.r_DiagnosticReport.effectiveDateTime),
                    fhir_date(p.r_DiagnosticReport.effectivePeriod.start),
                    fhir_date(p.r_DiagnosticReport.issued))
    FROM (SELECT *, unnest(p.r_DiagnosticReport.code.coding) AS c FROM parsed p WHERE p.r_DiagnosticReport IS NOT NULL) p
    WHERE p.r_DiagnosticReport IS NOT NULL
      AND coalesce(p.r_DiagnosticReport.status, '') NOT IN ('entered-in-error', 'cancelled')
    UNION ALL
    SELECT p.lid, p.patient, 'ServiceRequest', c.system, c.code,
           coalesce(fhir_date(p.r_ServiceRequest.occurrenceDateTime),
                    fhir_date(p.r_ServiceRequest.occurrencePeriod.start),
                    fhir_date(p.r_ServiceRequest.authoredOn))
    FROM (SELECT *, unnest(p.r_ServiceRequest.code.coding) AS c FROM parsed p WHERE p.r_ServiceRequest IS NOT NULL) p
    WHERE p.r_ServiceRequest IS NOT NULL AND p.r_ServiceRequest.status = 'completed'
) x JOIN systems y ON y.url = x.url
WHERE x.patient IS NOT NULL AND x.code IS NOT NULL;

-- step: imaging
SELECT i.patient, i.performed, i.code, i.source
FROM imaging_codes i JOIN codes k ON k.kind = 'value_set' AND k.target = 'lumbar_imaging'
     AND k.system = i.system AND k.code = i.code
WHERE i.performed IS NOT NULL;

-- step: medication_records [record]
-- Each medication record with the day its course starts (a full day only) and the days it
-- covers, as the FHIR intake reads them (record_rules.yaml, reader Medication.daysCovered).
SELECT x.lid, x.patient, x.ref, x.concept,
       CASE WHEN x.day0 = x.day1 THEN x.day0 END AS start,
       CAST(CASE WHEN x.day0 <> x.day1 THEN NULL
            WHEN x.days_value IS NOT NULL AND {medication_days} IS NOT NULL
            THEN greatest(CAST(floor({medication_days} * (1 + coalesce(x.repeats, 0))) AS INTEGER), 1)
            WHEN x.end_day IS NOT NULL THEN greatest(date_diff('day', x.day0, x.end_day) + 1, 1)
            ELSE 1 END AS INTEGER) AS days,
       x.open_ended
FROM (
    SELECT p.lid, p.patient, 'MedicationDispense/' || p.r_MedicationDispense.id AS ref,
           p.r_MedicationDispense.medicationCodeableConcept AS concept,
           coalesce(fhir_day0(p.r_MedicationDispense.whenHandedOver),
                    fhir_day0(p.r_MedicationDispense.whenPrepared)) AS day0,
           coalesce(fhir_day1(p.r_MedicationDispense.whenHandedOver),
                    fhir_day1(p.r_MedicationDispense.whenPrepared)) AS day1,
           TRY_CAST(p.r_MedicationDispense.daysSupply.value AS DOUBLE) AS days_value,
           coalesce(p.r_MedicationDispense.daysSupply.code, p.r_MedicationDispense.daysSupply.unit, 'd') AS days_unit,
           CAST(NULL AS INTEGER) AS repeats, CAST(NULL AS DATE) AS end_day, FALSE AS open_ended
    FROM parsed p
    WHERE p.r_MedicationDispense IS NOT NULL
      AND coalesce(p.r_MedicationDispense.status, '') NOT IN ({medication_never})
    UNION ALL
    SELECT p.lid, p.patient, 'MedicationRequest/' || p.r_MedicationRequest.id,
           p.r_MedicationRequest.medicationCodeableConcept,
           fhir_day0(p.r_MedicationRequest.authoredOn), fhir_day1(p.r_MedicationRequest.authoredOn),
           TRY_CAST(p.r_MedicationRequest.dispenseRequest.expectedSupplyDuration.value AS DOUBLE),
           coalesce(p.r_MedicationRequest.dispenseRequest.expectedSupplyDuration.code,
                    p.r_MedicationRequest.dispenseRequest.expectedSupplyDuration.unit),
           TRY_CAST(p.r_MedicationRequest.dispenseRequest.numberOfRepeatsAllowed AS INTEGER),
           fhir_day1(p.r_MedicationRequest.dispenseRequest.validityPeriod.end), FALSE
    FROM parsed p
    WHERE p.r_MedicationRequest IS NOT NULL
      AND coalesce(p.r_MedicationRequest.status, '') NOT IN ({medication_never})
    UNION ALL
    SELECT p.lid, p.patient, 'MedicationStatement/' || p.r_MedicationStatement.id,
           p.r_MedicationStatement.medicationCodeableConcept,
           coalesce(fhir_day0(p.r_MedicationStatement.effectivePeriod.start),
                    fhir_day0(p.r_MedicationStatement.effectiveDateTime)),
           coalesce(fhir_day1(p.r_MedicationStatement.effectivePeriod.start),
                    fhir_day1(p.r_MedicationStatement.effectiveDateTime)),
           CAST(NULL AS DOUBLE), CAST(NULL AS VARCHAR), CAST(NULL AS INTEGER),
           fhir_day1(p.r_MedicationStatement.effectivePeriod.end),
           p.r_MedicationStatement.effectivePeriod.end IS NULL
             AND coalesce(p.r_MedicationStatement.status, '') = 'active'
    FROM parsed p
    WHERE p.r_MedicationStatement IS NOT NULL
      AND coalesce(p.r_MedicationStatement.status, '') NOT IN ({medication_never})
) x WHERE x.patient IS NOT NULL AND x.day0 = x.day1;

-- step: medication_concepts [record]
-- The words and codes that name each record's drug: every coding, and the concept's text.
SELECT m.lid, m.patient, m.ref, m.start, m.days, m.open_ended, m.label, y.system, m.code
FROM (
    SELECT r.lid, r.patient, r.ref, r.start, r.days, r.open_ended,
           lower(coalesce(c.display, '')) AS label, c.system AS url, upper(trim(c.code)) AS code
    FROM (SELECT *, unnest(r.concept.coding) AS c FROM medication_records r) r
    UNION ALL
    SELECT lid, patient, ref, start, days, open_ended, lower(concept.text), NULL, NULL
    FROM medication_records WHERE concept.text IS NOT NULL
) m LEFT JOIN systems y ON y.url = m.url;

-- step: medication_spans [record]
-- Which value sets each record is in: by code, or by an ingredient's name in the product name
-- unless a word says it is not systemic (inhaled, topical, ...); its first and last day covered.
SELECT DISTINCT lid, patient, ref, value_set, start, start + days - 1 AS last, open_ended FROM (
    SELECT m.lid, m.patient, m.ref, k.target AS value_set, m.start, m.days, m.open_ended
    FROM medication_concepts m JOIN codes k ON k.kind = 'value_set' AND k.system = m.system
         AND k.code = m.code AND k.target IN ({medication_sets})
    UNION ALL
    SELECT m.lid, m.patient, m.ref, n.target, m.start, m.days, m.open_ended
    FROM medication_concepts m JOIN med_names n ON m.label LIKE '%' || n.name || '%'
    WHERE n.target IN ({medication_sets})
      AND NOT EXISTS (SELECT 1 FROM med_words w
                      WHERE w.target = n.target AND m.label LIKE '%' || w.word || '%')
) z;

-- step: medication_days
-- The start and (exclusive) end of each record's days covered, for the HEDIS exclusions.
SELECT patient, value_set AS target, min(start) AS start, max(last) + 1 AS stop
FROM medication_spans GROUP BY lid, patient, value_set;

-- step: questionnaire_items [record]
-- The top-level items of answers to spinewise's own red-flag Questionnaire.
SELECT p.lid, p.patient, 'QuestionnaireResponse/' || p.r_QuestionnaireResponse.id AS ref,
       {answers_day0} AS day0, {answers_day1} AS day1,
       unnest(p.r_QuestionnaireResponse.item) AS i
FROM parsed p
WHERE p.r_QuestionnaireResponse IS NOT NULL AND p.patient IS NOT NULL
  AND rtrim(split_part(p.r_QuestionnaireResponse.questionnaire, '|', 1), '/') LIKE {answers_questionnaire}
  AND {answers_kept};

-- step: answers [record]
-- Yes/no answers (linkId = finding id) at either level of its items (groups of questions).
SELECT a.lid, a.patient, a.ref, a.day0, a.day1, a.link AS finding,
       CASE lower(a.value) WHEN 'true' THEN TRUE WHEN 'false' THEN FALSE END AS value
FROM (
    SELECT lid, patient, ref, day0, day1, i.linkId AS link, i.answer[1].valueBoolean AS value
    FROM questionnaire_items
    UNION ALL
    SELECT g.lid, g.patient, g.ref, g.day0, g.day1, g.j.linkId, g.j.answer[1].valueBoolean
    FROM (SELECT lid, patient, ref, day0, day1, unnest(i.item) AS j FROM questionnaire_items) g
) a JOIN findings f ON f.id = a.link;

-- step: problems
-- Lines the audit cannot use, with the reason (bad JSON and wrong types come from the engine).
SELECT lid, 'no subject Patient reference' AS reason FROM subjects WHERE patient IS NULL
UNION ALL
SELECT lid, 'no code system spinewise knows' FROM condition_codes
GROUP BY lid HAVING count(system) = 0
UNION ALL
SELECT DISTINCT lid, 'a measurement without a number or a known unit' FROM record_facts
WHERE reader = 'Observation.valueQuantity' AND value IS NULL;

-- step: used
SELECT DISTINCT lid FROM (
    SELECT lid FROM patients UNION ALL SELECT lid FROM organizations
    UNION ALL SELECT lid FROM practitioners UNION ALL SELECT lid FROM encounters
    UNION ALL SELECT lid FROM condition_codes WHERE system IS NOT NULL
    UNION ALL SELECT lid FROM record_facts UNION ALL SELECT lid FROM imaging_codes
    UNION ALL SELECT lid FROM medication_spans
    UNION ALL SELECT lid FROM answers
    UNION ALL SELECT lid FROM subjects WHERE rtype = 'DocumentReference' AND patient IS NOT NULL AND {notes}
) z;

-- step: outcomes
-- Every line's outcome, counted per file and resource type: used + ignored + quarantined.
SELECT p.file, p.expected, p.rtype,
       CASE WHEN p.bad_text IS NOT NULL THEN 'quarantined'
            WHEN q.lid IS NOT NULL THEN 'quarantined'
            WHEN u.lid IS NOT NULL THEN 'used' ELSE 'ignored' END AS outcome,
       count(*) AS n
FROM parsed p LEFT JOIN (SELECT DISTINCT lid FROM problems) q ON q.lid = p.lid
LEFT JOIN used u ON u.lid = p.lid
GROUP BY 1, 2, 3, 4;

-- step: quarantined
-- What Python needs to find each quarantined line in its file: the text when it is not a
-- resource of the file's type, otherwise the resource type and id.
SELECT p.lid, p.file, p.expected, p.rtype, p.bad_text,
       coalesce(r_Encounter.id, r_Condition.id, r_Observation.id, r_Procedure.id,
                r_ImagingStudy.id, r_DiagnosticReport.id, r_ServiceRequest.id,
                r_MedicationDispense.id, r_MedicationRequest.id, r_MedicationStatement.id,
                r_DocumentReference.id) AS id,
       min(q.reason) AS reason
FROM parsed p LEFT JOIN problems q ON q.lid = p.lid
WHERE p.bad_text IS NOT NULL OR q.lid IS NOT NULL
GROUP BY 1, 2, 3, 4, 5, 6;

-- step: lbp
-- Step 1: the episodes of the HEDIS low back pain imaging measure (CLINICAL.md §7): the first
-- low back pain diagnosis in the intake period, none in the 180 days before, age 18-75 at the
-- end of the year.
SELECT DISTINCT c.patient, c.onset FROM conditions c JOIN codes k
  ON k.kind = 'value_set' AND k.target = 'low_back_pain' AND k.system = c.system
 AND (c.code = k.code OR (k.is_prefix AND starts_with(c.code, k.code)))
WHERE c.onset IS NOT NULL;

-- step: eligible
SELECT e.patient, e.index_date, e.age, e.hedis_age, e.deceased FROM (
    SELECT f.patient, f.index_date,
           CAST(floor(((year(f.index_date) * 10000 + month(f.index_date) * 100 + day(f.index_date))
                 - (year(p.birth_date) * 10000 + month(p.birth_date) * 100 + day(p.birth_date))) / 10000) AS INTEGER) AS age,
           CAST(floor(({year} * 10000 + 1231
                 - (year(p.birth_date) * 10000 + month(p.birth_date) * 100 + day(p.birth_date))) / 10000) AS INTEGER) AS hedis_age,
           p.deceased
    FROM (SELECT patient, min(onset) AS index_date FROM lbp
          WHERE onset BETWEEN {start} AND {end} GROUP BY patient) f
    JOIN (SELECT patient, min(birth_date) AS birth_date, min(deceased) AS deceased
          FROM patients GROUP BY patient) p ON p.patient = f.patient
    WHERE NOT EXISTS (SELECT 1 FROM lbp b WHERE b.patient = f.patient
                      AND b.onset >= f.index_date - 180 AND b.onset < f.index_date)
) e WHERE e.hedis_age BETWEEN 18 AND 75;

-- step: episode_imaging
SELECT patient, imaging_date, imaging_code, imaging_source FROM (
    SELECT e.patient, i.performed AS imaging_date, i.code AS imaging_code, i.source AS imaging_source,
           row_number() OVER (PARTITION BY e.patient ORDER BY i.performed, i.code, i.source) AS n
    FROM eligible e JOIN imaging i ON i.patient = e.patient
    WHERE i.performed BETWEEN e.index_date AND e.index_date + 28
) z WHERE n = 1;

-- step: episode_setting
-- Where the episode began: the organization and practitioner of an encounter on the index date.
SELECT patient, organization, organization_name, practitioner, practitioner_name FROM (
    SELECT e.patient, n.organization, o.name AS organization_name,
           n.practitioner, r.name AS practitioner_name,
           row_number() OVER (PARTITION BY e.patient ORDER BY n.organization, n.practitioner) AS k
    FROM eligible e JOIN encounters n ON n.patient = e.patient AND n.day = e.index_date
    LEFT JOIN (SELECT id, min(name) AS name FROM organizations GROUP BY id) o ON o.id = n.organization
    LEFT JOIN (SELECT id, min(name) AS name FROM practitioners GROUP BY id) r ON r.id = n.practitioner
) z WHERE k = 1;

-- step: steroid_runs
-- Runs of consecutive days covered by systemic corticosteroids from a year before the index
-- date to 28 days after: records that overlap or touch join one run. A run of 90 days or more
-- excludes the episode (HEDIS); the days covered before the index date make the finding
-- "prolonged corticosteroid use" (as at the point of care, from the same records).
SELECT patient, min(start) AS run_start, max(stop) AS run_stop FROM (
    SELECT patient, start, stop,
           sum(CASE WHEN start <= prev_stop THEN 0 ELSE 1 END)
             OVER (PARTITION BY patient ORDER BY start, stop ROWS UNBOUNDED PRECEDING) AS run
    FROM (
        SELECT d.patient, greatest(d.start, e.index_date - 365) AS start,
               least(d.stop, e.index_date + 29) AS stop,
               max(least(d.stop, e.index_date + 29)) OVER (
                   PARTITION BY d.patient ORDER BY greatest(d.start, e.index_date - 365), least(d.stop, e.index_date + 29)
                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_stop
        FROM eligible e JOIN medication_days d ON d.patient = e.patient
        WHERE d.target = 'systemic_corticosteroids'
          AND d.stop > e.index_date - 365 AND d.start <= e.index_date + 28
    ) z
) y GROUP BY patient, run;

-- step: readings
-- The days findings are read as of: each episode's index date.
SELECT patient, index_date AS reading_day FROM eligible;

-- step: medication_coverage [findings]
-- For each reading and medicine rule (rule_sources, reader Medication.daysCovered): the days its
-- value set covers in the window, overlapping records counted once, and every record behind
-- them (each covers at least one day of the window).
WITH clipped AS (
    SELECT r.patient, r.reading_day, s.finding, s.compare, s.threshold, m.ref, m.start AS day,
           CASE WHEN s.window_days IS NULL THEN m.start
                ELSE greatest(m.start, r.reading_day - s.window_days) END AS s,
           least(CASE WHEN m.open_ended THEN greatest(m.last, r.reading_day) ELSE m.last END,
                 r.reading_day) AS e
    FROM readings r JOIN medication_spans m ON m.patient = r.patient
    JOIN rule_sources s ON s.reader = 'Medication.daysCovered' AND s.value_set = m.value_set
), islands AS (
    SELECT *, sum(CASE WHEN s <= prev + 1 THEN 0 ELSE 1 END) OVER (
                  PARTITION BY patient, reading_day, finding ORDER BY s, e, ref
                  ROWS UNBOUNDED PRECEDING) AS island
    FROM (SELECT *, max(e) OVER (PARTITION BY patient, reading_day, finding ORDER BY s, e, ref
                                 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev
          FROM clipped WHERE e >= s) o
), totals AS (
    SELECT patient, reading_day, finding, sum(n) AS covered FROM (
        SELECT patient, reading_day, finding, island, date_diff('day', min(s), max(e)) + 1 AS n
        FROM islands GROUP BY patient, reading_day, finding, island) l
    GROUP BY patient, reading_day, finding
)
SELECT k.patient, k.reading_day, k.finding, k.compare, k.threshold, k.ref, k.day, t.covered
FROM islands k JOIN totals t
  ON t.patient = k.patient AND t.reading_day = k.reading_day AND t.finding = k.finding;

-- step: record_hits [findings]
-- Every record that shows a finding present (TRUE) or absent (FALSE, a measured normal value)
-- as of a reading day, by the record rules (the rule_sources table, from record_rules.yaml),
-- and every recent answer to the red-flag Questionnaire; `winning`: it says what the finding
-- is (present beats absent).
SELECT *, value = bool_or(value) OVER (PARTITION BY patient, reading_day, finding) AS winning
FROM (
SELECT h.patient, h.reading_day, h.finding, h.value, h.ref, h.day FROM (
    SELECT r.patient, r.reading_day, s.finding, s.value, f.ref,
           coalesce(f.day0, CASE WHEN f.undated_reading THEN r.reading_day END) AS day,
           coalesce(f.day1, CASE WHEN f.undated_reading THEN r.reading_day END) AS last_day,
           s.window_days, s.needs_current, s.compare, s.threshold, f.is_current, f.value AS measured
    FROM readings r JOIN record_facts f ON f.patient = r.patient
    JOIN rule_sources s ON s.reader = f.reader AND s.value_set = f.value_set
) h
WHERE (CASE WHEN h.window_days IS NULL THEN h.day IS NULL OR h.day <= h.reading_day
            ELSE h.day <= h.reading_day AND h.last_day >= h.reading_day - h.window_days END)
  AND (NOT h.needs_current OR h.is_current)
  AND (h.compare IS NULL OR (h.compare = 'at_least' AND h.measured >= h.threshold)
                         OR (h.compare = 'below' AND h.measured < h.threshold))
UNION ALL
SELECT c.patient, c.reading_day, c.finding, TRUE, c.ref, c.day FROM medication_coverage c
WHERE (c.compare = 'at_least' AND c.covered >= c.threshold) OR (c.compare = 'below' AND c.covered < c.threshold)
UNION ALL
SELECT r.patient, r.reading_day, a.finding, a.value, a.ref, a.day0 AS day
FROM readings r JOIN answers a ON a.patient = r.patient
WHERE a.value IS NOT NULL AND {answers_window}
) h;

-- step: record_findings [findings]
-- One row per reading: each finding TRUE, FALSE or NULL (unknown), and the first record behind
-- its value ("Condition/123 2025-04-02").
SELECT patient, reading_day, {record_columns}
FROM record_hits GROUP BY patient, reading_day;

-- step: index_notes [notes]
-- The notes of the index visit (record_rules.yaml, notes.window), read by the note extractor.
SELECT e.patient, n.written, n.id, n.data FROM eligible e JOIN (
    SELECT p.patient, p.r_DocumentReference.id AS id,
           coalesce(fhir_date(p.r_DocumentReference.date),
                    fhir_date(p.r_DocumentReference.context.period.start)) AS written,
           a.attachment.data AS data
    FROM (SELECT *, unnest(p.r_DocumentReference.content) AS a FROM parsed p WHERE p.r_DocumentReference IS NOT NULL) p
    WHERE p.r_DocumentReference IS NOT NULL
      AND coalesce(p.r_DocumentReference.status, '') <> 'entered-in-error'
      AND coalesce(a.attachment.contentType, 'text/plain') LIKE 'text/%'
      AND a.attachment.data IS NOT NULL
) n ON n.patient = e.patient
WHERE n.written BETWEEN e.index_date - {notes_days} AND e.index_date;

-- step: noted
-- From the notes of the index visit: TRUE if one says present, FALSE if they only say absent,
-- NULL if silent.
SELECT patient, {noted} FROM note_findings GROUP BY patient;

-- step: excluded
SELECT patient, min(reason) AS reason FROM (
    SELECT e.patient, x.reason
    FROM eligible e JOIN conditions c ON c.patient = e.patient AND c.system = 'icd10cm'
    JOIN exclusions x ON starts_with(c.code, x.prefix)
    WHERE c.onset <= e.index_date + 28
      AND (x.window_days IS NULL OR c.onset >= e.index_date - x.window_days)
    UNION ALL
    SELECT e.patient, 'osteoporosis drugs'
    FROM eligible e JOIN medication_days d ON d.patient = e.patient
    WHERE d.target = 'osteoporosis_drugs' AND d.start <= e.index_date + 28
    UNION ALL
    SELECT patient, 'long-term systemic corticosteroids' FROM steroid_runs
    WHERE date_diff('day', run_start, run_stop) >= 90
    UNION ALL
    SELECT patient, 'death' FROM eligible WHERE year(deceased) = {year}
) z GROUP BY patient;

-- step: features [keep]
-- Kept (not planned into the next step): the decision reads every finding column several
-- times, and an optimiser that inlines the columns' expressions would multiply them.
SELECT e.patient, e.index_date, e.age, e.hedis_age, {merged}, {evidence},
       i.imaging_date, i.imaging_code, i.imaging_source
FROM eligible e
LEFT JOIN record_findings rf ON rf.patient = e.patient AND rf.reading_day = e.index_date
LEFT JOIN noted n ON n.patient = e.patient
LEFT JOIN episode_imaging i ON i.patient = e.patient;

-- step: decided
SELECT f.*, {decision} AS decision, {urgency} AS urgency, x.reason AS excluded_reason,
       s.organization, s.organization_name, s.practitioner, s.practitioner_name
FROM features f
LEFT JOIN excluded x ON x.patient = f.patient
LEFT JOIN episode_setting s ON s.patient = f.patient;

-- step: episodes
-- The class. Safety first: an urgent or emergency red flag not imaged within 2 days is a
-- missed red flag, whether or not the episode is excluded from the HEDIS measure.
SELECT d.*, d.imaging_date IS NOT NULL AS imaged,
       CAST(date_diff('day', d.index_date, d.imaging_date) AS INTEGER) AS days_to_imaging,
       CASE WHEN d.decision = 'image' AND d.urgency IN ('emergency', 'urgent')
                 AND (d.imaging_date IS NULL OR date_diff('day', d.index_date, d.imaging_date) > 2)
            THEN 'missed_red_flag'
            WHEN d.excluded_reason IS NOT NULL THEN 'excluded'
            WHEN d.imaging_date IS NOT NULL AND d.decision = 'image' THEN 'appropriate_imaging'
            WHEN d.imaging_date IS NOT NULL THEN 'low_value_imaging'
            ELSE 'no_imaging_needed' END AS class
FROM decided d;
