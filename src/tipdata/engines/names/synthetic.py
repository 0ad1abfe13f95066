"""Synthetic people of Southeast Asia, and the ways two agencies write the same person.

Used by the linkage benchmark (two agencies' person files with known truth) and by the
demo data generator. The name tables are data: native-script spellings with the
romanisations seen in practice for each, so that the benchmark tests the transliteration
rules against spellings they were not generated from (the romanisations are listed by
hand, not produced by this package's romanisers).

Public API:

- :func:`canonical_name` (nationality, sex, rng) -> :class:`SyntheticName`
- :func:`name_variant` (name, rng) -> dict of ``given_name``, ``family_name``, ``full_name``
  as another agency would write the same person
- :func:`date_variant`, :func:`make_person`, :func:`make_benchmark`
- :func:`make_dedupe_benchmark`: one organisation's file with persons recorded twice
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass, field
from typing import Any

# ---------------------------------------------------------------------------------------
# Name tables: (native script or "", [romanisations, most usual first])

_BURMESE_SYLLABLES: list[tuple[str, list[str]]] = [
    ("ကျော်", ["Kyaw"]), ("သိန်း", ["Thein", "Thane"]), ("အောင်", ["Aung"]),
    ("မြင့်", ["Myint"]), ("ထွန်း", ["Htun", "Tun", "Htoon"]), ("ဇော်", ["Zaw"]),
    ("ဝင်း", ["Win", "Winn"]), ("စိုး", ["Soe"]), ("ညီ", ["Nyi", "Nyee"]), ("မိုး", ["Moe"]),
    ("လှ", ["Hla"]), ("သက်", ["Thet"]), ("နိုင်", ["Naing"]), ("မင်း", ["Min", "Minn"]),
    ("ခင်", ["Khin"]), ("စု", ["Su", "Suu"]), ("ရီ", ["Yi", "Yee"]), ("မြ", ["Mya"]),
    ("သန္တာ", ["Thandar", "Thanda", "Than Dar"]), ("အိ", ["Ei", "Eii"]), ("ဖြူ", ["Phyu", "Phyu"]),
    ("နွယ်", ["Nwe", "Nway"]), ("ထက်", ["Htet", "Htet"]), ("ဝေ", ["Wai", "Way", "Wei"]),
    ("လွင်", ["Lwin"]), ("မျိုး", ["Myo"]), ("ရဲ", ["Ye", "Yei"]), ("လင်း", ["Lin", "Linn"]),
    ("တင်", ["Tin", "Tinn"]), ("ဇင်", ["Zin"]), ("မာ", ["Mar", "Ma"]), ("ချို", ["Cho", "Choe"]),
    ("ဖြိုး", ["Phyo", "Pyo"]), ("ပိုင်", ["Paing"]), ("ဟိန်း", ["Hein"]), ("ဆန်း", ["San", "Hsan"]),
    ("ကြည်", ["Kyi", "Kyee"]), ("နန္ဒာ", ["Nandar", "Nanda"]), ("မြတ်", ["Myat"]),
    ("ငြိမ်း", ["Nyein"]), ("ချမ်း", ["Chan", "Chann"]), ("ဟန်", ["Han"]), ("ပြည့်", ["Pyae", "Pyi"]),
    ("သူ", ["Thu"]), ("ရ", ["Ya", "Yar"]), ("ဖုန်း", ["Phone", "Hpone"]), ("ဇေ", ["Zay", "Ze"]),
]
_BURMESE_FEMALE = {"ခင်", "စု", "ရီ", "မြ", "သန္တာ", "အိ", "ဖြူ", "နွယ်", "ဝေ", "မာ", "ချို", "နန္ဒာ", "ငြိမ်း", "ကြည်"}
_BURMESE_TITLES = {
    "M": [("ဦး", "U"), ("ကို", "Ko"), ("မောင်", "Maung"), ("မောင်", "Mg"), ("စော", "Saw")],
    "F": [("ဒေါ်", "Daw"), ("မ", "Ma"), ("နော်", "Naw")],
}

_THAI_GIVEN: dict[str, list[tuple[str, list[str]]]] = {
    "M": [
        ("สมชาย", ["Somchai", "Somchay"]), ("สมศักดิ์", ["Somsak", "Somsuk"]),
        ("พงศธร", ["Phongsathorn", "Pongsatorn", "Phongsathon"]), ("กิตติพงษ์", ["Kittiphong", "Kittipong"]),
        ("ณัฐวุฒิ", ["Natthawut", "Nattawut"]), ("ชัยวัฒน์", ["Chaiwat", "Chaiwath"]),
        ("ปรีชา", ["Preecha", "Pricha"]), ("มานพ", ["Manop", "Manob"]), ("กมล", ["Kamol", "Kamon"]),
        ("อรุณ", ["Arun", "Aroon"]), ("บุญมี", ["Boonmee", "Bunmi"]), ("ธนพล", ["Thanapol", "Thanaphon"]),
        ("อนุชา", ["Anucha", "Anuchar"]), ("นิพนธ์", ["Nipon", "Niphon"]), ("อำนาจ", ["Amnat", "Amnaj"]),
        ("เจริญ", ["Charoen", "Jaroen"]), ("สุริยา", ["Suriya", "Suriyaa"]), ("วิชัย", ["Wichai", "Vichai"]),
        ("ประเสริฐ", ["Prasert", "Prasoet"]), ("สมบัติ", ["Sombat", "Sombut"]),
    ],
    "F": [
        ("สุดารัตน์", ["Sudarat", "Sudarath"]), ("ผ่องศรี", ["Phongsri", "Pongsri", "Phongsi"]),
        ("วิไลวรรณ", ["Wilaiwan", "Vilaiwan"]), ("สุภาพร", ["Supaporn", "Suphaphon"]),
        ("ศิริพร", ["Siriporn", "Siriphon"]), ("พรทิพย์", ["Porntip", "Phonthip"]),
        ("รัตนา", ["Rattana", "Ratana"]), ("วันเพ็ญ", ["Wanpen", "Wanphen"]),
        ("เพ็ญศรี", ["Pensri", "Phensi"]), ("จันทร์เพ็ญ", ["Janpen", "Chanphen"]),
        ("เยาวลักษณ์", ["Yaowalak", "Yaowaluck"]), ("สายสุนีย์", ["Saisunee", "Saisuni"]),
        ("มะลิ", ["Mali", "Malee"]), ("นภา", ["Napa", "Naphaa"]), ("ดวงใจ", ["Duangjai", "Duangchai"]),
        ("อรอุมา", ["Onuma", "Orn-uma"]), ("กาญจนา", ["Kanchana", "Kanjana"]), ("ปราณี", ["Pranee", "Prani"]),
        ("สมใจ", ["Somjai", "Somchai"]), ("ทองใบ", ["Thongbai", "Tongbai"]),
    ],
}
_THAI_SURNAME_PARTS: list[tuple[str, list[str]]] = [
    ("ศรี", ["Sri", "Si"]), ("ทอง", ["Thong", "Tong"]), ("แก้ว", ["Kaew", "Kaeo"]),
    ("บุญ", ["Boon", "Bun"]), ("สุข", ["Suk", "Sook"]), ("ชัย", ["Chai", "Chay"]),
    ("วงศ์", ["Wong", "Vong"]), ("มณี", ["Manee", "Mani"]), ("เพชร", ["Phet", "Pet"]),
    ("สวัสดิ์", ["Sawat", "Sawad"]), ("ประเสริฐ", ["Prasert", "Prasoet"]), ("จันทร์", ["Chan", "Jan"]),
    ("อินทร์", ["In", "Inn"]), ("พงษ์", ["Phong", "Pong"]), ("ศักดิ์", ["Sak", "Sakdi"]),
    ("สมบูรณ์", ["Somboon", "Sombun"]), ("กิตติ", ["Kitti", "Kiti"]), ("มงคล", ["Mongkol", "Mongkhon"]),
    ("รักษ์", ["Rak", "Ruk"]), ("ดี", ["Dee", "Di"]), ("ใจ", ["Jai", "Chai"]), ("พร", ["Porn", "Phon"]),
]
_THAI_TITLES = {"M": [("นาย", "Nai"), ("", "Mr")], "F": [("นาง", "Nang"), ("นางสาว", "Nangsao"), ("", "Ms")]}
_THAI_NICKNAMES = ["Lek", "Noi", "Nok", "Ploy", "Fon", "Toey", "Aom", "Muay", "Nong", "Kung", "Pla",
                   "Tum", "Golf", "Bank", "Bird", "Ice", "Mint", "Pui", "Tik", "Jum", "Oat", "Bee", "Nid"]

_KHMER_FAMILY: list[tuple[str, list[str]]] = [
    ("សុខ", ["Sok", "Sokh"]), ("ចាន់", ["Chan", "Chann"]), ("ហេង", ["Heng"]), ("គីម", ["Kim"]),
    ("មាស", ["Meas", "Mes"]), ("ជា", ["Chea", "Chia"]), ("លឹម", ["Lim", "Lum"]), ("ញឹម", ["Nhem", "Nhim"]),
    ("ហ៊ុន", ["Hun", "Hoon"]), ("ស៊ុន", ["Sun", "Soun"]), ("ម៉ៅ", ["Mao", "Mau"]), ("កែវ", ["Keo", "Kaev"]),
    ("ឡុង", ["Long"]), ("ណុប", ["Nop", "Nob"]), ("ឈួន", ["Chhuon", "Chhoun"]), ("ទូច", ["Touch", "Toch"]),
    ("ខៀវ", ["Khiev", "Khieu"]), ("ពៅ", ["Pov", "Pao"]), ("យឹម", ["Yim", "Yem"]), ("អ៊ុក", ["Ouk", "Uk"]),
    ("ព្រំ", ["Prum", "Prom"]), ("ផាន់", ["Phan", "Phann"]), ("ឈិន", ["Chhin", "Chin"]),
]
_KHMER_GIVEN: dict[str, list[tuple[str, list[str]]]] = {
    "M": [
        ("ដារ៉ា", ["Dara", "Darah"]), ("វុទ្ធី", ["Vuthy", "Vuthi", "Voeuthy"]), ("រដ្ឋា", ["Rotha", "Ratha"]),
        ("បូរ៉ា", ["Bora", "Borah"]), ("សំណាង", ["Samnang", "Sam Nang"]), ("វណ្ណា", ["Vanna", "Vana"]),
        ("សុវណ្ណ", ["Sovann", "Sovan"]), ("សុផល", ["Sophal", "Sophol"]), ("កុសល", ["Kosal", "Kusal"]),
        ("ចាន់ធូ", ["Chanthou", "Chanthu"]), ("ពិសិដ្ឋ", ["Piseth", "Pisith"]), ("វិចិត្រ", ["Vichet", "Vichit"]),
    ],
    "F": [
        ("សុខា", ["Sokha", "Sokhar"]), ("សុភា", ["Sophea", "Sopha"]), ("ស្រីពេជ្រ", ["Sreypich", "Srey Pich"]),
        ("ធីតា", ["Thida", "Theda"]), ("ពិសី", ["Pisey", "Pisei"]), ("ណារី", ["Nary", "Nari"]),
        ("ផល្លា", ["Phalla", "Phala"]), ("ចន្ទា", ["Chantha", "Chanthea"]), ("សុគន្ធា", ["Sokunthea", "Sokhunthea"]),
        ("រតនា", ["Ratana", "Rattana"]), ("ស្រីមុំ", ["Sreymom", "Srey Mom"]), ("ស្រីនាង", ["Sreyneang", "Srey Neang"]),
    ],
}

_VIET_FAMILY = ["Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Trần", "Lê", "Lê", "Phạm", "Hoàng", "Huỳnh",
                "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
_VIET_MIDDLE = {"M": ["Văn", "Văn", "Văn", "Hữu", "Đức", "Minh", "Quang", "Thanh", "Xuân"],
                "F": ["Thị", "Thị", "Thị", "Ngọc", "Thanh", "Kim", "Minh", "Thu", "Mỹ"]}
_VIET_GIVEN = {
    "M": ["Dũng", "Hùng", "Tuấn", "Minh", "Nam", "Hải", "Long", "Sơn", "Thắng", "Cường", "Đức", "Khánh",
          "Quân", "Huy", "Hiếu", "Tâm", "Phúc", "Bình", "Trung", "Vinh", "Toàn", "Lộc", "Thịnh", "Hoàng"],
    "F": ["Hương", "Lan", "Mai", "Linh", "Hoa", "Trang", "Thảo", "Hằng", "Ngọc", "Phương", "Anh", "Nhung",
          "Yến", "Vy", "Hạnh", "Loan", "Oanh", "Thúy", "Huyền", "Dung", "Trinh", "Giang", "Thư", "Hà"],
}

_INDO_SINGLE = {
    "M": [("Sutrisno", ["Soetrisno"]), ("Suharto", ["Soeharto"]), ("Sukarno", ["Soekarno"]), ("Mulyono", []),
          ("Joko", ["Djoko"]), ("Slamet", []), ("Wahyudi", ["Wahjudi"]), ("Cahyadi", ["Tjahjadi"]), ("Supriyadi", ["Soepriyadi"]),
          ("Bambang", []), ("Darmawan", []), ("Hartono", []), ("Suryadi", ["Soeryadi"]), ("Haryanto", []),
          ("Sudirman", ["Soedirman"]), ("Wibowo", []), ("Purnomo", ["Poernomo"]), ("Gunawan", []),
          ("Setiadi", []), ("Kusnadi", []), ("Riyanto", []), ("Sumarno", ["Soemarno"])],
    "F": [("Suharti", ["Soeharti"]), ("Wulandari", []), ("Sumiati", ["Soemiati"]), ("Suparmi", ["Soeparmi"]),
          ("Mulyani", ["Moelyani"]), ("Rohmah", ["Rochmah"]), ("Sulastri", ["Soelastri"]), ("Purwanti", []),
          ("Suryani", ["Soeryani"]), ("Yuniarti", []), ("Kartini", []), ("Ningsih", []), ("Sumarni", ["Soemarni"]),
          ("Kusmiati", []), ("Suwarni", ["Soewarni"]), ("Rusmini", []), ("Jumiati", ["Djumiati"]), ("Sartini", []),
          ("Murniati", []), ("Tukiyem", []), ("Paini", []), ("Wartini", [])],
}
_INDO_FIRST = {"M": ["Ahmad", "Budi", "Agus", "Eko", "Dedi", "Rudi", "Hendra", "Andi", "Arif", "Yusuf", "Muhammad", "Rizki"],
               "F": ["Siti", "Dewi", "Sri", "Nur", "Rina", "Yuli", "Ani", "Fitri", "Indah", "Lestari", "Ratna", "Dian"]}
_INDO_SECOND = ["Aminah", "Lestari", "Wahyuni", "Hidayah", "Fauzi", "Santoso", "Setiawan", "Marlina", "Prasetyo",
                "Astuti", "Rahayu", "Susanti", "Kurniawan", "Saputra", "Handayani", "Permata", "Anggraini", "Nugroho",
                "Hidayat", "Ramadhan", "Maharani", "Puspita", "Irawan", "Utami"]
_INDO_FATHER = ["Abdullah", "Ismail", "Hasan", "Usman", "Ibrahim", "Sulaiman", "Rahman", "Yusuf"]

_FIL_GIVEN = {"M": ["Jose", "Juan", "Mark Anthony", "Ramon", "Eduardo", "Rodel", "Jonel", "Arnel", "Roberto",
                    "Fernando", "Francisco", "Ricardo", "Reynaldo", "Rafael", "John Paul", "Christian"],
              "F": ["Maria", "Rowena", "Maria Teresa", "Cristina", "Jocelyn", "Liza", "Mary Grace", "Jennifer",
                    "Lorna", "Analyn", "Rosalie", "Josefina", "Elizabeth", "Maricel", "Jasmine", "Angelica"]}
_FIL_SURNAMES = ["Dela Cruz", "Santos", "Reyes", "Cruz", "Bautista", "Ocampo", "Garcia", "Mendoza", "Torres",
                 "Flores", "Villanueva", "Ramos", "Aquino", "Castillo", "Domingo", "Navarro", "Soriano",
                 "Salazar", "Manalo", "Pascual", "Gonzales", "Lopez", "Fernandez", "Dizon", "Mercado",
                 "Tolentino", "Macaraeg", "Dimaculangan", "Evangelista", "Panganiban"]
_FIL_NICK = {"Jose": "Pepe", "Fernando": "Nanding", "Francisco": "Kiko", "Ricardo": "Carding",
             "Rafael": "Paeng", "Josefina": "Pining", "Maria Teresa": "Marites", "Elizabeth": "Beth",
             "Roberto": "Bobby", "Reynaldo": "Rey"}

_LAO_GIVEN: dict[str, list[tuple[str, list[str]]]] = {
    "M": [("ບຸນມີ", ["Bounmy", "Bounmi", "Bunmi"]), ("ສົມພອນ", ["Somphone", "Somphon"]), ("ສົມສັກ", ["Somsack", "Somsak"]),
          ("ພອນ", ["Phone", "Phon"]), ("ທອງ", ["Thong", "Tong"]), ("ຄຳ", ["Kham", "Khamh"]), ("ບົວ", ["Bua", "Boua"]),
          ("ສຸກສະຫວັນ", ["Souksavanh", "Suksavan"]), ("ວັນໄຊ", ["Vanxay", "Vansai"]), ("ບຸນທັນ", ["Bounthanh", "Bunthan"]),
          ("ສີລິພອນ", ["Siliphone", "Siliphon"]), ("ພູວົງ", ["Phouvong", "Phuvong"]), ("ຄຳພັນ", ["Khamphanh", "Khamphan"]),
          ("ສົມຈິດ", ["Somchit", "Somjit"]), ("ບຸນລື", ["Bounleu", "Bunlue"])],
    "F": [("ວິໄລ", ["Vilay", "Vilai"]), ("ແກ້ວ", ["Keo", "Kaew"]), ("ຈັນ", ["Chanh", "Chan"]),
          ("ສີສຸວັນ", ["Sisouvanh", "Sisouvan"]), ("ພອນສະຫວັນ", ["Phonsavanh", "Phonsavan"]),
          ("ມະນີວັນ", ["Manivanh", "Manivan"]), ("ຈັນທະລາ", ["Chanthala", "Jantala"]), ("ອຳພອນ", ["Amphone", "Amphon"]),
          ("ແສງເດືອນ", ["Sengdeuane", "Saengduean"]), ("ນອ້ຍ", ["Noy", "Noi"]), ("ບົວລະພາ", ["Bualapha", "Boualapha"]),
          ("ສຸດາ", ["Souda", "Suda"]), ("ວຽງສະໄໝ", ["Viengsamay", "Wiangsamai"])],
}
_LAO_FAMILY: list[tuple[str, list[str]]] = [
    ("ໄຊຍະວົງ", ["Xayavong", "Saiyavong"]), ("ພົມມະຈັນ", ["Phommachanh", "Phommachan"]),
    ("ສີສົມບັດ", ["Sisombath", "Sisombat"]), ("ວົງສາ", ["Vongsa", "Wongsa"]), ("ແກ້ວມະນີ", ["Keomany", "Kaewmani"]),
    ("ສຸລິຍະ", ["Souliya", "Suliya"]), ("ອິນທະວົງ", ["Inthavong", "Inthawong"]), ("ພິລາວົງ", ["Philavong", "Philawong"]),
    ("ຄຳມະນີ", ["Khammany", "Khammani"]), ("ດວງມະນີ", ["Douangmany", "Duangmani"]),
    ("ສຸວັນນະວົງ", ["Souvannavong", "Suwannawong"]), ("ພົມວິຫານ", ["Phomvihane", "Phomwihan"]),
    ("ແສງສຸລິຍາ", ["Sengsouliya", "Saengsuliya"]), ("ວົງພະຈັນ", ["Vongphachanh", "Wongphachan"]),
    ("ສີຫາລາດ", ["Sihalath", "Sihalat"]), ("ລາດສະວົງ", ["Latsavong", "Ratsawong"]),
    ("ຈັນທະວົງ", ["Chanthavong", "Jantawong"]), ("ບຸບຜາ", ["Boupha", "Bupha"]),
    ("ທຳມະວົງ", ["Thammavong", "Thamawong"]), ("ໄຊສົມບັດ", ["Xaysombath", "Saisombat"]),
]

NATIONALITY_SHARES: dict[str, float] = {
    "MMR": 0.25, "THA": 0.15, "KHM": 0.15, "VNM": 0.15, "IDN": 0.10, "PHL": 0.10, "LAO": 0.10,
}


@dataclass(frozen=True)
class NamePart:
    """One name word: native script (may be empty) and its romanisations."""

    script: str
    romanisations: tuple[str, ...]

    @property
    def latin(self) -> str:
        return self.romanisations[0]


@dataclass(frozen=True)
class SyntheticName:
    """A person's name with what is needed to write it as different agencies would."""

    nationality: str
    sex: str
    given: tuple[NamePart, ...]
    family: tuple[NamePart, ...] = ()
    middle: tuple[NamePart, ...] = ()  # Filipino middle (mother's) name, Vietnamese middle name
    title: tuple[str, str] = ("", "")  # (script, Latin)
    nickname: str = ""
    father: str = ""  # Indonesian/Malay patronymic (bin/binti)
    family_first: bool = False  # the customary order puts the family name first

    def canonical_fields(self) -> dict[str, str]:
        """The name as the agency that knows the person best writes it (romanised)."""
        given = " ".join(p.latin for p in self.given)
        middle = " ".join(p.latin for p in self.middle)
        family = " ".join(p.latin for p in self.family)
        if self.nationality == "VNM":
            return {"given_name": f"{middle} {given}".strip(), "family_name": family, "full_name": ""}
        if self.nationality == "PHL":
            return {"given_name": given, "family_name": family, "full_name": f"{given} {middle} {family}".strip()}
        return {"given_name": given, "family_name": family, "full_name": ""}


def _pick(rng: random.Random, items: list[Any]) -> Any:
    return items[rng.randrange(len(items))]


def canonical_name(nationality: str, sex: str, rng: random.Random) -> SyntheticName:
    """A plausible name for a person of this nationality (ISO alpha-3) and sex (M/F)."""
    sex = sex if sex in ("M", "F") else _pick(rng, ["M", "F"])
    if nationality == "MMR":
        pool = [s for s in _BURMESE_SYLLABLES if (s[0] in _BURMESE_FEMALE) == (sex == "F") or rng.random() < 0.4]
        n = 2 if rng.random() < 0.6 else 3
        syll = [NamePart(s, tuple(r)) for s, r in (_pick(rng, pool) for _ in range(n))]
        title = _pick(rng, _BURMESE_TITLES[sex])
        return SyntheticName("MMR", sex, tuple(syll), title=title)
    if nationality == "THA":
        g = _pick(rng, _THAI_GIVEN[sex])
        parts = [_pick(rng, _THAI_SURNAME_PARTS) for _ in range(2 if rng.random() < 0.7 else 3)]
        fam = NamePart("".join(p[0] for p in parts), tuple(
            "".join(p[1][i % len(p[1])] for p in parts).capitalize() for i in range(2)
        ))
        title = _pick(rng, _THAI_TITLES[sex])
        return SyntheticName("THA", sex, (NamePart(g[0], tuple(g[1])),), (fam,), title=title,
                             nickname=_pick(rng, _THAI_NICKNAMES))
    if nationality == "KHM":
        f = _pick(rng, _KHMER_FAMILY)
        g = _pick(rng, _KHMER_GIVEN[sex])
        return SyntheticName("KHM", sex, (NamePart(g[0], tuple(g[1])),), (NamePart(f[0], tuple(f[1])),),
                             family_first=True)
    if nationality == "VNM":
        fam = _pick(rng, _VIET_FAMILY)
        mid = _pick(rng, _VIET_MIDDLE[sex])
        giv = _pick(rng, _VIET_GIVEN[sex])
        if rng.random() < 0.3:
            giv = _pick(rng, _VIET_GIVEN[sex]) + " " + giv  # two-word given names (Lan Anh)
        return SyntheticName("VNM", sex, tuple(NamePart("", (w,)) for w in giv.split()),
                             (NamePart("", (fam,)),), (NamePart("", (mid,)),), family_first=True)
    if nationality == "IDN":
        if rng.random() < 0.45:
            w, old = _pick(rng, _INDO_SINGLE[sex])
            return SyntheticName("IDN", sex, (NamePart("", (w, *old)),))
        first = _pick(rng, _INDO_FIRST[sex])
        second = _pick(rng, _INDO_SECOND)
        father = _pick(rng, _INDO_FATHER) if rng.random() < 0.25 else ""
        return SyntheticName("IDN", sex, (NamePart("", (first,)),), (NamePart("", (second,)),), father=father)
    if nationality == "PHL":
        g = _pick(rng, _FIL_GIVEN[sex])
        mid = _pick(rng, _FIL_SURNAMES)
        fam = _pick(rng, [s for s in _FIL_SURNAMES if s != mid])
        junior = sex == "M" and rng.random() < 0.15
        return SyntheticName("PHL", sex, tuple(NamePart("", (w,)) for w in g.split()),
                             tuple(NamePart("", (w,)) for w in fam.split()), (NamePart("", (mid,)),),
                             nickname="Jun" if junior else _FIL_NICK.get(g, ""))
    if nationality == "LAO":
        g = _pick(rng, _LAO_GIVEN[sex])
        f = _pick(rng, _LAO_FAMILY)
        return SyntheticName("LAO", sex, (NamePart(g[0], tuple(g[1])),), (NamePart(f[0], tuple(f[1])),),
                             title=("ທ້າວ", "Thao") if sex == "M" else ("ນາງ", "Nang"))
    raise ValueError(f"no name tables for nationality {nationality!r}; allowed: {', '.join(NATIONALITY_SHARES)}")


def _strip_diacritics(text: str) -> str:
    text = text.replace("Đ", "D").replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def _roman(part: NamePart, rng: random.Random, vary: float = 0.4) -> str:
    if len(part.romanisations) > 1 and rng.random() < vary:
        return _pick(rng, list(part.romanisations[1:]))
    return part.latin


def name_variant(name: SyntheticName, rng: random.Random, *, script_share: float = 0.5) -> dict[str, str]:
    """The same person's name as another agency would write it.

    Covers the customs of each country: Burmese names in script or romanised with or
    without honorifics and with syllables run together or apart; Thai names in script or
    in one of several romanisations, sometimes only the nickname with the surname; Khmer
    family name first or last; Vietnamese diacritics dropped and family name moved;
    Indonesian single names written into both fields, old spellings; Filipino middle
    names in full, as an initial or dropped, nicknames.
    """
    nat = name.nationality
    r = rng.random
    if nat == "MMR":
        use_title = r() < 0.5
        if r() < script_share:
            text = "".join(p.script for p in name.given)
            if use_title:
                text = name.title[0] + text
            return {"given_name": "", "family_name": "", "full_name": text} if r() < 0.6 else \
                {"given_name": text, "family_name": "", "full_name": ""}
        words = [_roman(p, rng) for p in name.given]
        if r() < 0.15 and len(words) >= 2:
            words = ["".join(words[:2])] + words[2:]  # syllables run together (Kyawthein)
        if use_title:
            words = [name.title[1]] + words
        text = " ".join(words)
        if r() < 0.3 and len(words) >= 2:
            return {"given_name": words[0], "family_name": " ".join(words[1:]), "full_name": ""}
        return {"given_name": text, "family_name": "", "full_name": ""}
    if nat == "THA":
        given = name.given[0]
        family = name.family[0]
        if r() < 0.12 and name.nickname:
            return {"given_name": name.nickname, "family_name": _roman(family, rng), "full_name": ""}
        if r() < script_share * 0.6:
            title = name.title[0] if name.title[0] and r() < 0.4 else ""
            return {"given_name": title + given.script, "family_name": family.script, "full_name": ""}
        g = _roman(given, rng, 0.5)
        if r() < 0.2 and name.title[1]:
            g = f"{name.title[1]} {g}"
        return {"given_name": g, "family_name": _roman(family, rng, 0.5), "full_name": ""}
    if nat == "LAO":
        given, family = name.given[0], name.family[0]
        if r() < script_share * 0.5:
            return {"given_name": given.script, "family_name": family.script, "full_name": ""}
        g = _roman(given, rng, 0.5)
        if r() < 0.2:
            g = f"{name.title[1]} {g}"
        return {"given_name": g, "family_name": _roman(family, rng, 0.5), "full_name": ""}
    if nat == "KHM":
        given, family = name.given[0], name.family[0]
        if r() < script_share * 0.5:
            return {"given_name": "", "family_name": "", "full_name": f"{family.script} {given.script}"}
        g, f = _roman(given, rng), _roman(family, rng)
        u = r()
        if u < 0.35:
            return {"given_name": g, "family_name": f, "full_name": ""}
        if u < 0.6:
            return {"given_name": f, "family_name": g, "full_name": ""}  # fields swapped
        if u < 0.8:
            return {"given_name": f"{f} {g}", "family_name": "", "full_name": ""}
        return {"given_name": "", "family_name": "", "full_name": f"{g} {f}"}
    if nat == "VNM":
        fam = name.family[0].latin
        mid = name.middle[0].latin if name.middle else ""
        giv = " ".join(p.latin for p in name.given)
        strip = r() < 0.6
        fix = _strip_diacritics if strip else (lambda s: s)
        u = r()
        if u < 0.3:
            out = {"given_name": fix(f"{mid} {giv}".strip()), "family_name": fix(fam), "full_name": ""}
        elif u < 0.5:
            out = {"given_name": fix(giv), "family_name": fix(f"{fam} {mid}".strip()), "full_name": ""}
        elif u < 0.7:
            out = {"given_name": "", "family_name": "", "full_name": fix(f"{fam} {mid} {giv}".strip())}
        elif u < 0.85:
            out = {"given_name": fix(giv), "family_name": fix(fam), "full_name": ""}  # middle dropped
        else:
            out = {"given_name": fix(f"{giv} {mid}".strip()), "family_name": fix(fam), "full_name": ""}
        return out
    if nat == "IDN":
        first = _roman(name.given[0], rng, 0.3)
        if not name.family:
            u = r()
            if u < 0.35:
                return {"given_name": first, "family_name": first, "full_name": ""}
            if u < 0.55:
                return {"given_name": first, "family_name": "FNU" if r() < 0.5 else "-", "full_name": ""}
            if u < 0.75:
                return {"given_name": "", "family_name": first, "full_name": ""}
            return {"given_name": first, "family_name": "", "full_name": ""}
        second = name.family[0].latin
        if name.father and r() < 0.5:
            link = "binti" if name.sex == "F" else "bin"
            return {"given_name": f"{first} {second}", "family_name": f"{link} {name.father}", "full_name": ""}
        if r() < 0.2:
            return {"given_name": f"{first} {second}", "family_name": "", "full_name": ""}
        return {"given_name": first, "family_name": second, "full_name": ""}
    if nat == "PHL":
        gname = " ".join(p.latin for p in name.given)
        fam_text = " ".join(p.latin for p in name.family)
        mid = name.middle[0].latin if name.middle else ""
        if name.nickname and r() < 0.15:
            gname = name.nickname
        elif len(name.given) > 1 and r() < 0.2:
            gname = name.given[0].latin  # second given name dropped
        if gname.startswith("Maria ") and r() < 0.5:
            gname = "Ma. " + gname[6:]
        u = r()
        if u < 0.35:
            full = f"{gname} {mid} {fam_text}"
        elif u < 0.7:
            full = f"{gname} {mid[0]}. {fam_text}"
        else:
            full = f"{gname} {fam_text}"
        if r() < 0.5:
            return {"given_name": "", "family_name": "", "full_name": full}
        return {"given_name": full[: -len(fam_text)].strip(), "family_name": fam_text, "full_name": ""}
    raise ValueError(f"no variants for nationality {nat!r}")


def random_birth_date(rng: random.Random, start_year: int = 1965, end_year: int = 2010) -> dt.date:
    start = dt.date(start_year, 1, 1).toordinal()
    end = dt.date(end_year, 12, 31).toordinal()
    return dt.date.fromordinal(rng.randint(start, end))


def date_variant(
    true_date: dt.date, rng: random.Random, *, nationality: str = "", reference_year: int = 2024
) -> dict[str, str]:
    """A birth date as a second agency might record it: ``birth_date`` and ``age`` fields.

    Problems, with their shares: exact 52%, year only 10%, 1 January placeholder 9%,
    day/month swapped 7%, Buddhist-era year 6% (Thai and Lao records, else exact),
    age instead of a date 6%, missing 5%, year off by one 5%.
    """
    u = rng.random()
    iso = true_date.isoformat()
    if u < 0.52:
        return {"birth_date": iso, "age": ""}
    if u < 0.62:
        return {"birth_date": f"{true_date.year}", "age": ""}
    if u < 0.71:
        return {"birth_date": f"{true_date.year}-01-01", "age": ""}
    if u < 0.78:
        if true_date.day <= 12 and true_date.day != true_date.month:
            return {"birth_date": f"{true_date.year}-{true_date.day:02d}-{true_date.month:02d}", "age": ""}
        return {"birth_date": iso, "age": ""}
    if u < 0.84:
        if nationality in ("THA", "LAO"):
            return {"birth_date": f"{true_date.year + 543}-{true_date.month:02d}-{true_date.day:02d}", "age": ""}
        return {"birth_date": iso, "age": ""}
    if u < 0.90:
        age = reference_year - true_date.year - (1 if rng.random() < 0.5 else 0)
        return {"birth_date": "", "age": str(age)}
    if u < 0.95:
        return {"birth_date": "", "age": ""}
    shifted = true_date.year + (1 if rng.random() < 0.5 else -1)
    try:
        return {"birth_date": true_date.replace(year=shifted).isoformat(), "age": ""}
    except ValueError:  # 29 February
        return {"birth_date": f"{shifted}", "age": ""}


@dataclass
class SyntheticPerson:
    person_id: int
    name: SyntheticName
    birth_date: dt.date
    sex: str

    @property
    def nationality(self) -> str:
        return self.name.nationality


def make_person(person_id: int, rng: random.Random) -> SyntheticPerson:
    nats = list(NATIONALITY_SHARES)
    nat = rng.choices(nats, weights=[NATIONALITY_SHARES[n] for n in nats])[0]
    sex = "F" if rng.random() < 0.6 else "M"
    return SyntheticPerson(person_id, canonical_name(nat, sex, rng), random_birth_date(rng), sex)


@dataclass
class Benchmark:
    """Two agencies' person files (rows as dicts) and the true pairs between them."""

    rows_a: list[dict[str, str]]
    rows_b: list[dict[str, str]]
    truth: set[tuple[str, str]] = field(default_factory=set)
    seed: int = 0

    @property
    def rows_combined(self) -> list[dict[str, str]]:
        return self.rows_a + self.rows_b


def make_benchmark(n_per_agency: int = 600, overlap: float = 0.4, seed: int = 7,
                   reference_year: int = 2024) -> Benchmark:
    """Two person files: agency A (often native script) and agency B (romanised, with the
    date problems of :func:`date_variant`); ``overlap`` of B's persons are also in A."""
    rng = random.Random(seed)
    n_shared = int(round(n_per_agency * overlap))
    people_a = [make_person(i, rng) for i in range(n_per_agency)]
    people_b_only = [make_person(n_per_agency + i, rng) for i in range(n_per_agency - n_shared)]
    shared = rng.sample(people_a, n_shared)
    rows_a: list[dict[str, str]] = []
    rows_b: list[dict[str, str]] = []
    truth: set[tuple[str, str]] = set()
    ids_a = rng.sample(range(10_000, 99_999), n_per_agency)
    ids_b = rng.sample(range(10_000, 99_999), n_per_agency)
    for k, p in enumerate(people_a):
        fields = name_variant(p.name, rng, script_share=0.6) if rng.random() < 0.6 else p.name.canonical_fields()
        sex = p.sex if rng.random() > 0.03 else ""
        nat = p.nationality if rng.random() > 0.05 else ""
        d = p.birth_date.isoformat() if rng.random() > 0.1 else date_variant(p.birth_date, rng, nationality=p.nationality, reference_year=reference_year)["birth_date"]
        rows_a.append({"id": f"A{ids_a[k]}", **fields, "sex": sex, "birth_date": d, "nationality": nat, "age": ""})
    b_people = shared + people_b_only
    rng.shuffle(b_people)
    shared_ids = {p.person_id for p in shared}
    id_a_of = {p.person_id: f"A{ids_a[k]}" for k, p in enumerate(people_a)}
    for k, p in enumerate(b_people):
        fields = name_variant(p.name, rng, script_share=0.15)
        dv = date_variant(p.birth_date, rng, nationality=p.nationality, reference_year=reference_year)
        sex = p.sex if rng.random() > 0.05 else ""
        nat = p.nationality if rng.random() > 0.1 else ""
        rid = f"B{ids_b[k]}"
        rows_b.append({"id": rid, **fields, "sex": sex, "birth_date": dv["birth_date"],
                       "nationality": nat, "age": dv["age"], "age_year": str(reference_year) if dv["age"] else ""})
        if p.person_id in shared_ids:
            truth.add((id_a_of[p.person_id], rid))
    return Benchmark(rows_a, rows_b, truth, seed)


@dataclass
class DedupeBenchmark:
    """One organisation's person file (rows as dicts) in which some persons appear twice,
    and the true duplicate pairs (``id_1 < id_2``)."""

    rows: list[dict[str, str]]
    truth: set[tuple[str, str]] = field(default_factory=set)
    n_persons: int = 0
    seed: int = 0


def make_dedupe_benchmark(n_records: int = 10_000, duplicate_share: float = 0.1, seed: int = 7,
                          reference_year: int = 2024) -> DedupeBenchmark:
    """A single organisation's file of ``n_records`` rows in which ``duplicate_share`` of
    the persons were recorded twice.

    The first record of a person is written as agency A of :func:`make_benchmark` writes
    (often romanised as the person gives it, sometimes in script, one in ten dates with a
    problem); the second as another caseworker would write it months later
    (:func:`name_variant`, :func:`date_variant`, now and then sex or nationality left
    blank). Names come from the same small tables as everywhere in this module, with no
    redrawing of namesakes: on a large file many *different* persons share a name, sex,
    nationality and birth year - far more than in a real population of that size - and
    these namesakes are part of what a deduplication has to tell apart. Ids are
    ``P`` + seven digits in random order (so the order of the file says nothing).
    """
    if n_records < 2:
        raise ValueError("n_records must be at least 2")
    if not 0.0 <= duplicate_share <= 1.0:
        raise ValueError("duplicate_share must be between 0 and 1")
    rng = random.Random(seed)
    n_persons = int(round(n_records / (1.0 + duplicate_share)))
    n_dup = n_records - n_persons
    people = [make_person(i, rng) for i in range(n_persons)]
    twice = set(rng.sample(range(n_persons), n_dup))
    ids = [f"P{k:07d}" for k in rng.sample(range(10 ** max(7, len(str(n_records)))), n_records)]
    rows: list[dict[str, str]] = []
    truth: set[tuple[str, str]] = set()

    def first_record(p: SyntheticPerson, rid: str) -> dict[str, str]:
        fields = name_variant(p.name, rng, script_share=0.3) if rng.random() < 0.5 else p.name.canonical_fields()
        d = p.birth_date.isoformat() if rng.random() > 0.1 else \
            date_variant(p.birth_date, rng, nationality=p.nationality, reference_year=reference_year)["birth_date"]
        return {"id": rid, **fields, "sex": p.sex if rng.random() > 0.03 else "", "birth_date": d,
                "nationality": p.nationality if rng.random() > 0.05 else "", "age": "", "age_year": ""}

    k = 0
    for i, p in enumerate(people):
        rows.append(first_record(p, ids[k]))
        k += 1
        if i in twice:
            fields = name_variant(p.name, rng, script_share=0.15)
            dv = date_variant(p.birth_date, rng, nationality=p.nationality, reference_year=reference_year)
            rid = ids[k]
            k += 1
            rows.append({"id": rid, **fields, "sex": p.sex if rng.random() > 0.05 else "",
                         "birth_date": dv["birth_date"], "nationality": p.nationality if rng.random() > 0.1 else "",
                         "age": dv["age"], "age_year": str(reference_year) if dv["age"] else ""})
            a, b = rows[-2]["id"], rid
            truth.add((min(a, b), max(a, b)))
    rng.shuffle(rows)
    return DedupeBenchmark(rows, truth, n_persons, seed)
