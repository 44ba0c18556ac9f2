"""A question's words as the index writes them, before it is read: each step changes only words that no passage writes
and replaces them with what passages do write, so a question typed as the articles write it is left as it is."""

from __future__ import annotations

from qa.abbreviations import spelled_out
from qa.accents import as_the_index_accents
from qa.foreign_names import as_the_news_writes
from qa.snapshot import Snapshot
from qa.typos import corrected


def as_the_index_writes(text: str, snapshot: Snapshot) -> str:
    """``text`` with abbreviations spelled out ("Ngoại trưởng TQ gặp ai?": Trung Quốc), names typed the international
    way in Vietnamese ("Sullivan gặp Yang Jiechi ở đâu?": Dương Khiết Trì), a name one letter wrong corrected ("What did
    Thorton say?": Thornton), tones placed as the index places them ("Uỷ viên": "Ủy viên") and a question typed with
    only some accents read without any ("Ngoai truong My gặp ai?")."""
    text = spelled_out(text, snapshot)
    text = as_the_news_writes(text, snapshot)
    text = corrected(text, snapshot)
    return as_the_index_accents(text, snapshot)


def earlier_as_the_index_writes(turns: list[str], snapshot: Snapshot) -> list[str]:
    """``as_the_index_writes`` of a conversation's earlier turns, remembered for the snapshot: each request of a chat
    sends them all again, and only the newest is new."""
    read = []
    for turn in turns:
        found = snapshot.memo.get(("as indexed", turn))
        if found is None:
            found = snapshot.memo[("as indexed", turn)] = as_the_index_writes(turn, snapshot)
        read.append(found)
    return read
