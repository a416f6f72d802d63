"""Clinical notes → findings, with negation and context (medspaCy; the `[nlp]` extra)."""

from spinewise.nlp.extract import (
    Assertion,
    Mention,
    NoteFindings,
    assertion,
    extract,
    extract_many,
)

__all__ = ["Assertion", "Mention", "NoteFindings", "assertion", "extract", "extract_many"]
