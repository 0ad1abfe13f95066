"""Record linkage of persons: deduplication (Splink), privacy-preserving encodings (CLKs)
and matching across agencies, over the name engine in :mod:`tipdata.engines.names`.

No Django. Public API:

- persons: :func:`read_person_file`, :class:`PersonRecord`, :class:`RejectedRow`
- deduplication: :func:`dedupe_persons`, :func:`link_persons`, :class:`DedupeSpec`
- encoding: :func:`encode_persons`, :class:`EncodingSpec`, :func:`read_secret`
- matching: :func:`load_encodings`, :func:`match_lists`, :class:`MatchSpec`
- CLI: :mod:`tipdata.engines.linkage.cli` (``dedupe_main``, ``encode_main``, ``match_main``)
"""

from .dedupe import (
    CandidatePair,
    DedupeResult,
    DedupeSpec,
    FieldEvidence,
    dedupe_persons,
    link_persons,
)
from .match import (
    EncodedList,
    EncodingFileError,
    MatchResult,
    MatchSpec,
    load_encodings,
    match_lists,
)
from .persons import (
    PersonFile,
    PersonFileError,
    PersonRecord,
    RejectedRow,
    read_person_file,
    read_person_rows,
    read_person_text,
)
from .pprl import EncodingSpec, SecretError, encode_persons, read_secret

__all__ = [
    "CandidatePair",
    "DedupeResult",
    "DedupeSpec",
    "EncodedList",
    "EncodingFileError",
    "EncodingSpec",
    "FieldEvidence",
    "MatchResult",
    "MatchSpec",
    "PersonFile",
    "PersonFileError",
    "PersonRecord",
    "RejectedRow",
    "SecretError",
    "dedupe_persons",
    "encode_persons",
    "link_persons",
    "load_encodings",
    "match_lists",
    "read_person_file",
    "read_person_rows",
    "read_person_text",
    "read_secret",
]
