"""The sentence of a passage that best answers a question, and how well: the evidence the rerank orders passages by
(``qa.rerank``) and the highlight a cited answer shows (``qa.answers``)."""

from __future__ import annotations

import re
from typing import Callable

from qa.answer_type import answer_type, offer_strength
from qa.answers import Highlight
from qa.evidence import TYPE_MISSING, counted_kind, counted_thing, says_loosely
from qa.exclusion import adds, main_clause
from qa.gloss_cover import Groups, Scorer, gloss_scorer
from qa.glossary import known_share
from qa.lexical import query_terms
from qa.listing import asked_items, lists
from qa.named_places import headed_place, names_head
from qa.photos import asks_credit, asks_photo, caption_end
from qa.retrieval import QueryInfo, glossed_groups, names_in
from qa.sentences import chunk_sentences
from qa.snapshot import Snapshot
from qa.speakers import asked_speaker, says
from qa.spread import spread_scale
from qa.text import Sentence


# Bonus for a sentence offering the asked kind of answer, on the 0..1 coverage scale. A question in
# another language ("How long did the meeting last?") matched Vietnamese text only through names and
# numbers, and its type cue (a duration such as "7 tiếng") counted double (0.3); with the glossary's
# 10,663 words it no longer needs to. Measured in benchmarks/fusion_experiment.py --answer-types. Raised to 0.3 for
# Vietnamese later (a sentence that matches more of the question's words but offers no date or amount won
# "Cuộc gặp ở Rome diễn ra khi nào?"): XQuAD answer@1 (answered or not) 0.797 / 0.786 -> 0.805 / 0.793 (accented
# / unaccented; 0.4 no better), hit@1 and the seed questions unchanged, abstention's fit the same; English at
# 0.3 / 0.4: 0.706 -> 0.703 / 0.698.
ANSWER_TYPE_BONUS = 0.3
FOREIGN_TYPE_BONUS = 0.2
QUESTION_PENALTY = 0.3
CAPTION_PENALTY = 0.15  # asked about a photo (``qa.photos``), a caption scores as much more instead
TITLE_BONUS = 1.0
# How much a sentence's share of the glossary's Vietnamese for an English question (``qa.glossary``)
# adds to its share of the question's own words (XQuAD English, lexical, answer@1: 0.429 without,
# 0.608 at 0.5, 0.603 at 1.0, 0.590 at 2.0) -- and to the evidence behind its confidence, there
# times the share of the question's words the glossary knows (``known_share``), so that a question
# whose one known word is "alert" is not answered by any passage saying "cảnh báo". Refitted for each
# value (benchmarks/calibrate_abstention.py; XQuAD English, AUROC of answerable against unanswerable
# questions and the answerable ones wrongly refused at 95% abstention on the unanswerable): first
# glossary (2,362 words), unscaled: 0.953 at 0.1; 10,663 words, unscaled: 0.967 / 0.971 / 0.970 at
# 0.1 / 0.2 / 0.3, refused 0.218 / 0.179 / 0.149, where 0.3 answered short questions from unrelated
# articles on their common verbs alone; scaled: 0.976 / 0.977 / 0.975 at 0.2 / 0.3 / 0.5, refused
# 0.092 / 0.083 / 0.078. Since each glossed word counts as found through its best rendering
# (``qa.gloss_cover``) an English sentence scores (own share + GLOSS_SHARE x glossary share) / (1 +
# GLOSS_SHARE), so that bonuses and penalties keep their size: XQuAD English, lexical, hit@1 / the
# top sentence answering at 0.5 / 1.0 / 2.0 / 3.0: 0.859 / 0.864 / 0.869 / 0.867 and 0.703 / 0.707 /
# 0.710 / 0.707 (with the sentence weight of qa.rerank at 0.5; at 1.0 for English: 0.878 / 0.720).
GLOSS_SHARE = 2.0
# An English question's names ("Graham Twigg") count again in a sentence's score, at this share of its own words
# (their IDF-weighted share, over 1 + GLOSS_SHARE like the rest): divided by three, a name the text writes as the
# question does weighed less than common words the glossary renders ("propose", "disease"), and "What does Graham
# Twigg propose ...?" highlighted Barney Sloane's argument. XQuAD English, lexical, 0 / 0.5 / 1.0: hit@1 0.881 /
# 0.884 / 0.891, the top sentence answering 0.701 / 0.706 / 0.699 ("who" 0.681 / 0.708 / 0.722); the held-out
# seed questions the same at 0.5 and one fewer answer sentence at 1.0.
NAME_SHARE = 0.5
# ... and the glossary's share itself is scaled by (1 + the share of the question's words the glossary knows) / 2
# (``qa.glossary.known_share``; ``SentencePicker.gloss_weight``): a question that is mostly names ("What did Liu
# Pengyu say?") is not answered by whichever sentence says "cho biết". XQuAD English, lexical, the scale's floor
# 1 (unscaled) / 0.7 / 0.5 / 0.3 / 0 (scaled by the known share alone): hit@1 0.884 / 0.888 / 0.891 / 0.891 / 0.884,
# the top sentence answering 0.706 / 0.709 / 0.714 / 0.714 / 0.701; NAME_SHARE 0 / 1.0 with it: 0.883 / 0.891 and
# 0.704 / 0.696; the seed questions the same; answerable English refused 6.9% -> 6.7%, hard negatives' AUROC 0.941
# -> 0.942.
# A follow-up's own words weigh 1 + this times as much as the earlier turns' in the sentence it is answered
# with (``LexicalIndex.coverage_scorer(stressed=)``): read with its context word for word, "Sao nó lại trở nên
# gấp gáp hơn?" (why did it become more urgent?) after "Cuộc gặp ... ở Rome được lên lịch từ lúc nào?" repeated
# the sentence that answered the turn before. 40 conversations about the seeds written without looking at the
# product's answers (tests/data/seeds-eval/chat-heldout.jsonl, 99 answerable turns, lexical): hit@1 / answer
# sentence 84 / 71 without, 85 / 73 at 1, 85 / 74 at 2 and 3; the dev conversations 8 / 8 throughout.
FOLLOW_UP_STRESS = 2.0
# Asked for an amount, a duration or a time, an answer sentence that offers none is a weaker answer
# (``qa.evidence.SENTENCE_TYPE_MISSING``) unless a sentence that offers one scores nearly as much: "Mỹ Trung họp khi
# nào?" is answered with the sentence on the meeting in Washington; the one before, which says "vào ngày 21/6", scores
# 0.85 of it. The held-out sets about the seeds, lexical: the nearest offering sentence of the unanswerable questions
# asked so scored 0.21-0.71 of the best but one (0.94: "susan thornton sinh nam nao", a date of her words); XQuAD
# answerable refused 71 -> 70 of 1,896 at 0.7-0.9. Asked which hotel, airport, stadium, province or island, "khách
# sạn", "sân bay", "tỉnh" without a name after them are no answer either (``qa.named_places``): "Phái đoàn Trung
# Quốc ở khách sạn nào tại Rome?" was answered at 1.0 from the caption "Phái đoàn Trung Quốc rời khách sạn ở Rome sau
# cuộc gặp."; four unanswerable questions of the held-out sets asked it, the answerable ones of the hotel in Anchorage
# ("tại khách sạn Captain Cook") are answered as before, XQuAD unchanged.
NEARLY = 0.8
# Asked "Apart from Ukraine, which other issues …?" (``qa.exclusion``), the words of the question's rest weigh 1 + this
# times as much as those of what it sets aside, and a sentence adding something scores ``ADDS_BONUS`` more, half as
# much for "cũng" / "còn" within it (``adds``): the question was answered with the sentence on the talks in Rome or on
# Ukraine, not "Bên cạnh đó, hai bên cũng thảo luận về tình hình Triều Tiên, Đài Loan." Every bundled set about the
# seeds (1,731 questions, lexical, k=5): answer sentence +10 (nine English, one unaccented), nothing lost; XQuAD
# (1,896): the same at a stress of 1, one English answer lost at 2 (what Luther published "besides" two titles: the
# sentence listing all three). Where both sentences name the set-aside thing the stress alone does not reach the
# right one ("Ngoài viện trợ quân sự, Moskva còn muốn Bắc Kinh giúp gì?"), nor does counting the rest again in BM25.
SET_ASIDE_STRESS = 1.0
ADDS_BONUS = 0.15


_PRONOUN_START = re.compile(r"(?:Ông|Bà|Họ|Người này|(?:Anh|Chị|Cô|Cậu|Em)\s+(?:ấy|ta)|He|She|They)(?!\w)")


def _gloss_cover(snapshot: Snapshot, gloss: Groups, main: str | None) -> Scorer:
    """The share of an English question's glossary phrases in a sentence; with a clause setting something aside
    (``main``: the rest, ``qa.exclusion``), the rest's phrases weigh 1 + ``SET_ASIDE_STRESS`` times as much, as its words
    do."""
    whole = gloss_scorer(snapshot.lexical, gloss)
    rest = glossed_groups(main) if main else ()
    if not rest:
        return whole
    stressed = gloss_scorer(snapshot.lexical, rest)
    return lambda tokens: (whole(tokens) + SET_ASIDE_STRESS * stressed(tokens)) / (1 + SET_ASIDE_STRESS)


def type_bonus(query: QueryInfo) -> float:
    """The answer-type bonus for this question's language (see ANSWER_TYPE_BONUS)."""
    return FOREIGN_TYPE_BONUS if query.language == "other" else ANSWER_TYPE_BONUS


class SentencePicker:
    """The sentence of a passage that best answers one question, and how well (0..~1.3).

    A sentence scores the IDF-weighted share of the question's words and word
    pairs it contains, plus a bonus when it offers the kind of thing asked for
    (a number for "bao nhiêu", a duration for "how long", a name for "ai"),
    minus a penalty when it is itself a question (a headline such as "... thảo
    luận gì?"). The document's headline (``DocMeta.heading``) counts towards the
    passage's evidence but is the highlight only when the passage has no other
    sentence: as the answer it would only repeat the citation's title. ``asked``
    is the question itself when ``query`` is a follow-up combined with its context: the kind of answer wanted is the follow-up's own
    ("Who met in Rome?" then "How long did the meeting last?" wants a duration).
    What depends only on the question (its weights, the kind of answer) is looked
    up once for all the passages it is called with.
    """

    def __init__(self, snapshot: Snapshot, query: QueryInfo, asked: QueryInfo | None = None) -> None:
        asked = asked or query
        self.snapshot = snapshot
        self.credit = asks_credit(asked.text)  # "Bức ảnh … là của cơ quan nào?": the caption with its credit
        # whose photo it is asks for its credit, no kind of thing ("Ảnh … lấy từ đâu?" asks no place)
        self.kind = None if self.credit else answer_type(asked.text)
        # asked for someone's office, every sentence naming them covers the question whole: the office next to
        # the name is what tells the answer
        self.bonus = TITLE_BONUS if self.kind == "title" else type_bonus(asked)
        self.caption = CAPTION_PENALTY if asks_photo(asked.text) else -CAPTION_PENALTY
        # asked for an amount, a duration or a time, a passage offering none ranks as it is sure: on half its evidence
        # (``qa.evidence.TYPE_MISSING``; "... gặp ... ở Rome vào ngày nào?" had the passage that says they met in
        # Rome above the one that says when)
        self.counted = None if self.credit else counted_kind(asked.text)  # None or ``self.kind``
        self.thing = counted_thing(asked.text)  # "lan" of "bao nhiêu lần": "nhiều lần" counts them
        self.headed = headed_place(asked.text)  # "khách sạn" of "Which hotel …?", or None
        self.speaker = () if self.credit else asked_speaker(asked.text)  # whose words: "What did Wang Yi say …?"
        self.items = asked_items(asked.text)  # 4 of "What were the four points of …?"
        gloss = query.gloss_groups
        self.question = query.with_glossary  # what the question already says, in either language
        # a follow-up read with the turns before it: its own words weigh more than theirs; a question setting
        # something aside ("Apart from Ukraine, …", ``qa.exclusion``): the words of the rest weigh more than its
        main = main_clause(asked.text)
        self.set_aside = main is not None
        follow_up = asked is not query
        self._words = dict(query=query.text, diacritics=query.diacritics,
                           stressed=main or (asked.text if follow_up else ""),
                           stress=FOLLOW_UP_STRESS if follow_up else SET_ASIDE_STRESS)
        self.cover = snapshot.lexical.coverage_scorer(**self._words)
        self._spread: dict[str, Callable[[frozenset[str]], float] | None] = {}  # by article (``_spread_cover``)
        self._rows: dict[int, tuple[SentencePicker | None, tuple]] = {}  # by chunk row (``_sentence_scores``)
        self._terms = {t for weights, _ in snapshot.lexical.weights(query.text, query.diacritics) for t in weights}
        self.foreign = query.language == "other"
        self.folded = not query.diacritics
        self.gloss_cover = _gloss_cover(snapshot, gloss, main) if gloss else None
        # the glossary's share weighs as much as it stands for of the question: half for "What did Liu Pengyu
        # say?" (only "say" known, and "cho biết" is in half the news), whole when it knows every word
        self.gloss_weight = GLOSS_SHARE * (1 + known_share(query.text)) / 2 if gloss else 0.0
        names = " ".join(names_in(query.text)) if gloss else ""
        self.name_cover = snapshot.lexical.coverage_scorer(names, diacritics=False) if names else None
        self.name_terms = frozenset(query_terms(names, folded=True).all)  # most sentences have none of them

    def __call__(self, row: int, context: "SentencePicker | None" = None,
                 shown: tuple[tuple[int, int], ...] = ()) -> tuple[Highlight, float, bool]:
        """(the answer sentence, the passage's evidence for ranking, whether its answer offers the kind of thing asked,
        ``_answers_kind``). ``context``: the same question with a
        follow-up's earlier turns (``QueryInfo.combined``, the follow-up's words stressed): a sentence scores the
        better of its share of the follow-up alone and its share of the whole (a follow-up may say little itself:
        "When?"). ``shown``: spans of the file better passages already show, a sentence in one not picked again while the
        passage has another (the evidence is the passage's all the same)."""
        sentences, scores, figures, picking = self._sentence_scores(row, context)
        best: tuple[Sentence, str] | None = None
        best_score, best_at = -1.0, -1
        plain = -1.0  # the best score of a sentence that could be the answer, its words weighed across the corpus
        heading: tuple[Sentence, str] | None = None
        # of the best sentence, the headline included: it tells which passage is about the question; a photo
        # caption counts as it would to be the answer ("Phái đoàn Trung Quốc rời khách sạn ở Rome sau cuộc gặp."
        # put the article's lead above the passage that says who met in Rome)
        evidence = max((self._weighed(score, sentence[5]) for sentence, score in zip(sentences, scores)), default=-1.0)
        heading_at = -1
        for at, ((sent, text, _, _, in_heading, in_caption, _), score) in enumerate(zip(sentences, picking)):
            if in_heading:  # but never the answer while the passage has another sentence
                if heading is None:
                    heading, heading_at = (sent, text), at
            elif not any(a <= sent.start < b for a, b in shown):
                plain = max(plain, self._weighed(scores[at], in_caption))
                if (own := self._weighed(score, in_caption)) > best_score + 1e-9:
                    # a photo caption (it describes a picture) answers only when it does clearly better
                    best, best_score, best_at = (sent, text), own, at

        def offers(at: int) -> bool:  # the amount, duration or time asked, in figures or otherwise (``says_loosely``)
            return figures[at] or says_loosely(sentences[at][6], self.kind, self.thing)

        if best is None and shown:  # nothing but what is shown already: shown again
            return self(row, context)
        if best is None and heading is not None:  # a passage of the headline alone (the body follows a dropped line):
            # no evidence of its own, since the document field already carries the title to every passage
            return Highlight(heading[1], heading[0].start, heading[0].end), 0.0, self.counted is None or offers(heading_at)
        if best is None:
            chunk = self.snapshot.chunks[row]
            return Highlight(chunk.text, chunk.start, chunk.end), 0.0, self.counted is None
        found = self._with_antecedent(row, sentences, best_at)
        if self.credit and (end := caption_end(self.snapshot.raws[self.snapshot.chunks.doc_id(row)], found.end)) > found.end:
            found = Highlight(self.snapshot.raws[self.snapshot.chunks.doc_id(row)][found.start : end], found.start, end)
        if self.counted is not None and not any(figures) and not any(map(offers, range(len(sentences)))):
            evidence *= TYPE_MISSING
        # whether it offers what is asked: in the answer, or in a sentence scoring nearly as much as the best does
        # across the corpus (``NEARLY`` is of that score)
        return found, max(0.0, evidence), self._answers_kind(sentences, scores, offers, best_at, plain)

    def _sentence_scores(self, row: int, context: "SentencePicker | None") -> tuple[list, list[float], list[bool], list[float]]:
        """The chunk's sentences and ``_scored``'s three lists for them, the better of each sentence's own and
        ``context``'s (see ``__call__``); remembered for the row, which is picked again when its answer is shown
        already."""
        found = self._rows.get(row)
        if found is not None and found[0] is context:
            return found[1]
        sentences = chunk_sentences(self.snapshot, row, folded=self.folded)
        scores, figures, picking = self._scored(row, sentences, self._spread_cover(row))
        if context is not None:
            together = context.scores(row)
            unspread = picking is scores  # (``_spread_cover`` None: the same scores)
            scores = [max(own, both) for own, both in zip(scores, together)]
            picking = scores if unspread else [max(own, both) for own, both in zip(picking, together)]
        self._rows[row] = (context, (sentences, scores, figures, picking))
        return sentences, scores, figures, picking

    def _weighed(self, score: float, in_caption: bool) -> float:
        """A sentence's score as the answer: a photo caption's more or less (``CAPTION_PENALTY``); asked whose photo it
        is (``self.credit``), any other sentence's less by as much: the credit closes a caption ("anh minh hoa ... lay
        tu dau" was answered with the sentence after the caption, which shares more of its words)."""
        if in_caption:
            return score + self.caption
        return score - CAPTION_PENALTY if self.credit else score

    def _answers_kind(self, sentences: list, scores: list[float], offers: Callable[[int], bool], best_at: int,
                      best_score: float) -> bool:
        """Whether the passage's answer offers the kind of thing asked: the amount, duration or time in the answer
        sentence (``best_at``) or in one scoring ``NEARLY`` as much; asked which hotel (``headed_place``), the answer
        sentence or one scoring nearly as much names one ("khách sạn Captain Cook"): a passage that says "khách sạn"
        without a name, or no hotel at all, does not say which ("Which hotel hosted the Rome talks?" was answered at
        0.65 with a sentence on the talks); asked what someone said (``qa.speakers``), one of them gives their
        words; asked for the items of a list it counts (``qa.listing``), one of them lists that many; asked whose
        photo it is (``qa.photos``), the answer sentence is a caption, which its credit closes (``qa.rerank`` ranks
        such passages first)."""
        if self.credit:  # whose photo: the answer is a caption, which its credit closes
            return bool(sentences[best_at][5])
        if self.counted is None and self.headed is None and not self.speaker and self.items is None:
            return True
        near = [at for at, (item, score) in enumerate(zip(sentences, scores))  # scored as the best was
                if not item[4] and self._weighed(score, item[5]) >= NEARLY * best_score]
        if self.counted is not None and not (offers(best_at) or any(map(offers, near))):
            return False
        if self.headed is not None:
            named = [names_head(item[6], self.headed) for item in sentences]
            if not (named[best_at] or any(named[at] for at in near)):
                return False
        if self.items is not None and not any(lists(sentences[at][6], self.items) for at in (best_at, *near)):
            return False
        if self.speaker:
            texts = [item[6] for item in sentences]
            return any(says(texts, at, self.speaker) for at in (best_at, *near))
        return True

    def _with_antecedent(self, row: int, sentences: list, at: int) -> Highlight:
        """The answer to "who ...?" that names nobody but begins with "Ông" / "Bà" / "Họ" ("Ông cũng nói rõ Mỹ
        muốn ...") starts at the sentence before, which says who ("Ngoại trưởng Mỹ Rex Tillerson nói rằng, ...").
        ``at``: the answer sentence's place in ``sentences``."""
        sent, text = sentences[at][:2]
        if (self.kind != "person" or at == 0 or not _PRONOUN_START.match(text)
                or offer_strength(sentences[at][6], "person", self.question)):
            return Highlight(text, sent.start, sent.end)
        raw = self.snapshot.raws[self.snapshot.chunks.doc_id(row)]
        before, _, _, _, in_heading, in_caption, before_text = sentences[at - 1]
        # the sentence before in the same paragraph, naming someone: not a heading, a caption or a credit line
        if (in_heading or in_caption or any(c in raw[before.start : sent.start] for c in "\r\n\u2028\u2029")
                or not offer_strength(before_text, "person", self.question)):
            return Highlight(text, sent.start, sent.end)
        return Highlight(raw[before.start : sent.end], before.start, sent.end)

    def _spread_cover(self, row: int) -> Callable[[frozenset[str]], float] | None:
        """``self.cover`` with the question's words weighed by how widely the passage's article spreads them over its
        sentences (``qa.spread``), to pick the answer sentence by: "Ai đã hát Quốc Ca tại Super Bowl 50?" was answered
        with a sentence on another Super Bowl, its two words found there weighing more than "quốc ca". None when it
        would be ``self.cover``: none of the question's words is in more than one of the article's sentences; the
        question is in another language (its own words are rarely the text's; its Vietnamese, the glossary's, is not
        weighed so: XQuAD's 632 English questions answered the same either way); or it asks whose photo it is (a
        caption is told by what it shows, however often the article says it: "anh minh hoa bai my trung chong khung
        bo lay tu dau" lost the caption that repeats the headline to the sentence after it)."""
        if self.foreign or self.credit:
            return None
        doc_id = self.snapshot.chunks.doc_id(row)
        if doc_id not in self._spread:
            scale = spread_scale(self.snapshot, doc_id, self.folded)
            spread = not scale.keys().isdisjoint(self._terms)
            self._spread[doc_id] = self.snapshot.lexical.coverage_scorer(**self._words, scale=scale) if spread else None
        return self._spread[doc_id]

    def scores(self, row: int, sentences: list | None = None) -> list[float]:
        """Each sentence's score: its share of the question, the answer-type bonus, the question penalty."""
        return self._scored(row, sentences)[0]

    def _scored(self, row: int, sentences: list | None = None,
                spread: Callable[[frozenset[str]], float] | None = None) -> tuple[list[float], list[bool], list[float]]:
        """``scores``, whether each sentence offers the amount, duration or time asked (``self.counted``; empty
        when none is asked) as the answer type reads one (in figures, as a date; ``says_loosely`` is asked only where
        it matters, ``__call__``), and the scores with the question's words counted by ``spread`` instead of
        ``self.cover`` (``_spread_cover``; the scores themselves without it)."""
        kind, cover, question = self.kind, self.cover, self.question
        sentences = sentences if sentences is not None else chunk_sentences(self.snapshot, row, folded=self.folded)
        glossed = self._glossed(row, sentences)
        scores: list[float] = []
        offers: list[bool] = []  # only when an amount, a duration or a time is asked
        respread: list[float] = []  # what ``spread`` adds to each score
        counted = self.counted is not None
        for i, (_, _, tokens, is_question, _, _, text) in enumerate(sentences):
            own = cover(tokens)
            if spread is not None:  # a sentence without a word of the question has none to weigh otherwise
                more = spread(tokens) - own if own else 0.0
                respread.append(more / (1 + GLOSS_SHARE) if glossed else more)
            score = (own + glossed[i]) / (1 + GLOSS_SHARE) if glossed else own
            if self.name_cover is not None and not tokens.isdisjoint(self.name_terms):
                score += NAME_SHARE * self.name_cover(tokens) / (1 + GLOSS_SHARE)
            if kind is not None:
                strength = offer_strength(text, kind, question)
                score += self.bonus * strength
                if counted:
                    offers.append(strength > 0)
            if is_question:
                score -= QUESTION_PENALTY
            if self.set_aside:
                score += ADDS_BONUS * adds(text)
            scores.append(score)
        return scores, offers, [a + b for a, b in zip(scores, respread)] if spread is not None else scores

    def _glossed(self, row: int, sentences: list) -> list[float] | None:
        """Each sentence's share of the question's glossary phrases (on its accented tokens), or None."""
        if self.gloss_cover is None:
            return None
        accented = sentences if not self.folded else chunk_sentences(self.snapshot, row, folded=False)
        return [self.gloss_weight * self.gloss_cover(item[2]) for item in accented]
