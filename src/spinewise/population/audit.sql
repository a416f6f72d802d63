-- The audit, written once in DuckDB's SQL dialect and run as is on DuckDB and transpiled (with
-- sqlglot) to Spark SQL. Each "-- step: NAME" is a table or view of that name for the steps
-- after it ([notes]: only with --notes; [keep]: always materialised). Before it runs, `definition.py` expands the macros fhir_date(x) and patient_ref(x)
-- and fills the {placeholders}: dates, the finding columns, the exclusion list, and the
-- decision and urgency (the rulebook compiled to SQL by compile.py).
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

-- step: temperatures
SELECT x.lid, x.patient, x.effective,
       CASE WHEN lower(x.unit) IN ('[degf]', 'degf', 'f', '°f') THEN (x.value - 32) * 5 / 9
            ELSE x.value END AS celsius
FROM (
    SELECT DISTINCT o.lid, o.patient, o.value, o.unit, o.effective
    FROM (
        SELECT p.lid, p.patient, c.system AS url, c.code,
               TRY_CAST(p.r_Observation.valueQuantity.value AS DOUBLE) AS value,
               coalesce(p.r_Observation.valueQuantity.code, p.r_Observation.valueQuantity.unit, '') AS unit,
               coalesce(fhir_date(p.r_Observation.effectiveDateTime),
                        fhir_date(p.r_Observation.effectivePeriod.start)) AS effective
        FROM (SELECT *, unnest(p.r_Observation.code.coding) AS c FROM parsed p WHERE p.r_Observation IS NOT NULL) p
        WHERE p.r_Observation IS NOT NULL AND p.patient IS NOT NULL
          AND coalesce(p.r_Observation.status, '') NOT IN ('entered-in-error', 'cancelled')
    ) o
    JOIN systems y ON y.url = o.url
    JOIN codes k ON k.kind = 'value_set' AND k.target = 'body_temperature'
         AND k.system = y.system AND k.code = o.code
) x;

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

-- step: medication_records
-- Each medication record as (start, days covered) with the concept that names the drug.
SELECT x.lid, x.patient, x.concept, x.start, x.days FROM (
    SELECT p.lid, p.patient, p.r_MedicationDispense.medicationCodeableConcept AS concept,
           coalesce(fhir_date(p.r_MedicationDispense.whenHandedOver),
                    fhir_date(p.r_MedicationDispense.whenPrepared)) AS start,
           TRY_CAST(p.r_MedicationDispense.daysSupply.value AS DOUBLE) AS days
    FROM parsed p
    WHERE p.r_MedicationDispense IS NOT NULL
      AND coalesce(p.r_MedicationDispense.status, '') NOT IN ('entered-in-error', 'cancelled', 'declined')
    UNION ALL
    SELECT p.lid, p.patient, p.r_MedicationRequest.medicationCodeableConcept,
           coalesce(fhir_date(p.r_MedicationRequest.dispenseRequest.validityPeriod.start),
                    fhir_date(p.r_MedicationRequest.authoredOn)),
           TRY_CAST(p.r_MedicationRequest.dispenseRequest.expectedSupplyDuration.value AS DOUBLE)
             * CASE lower(coalesce(p.r_MedicationRequest.dispenseRequest.expectedSupplyDuration.code,
                                   p.r_MedicationRequest.dispenseRequest.expectedSupplyDuration.unit, 'd'))
                 WHEN 'wk' THEN 7 WHEN 'week' THEN 7 WHEN 'weeks' THEN 7
                 WHEN 'mo' THEN 30 WHEN 'month' THEN 30 WHEN 'months' THEN 30 ELSE 1 END
             * (1 + coalesce(TRY_CAST(p.r_MedicationRequest.dispenseRequest.numberOfRepeatsAllowed AS INTEGER), 0))
    FROM parsed p
    WHERE p.r_MedicationRequest IS NOT NULL
      AND coalesce(p.r_MedicationRequest.status, '') NOT IN ('entered-in-error', 'cancelled', 'draft')
    UNION ALL
    SELECT p.lid, p.patient, p.r_MedicationStatement.medicationCodeableConcept,
           coalesce(fhir_date(p.r_MedicationStatement.effectivePeriod.start),
                    fhir_date(p.r_MedicationStatement.effectiveDateTime)),
           CASE WHEN fhir_date(p.r_MedicationStatement.effectivePeriod.end) IS NOT NULL
                 AND fhir_date(p.r_MedicationStatement.effectivePeriod.start) IS NOT NULL
                THEN date_diff('day', fhir_date(p.r_MedicationStatement.effectivePeriod.start),
                               fhir_date(p.r_MedicationStatement.effectivePeriod.end)) + 1
                ELSE 1 END
    FROM parsed p
    WHERE p.r_MedicationStatement IS NOT NULL
      AND coalesce(p.r_MedicationStatement.status, '') NOT IN ('entered-in-error', 'not-taken')
) x WHERE x.patient IS NOT NULL AND x.start IS NOT NULL;

-- step: medication_concepts
-- The words and codes that name each record's drug: every coding, and the concept's text.
SELECT m.lid, m.patient, m.start, m.days, m.label, y.system, m.code
FROM (
    SELECT r.lid, r.patient, r.start, r.days, lower(coalesce(c.display, '')) AS label,
           c.system AS url, trim(c.code) AS code
    FROM (SELECT *, unnest(r.concept.coding) AS c FROM medication_records r) r
    UNION ALL
    SELECT lid, patient, start, days, lower(concept.text), NULL, NULL
    FROM medication_records WHERE concept.text IS NOT NULL
) m LEFT JOIN systems y ON y.url = m.url;

-- step: medications
-- Which drug class each record is: by ingredient code, or by an ingredient's name in the
-- product name unless a word says it is not systemic (inhaled, topical, ...).
SELECT DISTINCT lid, patient, target, start, days FROM (
    SELECT m.lid, m.patient, k.target, m.start, m.days
    FROM medication_concepts m JOIN codes k ON k.kind = 'value_set' AND k.system = m.system
         AND k.code = m.code AND k.target IN ('systemic_corticosteroids', 'osteoporosis_drugs')
    UNION ALL
    SELECT m.lid, m.patient, n.target, m.start, m.days
    FROM medication_concepts m JOIN med_names n ON m.label LIKE '%' || n.name || '%'
    WHERE NOT EXISTS (SELECT 1 FROM med_words w
                      WHERE w.target = n.target AND m.label LIKE '%' || w.word || '%')
) z;

-- step: medication_days
-- The start and (exclusive) end of each record's days covered, one row per record.
SELECT patient, target, min(start) AS start,
       max(start + CAST(greatest(coalesce(days, 1), 1) AS INTEGER)) AS stop
FROM medications GROUP BY lid, patient, target;

-- step: questionnaire_items
-- The top-level items of answers to spinewise's own red-flag Questionnaire.
SELECT p.lid, p.patient, fhir_date(p.r_QuestionnaireResponse.authored) AS authored,
       unnest(p.r_QuestionnaireResponse.item) AS i
FROM parsed p
WHERE p.r_QuestionnaireResponse IS NOT NULL AND p.patient IS NOT NULL
  AND split_part(p.r_QuestionnaireResponse.questionnaire, '|', 1) LIKE '%spinewise-red-flags'
  AND coalesce(p.r_QuestionnaireResponse.status, '') NOT IN ('entered-in-error', 'stopped');

-- step: answers
-- Yes/no answers (linkId = finding id) at either level of its items (groups of questions).
SELECT a.lid, a.patient, a.authored, a.link AS finding,
       CASE lower(a.value) WHEN 'true' THEN TRUE WHEN 'false' THEN FALSE END AS value
FROM (
    SELECT lid, patient, authored, i.linkId AS link, i.answer[1].valueBoolean AS value
    FROM questionnaire_items
    UNION ALL
    SELECT g.lid, g.patient, g.authored, g.j.linkId, g.j.answer[1].valueBoolean
    FROM (SELECT lid, patient, authored, unnest(i.item) AS j FROM questionnaire_items) g
) a JOIN findings f ON f.id = a.link;

-- step: problems
-- Lines the audit cannot use, with the reason (bad JSON and wrong types come from the engine).
SELECT lid, 'no subject Patient reference' AS reason FROM subjects WHERE patient IS NULL
UNION ALL
SELECT lid, 'no code system spinewise knows' FROM condition_codes
GROUP BY lid HAVING count(system) = 0
UNION ALL
SELECT lid, 'temperature without a numeric value' FROM temperatures WHERE celsius IS NULL;

-- step: used
SELECT DISTINCT lid FROM (
    SELECT lid FROM patients UNION ALL SELECT lid FROM organizations
    UNION ALL SELECT lid FROM practitioners UNION ALL SELECT lid FROM encounters
    UNION ALL SELECT lid FROM condition_codes WHERE system IS NOT NULL
    UNION ALL SELECT lid FROM temperatures UNION ALL SELECT lid FROM imaging_codes
    UNION ALL SELECT lid FROM medications UNION ALL SELECT lid FROM answers
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

-- step: matched
-- Step 2, for the eligible episodes: the findings a coded diagnosis shows at the index date
-- (status and lookback as in the FHIR intake).
SELECT e.patient, k.target
FROM eligible e JOIN conditions c ON c.patient = e.patient
JOIN codes k ON k.kind = 'finding' AND k.system = c.system
 AND (c.code = k.code OR (k.is_prefix AND starts_with(c.code, k.code)))
WHERE c.onset IS NOT NULL AND c.onset <= e.index_date
  AND (k.statuses = 'any' OR c.status IS NULL OR c.status IN ('active', 'recurrence', 'relapse'))
  AND (k.lookback IS NULL OR c.onset >= e.index_date - k.lookback)
UNION ALL
SELECT r.patient, 'prolonged_corticosteroid_use'
FROM steroid_runs r JOIN eligible e ON e.patient = r.patient
WHERE r.run_start < e.index_date
GROUP BY r.patient, e.index_date
HAVING sum(date_diff('day', r.run_start, least(r.run_stop, e.index_date))) >= {steroid_days};

-- step: coded
SELECT e.patient, {coded}
FROM eligible e LEFT JOIN matched m ON m.patient = e.patient GROUP BY e.patient;

-- step: temps
SELECT e.patient,
       max(t.celsius) FILTER (WHERE t.effective BETWEEN e.index_date - 7 AND e.index_date) AS tmax,
       count(*) FILTER (WHERE t.effective BETWEEN e.index_date - 2 AND e.index_date) AS recent
FROM eligible e JOIN temperatures t ON t.patient = e.patient
WHERE t.celsius IS NOT NULL GROUP BY e.patient;

-- step: index_notes [notes]
-- The notes of the index visit (the week up to the index date), read by the note extractor.
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
WHERE n.written BETWEEN e.index_date - 7 AND e.index_date;

-- step: noted
-- From notes and questionnaire answers of the index week: TRUE if one says present, FALSE if
-- they only say absent, NULL if silent.
SELECT patient, {noted} FROM (
    SELECT patient, finding, value FROM note_findings
    UNION ALL
    SELECT a.patient, a.finding, a.value FROM answers a JOIN eligible e ON e.patient = a.patient
    WHERE a.value IS NOT NULL AND a.authored BETWEEN e.index_date - 7 AND e.index_date
) z GROUP BY patient;

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
SELECT e.patient, e.index_date, e.age, e.hedis_age, {merged},
       i.imaging_date, i.imaging_code, i.imaging_source
FROM eligible e JOIN coded c ON c.patient = e.patient
LEFT JOIN noted n ON n.patient = e.patient
LEFT JOIN temps tm ON tm.patient = e.patient
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
