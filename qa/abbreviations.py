"""Abbreviations people type for names the news writes out: "TQ" for Trung Quốc, "LHQ" for Liên Hợp Quốc ("Ngoại
trưởng TQ gặp ai?" was refused at 0.14; "Ngoại trưởng Trung Quốc gặp ai?" is answered at 1.0). A Vietnamese
question's abbreviation is read as its name where no passage of the index writes it ("nghị quyết HĐBA LHQ" in a
text that abbreviates stays as it is), in capitals or in lower case, and without diacritics in a question typed
without them ("ngoai truong tq gap ai" -> "ngoai truong trung quoc gap ai"; typed in lower case, the name is too).
"""

from __future__ import annotations

import re

from qa.language import detect
from qa.snapshot import Snapshot
from qa.text import fold, folded_pair, spliced, words

# only those that stand for one name ("TT" is Tổng thống or Thủ tướng, "HN" Hà Nội or hội nghị: left alone) and are no
# Vietnamese syllable or English word once folded ("ĐNÁ" would be "DNA")
NAMES = {
    "TQ": "Trung Quốc", "VN": "Việt Nam", "HQ": "Hàn Quốc", "LHQ": "Liên Hợp Quốc", "HĐBA": "Hội đồng Bảo an",
    "QG": "quốc gia", "BNG": "Bộ Ngoại giao", "BQP": "Bộ Quốc phòng", "ĐCS": "Đảng Cộng sản", "TW": "Trung ương",
    "CHDCND": "Cộng hòa Dân chủ Nhân dân", "UBND": "Ủy ban nhân dân", "HĐND": "Hội đồng nhân dân", "QH": "Quốc hội",
    "TPHCM": "Thành phố Hồ Chí Minh", "TP.HCM": "Thành phố Hồ Chí Minh",
}
_BY_FOLDED = {fold(abbreviation).lower(): name for abbreviation, name in NAMES.items()}
_ABBREVIATION = re.compile(r"(?<![\w.])(?:" + "|".join(re.escape(a) for a in sorted(_BY_FOLDED, key=len, reverse=True))
                           + r")(?![\w.])", re.IGNORECASE)


def spelled_out(question: str, snapshot: Snapshot) -> str:
    """``question`` with each abbreviation the index never writes replaced by the name it stands for (a question in
    another language as it is: "UN" is the glossary's)."""
    written, folded = folded_pair(question)
    if written != question or not _ABBREVIATION.search(folded) or detect(question) == "other":
        return question
    plain = folded == question  # typed without diacritics: the name too
    edits = []
    for m in _ABBREVIATION.finditer(folded):
        said = m.group(0).lower()
        if all(snapshot.lexical.folded.occurs(token) for token in words(said)):
            continue  # the index writes it so
        full = _BY_FOLDED[said] if m.group(0).isupper() else _BY_FOLDED[said].lower()  # "tq": "trung quốc"
        edits.append((m.start(), m.end(), fold(full) if plain else full))
    return spliced(question, edits)
