"""Nicknames used in place of a registered name.

Thai nicknames (ชื่อเล่น: Lek, Noi, Nok, Ploy, ...) are given at birth and have no relation
to the formal name, so a table can only say "this token is a nickname": a record that
says "Lek Jaidee" where another says "Somchai Jaidee" then loses no evidence for the
given name instead of counting as a disagreement. Filipino nicknames are often formed
from the name (Pepe and Jojo for Jose, Nanding for Fernando) and "Jun"/"Junjun" stands
for "Junior"; for these the table gives the formal names they stand for. The lists are
of common, widely documented forms; they are data, extend them here.
"""

from __future__ import annotations

# Thai nicknames (romanised), common ones. Any of these as a given name means "a
# nickname was written here".
THAI_NICKNAMES: frozenset[str] = frozenset(
    """
    lek noi nok ploy pim fon fah fa nam nan ton toey bee aom oil som muay nong kung mai
    jeab jiab pla tum kai gop kob beer golf bank boat bird pond gift ice mint pang pu pui
    tik tong jum nu oat ann am bow best bom chompoo dao dang daeng dam ek fai jan joy mam
    mo mew nat ning om pat pe pop tae yai yui nid nit noo ple tuk tukta tai pok puk got
    gai kwan kwang khwan mod mot nim nook nui jay jib jeed ying chai oh oy aor bua dear
    fern film gun jack kate may meaw mook mook nun oak pear pink plai porn rung sai sao
    tao toon tor tum tui wan yok yim new nong nuch nuk
    """.split()
)

# Filipino nicknames -> the formal names they usually stand for ("" = any name: a pure
# nickname like Bong, Boy, Inday, Nonoy, Dodong, Neneng).
FILIPINO_NICKNAMES: dict[str, tuple[str, ...]] = {
    "jun": ("junior",), "junjun": ("junior",), "junior": ("jun",), "jr": ("junior",),
    "bong": (), "boy": (), "inday": (), "nonoy": (), "dodong": (), "neneng": (), "nene": (),
    "toto": (), "bebe": (), "baby": (), "ging": (), "ding": (), "jojo": ("jose",),
    "pepe": ("jose",), "peping": ("jose",), "pining": ("josefina",), "cholo": ("marcelo",),
    "nanding": ("fernando",), "andoy": ("fernando", "alejandro"), "baldo": ("reynaldo", "ubaldo"),
    "dado": ("eduardo", "ricardo"), "carding": ("ricardo",), "kiko": ("francisco",),
    "paeng": ("rafael",), "tess": ("teresa", "maria teresa"), "tessie": ("teresa",),
    "marites": ("maria teresa",), "maricel": ("maria cecilia",), "beth": ("elizabeth",),
    "betty": ("elizabeth",), "lisa": ("elizabeth",), "connie": ("consuelo", "concepcion"),
    "chit": (), "lito": ("carlito", "manuel"), "rey": ("reynaldo", "reynante"),
    "ramon": ("raymundo",), "totoy": (), "weng": (), "jing": (), "len": ("lenlen",),
    "bobby": ("roberto",), "bert": ("roberto", "alberto", "norberto"), "berto": ("roberto", "alberto"),
    "ben": ("benjamin",), "jess": ("jesus",), "chito": ("jose",), "ampy": ("amparo",),
    "lorna": (), "mel": ("melchor", "carmelo"), "nestor": (), "ely": ("eleuterio", "elias"),
}

# Forms that stand for another name in any record.
OTHER_NICKNAMES: dict[str, tuple[str, ...]] = {
    "adik": (), "dik": (),
}
# Which table applies to a record of which nationality (ISO 3166 alpha-3). A record of
# unknown nationality may use any table.
NICKNAME_TABLES_BY_NATIONALITY: dict[str, str] = {"THA": "thai", "LAO": "thai", "PHL": "filipino"}


def is_nickname(token: str, nationality: str | None = None) -> bool:
    """True if the token is a known nickname for a person of this nationality.

    Thai nicknames are short words that are also names elsewhere (Mai, Nam), so the Thai
    table applies only to Thai and Lao records and to records of unknown nationality.
    """
    table = NICKNAME_TABLES_BY_NATIONALITY.get(nationality or "", "any" if not nationality else "")
    if token in OTHER_NICKNAMES:
        return True
    if table in ("thai", "any") and token in THAI_NICKNAMES:
        return True
    return table in ("filipino", "any") and token in FILIPINO_NICKNAMES


def nickname_targets(token: str) -> tuple[str, ...]:
    """The formal names a nickname stands for, when the table knows them."""
    return FILIPINO_NICKNAMES.get(token, ()) + OTHER_NICKNAMES.get(token, ())


def is_nickname_of(nickname: str, name: str) -> bool:
    """True if ``nickname`` is a known short form of ``name`` (either direction)."""
    return name in nickname_targets(nickname) or nickname in nickname_targets(name)
