"""The explicit read schema of the audit: the FHIR R4 fields it reads, per resource type, and
the same schema written for each engine (a DuckDB JSON structure, a Spark DDL type).

Every leaf is read as text: a number where text was expected (or the other way round) is kept,
not turned into a failed line, and dates stay text until `fhir_date` parses them, so a partial
date such as "2019" is an unknown day, never an error."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["READ_TYPES", "SCHEMAS", "duckdb_structure", "spark_ddl"]

S = "string"
REF: dict[str, Any] = {"reference": S, "display": S}
CODING: list[Any] = [{"system": S, "code": S, "display": S}]
CONCEPT: dict[str, Any] = {"coding": CODING, "text": S}
PERIOD: dict[str, Any] = {"start": S, "end": S}
QUANTITY: dict[str, Any] = {"value": S, "unit": S, "code": S}
COMMON: dict[str, Any] = {"id": S, "subject": REF}
ANSWER: dict[str, Any] = {"valueBoolean": S}
MEDICATION: dict[str, Any] = {**COMMON, "status": S, "medicationCodeableConcept": CONCEPT}

SCHEMAS: dict[str, dict[str, Any]] = {
    "Patient": {"id": S, "birthDate": S, "deceasedDateTime": S, "deceasedBoolean": S},
    "Organization": {"id": S, "name": S},
    "Practitioner": {"id": S, "name": [{"family": S, "given": [S], "text": S}]},
    "Encounter": {**COMMON, "status": S, "period": PERIOD, "serviceProvider": REF,
                  "participant": [{"individual": REF}]},
    "Condition": {**COMMON, "code": CONCEPT, "clinicalStatus": CONCEPT,
                  "verificationStatus": CONCEPT, "onsetDateTime": S, "onsetPeriod": PERIOD,
                  "recordedDate": S},
    "Observation": {**COMMON, "status": S, "code": CONCEPT, "valueQuantity": QUANTITY,
                    "effectiveDateTime": S, "effectivePeriod": PERIOD, "issued": S},
    "Procedure": {**COMMON, "status": S, "code": CONCEPT, "performedDateTime": S,
                  "performedPeriod": PERIOD},
    "ImagingStudy": {**COMMON, "status": S, "procedureCode": [CONCEPT], "started": S},
    "DiagnosticReport": {**COMMON, "status": S, "code": CONCEPT, "effectiveDateTime": S,
                         "effectivePeriod": PERIOD, "issued": S},
    "ServiceRequest": {**COMMON, "status": S, "code": CONCEPT, "occurrenceDateTime": S,
                       "occurrencePeriod": PERIOD, "authoredOn": S, "reasonCode": [CONCEPT]},
    "MedicationDispense": {**MEDICATION, "whenHandedOver": S, "whenPrepared": S,
                           "daysSupply": QUANTITY},
    "MedicationRequest": {**MEDICATION, "intent": S, "authoredOn": S,
                          "dispenseRequest": {"validityPeriod": PERIOD,
                                              "numberOfRepeatsAllowed": S,
                                              "expectedSupplyDuration": QUANTITY}},
    "MedicationStatement": {**MEDICATION, "effectiveDateTime": S, "effectivePeriod": PERIOD},
    "DocumentReference": {**COMMON, "status": S, "date": S, "context": {"period": PERIOD},
                          "content": [{"attachment": {"contentType": S, "data": S}}]},
    # spinewise's own Questionnaire: the age, then groups of yes/no questions (two levels).
    "QuestionnaireResponse": {**COMMON, "status": S, "questionnaire": S, "authored": S,
                              "item": [{"linkId": S, "answer": [ANSWER],
                                        "item": [{"linkId": S, "answer": [ANSWER]}]}]},
}  # fmt: skip
#: The resource types the audit reads; a line of another type in a file named for one of these
#: is quarantined ("a Patient in a Condition file").
READ_TYPES = tuple(SCHEMAS)


def _duckdb(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _duckdb(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_duckdb(node[0])]
    return "VARCHAR"


def _schema(resource_type: str, notes: bool) -> dict[str, Any]:
    schema = SCHEMAS[resource_type]
    if resource_type == "DocumentReference" and not notes:
        # Without --notes the note texts are never read: not even parsed.
        schema = {k: v for k, v in schema.items() if k != "content"}
    return schema


def duckdb_structure(resource_type: str, notes: bool = True) -> str:
    """The JSON structure DuckDB's from_json takes."""
    return json.dumps(_duckdb(_schema(resource_type, notes)), separators=(",", ":"))


def _spark(node: Any) -> str:
    if isinstance(node, dict):
        return "struct<" + ",".join(f"`{k}`:{_spark(v)}" for k, v in node.items()) + ">"
    if isinstance(node, list):
        return f"array<{_spark(node[0])}>"
    return "string"


def spark_ddl(resource_type: str, notes: bool = True) -> str:
    """The DDL type Spark's from_json takes."""
    return _spark(_schema(resource_type, notes))
