"""A place asked for by name whose Vietnamese writes the name after its noun ("khách sạn Captain Cook", "sân bay Nội
Bài", "tỉnh Quảng Ninh"): asked "which hotel", a sentence that says "khách sạn" without a name after it ("rời khách sạn
ở Rome") does not say which (``qa.picker.SentencePicker``). A city is left out: the news writes "tại Washington" more
often than "tại thành phố Washington"; a country never takes its noun."""

from __future__ import annotations

import re
from functools import lru_cache

from qa.text import fold, nfc

_HEADED_VI = ("khách sạn", "tỉnh", "sân bay", "sân vận động", "hòn đảo")
_HEADED_EN = {"hotel": "khách sạn", "province": "tỉnh", "airport": "sân bay",
              "stadium": "sân vận động", "island": "hòn đảo"}
# "khách sạn nào", "khách sạn 5 sao nào"; "khách sạn nơi phái đoàn ở tên là gì" (not "tinh hinh ... the nao": the
# situation); read with its accents where the question has them ("Vệ tinh nào" asks which satellite), else folded
_ASKED_VI = (r"(?<!\w)({heads})(?:\s+\d+\s+sao)?\s+n[aà]o(?!\w)|"
             r"(?<!\w)({heads})\s+(?:[\w\s]{{0,30}}?\s)?t[eê]n(?:\s+l[aà])?\s+g[iì](?!\w)")
_HEADED_ASKED_VI = {True: re.compile(_ASKED_VI.format(heads="|".join(_HEADED_VI))),
                    # typed without them, "tinh" of "ve tinh" / "hanh tinh" is a satellite / a planet
                    False: re.compile(_ASKED_VI.format(heads="|".join(fold(n) for n in _HEADED_VI).replace(
                        "tinh", "(?<!ve )(?<!hanh )tinh")))}
_EN_HEADS = "|".join(_HEADED_EN)
_HEADED_ASKED_EN = re.compile(rf"\b(?:which|what)\s+({_EN_HEADS})s?\b|\bname\s+of\s+the\s+({_EN_HEADS})\b|"
                              rf"\bthe\s+({_EN_HEADS})['’]s\s+name\b")
# what may stand between the noun and the name: "sân bay quốc tế Nội Bài", "khách sạn 5 sao Sofitel", "sân vận động
# quốc gia Mỹ Đình", "khách sạn “Metropole”"
_BEFORE_NAME = re.compile(r"(?:\s+(?:quốc\s+tế|quốc\s+gia|\d+\s+sao|năm\s+sao|cao\s+cấp|hạng\s+sang|sang\s+trọng))*"
                          r"\s+[\"“‘'«]?", re.IGNORECASE)


@lru_cache(maxsize=4096)
def headed_place(question: str) -> str | None:
    """The noun of a place the question asks for by name ("khách sạn" of "ở khách sạn nào?", "Which hotel …?", "the name
    of the hotel"), when the text writes the name after it; else None."""
    q = nfc(question).lower()
    if (m := _HEADED_ASKED_EN.search(q)) is not None:
        return _HEADED_EN[next(g for g in m.groups() if g)]
    # with its accents, or where it is typed without them ("… phóng tên lửa từ tinh nao?"; "vệ tinh nào", "tình nào" are
    # no "tinh nao": the words matched folded must be written so)
    folded = fold(q)
    m = _HEADED_ASKED_VI[True].search(q) or next(
        (f for f in _HEADED_ASKED_VI[False].finditer(folded) if q[f.start() : f.end()] == f.group(0)), None)
    if m is not None:
        head = next(g for g in m.groups() if g)
        return next(n for n in _HEADED_VI if head in (n, fold(n)))
    return None


def names_head(sentence: str, noun: str) -> bool | None:
    """Whether the sentence (NFC) names the ``noun`` ("khách sạn Captain Cook": True; "rời khách sạn ở Rome": False);
    None when it does not say the noun at all."""
    found = None
    for m in re.finditer(rf"(?<!\w){noun}(?!\w)", sentence, re.IGNORECASE):
        after = _BEFORE_NAME.match(sentence, m.end())
        if after is not None and sentence[after.end() : after.end() + 1].isupper():
            return True
        found = False
    return found
