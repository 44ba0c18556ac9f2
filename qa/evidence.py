"""How sure an answer is: the lexical evidence that the best passage is about the question, and its calibrated
probability (``qa.calibration``); below the threshold the answer abstains."""

from __future__ import annotations

import re
from functools import lru_cache

from qa import glossary
from qa.about import about_kind
from qa.answer_type import YEAR, AnswerType, answer_type, offer_strength
from qa.calibration import calibrated
from qa.gloss_cover import gloss_scorer
from qa.glossary import known_share, name_parts, renderings
from qa.holders import article_holders, asked_holders, holder_unsaid
from qa.language import accented
from qa.lexical import query_terms
from qa.offices import article_offices, asked_offices, same_office
from qa.other_news import asks_other_news
from qa.precise import DAY_OF_WEEK, precise_ask
from qa.retrieval import Candidate, QueryInfo, names_in
from qa.sentences import chunk_sentences
from qa.snapshot import Snapshot
from qa.text import fold, words
from qa.years import date_missing

# The glossary's share of an English question in the evidence, times the share of the question's words it knows
# (``known_share``): how it was chosen is told with ``qa.picker.GLOSS_SHARE``.
GLOSS_EVIDENCE = 0.3
# An English question's evidence when one of its names (``qa.retrieval.names_in``: "United Nations" whole or word by
# word, "US-China" by its parts) is in the passage neither as written nor as the glossary renders it. Refitted for
# each value (benchmarks/calibrate_abstention.py, XQuAD English; 1.0 / 0.8 / 0.7 / 0.5): answerable refused 7.4 /
# 7.5 / 6.9 / 10.0%, unanswerable abstaining 95.8 / 96.9 / 96.6 / 95.2%, AUROC 0.979 / 0.981 / 0.980 / 0.977; hard
# negatives (the right article left out) answered at 0.5: 29.4 / 23.6 / 21.7 / 21.5%, AUROC 0.929 / 0.939 / 0.940
# / 0.934. Names and renderings are tokenised as the index tokenises text ("Panthers'" is "panthers"): at 0.7
# AUROC 0.981, hard negatives' 0.941, the rest the same.
MISSING_NAME = 0.7
# A question's evidence in an article that says years, none of those it names (``qa.years``): "How long did the June
# 2017 dialogue in Washington last?" was answered at 0.97 from the 2022 talks in Rome. Every bundled set about the
# seeds (2,251 questions, lexical) at 0.7 / 0.5: unanswerable abstaining +1 / +2 of 345, answerable refused +0 / +0;
# XQuAD unchanged; asked of the other corpus, +2 / +2 abstaining. The same for a day of a month ("ngày 14/3", "March
# 14": no seed or XQuAD answer changed) and a month ("June 2017" of the Rome talks "ngày 14/3", once the Rome page's
# list of other news, dated 2025, no longer counted as the article's years: seed questions' unanswerable abstaining
# +1, answerable misses refused +2; ``qa.rerank.MISSING_DATE_PENALTY`` then ranks the right article first for two)
MISSING_YEAR = 0.5
# the page's other text (a lead, the footer): short texts on other things, matched by chance; a related lead asked for
# by name ("In a related VOV story, …", ``qa.other_news``) counts whole
RELATED_EVIDENCE = 0.6
# Asked for an amount, a duration or a time ("bao nhiêu", "how long", "khi nào"), a passage none of whose sentences
# offers one is half as sure: it is about the question's subject but not its answer ("Henry Kissinger qua đời ở tuổi
# bao nhiêu?" of the sentence saying he died; "Bà Susan Thornton năm nay bao nhiêu tuổi?" of one naming her). The
# four held-out sets about the seeds, lexical: unanswerable questions abstaining 35 -> 44 of 63, answerable refused
# 32 -> 33 of 353; XQuAD 71 -> 84 of 1,896 answerable refused (8 of the 13 with the answer sentence first: "còn lại
# 4:51", "cho đến phần tư thứ hai thế kỷ 19" offer no duration the answer type knows), asked of the seeds 1,860 ->
# 1,864 of 1,896 abstaining. At 0.6 / 0.4: 41 / 45 of the 63 abstaining, 32 / 35 refused.
TYPE_MISSING = 0.5  # now for ranking (``qa.answers``) and the passages below the first: it gets ``SENTENCE_TYPE_MISSING``
# ... and where the passage offers one but not in the sentence it is answered with, the sentence that says most of the
# question: what it is about is there, the amount or the date asked is not ("Vương Nghị và Blinken điện đàm vào ngày
# nào?" of the sentence saying what they discussed, the article's dates elsewhere; "How many sailors were killed in
# the Houthi attacks ...?" of the one on the attacks, a figure on trade further on). The five held-out sets and the
# short one about the seeds, lexical, 1 (no check) / 0.5 / 0.4 / 0.3 / 0.2: unanswerable questions abstaining 64 /
# 70 / 72 / 74 / 74 of 105, answerable refused 39 of 586 throughout; XQuAD answerable refused 65 / 70 / 71 / 71 /
# 71 of 1,896, the six more all answered with a sentence without the answer but two, whose question asks "ngày
# nào" (which day) of "ngành nào" (which industry) in the source's own typo. The same for a hotel asked and never named
# (``qa.picker.NEARLY``), and, for the passage answered with, where no sentence offers one at all (``TYPE_MISSING``'s
# case, 0.5 before: "How old was Henry Kissinger when he died?" was answered at 0.91): the six held-out sets and the
# short one, 125 unanswerable and 696 answerable questions, 87 -> 91 abstaining and 45 -> 46 refused (answered with a
# sentence without the answer), XQuAD 70 refused either way once counts in words were read (``says_loosely``).
SENTENCE_TYPE_MISSING = 0.3
# Asked for a person by office ("Ai là Thủ tướng Nhật Bản …?", "Who was China's ambassador to the US …?"), a passage
# whose article never names that office cannot say who holds it: its evidence counts 0.7. Every bundled set about
# the seeds (2,251 questions, lexical) at 0.7 / 0.5: unanswerable abstaining +3 / +4 of 345, answerable refused +0 /
# +0; asked of the XQuAD sample +11 / +12 abstaining of 2,251; XQuAD answerable refused +1 / +3 of 1,896 (one question
# in its three languages: "Thủ tướng cuối cùng của Đông Đức" is "Bộ trưởng cuối cùng" in the translated article).
# Checked in the passage alone, not its article: an answerable question refused ("Ngoại trưởng Mỹ nào đã thảo luận
# với ông Vương Nghị …?" of "Vương Nghị và Blinken cũng thảo luận …").
OFFICE_UNSAID = 0.7
# ... and whatever a question asks of a country's office holder ("Bộ trưởng Quốc phòng Trung Quốc nào …?", "Ai là Đại
# sứ Trung Quốc tại Mỹ …?", "Who was South Korea's president …?", ``qa.holders``), a passage whose article names that
# office only with other countries: 0.3. Seed sets at 0.5 / 0.3: unanswerable abstaining +1 / +3 of 345, none refused;
# XQuAD unchanged; asked of the XQuAD sample +0 / +1.
HOLDER_UNSAID = 0.3
_COUNTED = frozenset({"number", "duration", "time"})
# a time or a duration said relative to the day or by its weekday, which the answer type does not read as one ("thứ
# Sáu tuần trước", "hôm thứ Tư", "hồi tháng trước", "nhiều năm", "cách đây"): the passage offers one all the same
_SPAN_OF_YEARS = rf"{YEAR}\s*(?:-|–|đến|tới|cho\s+tới|cho\s+đến|to|until|and)\s*(?:năm\s+)?{YEAR}"
_RELATIVE = re.compile(rf"{DAY_OF_WEEK.pattern}|"
                       r"(?<!\w)(?:(?:tuần|tháng|năm|hôm|đêm|sáng|chiều|tối|thế\s+kỷ|"
                       r"thập\s+kỷ|thập\s+niên)\s+(?:trước|tới|qua|này|sau|nay|ngoái)|hôm\s+(?:qua|nay|kia)|(?:nhiều|vài|hàng|"
                       r"mấy)\s+(?:giờ|ngày|tuần|tháng|năm|thập\s+kỷ|thập\s+niên)|cách\s+đây|gần\s+đây|(?:last|next|this)\s+"
                       r"(?:week|month|year)|yesterday|ago|"
                       # relative to an event: "Ngay trước thời điểm diễn ra cuộc gặp", "Ngay từ đầu" (not "Ngay sau đó")
                       r"ngay\s+(?:trước|sau)(?!\s+đó)|(?:ngay\s+)?từ\s+đầu|right\s+(?:before|after)|from\s+the\s+(?:start|"
                       r"beginning|outset)|"
                       # a span of years: "từ năm 1870 đến năm 1939", "1870-1939", "between 1870 and 1939"
                       rf"{_SPAN_OF_YEARS})(?!\w)", re.IGNORECASE)

# a century ("thế kỷ 19", "thế kỷ XIX", "thế kỷ mười chín"), for a time or a duration ("cho đến thế kỷ mười chín")
_CENTURY = re.compile(r"(?<!\w)(?:thế\s+kỷ|the\s+ky)\s+(?:thứ\s+)?(?:\d+|[IVXLC]+\b|mười|hai\s+mươi|mốt)|"
                      r"\b\d+(?:st|nd|rd|th)\s+century\b", re.IGNORECASE)
_LOOSE_TIME = re.compile(f"{_RELATIVE.pattern}|{_CENTURY.pattern}", re.IGNORECASE)  # one search per sentence
# asked how long, a point in time is no answer ("hồi tháng trước" of "cuộc gặp kéo dài bao lâu"): a length in words
# ("nhiều tuần", "suốt đêm"), a span of years or a century only
_LOOSE_DURATION = re.compile(r"(?<!\w)(?:(?:nhiều|vài|hàng|mấy|suốt|cả)\s+(?:giờ|tiếng|ngày|đêm|tuần|tháng|năm|thập\s+kỷ|"
                             r"thập\s+niên)|(?:several|many|few)\s+(?:hours|days|weeks|months|years|decades)|"
                             # "trong thập kỷ qua", "từ đầu thế kỷ", "over the past decade", "for decades"
                             r"(?:trong|suốt)\s+(?:tuần|tháng|năm|thập\s+kỷ|thập\s+niên|thế\s+kỷ)\s+(?:qua|vừa\s+qua)|"
                             r"từ\s+đầu\s+(?:tuần|tháng|năm|thập\s+kỷ|thập\s+niên|thế\s+kỷ)|over\s+the\s+(?:past|last)\s+"
                             r"(?:week|month|year|decade|century)|for\s+(?:hours|days|weeks|months|years|decades|centuries)|"
                             rf"{_SPAN_OF_YEARS})(?!\w)|{_CENTURY.pattern}", re.IGNORECASE)
# asked which day, a weekday or "hôm qua" says it ("tháng trước" does not)
_LOOSE_DAY = re.compile(rf"{DAY_OF_WEEK.pattern}|(?<!\w)(?:hôm\s+(?:qua|nay|kia)|yesterday|today)(?!\w)", re.IGNORECASE)
# an amount said as a share of a whole, for "bao nhiêu phần ..." / "how much of ..." (``counted_thing`` "phan"): "phần
# lớn Tyne và Wear"
_PROPORTION = re.compile(r"(?<!\w)(?:phần\s+(?:lớn|nhỏ|nhiều)|đa\s+số|thiểu\s+số|hầu\s+hết|một\s+nửa|toàn\s+bộ|"
                         r"(?:khu|vùng)\s+(?:vực\s+)?rộng\s+lớn|most\s+of|majority|minority|half)(?!\w)", re.IGNORECASE)
# asked "bao nhiêu <thing>" / "mấy <thing>", a count in words of that thing: "nhiều lần" for "bao nhiêu lần", "Không có
# hiệp ước nào" for "Có bao nhiêu hiệp ước ..."
_COUNTED_THING = re.compile(r"(?<!\w)(?:bao\s+nhiêu|bao\s+nhieu|mấy|may)\s+(\w+)", re.IGNORECASE)
_SHARE_ASKED = re.compile(r"(?<!\w)(?:t[ỷỉy]\s+l[ệe]|ph[ầa]n\s+tr[ăa]m)(?!\w)|\bhow\s+much\s+of\b|\b(?:what|which)\s+(?:part|"
                          r"portion|proportion|share|fraction|percentage)\b", re.IGNORECASE)
_VAGUE = "nhieu|vai|mot so|hang chuc|hang tram|hang nghin|hang ngan|hang trieu|khong co|khong mot|chang co"


def evidence(snapshot: Snapshot, query: QueryInfo, top: Candidate, offered: bool | None = None) -> float:
    """Lexical evidence that the best passage is about the question, in [0, 1]: the IDF-weighted
    share of the question's content words and word pairs it contains. A question about something
    the corpus never mentions ("population of Brazil") scores ~0. A follow-up is weighed with its context;
    "what about X?" on a new X also alone (X is the subject now; "Còn Rome thì sao?" after "Susan Thornton là
    ai?" is answered by a passage on Rome). ``offered``: whether its answer offers the kind of thing asked (the amount,
    duration or time, the hotel's name), as ``qa.picker.SentencePicker`` found when it ranked the passage; None when
    not known (only the passage is checked then, ``_offers_nothing``)."""
    together = _evidence(snapshot, query, top, offered=offered)
    return max(together, _evidence(snapshot, query.alone, top, offered=offered)) if query.new_topic else together


def _evidence(snapshot: Snapshot, query: QueryInfo, top: Candidate, typed: bool = True,
              offered: bool | None = None) -> float:
    """``typed``: the kind of answer the question asks is checked (not for the turns before a follow-up: theirs was
    answered before, and "What did they discuss?" after "... điện đàm khi nào?" wants no time), in the passage and in
    its answer (``offered``)."""
    own = _coverage(snapshot, query, top)
    section = snapshot.section(top.row)  # the page's other news counts whole when the question asks for it
    own = own if section == "body" or (section == "related" and asks_other_news(query.text)) else RELATED_EVIDENCE * own
    if not typed:
        return own
    own *= _office_unsaid(snapshot, query, top.row)
    if offered is None:  # a passage the picker's verdict is not passed for: the passage checked, not its answer
        return TYPE_MISSING * own if _offers_nothing(snapshot, query, top.row) else own
    return own if offered else SENTENCE_TYPE_MISSING * own


def counted_kind(question: str) -> AnswerType | None:
    """The kind of answer the question asks when it is an amount, a duration or a time, else None (also when it asks
    when the article was published: its page's dateline answers, ``qa.credits``)."""
    kind = answer_type(question)
    return kind if kind in _COUNTED and about_kind(question) is None else None


def offers_counted(sentence: str, kind: AnswerType, question: str) -> bool:
    """Whether a sentence (in NFC) offers the amount, duration or time (``counted_kind``) the question asks."""
    return offer_strength(sentence, kind, question) > 0 or says_loosely(sentence, kind, counted_thing(question))


@lru_cache(maxsize=4096)
def counted_thing(question: str) -> str:
    """What a question counts, folded ("lan" of "bao nhiêu lần"), "phan" when it asks a share ("bao nhiêu phần", "tỷ
    lệ", "how much of"), "ngay" when it asks which day ("ngày nào", "on what date": ``qa.precise``), or "" (also when
    it asks which one in order, "thứ mấy", which ``qa.precise`` reads)."""
    ask = precise_ask(question)
    if ask.order is not None:
        return ""
    if ask.day:
        return "ngay"
    if _SHARE_ASKED.search(question):
        return "phan"
    found = _COUNTED_THING.search(question)
    return fold(found.group(1)).lower() if found else ""


@lru_cache(maxsize=16384)  # asked of each sentence of every passage ranked for a counted question
def says_loosely(sentence: str, kind: AnswerType, thing: str = "") -> bool:
    """Whether a sentence offers the kind asked in a form the answer type does not read as one: a time relative to the
    day, to an event or by its weekday (``_RELATIVE``; "tuần trước" is no amount) or a century; a day by its weekday or
    as "hôm qua" when a day is asked (``_LOOSE_DAY``); a length in words, a span of years or a century for a duration
    (``_LOOSE_DURATION``; a point in time is no length); an amount as a share of a whole ("phần lớn", most of it), as a
    count in words of the ``thing`` the question counts (``counted_thing``: "nhiều lần", "không có hiệp ước nào")."""
    if kind == "time" and thing == "ngay":  # asked which day: "hôm thứ Tư", "hôm qua" say it; "tháng trước" does not
        return _LOOSE_DAY.search(sentence) is not None
    if kind != "number":
        return (_LOOSE_DURATION if kind == "duration" else _LOOSE_TIME).search(sentence) is not None
    if not thing:
        return False
    if thing == "phan":
        return _PROPORTION.search(sentence) is not None
    # "nhiều lần", not the "bao nhiêu thủy thủ" of "Chưa rõ bao nhiêu thủy thủ thiệt mạng"
    return re.search(rf"(?<!\w)(?<!bao )(?:{_VAGUE})\s+{re.escape(thing)}(?!\w)", fold(sentence).lower()) is not None


def _offers_nothing(snapshot: Snapshot, query: QueryInfo, row: int) -> bool:
    """Whether the question asks for an amount, a duration or a time and no sentence of the passage offers one."""
    kind = counted_kind(query.text)
    if kind is None:
        return False
    sentences = chunk_sentences(snapshot, row, folded=not query.diacritics)
    return not any(offers_counted(nfc_text, kind, query.text) for *_, nfc_text in sentences)


def _office_unsaid(snapshot: Snapshot, query: QueryInfo, row: int) -> float:
    """How sure a passage stays where its article never names an office the question asks about: a person asked for by
    office (``OFFICE_UNSAID``), or anything asked of a country's office holder (``HOLDER_UNSAID``)."""
    holders = asked_holders(query.text)
    if holders and holder_unsaid(holders, article_holders(snapshot, row)):
        return HOLDER_UNSAID
    if answer_type(query.text) != "person":
        return 1.0
    asked = asked_offices(query.with_glossary)
    named = asked and any(same_office(kind, asked) for kind in article_offices(snapshot, row))
    return OFFICE_UNSAID if asked and not named else 1.0


def _coverage(snapshot: Snapshot, query: QueryInfo, top: Candidate) -> float:
    found = _words_found(snapshot, query, top)
    if date_missing(snapshot, query.combined.text, top.row):
        return MISSING_YEAR * found
    return found


def _words_found(snapshot: Snapshot, query: QueryInfo, top: Candidate) -> float:
    whole = query.combined
    if whole.language == "other":  # "pho" is not found in "đối phó" (``foreign_coverage``)
        own = snapshot.lexical.foreign_coverage(whole.text, top.row)
    else:
        # a syllable seen only outside the question's compound is no evidence: "thoi tiet ha noi" (weather) is
        # not answered by "thời điểm ... tiết lộ ... nói" (confidence 0.99 before)
        own = snapshot.lexical.coverage(whole.text, top.row, diacritics=whole.diacritics,
                                        compounds=glossary.compounds(folded=not whole.diacritics))
    gloss = whole.gloss_groups
    if not gloss or not GLOSS_EVIDENCE:
        return own
    # weighted by how much of the question the glossary's phrases stand for: a question whose only
    # known word is "alert" is not answered by a passage that says "cảnh báo"
    accented = snapshot.lexical.present(top.row, folded=False)
    found = own + GLOSS_EVIDENCE * known_share(whole.text) * gloss_scorer(snapshot.lexical, gloss)(accented)
    if name_missing(query.text, snapshot.lexical.present(top.row, folded=True), accented):  # its own names
        return MISSING_NAME * found
    return found


def name_missing(question: str, folded: frozenset[str], accented: frozenset[str]) -> bool:
    """Whether one of an English question's names is in the passage neither as written (or as its singular)
    nor as the glossary renders it: "Who is the president of France?" asked of a passage on "Tổng thống Biden"."""
    def said(forms: _Forms) -> bool:  # every word of one of its renderings, as the index tokenises text
        return any(all(t in accented for t in form) for form in forms)

    def written(folded_words: tuple[str, ...]) -> bool:  # as written, or its singular
        return all(t in folded or t.removesuffix("s") in folded for t in folded_words)

    return any(not said(whole) and not all(written(part) or said(forms) for part, forms in parts)
               for whole, parts in _names_asked(question))


_Forms = tuple[tuple[str, ...], ...]  # the words of each of a name's renderings


@lru_cache(maxsize=4096)  # asked of every passage ranked for an English question
def _names_asked(question: str) -> tuple[tuple[_Forms, tuple[tuple[tuple[str, ...], _Forms], ...]], ...]:
    """Each of the question's names ("United Nations" whole or word by word, "US State Department" as "US" and "State
    Department"; "US-China" by its parts) as
    ``name_missing`` reads it: its renderings' words, and of each part its folded words and its renderings' words."""
    def forms(name: str) -> _Forms:
        return tuple(tuple(words(rendering)) for rendering in renderings(name))

    return tuple((forms(name), tuple((tuple(words(fold(part))), forms(part))
                                     for term in name_parts(name)
                                     for part in (term.split("-") if " " not in term else (term,)) if part))
                 for name in names_in(question))


def confidence(snapshot: Snapshot, query: QueryInfo, top: Candidate, offered: bool | None = None) -> float:
    """Estimated probability that the corpus answers the question (calibrated evidence). A follow-up in another
    language than the turns before it ("Who met in Rome?" after "Còn Rome thì sao?"; Vietnamese typed without
    diacritics counts as another, since it is matched on another field) is weighed in its own language
    and the turns before it in theirs, and is as sure as the less sure of the two; a part without a content word
    ("When?") says nothing either way. Read as one text, the words in the other language went unfound (that answer
    abstained at 0.01) or, read as English, Vietnamese words were found as they should not be ("thoi tiet the nao?"
    after "Who met in Rome?" was answered at 0.99). 40 held-out conversations (three switch language): answerable
    turns refused 9 -> 8 of 99, unanswerable ones abstaining 0 -> 1 of 7."""
    if not query.context or query.combined.language == query.language:
        return calibrated(evidence(snapshot, query, top, offered), query.combined.language)
    alone = calibrated(_evidence(snapshot, query.alone, top, offered=offered), query.language)
    earlier = QueryInfo(query.context, accented(query.context))
    sure = [alone] if query_terms(query.text, folded=True).unigrams else []
    if query_terms(earlier.text, folded=True).unigrams:  # the follow-up's kind checked in its answer ("When?")
        before = _evidence(snapshot, earlier, top, typed=False)
        sure.append(calibrated(SENTENCE_TYPE_MISSING * before if offered is False else before, earlier.language))
    if not sure:
        return calibrated(evidence(snapshot, query, top, offered), query.combined.language)
    # "Còn Rome thì sao?" after an English turn: Rome alone is what must be found (``evidence``)
    return max(min(sure), alone) if query.new_topic else min(sure)
