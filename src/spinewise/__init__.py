"""spinewise: clinical decision support for imaging in low back pain.

>>> from spinewise import assess
>>> assess({"age": 62, "findings": {"history_of_cancer": True}}).decision
'image'
"""

from spinewise.engine import assess
from spinewise.model import Assessment, Presentation
from spinewise.rulebook import (
    Rulebook,
    RulebookError,
    UnknownPolicyError,
    default_rulebook,
    load_rulebook,
)

__version__ = "0.1.0"

__all__ = [
    "Assessment",
    "Presentation",
    "Rulebook",
    "RulebookError",
    "UnknownPolicyError",
    "__version__",
    "assess",
    "default_rulebook",
    "load_rulebook",
]
