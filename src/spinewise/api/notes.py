"""Free-text notes: `POST /api/v1/extract`, and the page's "paste a note" pre-fill."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

__all__ = ["NoteIn", "build_router", "read_note"]


#: A note may be long (a dictated discharge summary), and its JSON longer (escapes): the body
#: limit is set so that a note at the length limit is always read and judged, never cut off.
MAX_NOTE_CHARS = 60_000
MAX_NOTE_BODY = 1024 * 1024


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"text": "62 yo M with LBP. Denies saddle anesthesia. T 38.9. h/o prostate CA."}
    ]})  # fmt: skip

    text: str = Field(max_length=MAX_NOTE_CHARS, description="The note, as written or dictated.")


def read_note(text: str) -> Any:
    """The extractor's answer, or None when the nlp extra is not installed."""
    try:
        from spinewise.nlp import extract
    except ImportError:
        return None
    return extract(text)


def build_router() -> APIRouter:
    router = APIRouter(tags=["notes"])

    @router.post(
        "/api/v1/extract",
        max_body_size=MAX_NOTE_BODY,
        summary="Read a free-text note: age and findings, with the text behind each",
        responses={
            400: {"description": "Body that cannot be decoded (not UTF-8 text)"},
            413: {"description": "Request body over the size limit"},
            415: {"description": "Content type other than application/json"},
            501: {"description": "The nlp extra is not installed"},
        },
    )
    async def extract_endpoint(note: NoteIn) -> JSONResponse:
        # spaCy work is CPU-bound: off the event loop.
        result = await run_in_threadpool(read_note, note.text)
        if result is None:
            return JSONResponse(
                {"detail": "the note extractor is not installed: pip install 'spinewise[nlp]'"},
                status_code=501,
            )
        return JSONResponse(result.as_dict())

    return router
