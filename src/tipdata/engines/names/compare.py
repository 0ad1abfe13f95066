"""Order-free comparison of two names, with the evidence for the result.

Two names are compared as sets of tokens: order and the split between given and family
name do not matter (Khmer and Vietnamese family names move; Burmese names have none).
Tokens are paired one to one, best pair first: same spelling, same phonetic key, a
close spelling (Jaro-Winkler on the keys), an initial against a name with that letter,
a nickname against its formal name, or one token against two written apart
(Thandar / Than Dar). Each pair is weighted by how rare the tokens are, and the result
is one of the levels below, which is what the deduplication model weighs and what a
reviewer sees.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from rapidfuzz.distance import JaroWinkler

from .frequency import TokenFrequencies
from .nicknames import is_nickname, is_nickname_of
from .normalise import NormalisedName

# (slug, plain-language description), in order from strongest to weakest evidence.
NAME_LEVELS: Final[tuple[tuple[str, str], ...]] = (
    ("same_name_distinctive", "Same name tokens, and together they are very rare in the data"),
    ("same_name_rare", "Same name tokens (spelling or romanisation may differ), together rare"),
    ("same_name_common", "Same name tokens, but together a common name (e.g. Nguyen Van Nam)"),
    ("same_single_name", "The same name, but a single word (as many Indonesians have, e.g. Hartono): weaker than a whole name"),
    ("similar_all_tokens", "Every token has a close counterpart (small spelling differences, initials, nicknames)"),
    ("contained", "All tokens of the shorter name are in the longer one (middle name or part dropped, nickname used)"),
    ("rare_token_shared", "At least one rare token shared, other tokens differ"),
    ("common_token_shared", "Only common tokens shared"),
    ("different", "No token in common"),
)
NAME_LEVEL_SLUGS: Final[tuple[str, ...]] = tuple(slug for slug, _ in NAME_LEVELS)
FUZZY_THRESHOLD: Final[float] = 0.88
# Vietnamese middle names that mostly mark sex (Thị for women, Văn for men) and are often
# left out when the name is written again: one left out on one side is no difference.
OPTIONAL_VIETNAMESE: Final[frozenset[str]] = frozenset({"thi", "van"})


@dataclass(frozen=True)
class TokenPair:
    token_a: str
    token_b: str
    how: str  # exact, phonetic, fuzzy, initial, nickname, joined
    score: float
    rare: bool


@dataclass(frozen=True)
class NameComparison:
    level: int  # index into NAME_LEVELS; -1 when a name is missing
    slug: str
    similarity: float  # weighted share of the longer name that was matched, 0..1
    pairs: tuple[TokenPair, ...]
    unmatched_a: tuple[str, ...]
    unmatched_b: tuple[str, ...]

    def explain(self) -> str:
        if self.level < 0:
            return "name missing on one side"
        parts = [f"{p.token_a}~{p.token_b} ({p.how}{', rare' if p.rare else ''})" for p in self.pairs]
        text = NAME_LEVELS[self.level][1]
        if parts:
            text += ": " + ", ".join(parts)
        return text


def _pair_score(a: str, pa: str, b: str, pb: str, nat_a: str | None, nat_b: str | None) -> tuple[float, str]:
    if a == b:
        return 1.0, "exact"
    if len(a) == 1 or len(b) == 1:
        if a[0] == b[0]:
            return 0.5, "initial"
        return 0.0, ""
    if pa == pb:
        return 0.95, "phonetic"
    if is_nickname_of(a, b):
        return 0.8, "nickname"
    if min(len(pa), len(pb)) >= 3:
        jw = JaroWinkler.similarity(pa, pb)
        if jw >= FUZZY_THRESHOLD:
            return 0.9 * jw, "fuzzy"
    return 0.0, ""


def compare_names(
    a: NormalisedName, b: NormalisedName, frequencies: TokenFrequencies | None = None
) -> NameComparison:
    """Compare two normalised names; see :data:`NAME_LEVELS` for the possible results.

    >>> from tipdata.engines.names.normalise import normalise_name
    >>> compare_names(normalise_name("Huong", "Nguyen Thi"), normalise_name("Nguyễn Thị Hương")).slug
    'same_name_distinctive'
    """
    freq = frequencies or TokenFrequencies()
    if a.is_empty or b.is_empty:
        return NameComparison(-1, "missing", 0.0, (), a.tokens, b.tokens)
    ta, tb = list(a.tokens), list(b.tokens)
    pa, pb = list(a.phonetic), list(b.phonetic)
    candidates: list[tuple[float, int, int, str]] = []
    for i, (x, px) in enumerate(zip(ta, pa, strict=True)):
        for j, (y, py) in enumerate(zip(tb, pb, strict=True)):
            score, how = _pair_score(x, px, y, py, a.nationality, b.nationality)
            if score > 0:
                candidates.append((score, i, j, how))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs: list[TokenPair] = []
    weight_matched = 0.0

    def take(stage: str) -> None:
        nonlocal weight_matched
        for score, i, j, how in candidates:
            if (stage == "sure") != (how in ("exact", "phonetic")):
                continue
            if i in used_a or j in used_b:
                continue
            used_a.add(i)
            used_b.add(j)
            rare = (freq.is_rare(pa[i]) or freq.is_rare(pb[j])) and how != "initial"
            pairs.append(TokenPair(ta[i], tb[j], how, score, rare))
            weight_matched += score * 0.5 * (freq.weight(pa[i]) + freq.weight(pb[j]))

    # Same spellings and same sounds first, then one token against two written apart
    # (Thandar / Than Dar), then close spellings, initials and nicknames.
    take("sure")
    for left, right, pleft, pright, used_l, used_r, flip in (
        (ta, tb, pa, pb, used_a, used_b, False),
        (tb, ta, pb, pa, used_b, used_a, True),
    ):
        for i in range(len(left)):
            if i in used_l:
                continue
            for j in range(len(right) - 1):
                if j in used_r or j + 1 in used_r:
                    continue
                joined_p = pright[j] + pright[j + 1]
                if len(pleft[i]) >= 3 and (
                    joined_p == pleft[i] or JaroWinkler.similarity(joined_p, pleft[i]) >= 0.93
                ):
                    used_l.add(i)
                    used_r.update((j, j + 1))
                    joined = right[j] + right[j + 1]
                    pair = (joined, left[i]) if flip else (left[i], joined)
                    rare = freq.is_rare(pleft[i])
                    pairs.append(TokenPair(pair[0], pair[1], "joined", 0.95, rare))
                    weight_matched += 0.95 * freq.weight(pleft[i])
                    break
    take("other")
    un_a = [i for i in range(len(ta)) if i not in used_a]
    un_b = [j for j in range(len(tb)) if j not in used_b]
    if pairs and {a.nationality, b.nationality} <= {"VNM", None}:
        un_a = [i for i in un_a if ta[i] not in OPTIONAL_VIETNAMESE]
        un_b = [j for j in un_b if tb[j] not in OPTIONAL_VIETNAMESE]
    # Nicknames in place of a formal name: the unmatched nickname explains the
    # unmatched formal name on the other side, which then costs nothing.
    nickname_used = False
    if un_a and un_b:
        nick_a = [i for i in un_a if is_nickname(ta[i], a.nationality)]
        nick_b = [j for j in un_b if is_nickname(tb[j], b.nationality)]
        if nick_a and len(un_b) >= 1 and pairs:
            un_a.remove(nick_a[0])
            un_b.remove(un_b[0])
            nickname_used = True
        elif nick_b and len(un_a) >= 1 and pairs:
            un_b.remove(nick_b[0])
            un_a.remove(un_a[0])
            nickname_used = True
    total_a = weight_matched + sum(freq.weight(pa[i]) for i in un_a)
    total_b = weight_matched + sum(freq.weight(pb[j]) for j in un_b)
    similarity = weight_matched / max(total_a, total_b) if pairs else 0.0
    any_rare = any(p.rare for p in pairs)
    strong = all(p.how in ("exact", "phonetic", "joined") for p in pairs)
    n_real = sum(1 for p in pairs if p.how != "initial")
    single = len(pairs) == 1 and pairs[0].how != "joined"
    if not pairs or n_real == 0:
        level = 8
    elif not un_a and not un_b and strong and not nickname_used:
        if single:
            level = 3  # one word: a shared "Hartono" is much weaker evidence than a whole name
        elif weight_matched >= freq.distinctive_weight():
            level = 0
        else:
            level = 1 if weight_matched >= freq.rare_name_weight() else 2
    elif not un_a and not un_b and not nickname_used:
        level = 4
    elif (not un_a or not un_b) and (any_rare or n_real >= 2):
        level = 5
    elif any_rare:
        level = 6
    else:
        level = 7
    return NameComparison(
        level=level,
        slug=NAME_LEVEL_SLUGS[level],
        similarity=round(similarity, 4),
        pairs=tuple(pairs),
        unmatched_a=tuple(ta[i] for i in un_a),
        unmatched_b=tuple(tb[j] for j in un_b),
    )
