"""The person file: accepted rows, and rejected rows reported with what is allowed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tipdata.engines.linkage.persons import PersonFileError, read_person_file, read_person_text

HEADER = "id,given_name,family_name,full_name,sex,birth_date,nationality\n"


def test_good_rows_are_read_in_any_script() -> None:
    pf = read_person_text(HEADER + "1,,,ဦးကျော်သိန်း,M,1980-02-03,Myanmar\n2,สมชาย,ใจดี,,m,2533,TH\n")
    assert [r.id for r in pf.records] == ["1", "2"]
    assert pf.records[0].name.tokens == ("kyaw", "thein")
    assert pf.records[0].nationality == "MMR"
    assert pf.records[1].sex == "M" and pf.records[1].birth_date.year == 1990
    assert not pf.rejected


@pytest.mark.parametrize(
    ("row", "column", "fragment"),
    [
        (",Ann,Lee,,F,1990,THA", "id", "id is empty"),
        ("9,Ann,Lee,,X,1990,THA", "sex", "M, F or blank"),
        ("9,Ann,Lee,,F,12/05/1990,THA", "birth_date", "YYYY-MM-DD"),
        ("9,Ann,Lee,,F,1990-02-30,THA", "birth_date", "day 30"),
        ("9,Ann,Lee,,F,1990,Narnia", "nationality", "ISO 3166"),
        ("9,,,,F,1990,THA", "given_name", "no usable name"),
        ("9,Mr,,,M,1990,THA", "given_name", "no usable name"),
    ],
)
def test_bad_rows_are_rejected_with_file_row_column_value_and_allowed(row: str, column: str, fragment: str) -> None:
    pf = read_person_text(HEADER + "1,Bo,Tan,,M,1980,THA\n" + row + "\n", source="persons.csv")
    assert [r.id for r in pf.records] == ["1"]
    assert len(pf.rejected) == 1
    rej = pf.rejected[0]
    assert (rej.file, rej.row, rej.column) == ("persons.csv", 3, column)
    assert fragment in rej.message()
    assert rej.value in rej.message()


def test_duplicate_id_is_rejected_and_names_the_first_row() -> None:
    pf = read_person_text(HEADER + "1,Bo,Tan,,M,1980,THA\n1,Cy,Tan,,M,1981,THA\n")
    assert len(pf.records) == 1
    assert "row 2" in pf.rejected[0].problem


def test_missing_columns_stop_the_file(tmp_path: Path) -> None:
    f = tmp_path / "p.csv"
    f.write_text("id,name\n1,Bo\n", encoding="utf-8")
    with pytest.raises(PersonFileError, match="missing column.*given_name"):
        read_person_file(f)


def test_empty_missing_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(PersonFileError, match="no such file"):
        read_person_file(tmp_path / "nope.csv")
    (tmp_path / "e.csv").write_text("", encoding="utf-8")
    with pytest.raises(PersonFileError, match="empty"):
        read_person_file(tmp_path / "e.csv")
    (tmp_path / "l.csv").write_bytes(HEADER.encode() + "1,Jos\xe9,Tan,,M,1980,PHL\n".encode("latin-1"))
    with pytest.raises(PersonFileError, match="UTF-8"):
        read_person_file(tmp_path / "l.csv")


def test_age_column_gives_an_estimated_year_and_unknown_columns_are_reported() -> None:
    pf = read_person_text("id,given_name,family_name,sex,birth_date,nationality,age,age_year,phone\n1,Bo,Tan,M,,THA,30,2020,555\n")
    d = pf.records[0].birth_date
    assert d.year == 1990 and d.from_age
    assert pf.ignored_columns == ["phone"]
