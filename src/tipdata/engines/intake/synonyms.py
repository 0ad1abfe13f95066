"""The synonyms data file (``data/synonyms.yaml``): loading, checking and matching keys.

Matching ignores case, spaces and punctuation but keeps letters of every script: Thai,
Khmer and Vietnamese words are compared as written (``norm``), with a second, looser key
that drops Latin accents (``fold``) so ``Viet Nam``/``Việt Nam`` and ``nu``/``nữ`` meet.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .errors import MappingError

SYNONYMS_FILE = Path(__file__).resolve().parent / "data" / "synonyms.yaml"
LANGUAGES = ("en", "th", "id", "km", "fil", "vi")
META_TARGETS = ("registered_on", "reference", "closed_on", "case_id", "submitted_at", "registered_year")


@lru_cache(maxsize=1 << 16)  # the same few spellings repeat in every row of a file
def norm(text: str) -> str:
    """Casefolded letters, marks and digits of any script; nothing else."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LMN")


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """``norm`` without the accents of Latin letters (Thai and Khmer marks are kept: they
    are part of the letters, not decoration)."""
    out: list[str] = []
    prev_latin = False
    for ch in unicodedata.normalize("NFD", norm(text)):
        if unicodedata.combining(ch):
            if prev_latin:
                continue
        else:
            prev_latin = "a" <= ch <= "z" or ch in "đ"
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out)).replace("đ", "d")


@dataclass(frozen=True)
class Synonyms:
    """Header spellings per field and meta column, value spellings per choice list."""

    fields: dict[str, dict[str, tuple[str, ...]]]
    meta: dict[str, dict[str, tuple[str, ...]]]
    values: dict[str, dict[str, tuple[str, ...]]]
    missing: frozenset[str]

    def header_index(self) -> dict[str, tuple[str, str, str]]:
        """norm(spelling) -> (kind "field"/"meta", target, language)."""
        cached = self.__dict__.get("_header_index")
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        out: dict[str, tuple[str, str, str]] = {}
        for kind, table in (("field", self.fields), ("meta", self.meta)):
            for target, by_lang in table.items():
                for lang, spellings in by_lang.items():
                    for s in spellings:
                        out.setdefault(norm(s), (kind, target, lang))
        self.__dict__["_header_index"] = out  # frozen dataclass: memoise without __setattr__
        return out

    def is_missing(self, text: str) -> bool:
        return text.strip().casefold() in self.missing


@lru_cache(maxsize=4)
def load_synonyms(path: str | None = None) -> Synonyms:
    """Load and check the synonyms file (the packaged one by default)."""
    p = Path(path) if path else SYNONYMS_FILE
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise MappingError(f"{p}: cannot read the synonyms file: {exc}") from exc
    if not isinstance(raw, dict) or raw.get("format") != "tipdata-intake-synonyms":
        raise MappingError(f"{p}: not a tipdata-intake-synonyms file")

    def spellings(section: str) -> dict[str, dict[str, tuple[str, ...]]]:
        table = raw.get(section) or {}
        if not isinstance(table, dict):
            raise MappingError(f"{p}: {section} must be a mapping")
        out: dict[str, dict[str, tuple[str, ...]]] = {}
        for target, by_lang in table.items():
            if not isinstance(by_lang, dict):
                raise MappingError(f"{p}: {section}.{target} must map languages to lists")
            out[str(target)] = {}
            for lang, items in by_lang.items():
                if lang not in LANGUAGES:
                    raise MappingError(
                        f"{p}: {section}.{target}: unknown language {lang!r}; one of {', '.join(LANGUAGES)}"
                    )
                if not isinstance(items, list):
                    raise MappingError(f"{p}: {section}.{target}.{lang} must be a list")
                out[str(target)][lang] = tuple(str(i) for i in items)
        return out

    values_raw: Any = raw.get("values") or {}
    values: dict[str, dict[str, tuple[str, ...]]] = {}
    for list_name, codes in values_raw.items():
        if not isinstance(codes, dict):
            raise MappingError(f"{p}: values.{list_name} must map codes to lists of spellings")
        values[str(list_name)] = {str(c): tuple(str(s) for s in items) for c, items in codes.items()}
    meta = spellings("meta")
    unknown = set(meta) - set(META_TARGETS)
    if unknown:
        raise MappingError(f"{p}: meta: unknown targets {', '.join(sorted(unknown))}")
    return Synonyms(
        fields=spellings("fields"),
        meta=meta,
        values=values,
        missing=frozenset(str(m).casefold() for m in raw.get("missing") or ()),
    )
