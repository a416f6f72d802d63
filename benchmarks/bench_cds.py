"""Benchmark CDS Hooks order-sign with a realistic prefetch (about 200 resources): requests/s
and p50/p99 latency under bounded load on loopback, side by side with POST /api/v1/assess of
the same app in the same run (the ratio is the figure). Every call carries its own freshly
signed ES384 token (signed before the run), so token verification is measured too.

    python benchmarks/bench_cds.py [--requests 3000] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

from loadgen import load, request_bytes, served, summary

ISSUER = "https://ehr.bench.example"
#: The service's public URL: the `aud` every token carries (never the loopback Host).
PUBLIC = "https://spinewise.bench.example"
CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"


def prefetch(patient: str) -> dict[str, Any]:
    """A record like an EHR's: 60 conditions, 50 temperatures, 40 medications, 40
    procedures, a patient and a questionnaire response (about 200 resources)."""
    ref = {"reference": f"Patient/{patient}"}
    icd = [
        "E11.9",
        "I10",
        "J45.909",
        "K21.9",
        "M54.50",
        "E78.5",
        "F41.1",
        "N39.0",
        "R51.9",
        "Z87.891",
    ]
    conditions = [
        {"resourceType": "Condition", "id": f"c{i}", "subject": ref, "onsetDateTime": "2024-03-01",
         "clinicalStatus": {"coding": [{"system": CLINICAL, "code": "active" if i % 3 else "resolved"}]},
         "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": icd[i % len(icd)]}]}}
        for i in range(60)
    ]  # fmt: skip
    temperatures = [
        {"resourceType": "Observation", "id": f"t{i}", "status": "final", "subject": ref,
         "code": {"coding": [{"system": "http://loinc.org", "code": "8310-5"}]},
         "effectiveDateTime": f"2026-11-{1 + i % 25:02d}T08:00:00Z",
         "valueQuantity": {"value": 36.5 + (i % 10) / 10, "unit": "Cel", "system": "http://unitsofmeasure.org", "code": "Cel"}}
        for i in range(50)
    ]  # fmt: skip
    medications = [
        {"resourceType": "MedicationRequest", "id": f"m{i}", "status": "active", "intent": "order", "subject": ref,
         "authoredOn": "2026-06-01",
         "medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": str(310000 + i), "display": "metFORMIN 500 MG Oral Tablet"}]}}
        for i in range(40)
    ]  # fmt: skip
    procedures = [
        {"resourceType": "Procedure", "id": f"p{i}", "status": "completed", "subject": ref,
         "performedDateTime": "2025-05-01",
         "code": {"coding": [{"system": "http://snomed.info/sct", "code": "73761001", "display": "Colonoscopy"}]}}
        for i in range(40)
    ]  # fmt: skip
    answers = {"fever": False, "saddle_anesthesia": False, "bladder_dysfunction": False}
    qr = {"resourceType": "QuestionnaireResponse", "id": "qr1", "status": "completed", "subject": ref,
          "questionnaire": "http://spinewise.invalid/fhir/Questionnaire/spinewise-red-flags",
          "item": [{"linkId": k, "answer": [{"valueBoolean": v}]} for k, v in answers.items()]}  # fmt: skip

    def bundle(resources: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "resourceType": "Bundle",
            "type": "searchset",
            "entry": [{"resource": r} for r in resources],
        }

    return {
        "patient": {"resourceType": "Patient", "id": patient, "birthDate": "1971-04-02"},
        "conditions": bundle(conditions),
        "temperatures": bundle(temperatures),
        "medications": bundle(medications),
        "dispenses": None,
        "statements": None,
        "procedures": bundle(procedures),
        "questionnaireResponses": bundle([qr]),
    }


def order_sign(patient: str) -> dict[str, Any]:
    order = {
        "resourceType": "ServiceRequest", "id": "sr1", "status": "draft", "intent": "order",
        "subject": {"reference": f"Patient/{patient}"},
        "code": {"coding": [{"system": "http://www.ama-assn.org/go/cpt", "code": "72148"}]},
        "reasonCode": [{"coding": [{"system": "http://snomed.info/sct", "code": "279039007"}]}],
    }  # fmt: skip
    return {
        "hook": "order-sign",
        "hookInstance": str(uuid.uuid4()),
        "fhirServer": "https://fhir.bench.example",
        "context": {"userId": "Practitioner/1", "patientId": patient,
                    "draftOrders": {"resourceType": "Bundle", "entry": [{"resource": order}]}},
        "prefetch": prefetch(patient),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4])
    args = parser.parse_args()
    key = ec.generate_private_key(ec.SECP384R1())
    with tempfile.TemporaryDirectory() as tmp:
        jwks = Path(tmp) / "jwks.json"
        jwk = json.loads(ECAlgorithm.to_jwk(key.public_key())) | {"kid": "bench-1"}
        jwks.write_text(json.dumps({"keys": [jwk]}))
        env = {
            "SPINEWISE_LOG_PATH": str(Path(tmp) / "bench.sqlite3"),
            "SPINEWISE_CDS_TRUSTED_ISSUERS": json.dumps({ISSUER: str(jwks)}),
            "SPINEWISE_PUBLIC_URL": PUBLIC,
        }
        with served(env) as (port, _):
            host = f"127.0.0.1:{port}"
            aud = f"{PUBLIC}/cds-services/spinewise-lbp-imaging"
            body = order_sign("bench-patient")
            resources = sum(
                len(v.get("entry", [])) if v and v.get("resourceType") == "Bundle" else int(v is not None)
                for v in body["prefetch"].values()
            )  # fmt: skip

            def cds_requests(n: int) -> list[bytes]:
                now = int(time.time())
                out = []
                for _ in range(n):
                    claims = {
                        "iss": ISSUER,
                        "aud": aud,
                        "iat": now,
                        # At most 5 minutes after iat (the service refuses longer lifetimes).
                        "exp": now + 300,
                        "jti": str(uuid.uuid4()),
                    }
                    token = jwt.encode(
                        claims, key, algorithm="ES384", headers={"kid": "bench-1", "typ": "JWT"}
                    )
                    out.append(request_bytes("POST", "/cds-services/spinewise-lbp-imaging", body,
                                             host=host, headers={"Authorization": f"Bearer {token}"}))  # fmt: skip
                return out

            assess_body = {"age": 55, "findings": {"fever": False, "saddle_anesthesia": False}}
            assess = [
                request_bytes("POST", "/api/v1/assess", assess_body, host=host)
            ] * args.requests
            load(port, cds_requests(200) + assess[:200], 4)  # warm up
            runs: dict[int, dict[str, tuple[float, list[float]]]] = {}
            half = args.requests // 2
            for concurrency in args.concurrency:
                cds = cds_requests(args.requests)  # fresh tokens: each jti is used once
                results: dict[str, tuple[float, list[float]]] = {}
                for name, reqs in (("assess", assess[:half]), ("cds", cds[:half]),
                                   ("assess", assess[half:]), ("cds", cds[half:])):  # fmt: skip
                    wall, lat = load(port, reqs, concurrency)
                    total, lats = results.get(name, (0.0, []))
                    results[name] = (total + wall, lats + lat)
                runs[concurrency] = results
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"order-sign with {resources} prefetched resources and one lumbar MRI order;"
          f" {args.requests} requests per endpoint and concurrency")  # fmt: skip
    for concurrency, results in runs.items():
        stats = {name: summary(*r) for name, r in results.items()}
        print(f"concurrency {concurrency}:")
        for name, (rate, p50, p99) in stats.items():
            label = "order-sign" if name == "cds" else "POST /api/v1/assess"
            print(f"  {label:<20} {rate:8,.0f} req/s   p50 {p50:6.2f} ms   p99 {p99:6.2f} ms")
        print(f"  ratio order-sign / assess: p50 {stats['cds'][1] / stats['assess'][1]:.1f}x, "
              f"p99 {stats['cds'][2] / stats['assess'][2]:.1f}x, "
              f"throughput {stats['cds'][0] / stats['assess'][0]:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
