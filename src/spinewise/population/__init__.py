"""The population audit: a FHIR Bulk Data export → low back pain episodes, the HEDIS imaging
measure and missed red flags, with the rulebook compiled into one SQL definition run on DuckDB
or Spark."""
