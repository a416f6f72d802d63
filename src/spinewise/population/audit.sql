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
WHERE rtype IN ('Encounter', 'Coverage', 'Condition', 'Observation', 'Procedure', 'ImagingStudy',
                'DiagnosticReport', 'ServiceRequest', 'MedicationDispense', 'MedicationRequest',
                'MedicationStatement', 'DocumentReference', 'QuestionnaireResponse')
  AND bad_text IS NULL;

-- step: patients
-- The first and last day each date could be: a birth year alone is every day of that year.
SELECT lid, r_Patient.id AS patient,
       fhir_day0(r_Patient.birthDate) AS birth0, fhir_day1(r_Patient.birthDate) AS birth1,
       fhir_day0(r_Patient.deceasedDateTime) AS deceased0,
       fhir_day1(r_Patient.deceasedDateTime) AS deceased1,
       lower(coalesce(r_Patient.deceasedBoolean, '')) = 'true' AS deceased_flag
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
SELECT p.lid, p.patient, p.r_Encounter.id AS id,
       fhir_date(p.r_Encounter.period.start) AS day,
       p.r_Encounter."class".code AS visit_class,
       regexp_extract(p.r_Encounter.serviceProvider.reference, '([^/:]+)$', 1) AS organization,
       regexp_extract(p.r_Encounter.participant[1].individual.reference, '([^/:]+)$', 1) AS practitioner
FROM parsed p
WHERE p.r_Encounter IS NOT NULL AND p.patient IS NOT NULL
  AND coalesce(p.r_Encounter.status, '') NOT IN ('entered-in-error', 'cancelled');

-- step: coverage
-- Coverage periods (enrolment), for the measure's continuous enrolment; an open end runs on.
SELECT p.lid, p.patient,
       coalesce(fhir_day0(p.r_Coverage.period.start), DATE '1900-01-01') AS s,
       coalesce(fhir_day1(p.r_Coverage.period."end"), DATE '2999-12-31') AS t
FROM parsed p
WHERE p.r_Coverage IS NOT NULL AND p.patient IS NOT NULL
  AND coalesce(p.r_Coverage.status, '') NOT IN ('cancelled', 'entered-in-error', 'draft');

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

-- step: condition_visits
-- How the measure dates a diagnosis: the day of its visit when the Condition names its
-- Encounter, else its recordedDate, else its onset; and the visit's class.
SELECT c.lid, c.patient,
       CASE WHEN v.day IS NOT NULL THEN v.day ELSE coalesce(c.recorded0, c.onset0) END AS day0,
       CASE WHEN v.day IS NOT NULL THEN v.day ELSE coalesce(c.recorded1, c.onset1) END AS day1,
       v.visit_class
FROM (
    SELECT p.lid, p.patient,
           regexp_extract(p.r_Condition.encounter.reference, '([^/:]+)$', 1) AS encounter,
           fhir_day0(p.r_Condition.recordedDate) AS recorded0,
           fhir_day1(p.r_Condition.recordedDate) AS recorded1,
           coalesce(fhir_day0(p.r_Condition.onsetDateTime), fhir_day0(p.r_Condition.onsetPeriod.start)) AS onset0,
           coalesce(fhir_day1(p.r_Condition.onsetDateTime), fhir_day1(p.r_Condition.onsetPeriod.start)) AS onset1
    FROM parsed p WHERE p.r_Condition IS NOT NULL AND p.patient IS NOT NULL
) c LEFT JOIN (SELECT patient, id, min(day) AS day, min(visit_class) AS visit_class
               FROM encounters WHERE id IS NOT NULL GROUP BY patient, id) v
  ON v.patient = c.patient AND v.id = c.encounter;

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
    UNION ALL SELECT lid FROM answers UNION ALL SELECT lid FROM coverage
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
                r_DocumentReference.id, r_QuestionnaireResponse.id, r_Coverage.id) AS id,
       min(q.reason) AS reason
FROM parsed p LEFT JOIN problems q ON q.lid = p.lid
WHERE p.bad_text IS NOT NULL OR q.lid IS NOT NULL
GROUP BY 1, 2, 3, 4, 5, 6;

-- step: lbp
-- The low back pain diagnoses (measure.yaml: index.value_set), dated as the measure dates them.
SELECT DISTINCT v.patient, v.lid, v.day0, v.day1, v.visit_class
FROM record_facts f JOIN condition_visits v ON v.lid = f.lid
WHERE f.reader = 'Condition.code' AND f.value_set = {index_value_set};

-- step: eligible
-- The episodes of the HEDIS low back pain imaging measure (measure.yaml): the earliest low back
-- pain diagnosis of a full day in the intake period at an outpatient, telehealth, observation
-- or emergency visit (a diagnosis that names no visit, or a visit of no class, counts: nothing
-- says it was elsewhere); no low back pain diagnosis certainly before it in the look-back; the
-- age in range on the first and on the last day of the year for every day the birth date
-- could be. `age` (the findings' age flags) is the oldest the birth date allows, as at the
-- point of care; `hedis_age` is the age on the last day of the year.
SELECT e.patient, e.index_date, e.age, e.hedis_age, e.deceased0, e.deceased1, e.deceased_flag
FROM (
    SELECT f.patient, f.index_date,
           CAST(floor(((year(f.index_date) * 10000 + month(f.index_date) * 100 + day(f.index_date))
                 - (year(p.birth0) * 10000 + month(p.birth0) * 100 + day(p.birth0))) / 10000) AS INTEGER) AS age,
           CAST(floor(({year} * 10000 + 1231
                 - (year(p.birth0) * 10000 + month(p.birth0) * 100 + day(p.birth0))) / 10000) AS INTEGER) AS hedis_age,
           CAST(floor(({year} * 10000 + 101
                 - (year(p.birth1) * 10000 + month(p.birth1) * 100 + day(p.birth1))) / 10000) AS INTEGER) AS youngest_at_start,
           p.deceased0, p.deceased1, p.deceased_flag
    FROM (SELECT patient, min(day0) AS index_date FROM lbp
          WHERE day0 = day1 AND day0 BETWEEN {start} AND {end}
            AND (visit_class IS NULL OR visit_class IN ({visit_classes}))
          GROUP BY patient) f
    JOIN (SELECT patient, min(birth0) AS birth0, max(birth1) AS birth1,
                 min(deceased0) AS deceased0, max(deceased1) AS deceased1,
                 bool_or(deceased_flag) AS deceased_flag
          FROM patients GROUP BY patient) p ON p.patient = f.patient
    WHERE NOT EXISTS (SELECT 1 FROM lbp b WHERE b.patient = f.patient
                      AND b.day1 < f.index_date AND b.day1 >= f.index_date - {negative_days})
) e WHERE e.youngest_at_start >= {age_min} AND e.hedis_age <= {age_max};

-- step: episode_imaging
SELECT patient, imaging_date, imaging_code, imaging_source FROM (
    SELECT e.patient, i.performed AS imaging_date, i.code AS imaging_code, i.source AS imaging_source,
           row_number() OVER (PARTITION BY e.patient ORDER BY i.performed, i.code, i.source) AS n
    FROM eligible e JOIN imaging i ON i.patient = e.patient
    WHERE i.performed BETWEEN e.index_date AND e.index_date + {numerator_days}
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

-- step: consecutive_runs
-- Runs of consecutive days a value set's medicines cover, in an exclusion's window up to the end
-- of the exclusion windows (measure.yaml: Medication.consecutiveDays): records that overlap or
-- touch join one run.
SELECT patient, exclusion, grp, at_least, min(s) AS run_start, max(e) AS run_end FROM (
    SELECT *, sum(CASE WHEN s <= prev + 1 THEN 0 ELSE 1 END) OVER (
                  PARTITION BY patient, exclusion, grp ORDER BY s, e ROWS UNBOUNDED PRECEDING) AS run
    FROM (
        SELECT *, max(e) OVER (PARTITION BY patient, exclusion, grp ORDER BY s, e
                               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev
        FROM (
            SELECT e.patient, x.exclusion, x.grp, x.at_least_days AS at_least,
                   greatest(m.start, e.index_date - x.window_days) AS s,
                   least(m.last, e.index_date + {through_days}) AS e
            FROM eligible e JOIN medication_spans m ON m.patient = e.patient
            JOIN exclusion_sources x ON x.reader = 'Medication.consecutiveDays'
                 AND x.value_set = m.value_set
        ) clipped WHERE e >= s
    ) ordered
) runs GROUP BY patient, exclusion, grp, at_least, run;

-- step: exclusion_hits
-- Every record that meets a source of an exclusion (measure.yaml, as the exclusion_sources
-- table): in its window, some day of its date inside; a code also in `unless_in` never counts.
SELECT DISTINCT patient, exclusion, grp FROM (
    SELECT e.patient, x.exclusion, x.grp
    FROM eligible e JOIN record_facts f ON f.patient = e.patient
    JOIN exclusion_sources x ON x.reader = f.reader AND x.value_set = f.value_set
    WHERE {window_facts}
      AND (x.unless_in IS NULL OR NOT EXISTS (
          SELECT 1 FROM record_facts u WHERE u.lid = f.lid AND u.system = f.system
                                          AND u.code = f.code AND u.value_set = x.unless_in))
    UNION ALL
    SELECT e.patient, x.exclusion, x.grp
    FROM eligible e JOIN medication_spans m ON m.patient = e.patient
    JOIN exclusion_sources x ON x.reader = 'Medication.record' AND x.value_set = m.value_set
    WHERE {window_medicines}
    UNION ALL
    SELECT patient, exclusion, grp FROM consecutive_runs
    WHERE date_diff('day', run_start, run_end) + 1 >= at_least
    UNION ALL
    SELECT e.patient, x.exclusion, x.grp
    FROM eligible e JOIN exclusion_sources x ON x.reader = 'Patient.deceased'
    WHERE (e.deceased0 IS NULL AND e.deceased_flag) OR ({window_death})
) z;

-- step: enrolment
-- Continuous enrolment (measure.yaml), when the export carries Coverage: the periods of a
-- patient's coverage joined where they overlap or leave no longer gap than allowed, and one of
-- them spanning the required days around the index date. NULL when the export has no Coverage.
SELECT e.patient,
       CASE WHEN NOT (SELECT count(*) > 0 FROM coverage) THEN NULL
            ELSE coalesce(bool_or(k.first_day <= e.index_date - {enrol_before}
                                  AND k.last_day >= e.index_date + {enrol_after}), FALSE) END AS enrolled
FROM eligible e LEFT JOIN (
    SELECT patient, min(s) AS first_day, max(t) AS last_day FROM (
        SELECT *, sum(CASE WHEN s <= prev + 1 + {enrol_gap} THEN 0 ELSE 1 END) OVER (
                      PARTITION BY patient ORDER BY s, t ROWS UNBOUNDED PRECEDING) AS island
        FROM (SELECT *, max(t) OVER (PARTITION BY patient ORDER BY s, t
                                     ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev
              FROM coverage) o
    ) i GROUP BY patient, island
) k ON k.patient = e.patient
GROUP BY e.patient, e.index_date;

-- step: excluded
-- An episode is excluded when every group of an exclusion holds (and the patient is old
-- enough for it), or the patient was not continuously enrolled. The first reason in the order
-- of measure.yaml is the episode's reason; every reason is listed.
SELECT patient, {exclusion_reason} AS reason, {exclusion_reasons} AS reasons FROM (
    SELECT e.patient, n.enrolled, {exclusion_columns}
    FROM eligible e LEFT JOIN enrolment n ON n.patient = e.patient
    LEFT JOIN (
        SELECT h.patient, h.exclusion FROM exclusion_hits h JOIN exclusions x ON x.exclusion = h.exclusion
        GROUP BY h.patient, h.exclusion HAVING count(DISTINCT h.grp) = max(x.groups)
    ) met ON met.patient = e.patient
    LEFT JOIN exclusions x ON x.exclusion = met.exclusion
    WHERE x.age_at_least IS NULL OR e.hedis_age >= x.age_at_least OR met.exclusion IS NULL
    GROUP BY e.patient, n.enrolled
) z WHERE {exclusion_reason} IS NOT NULL;

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
-- The decision under the policy, the rules that fired and the red flags that drove it (the
-- rulebook compiled to SQL: compile.py), and the exclusions.
SELECT f.*, {decision} AS decision, {urgency} AS urgency, {rules_fired} AS rules_fired,
       {red_flags} AS red_flags, x.reason AS excluded_reason, x.reasons AS excluded_reasons,
       s.organization, s.organization_name, s.practitioner, s.practitioner_name
FROM features f
LEFT JOIN excluded x ON x.patient = f.patient
LEFT JOIN episode_setting s ON s.patient = f.patient;

-- step: episodes
-- The class. Safety first: an urgent or emergency red flag not imaged within 2 days
-- (measure.yaml: missed_red_flag) is a missed red flag, whether or not the episode is excluded
-- from the HEDIS measure.
SELECT d.*, d.imaging_date IS NOT NULL AS imaged,
       CAST(date_diff('day', d.index_date, d.imaging_date) AS INTEGER) AS days_to_imaging,
       CASE WHEN d.decision = 'image' AND d.urgency IN ({missed_urgencies})
                 AND (d.imaging_date IS NULL
                      OR date_diff('day', d.index_date, d.imaging_date) > {missed_days})
            THEN 'missed_red_flag'
            WHEN d.excluded_reason IS NOT NULL THEN 'excluded'
            WHEN d.imaging_date IS NOT NULL AND d.decision = 'image' THEN 'appropriate_imaging'
            WHEN d.imaging_date IS NOT NULL THEN 'low_value_imaging'
            ELSE 'no_imaging_needed' END AS class
FROM decided d;
