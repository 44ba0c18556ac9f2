""""Apart from Ukraine, which other issues …?": the part of a question that names what the answer is not.

A question that opens by setting something aside ("Apart from / Besides / Other than X, …", "Ngoài X, …", "Ngoài X
thì …", "Bên cạnh X, …") asks for something else: the sentence that answers it is the one saying what else, not
the one saying X again. ``main_clause`` gives the rest of the question, whose words the answer sentence is picked by
above X's (``qa.picker.SentencePicker``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from qa import glossary
from qa.text import fold

# the clause ends at a comma (or, in Vietnamese, at "thì": "Ngoài Ukraine thì hai bên còn bàn gì?"); "ngoài" that
# begins a compound with the next word sets nothing aside ("Ngoài ra, …", in addition; "ngoai truong" typed without
# accents is "ngoại trưởng": ``_compound``)
_SETTING_ASIDE = (r"(?P<word>apart\s+from|aside\s+from|besides|other\s+than|in\s+addition\s+to|except\s+for|"
                  r"ngoại\s+trừ|ngoai\s+tru|ngoài|ngoai|bên\s+cạnh|ben\s+canh)(?!\w)")
_LEADING = re.compile(rf"^\s*{_SETTING_ASIDE}\s+(?P<set_aside>[^,;?.]+?)(?:\s*,\s*|\s+(?:thì|thi)\s+)(?P<main>\w.*)$",
                      re.IGNORECASE | re.DOTALL)


# ... or closes it after a comma: "What else did they discuss, apart from Ukraine?" (without the comma the clause's end
# is not told: "Which countries other than Japan did they visit?")
_CLOSING = re.compile(rf"^(?P<main>.*\w.*?)\s*,\s*{_SETTING_ASIDE}\s+(?P<set_aside>[^,;?.]+?)\s*[?.!]*\s*$",
                      re.IGNORECASE | re.DOTALL)


@lru_cache(maxsize=4096)
def main_clause(question: str) -> str | None:
    """The question without its clause setting something aside, or None when it has none:
    "Besides military aid, what did Moscow ask Beijing for?" -> "what did Moscow ask Beijing for?"."""
    found = _LEADING.match(question) or _CLOSING.match(question)
    return found.group("main") if found and not _compound(found.group("word"), found.group("set_aside")) else None


def _compound(word: str, after: str) -> bool:
    """Whether a one-word "ngoài" and the first word after it are a compound ("ngoài ra", "ngoai truong")."""
    if " " in word.strip():
        return False
    pair = f"{word}_{after.split()[0]}".lower()
    return pair in glossary.compounds(folded=pair == fold(pair))  # typed without accents: the folded compounds


# what a sentence says when it adds to something said before: "Moskva còn đề nghị …", "hai bên cũng thảo luận …"; more
# when it opens with it ("Bên cạnh đó, …", "Ngoài ra, …", "In addition, …"): the sentence is the addition
_ADDS = re.compile(r"(?<!\w)(?:cũng|còn|thêm|bổ\s+sung|đồng\s+thời|also|as\s+well)(?!\w)", re.IGNORECASE)
_OPENS_ADDING = re.compile(r"^\W*(?:bên\s+cạnh\s+đó|ngoài\s+ra|thêm\s+vào\s+đó|ngoài\s+[^,.]{1,40}\s+ra|đồng\s+thời|besides|"
                           r"in\s+addition|moreover|furthermore|also|additionally)(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=16384)
def adds(sentence: str) -> float:
    """How plainly a sentence (in NFC) says something in addition: 1 when it opens so ("Bên cạnh đó, …", "Ngoài ra,
    …"), 0.5 when it says "cũng", "còn", "also" …, else 0."""
    if _OPENS_ADDING.search(sentence):
        return 1.0
    return 0.5 if _ADDS.search(sentence) else 0.0
