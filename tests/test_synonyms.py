"""Vietnamese words a question may use where the news writes a synonym (``qa.synonyms``)."""

from __future__ import annotations

import unicodedata

import pytest

from qa import synonyms
from qa.service import QAService


def test_a_question_s_phrases_with_synonyms_are_found_longest_first() -> None:
    plan = synonyms.plan("Mỹ muốn Trung Quốc giúp đỡ gì?", folded=False)
    phrases = [terms for terms, _ in plan.phrases]
    assert frozenset({"giúp", "đỡ", "giúp_đỡ"}) in phrases  # the phrase, not "giúp" alone
    others = dict(plan.phrases)[frozenset({"giúp", "đỡ", "giúp_đỡ"})]
    assert frozenset({"hỗ", "trợ", "hỗ_trợ"}) in others
    assert synonyms.plan("muon giup gi", folded=True)  # unaccented: the groups folded
    assert not synonyms.plan("Did they gap the meeting?", folded=True)  # English "gap" is no "gặp"
    said = [terms for terms, _ in synonyms.plan("ong ay noi gi", folded=True).phrases]
    assert frozenset({"noi"}) not in said  # unaccented "noi" is "nói" (say) or "nơi" (place): neither's synonyms


def test_a_phrase_a_passage_lacks_is_found_through_its_synonym() -> None:
    plan = synonyms.plan("Mỹ lo ngại điều gì?", folded=False)
    passage = frozenset({"mỹ", "quan", "ngại", "quan_ngại"})
    assert {"lo", "lo_ngại"} <= synonyms.widen(passage, plan)
    assert synonyms.widen(frozenset({"mỹ", "lo", "ngại", "lo_ngại"}), plan) == {"mỹ", "lo", "ngại", "lo_ngại"}
    assert synonyms.widen(frozenset({"mỹ"}), plan) == {"mỹ"}  # nothing of it there
    # relations "ấm áp hơn" (warmer) are what the news writes "nồng ấm hơn"
    assert {"ấm", "áp", "ấm_áp"} <= synonyms.widen(frozenset({"nồng", "ấm", "nồng_ấm"}), synonyms.plan(
        "Quan hệ Mỹ-Trung ấm áp hơn nhờ đâu?", folded=False))


@pytest.mark.parametrize("credit", [0.0, synonyms.CREDIT])
def test_a_question_in_other_words_than_its_answer_is_answered(seeds: QAService, monkeypatch: pytest.MonkeyPatch,
                                                                credit: float) -> None:
    monkeypatch.setattr(synonyms, "CREDIT", credit)
    died = seeds.ask("Kissinger chết khi nào?")  # the article: "qua đời"
    worried = seeds.ask("Phía Mỹ lo ngại điều gì trong quan hệ giữa Bắc Kinh và Moskva?")  # "quan ngại"
    if credit:
        assert not died.abstained and died.passages[0].doc_id == "003_aadb78158e19ba32"
        assert worried.passages[0].highlight.text.startswith("Phía Mỹ tiếp tục quan ngại sâu sắc")
    else:  # without synonyms: refused at 0.10; another sentence
        assert died.abstained
        assert not worried.passages[0].highlight.text.startswith("Phía Mỹ tiếp tục quan ngại sâu sắc")


def test_the_synonym_file_keeps_its_promises() -> None:
    """As the README says: no word in two groups, at most three syllables, lower case (no names), NFC."""
    seen: set[str] = set()
    groups = [line for line in synonyms.SYNONYMS.read_text(encoding="utf-8").splitlines()
              if line.strip() and not line.startswith("#")]
    assert len(groups) >= 400
    for line in groups:
        members = [m.strip() for m in line.split("|")]
        assert len(members) >= 2 and all(members), line
        for member in members:
            assert member == unicodedata.normalize("NFC", member) == member.lower(), member
            assert len(member.replace("-", " ").split()) <= 3 and member not in seen, member
            seen.add(member)


def test_a_capital_stands_for_its_country_and_the_other_way_round() -> None:
    """The news writes "Washington" for the US government: a question's capital is found as its country, unaccented
    too, and a country as its capital; a country whose name is a common word ("Anh": you, brother) is in no line."""
    plan = synonyms.plan("Washington mong Bắc Kinh giữ vị trí gì?", folded=False)
    passage = frozenset({"mỹ", "mong", "muốn", "trung", "quốc", "trung_quốc"})
    assert {"washington", "bắc", "kinh", "bắc_kinh"} <= synonyms.widen(passage, plan)
    assert {"trung", "quoc", "trung_quoc"} <= synonyms.widen(frozenset({"bac", "kinh", "bac_kinh"}),
                                                             synonyms.plan("trung quoc noi gi", folded=True))
    assert frozenset({"anh"}) not in dict(synonyms.plan("Anh ấy nói gì?", folded=False).phrases)


def test_the_capitals_file_keeps_its_promises() -> None:
    """One line per country, its capital first; lower case, NFC; no member in two lines nor among the synonyms."""
    def members(path) -> list[str]:
        return [m.strip() for line in path.read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.startswith("#") for m in line.split("|")]

    capitals, words = members(synonyms.CAPITALS), set(members(synonyms.SYNONYMS))
    assert len(capitals) == len(set(capitals)) and not words & set(capitals)
    for member in capitals:
        assert member == unicodedata.normalize("NFC", member) == member.lower() and member, member
        assert len(member.replace("-", " ").split()) <= 3, member


def test_a_question_naming_capitals_is_answered_from_the_countries(seeds: QAService) -> None:
    """"Washington … Bắc Kinh" of "Mỹ mong muốn Trung Quốc trở thành đồng minh …": refused at 0.39 before."""
    answer = seeds.ask("Washington mong Bắc Kinh giữ vị trí gì trong cuộc chiến với IS?")
    assert not answer.abstained and answer.passages[0].doc_id == "000_77bbef4bb3bb361f"
    assert "đồng minh" in answer.passages[0].highlight.text
