"""Normalised and phonetic forms of a person's name, in any script.

One function, :func:`normalise_name`, turns the name fields of a record (given name,
family name, optional full name; any script) into what every comparison and every
privacy-preserving encoding works on: lower-case ASCII tokens with titles, particles and
placeholders removed, their phonetic keys, and what was removed (so that a reviewer can
see it). Token order is kept for display but no comparison depends on it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any

from .honorifics import (
    AMBIGUOUS_TITLES,
    LATIN_TITLES,
    PARTICLES,
    PLACEHOLDERS,
    strip_latin_titles,
    strip_script_titles,
)
from .phonetic import phonetic_key
from .transliterate import detect_scripts, transliterate_tokens


@dataclass(frozen=True)
class NormalisedName:
    """A name reduced to comparable tokens.

    ``tokens`` are the name tokens (given-name tokens first) without titles, particles or
    placeholders; ``initials`` the single-letter tokens among them; ``phonetic`` the
    phonetic key of each token; ``given_count`` how many of ``tokens`` came from the
    given-name field; ``removed`` the titles and particles taken out.
    """

    tokens: tuple[str, ...]
    phonetic: tuple[str, ...]
    given_count: int = 0
    removed: tuple[str, ...] = ()
    scripts: tuple[str, ...] = ()
    nationality: str | None = None
    initials: tuple[str, ...] = field(default=())

    @property
    def is_empty(self) -> bool:
        return not self.tokens

    @property
    def key(self) -> str:
        """Sorted token string: the same for two names whose tokens are a permutation."""
        return " ".join(sorted(self.tokens))

    @property
    def phonetic_key(self) -> str:
        return " ".join(sorted(self.phonetic))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _clean_field(value: str | None) -> str:
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value)).strip()
    return text


def _tokens_of(text: str) -> tuple[list[str], list[str], list[str]]:
    """(tokens, removed titles, scripts) of one name field."""
    if not text:
        return [], [], []
    rest, script_titles = strip_script_titles(text)
    scripts = detect_scripts(rest)
    tokens = list(transliterate_tokens(rest))
    return tokens, [f"script:{t}" for t in script_titles], scripts


def normalise_name(
    given_name: str | None = None,
    family_name: str | None = None,
    full_name: str | None = None,
    *,
    nationality: str | None = None,
) -> NormalisedName:
    """Normalise a person's name for comparison and encoding.

    The given and family name fields are used when either is filled; otherwise the full
    name. Titles are removed only at the start of the name, particles (bin, binti, de,
    Jr) and placeholders (FNU, Unknown) anywhere, and duplicated tokens are kept once
    (Indonesian single names written in both fields).

    >>> normalise_name("U Kyaw", "Thein").tokens
    ('kyaw', 'thein')
    >>> normalise_name(full_name="ဦးကျော်သိန်း").tokens
    ('kyaw', 'thein')
    >>> normalise_name("Thị Hương", "Nguyễn").tokens
    ('thi', 'huong', 'nguyen')
    """
    given = _clean_field(given_name)
    family = _clean_field(family_name)
    full = _clean_field(full_name)
    if given or family:
        g_tokens, g_removed, g_scripts = _tokens_of(given)
        f_tokens, f_removed, f_scripts = _tokens_of(family)
        removed = g_removed + f_removed
        scripts = g_scripts + [s for s in f_scripts if s not in g_scripts]
        # Titles stand at the start of the name: of the given name, or of the family
        # name when the given name is empty (Burmese names are often put there).
        if g_tokens:
            g_tokens, r = strip_latin_titles(g_tokens + f_tokens)
            # keep the split: titles only come off the front, which is in the given part
            n_given = max(0, len(g_tokens) - len(f_tokens))
            tokens = g_tokens
            removed += r
        else:
            tokens, r = strip_latin_titles(f_tokens)
            removed += r
            n_given = 0
    else:
        tokens, removed, scripts = _tokens_of(full)
        tokens, r = strip_latin_titles(tokens)
        removed += r
        n_given = 0
    kept: list[str] = []
    seen: set[str] = set()
    kept_given = 0
    for position, raw in enumerate(tokens):
        token = raw.rstrip(".")
        if not token or token in PLACEHOLDERS:
            continue
        if token in PARTICLES and len(tokens) > 1:
            removed.append(token)
            continue
        if token in seen:
            continue
        seen.add(token)
        kept.append(token)
        if position < n_given:
            kept_given += 1
    if len(kept) == 1 and kept[0] in LATIN_TITLES and kept[0] not in AMBIGUOUS_TITLES:
        # the whole "name" is a title (a form with only "Mr" filled in): no name
        removed.append(kept[0])
        kept = []
        tokens = []
    if not kept and tokens:
        # Everything was a particle or placeholder: keep the first real token, if any.
        kept = [t.rstrip(".") for t in tokens if t.rstrip(".") and t.rstrip(".") not in PLACEHOLDERS][:1]
    return NormalisedName(
        tokens=tuple(kept),
        phonetic=tuple(phonetic_key(t) if len(t) > 1 else t for t in kept),
        given_count=kept_given,
        removed=tuple(removed),
        scripts=tuple(scripts),
        nationality=nationality,
        initials=tuple(t for t in kept if len(t) == 1),
    )
