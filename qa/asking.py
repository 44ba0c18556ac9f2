"""The words of a question that say what it asks for and are in no answer -- "giữ chức vụ gì" (``qa.titles``), "bài
báo … được đăng ngày nào" (``qa.about``), "bức ảnh … là của cơ quan nào" (``qa.photos``): left out of its terms,
where they outweighed what the answer is about."""

from __future__ import annotations

from functools import lru_cache

from qa.about import without_about
from qa.photos import without_credit_asking
from qa.titles import without_asking


@lru_cache(maxsize=4096)  # asked for every field a question is looked up in
def without_asking_words(text: str) -> str:
    return without_credit_asking(without_about(without_asking(text)))
