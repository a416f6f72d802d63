"""The HTTP service: REST API, the clinician's page and the patient handout."""

from spinewise.api.app import create_app

__all__ = ["create_app"]
