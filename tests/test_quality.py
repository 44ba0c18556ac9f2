"""Retrieval quality floors on the bundled question sets (tests/data), lexical mode: what the README's
"Quality" section measures, each floor a few points under the measured figure, so that a change that
costs answers fails here and not only in a benchmark nobody ran.

- ``xquad-vi-sample``: all 24 XQuAD-vi articles and every fourth question (158 per language), CC BY-SA 4.0.
- ``seeds-eval/dev.jsonl``, ``dev-chat.jsonl``: the project's dev questions and conversations about the five
  seed articles.
- ``seeds-eval/chat-heldout.jsonl``: 40 conversations (106 turns) about the seeds, written the same way.
- ``seeds-eval/heldout.jsonl``: 100 questions about the seeds written without looking at the product's
  answers (15 the articles cannot answer); 13 of the 85 answers lie only in text that is not the article's own
  (related articles' leads and a press-release footer, searchable as such; a byline and a dateline, which answer
  questions about the article itself: ``qa.credits``).
- ``seeds-eval/heldout2.jsonl``: 130 more, written the same way later by another reader (20 unanswerable).
- ``seeds-eval/short.jsonl``: 75 short questions written like the dev set's (10 unanswerable).
- ``seeds-eval/heldout3.jsonl``: 111 more by a third reader, asked not to repeat the others (18 unanswerable).
- ``seeds-eval/heldout4.jsonl``: 130 more by a fourth reader, asked for paraphrase, keyword queries, captions and
  page lines (20 unanswerable).
- ``seeds-eval/heldout5.jsonl``: 130 more by a fifth reader, asked to type as people type to a chatbot: names spelled
  the international way, some accents left out, typos, keyword queries (20 unanswerable, 16 of them near misses).
- ``seeds-eval/heldout6.jsonl``: 130 more by a sixth reader, asked for near misses among the unanswerable ones (an
  exact date, a count, an age, a venue's name, a reply the article does not report: all 20 of them).
- ``seeds-eval/heldout7.jsonl``: 130 more by a seventh reader, from the articles alone (near misses of every kind:
  who, where, when, how many, how long, what was said, why; a few questions on the page's own lines).
- ``seeds-eval/heldout8.jsonl``: 130 more by an eighth reader, from the articles alone, written before the session
  that read it (English names for Chinese officials, outlets and credits, related articles' leads; 20 unanswerable).
- ``seeds-eval/heldout9.jsonl``: 130 more by a ninth reader, from the articles alone, written at the start of the
  session that read it (the related news at the foot of a page, the publisher's own lines; 20 unanswerable).
- ``seeds-eval/heldout10.jsonl`` to ``heldout15.jsonl``: 130 each by six more readers, the same way (20 unanswerable
  each).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.config import Settings
from qa.evaluation import evaluate, evaluate_chat, load_questions

DATA = Path(__file__).resolve().parent / "data"
XQUAD = DATA / "xquad-vi-sample"
SEEDS_EVAL = DATA / "seeds-eval"
SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _evaluate(questions: Path, docs: Path, cross: Path) -> dict:
    return evaluate(questions, docs, mode="lexical", k=10, warn=lambda message: None,
                    settings=Settings(mode="lexical"), cross_docs=cross)


@pytest.fixture(scope="module")
def xquad() -> dict:
    return _evaluate(XQUAD / "questions.jsonl", XQUAD / "docs", SEEDS)


@pytest.mark.parametrize(("lang", "hit_floor", "answer_floor"), [
    ("en", 0.84, 0.67), ("vi", 0.89, 0.75), ("vi-nodiac", 0.89, 0.74),  # measured 0.892 / 0.924 / 0.924, 0.722 / 0.804 / 0.791
])
def test_xquad_sample_finds_the_answering_passage_first(xquad: dict, lang: str, hit_floor: float,
                                                        answer_floor: float) -> None:
    m = xquad["by_lang"][lang]
    assert m["n"] == 158
    assert m["hit@1"] >= hit_floor and m["answer@1"] >= answer_floor, m
    assert m["recall@5"] >= 0.92, m  # measured 0.937 / 0.994 / 0.994
    assert m["abstained"] <= 0.12, m  # answerable questions refused; measured 0.095 / 0.038 / 0.038


def test_xquad_sample_asked_of_the_seeds_abstains(xquad: dict) -> None:
    """The same questions over the five news articles: nothing there answers them."""
    for lang, rate in xquad["cross"]["by_lang"].items():
        assert rate >= 0.93, (lang, rate)  # measured 0.962 / 0.994 / 0.956
    for lang, value in xquad["confidence_auroc"].items():
        assert value >= 0.95, (lang, value)  # measured 0.969 / 0.998 / 0.993


def test_dev_questions_about_the_seeds() -> None:
    report = _evaluate(SEEDS_EVAL / "dev.jsonl", SEEDS, XQUAD / "docs")
    hits = {lang: round(m["hit@1"] * m["n"]) for lang, m in report["by_lang"].items()}
    assert hits == {"en": 6, "vi": 5, "vi-nodiac": 2}, report["by_lang"]  # of 6 / 5 / 2
    sentences = {lang: round(m["answer@1"] * m["n"]) for lang, m in report["by_lang"].items()}
    assert sentences == {"en": 6, "vi": 5, "vi-nodiac": 2}, report["by_lang"]  # the answer sentence holds the answer
    assert report["abstention"]["abstained"] == report["abstention"]["unanswerable"] == 2
    assert report["abstention"]["answerable_abstained"] == 0


def test_follow_ups_in_the_dev_conversations_find_their_passage() -> None:
    """"Who met in Rome?" then "How long did the meeting last?": each turn asked with the turns before it."""
    report = evaluate_chat(SEEDS_EVAL / "dev-chat.jsonl", SEEDS, mode="lexical", warn=lambda message: None,
                           settings=Settings(mode="lexical"))
    assert report["turns"] == 8 and report["hit@1"] == report["answer@1"] == 1.0, report["details"]


def test_heldout_conversations_about_the_seeds() -> None:
    """40 conversations written without looking at the product's answers: pronouns, "When?", "Còn X thì sao?", a
    new question about the same person; 7 turns ask what the articles never say."""
    report = evaluate_chat(SEEDS_EVAL / "chat-heldout.jsonl", SEEDS, mode="lexical", warn=lambda message: None,
                           settings=Settings(mode="lexical"))
    assert report["turns"] == 106 and report["answerable"] == 99
    assert report["hit@1"] >= 0.84 and report["answer@1"] >= 0.73, report  # measured 0.879 / 0.768
    assert report["follow_up_hit@1"] >= 0.79 and report["follow_up_answer@1"] >= 0.69, report  # 0.831 / 0.729
    assert report["abstention"]["abstained"] >= 3, report["abstention"]  # of 7 unanswerable turns; measured 3 (first 1)


def test_heldout_questions_about_the_seeds() -> None:
    questions = load_questions(SEEDS_EVAL / "heldout.jsonl")
    assert len(questions) == 100 and sum(q["article"] is None for q in questions) == 15
    report = _evaluate(SEEDS_EVAL / "heldout.jsonl", SEEDS, XQUAD / "docs")
    floors = {"en": 0.88, "vi": 0.80, "vi-nodiac": 0.90}  # measured 0.933 / 0.867 / 0.960
    for lang, floor in floors.items():
        assert report["by_lang"][lang]["hit@1"] >= floor, (lang, report["by_lang"][lang])
    assert report["abstention"]["abstained"] >= 9, report["abstention"]  # of 15; measured 11 (8 before the answer's check)
    assert report["cross"]["rate"] >= 0.92, report["cross"]  # measured 0.95 (0.91 before compounds counted whole)


def _seed_set(name: str, size: int, unanswerable: int, floors: dict[str, tuple[float, float]], *, abstaining: int,
              refused: int | None = None, cross: float | None = None) -> None:
    """A bundled question set about the seeds, lexical: its size; hit@1 / answer@1 floors per language; at least
    ``abstaining`` of its unanswerable questions abstain, at most ``refused`` of its answerable ones are refused, and at
    least ``cross`` of it abstains asked of the XQuAD articles."""
    questions = load_questions(SEEDS_EVAL / name)
    assert len(questions) == size and sum(q["article"] is None for q in questions) == unanswerable
    report = _evaluate(SEEDS_EVAL / name, SEEDS, XQUAD / "docs")
    for lang, (hit, answer) in floors.items():
        m = report["by_lang"][lang]
        assert m["hit@1"] >= hit and m["answer@1"] >= answer, (lang, m)
    assert report["abstention"]["abstained"] >= abstaining, report["abstention"]
    if refused is not None:
        assert report["abstention"]["answerable_abstained"] <= refused, report["abstention"]
    if cross is not None:
        assert report["cross"]["rate"] >= cross, report["cross"]


def test_second_heldout_questions_about_the_seeds() -> None:
    # measured hit@1 0.900 / 1.000 / 0.833, answer@1 0.825 / 0.950 / 0.767
    # unanswerable abstaining: of 20; measured 19 (18 before a day was no length)
    # cross: measured 0.938
    _seed_set("heldout2.jsonl", 130, 20, {"en": (0.85, 0.77), "vi": (0.94, 0.89), "vi-nodiac": (0.78, 0.70)},
              abstaining=17, cross=0.89)


def test_short_questions_about_the_seeds() -> None:
    """Written like the dev set ("Who met in Rome?"): a few words on each article's main facts."""
    # measured hit@1 0.840 / 0.880 / 0.933, answer@1 0.720 / 0.800 / 0.867
    # unanswerable abstaining: of 10; measured 10 (9 before the hotel named)
    # answerable refused: of 65; measured 5
    _seed_set("short.jsonl", 75, 10, {"en": (0.78, 0.66), "vi": (0.83, 0.75), "vi-nodiac": (0.86, 0.80)},
              abstaining=9, refused=7)


def test_third_heldout_questions_about_the_seeds() -> None:
    """Details deep in the articles, "Who is X?", yes-or-no questions, near-topic questions they do not answer."""
    # measured hit@1 0.947 / 0.971 / 0.762, answer@1 0.895 / 0.912 / 0.714
    # unanswerable abstaining: of 18; measured 15 (13 before "what X said", the hotel)
    # answerable refused: of 93; measured 4
    # cross: measured 0.946
    _seed_set("heldout3.jsonl", 111, 18, {"en": (0.89, 0.84), "vi": (0.91, 0.85), "vi-nodiac": (0.71, 0.66)},
              abstaining=13, refused=10, cross=0.91)


def test_fourth_heldout_questions_about_the_seeds() -> None:
    """Paraphrase ("Bắc Kinh" for China), keyword queries, captions, bylines and the page's other lines."""
    # measured hit@1 0.952 / 0.791 / 0.880, answer@1 0.833 / 0.698 / 0.760
    # unanswerable abstaining: of 20; measured 19 (15 before "what X said", the four points and the day that is no
    # length; 10 before the answer's check)
    # answerable refused: of 110; measured 7
    # cross: measured 0.962
    _seed_set("heldout4.jsonl", 130, 20, {"en": (0.90, 0.78), "vi": (0.74, 0.65), "vi-nodiac": (0.83, 0.71)},
              abstaining=17, refused=12, cross=0.93)


def test_fifth_heldout_questions_about_the_seeds() -> None:
    """As people type: "Jake Sullivan gặp Yang Jiechi ở đâu?", "Ngoai truong My gặp ai?", "Tillerson mún TQ giúp gì"."""
    # measured hit@1 0.800 / 0.933 / 0.950, answer@1 0.644 / 0.867 / 0.900 (first: vi 0.867 / 0.756)
    # unanswerable abstaining: of 20; measured 17 (15 before "what X said" and the four points; 10 before the answer's
    # check)
    # answerable refused: of 110; measured 14 (first 22)
    # cross: measured 0.946
    _seed_set("heldout5.jsonl", 130, 20, {"en": (0.75, 0.60), "vi": (0.88, 0.80), "vi-nodiac": (0.90, 0.85)},
              abstaining=15, refused=18, cross=0.92)


def test_sixth_heldout_questions_about_the_seeds() -> None:
    """20 near misses: the details next to the ones the articles give (the Rome hotel's name, Kissinger's age)."""
    # measured hit@1 0.889 / 0.867 / 0.950, answer@1 0.844 / 0.867 / 0.900, the same as when first measured
    # unanswerable abstaining: of 20; measured 17 (14 before "what X said" and the four points; first 7)
    # answerable refused: of 110; measured 6
    # cross: measured 0.977
    _seed_set("heldout6.jsonl", 130, 20, {"en": (0.84, 0.78), "vi": (0.82, 0.82), "vi-nodiac": (0.90, 0.85)},
              abstaining=15, refused=9, cross=0.94)


def test_seventh_heldout_questions_about_the_seeds() -> None:
    """Written mid-session, before the fixes for questions about the article's page (the section it is filed under,
    the hour it was published, "ai viết bài X") and whose photo "lấy từ đâu" asks."""
    # measured hit@1 0.844 / 0.956 / 0.900, answer@1 0.800 / 0.956 / 0.800 (first: 0.844 / 0.911 / 0.850, 0.800 /
    # 0.889 / 0.750)
    # unanswerable abstaining: of 20; measured 10 (8 before "what X said"; first 6)
    # answerable refused: of 110; measured 7 (first 10)
    # cross: measured 0.969
    _seed_set("heldout7.jsonl", 130, 20, {"en": (0.80, 0.75), "vi": (0.91, 0.91), "vi-nodiac": (0.85, 0.75)},
              abstaining=8, refused=10, cross=0.94)


def test_eighth_heldout_questions_about_the_seeds() -> None:
    """Written at the start of a session, before its changes (an outlet named in the question, who distributed the
    article, "điều gì", what someone said); some of them were informed by its misses."""
    # measured hit@1 0.889 / 0.933 / 0.950, answer@1 0.867 / 0.844 / 0.850 (first: 0.844 / 0.911 / 0.950, 0.822 /
    # 0.822 / 0.850)
    # unanswerable abstaining: of 20; measured 15 (first 11)
    # answerable refused: of 110; measured 6 (first 8)
    # cross: measured 0.977
    _seed_set("heldout8.jsonl", 130, 20, {"en": (0.85, 0.82), "vi": (0.89, 0.80), "vi-nodiac": (0.90, 0.80)},
              abstaining=13, refused=9, cross=0.94)


def test_ninth_heldout_questions_about_the_seeds() -> None:
    """Written at the start of a session, before its changes; one of them ("diplomats") informed a glossary entry."""
    # measured hit@1 0.933 / 0.911 / 1.000, answer@1 0.911 / 0.867 / 0.900 (first: en 0.911 / 0.889, the rest the same)
    # unanswerable abstaining: of 20; measured 13
    # answerable refused: of 110; measured 6
    # cross: measured 0.946
    _seed_set("heldout9.jsonl", 130, 20, {"en": (0.88, 0.86), "vi": (0.86, 0.82), "vi-nodiac": (0.95, 0.85)},
              abstaining=11, refused=9, cross=0.92)


def test_tenth_heldout_questions_about_the_seeds() -> None:
    """Written at the start of a session from the articles alone, before its changes."""
    # measured hit@1 0.915 / 0.976 / 0.810, answer@1 0.830 / 0.929 / 0.762 (first: en 0.872 / 0.809, the rest the same)
    # unanswerable abstaining: of 20; measured 13 (first 11)
    # answerable refused: of 110; measured 13 (first 15)
    # cross: measured 0.938
    _seed_set("heldout10.jsonl", 130, 20, {"en": (0.87, 0.79), "vi": (0.93, 0.88), "vi-nodiac": (0.76, 0.71)},
              abstaining=11, refused=16, cross=0.91)


def test_eleventh_heldout_questions_about_the_seeds() -> None:
    """Written at the start of a session from the articles alone, before its changes."""
    # measured hit@1 0.936 / 0.929 / 0.952, answer@1 0.915 / 0.905 / 0.905 (first: 0.915 / 0.929 / 0.905 and
    # 0.894 / 0.905 / 0.857, before the headlines of a list of links were searchable)
    # unanswerable abstaining: of 20; measured 12
    # answerable refused: of 110; measured 8 (first 9)
    # cross: measured 1.000
    _seed_set("heldout11.jsonl", 130, 20, {"en": (0.89, 0.87), "vi": (0.88, 0.86), "vi-nodiac": (0.85, 0.80)},
              abstaining=10, refused=10, cross=0.96)


def test_twelfth_heldout_questions_about_the_seeds() -> None:
    """Written at the start of a session from the articles alone, before its changes."""
    # measured hit@1 0.915 / 0.881 / 0.952, answer@1 0.872 / 0.833 / 0.905 (first: 0.894 / 0.881 / 0.952 and
    # 0.830 / 0.833 / 0.905, before the glossary knew "pay tribute", "late" as deceased and "peace proposal")
    # unanswerable abstaining: of 20; measured 14 (first 13)
    # answerable refused: of 110; measured 9 (first 10)
    # cross: measured 0.954
    _seed_set("heldout12.jsonl", 130, 20, {"en": (0.87, 0.81), "vi": (0.85, 0.80), "vi-nodiac": (0.90, 0.85)},
              abstaining=11, refused=11, cross=0.92)


def test_thirteenth_heldout_questions_about_the_seeds() -> None:
    """Written at the start of a session from the articles alone, before its changes."""
    # measured hit@1 0.851 / 0.881 / 0.857, answer@1 0.830 / 0.810 / 0.714 (first: 0.830 / 0.881 / 0.857 and
    # 0.787 / 0.810 / 0.714, before "Besides Ukraine, what else …?", the glossary's "last week", "submit", "pressure"
    # and "US State Department" looked for by its terms)
    # unanswerable abstaining: of 20; measured 14 (first 14)
    # answerable refused: of 110; measured 5 (first 7)
    # cross: measured 0.892
    _seed_set("heldout13.jsonl", 130, 20, {"en": (0.80, 0.78), "vi": (0.83, 0.76), "vi-nodiac": (0.80, 0.66)},
              abstaining=12, refused=7, cross=0.85)


def test_fourteenth_heldout_questions_about_the_seeds() -> None:
    """Written at the start of a session from the articles alone, before its changes."""
    # measured hit@1 0.891 / 0.953 / 1.000, answer@1 0.826 / 0.953 / 0.952 (first: 0.826 / 0.953 / 1.000 and
    # 0.761 / 0.953 / 0.952, before keyword queries naming a duration, "VOV: ...", capitals for their countries and
    # "group" as "lực lượng")
    # unanswerable abstaining: of 20; measured 13 (first 13)
    # answerable refused: of 110; measured 11 (first 13)
    # cross: measured 0.946
    _seed_set("heldout14.jsonl", 130, 20, {"en": (0.86, 0.80), "vi": (0.93, 0.93), "vi-nodiac": (0.95, 0.90)},
              abstaining=12, refused=12, cross=0.90)


def test_fifteenth_heldout_questions_about_the_seeds() -> None:
    """Written at the start of a session from the articles alone, before its changes."""
    # measured hit@1 0.957 / 1.000 / 1.000, answer@1 0.894 / 0.929 / 0.905 (first: 0.957 / 1.000 / 0.905 and
    # 0.894 / 0.929 / 0.810, before "tác giả bài ...", "bài ... của báo X" and "Nga" not found in "quan ngai")
    # unanswerable abstaining: of 20; measured 14 (first 14)
    # answerable refused: of 110; measured 2 (first 4, before "agent" as "tác nhân" and "reach" as "tiếp cận")
    # cross: measured 0.969
    _seed_set("heldout15.jsonl", 130, 20, {"en": (0.93, 0.86), "vi": (0.97, 0.90), "vi-nodiac": (0.95, 0.85)},
              abstaining=13, refused=4, cross=0.93)


def test_sixteenth_heldout_questions_about_the_seeds() -> None:
    """Written at the start of a session from the articles alone, before its changes; it asks more than the others
    about the page around the article (related headlines, bylines, outlet tags)."""
    # measured hit@1 0.896 / 0.907 / 0.947, answer@1 0.875 / 0.884 / 0.895 (first: 0.812 / 0.907 / 0.947 and 0.792 /
    # 0.884 / 0.895, before questions about the page's other news, an outlet's tag or byline, and "Italian" as "Italy")
    # unanswerable abstaining: of 20; measured 7 (first 7)
    # answerable refused: of 110; measured 11 (first 19)
    # cross: measured 0.985
    _seed_set("heldout16.jsonl", 130, 20, {"en": (0.87, 0.85), "vi": (0.88, 0.86), "vi-nodiac": (0.92, 0.87)},
              abstaining=6, refused=13, cross=0.95)


def test_seventeenth_heldout_questions_about_the_seeds() -> None:
    """Written at the start of a session from the articles alone, before its changes."""
    # measured hit@1 0.957 / 0.905 / 1.000, answer@1 the same (first: the same, before capitals as their countries
    # and a year the article never says)
    # unanswerable abstaining: of 20; measured 15 (first 14)
    # answerable refused: of 110; measured 6 (first 6)
    # cross: measured 0.938
    _seed_set("heldout17.jsonl", 130, 20, {"en": (0.93, 0.93), "vi": (0.88, 0.88), "vi-nodiac": (0.95, 0.95)},
              abstaining=14, refused=7, cross=0.92)


def test_eighteenth_heldout_questions_about_the_seeds() -> None:
    """Written at the start of a session from the articles alone, before its changes."""
    # measured hit@1 0.957 / 0.905 / 0.952, answer@1 0.872 / 0.881 / 0.952 (first: hit@1 0.936 / 0.905 / 0.952, answer@1
    # the same, before a holder's country from another article, a duration's scale, a day the article never says and
    # the glossary's spokesperson and local time)
    # unanswerable abstaining: of 20; measured 16 (first 14)
    # answerable refused: of 110; measured 5 (first 8)
    # cross: measured 0.977 (first 0.977)
    _seed_set("heldout18.jsonl", 130, 20, {"en": (0.93, 0.85), "vi": (0.88, 0.85), "vi-nodiac": (0.92, 0.92)},
              abstaining=15, refused=6, cross=0.96)


def test_nineteenth_heldout_questions_about_the_seeds() -> None:
    """Written at the start of a session from the articles alone, before its changes."""
    # measured hit@1 0.936 / 0.929 / 0.952, answer@1 0.915 / 0.881 / 0.905 (first: hit@1 0.915 / 0.929 / 0.952, answer@1
    # 0.894 / 0.881 / 0.905, before an agency asked as "the source of" the article)
    # unanswerable abstaining: of 20; measured 16 (first 15: +2 a distance asked and an office asked without accents,
    # -1 the Rome page's other news no longer dating the Rome talks 2025)
    # answerable refused: of 110; measured 3 (first 4)
    # cross: measured 0.977 (first 0.969)
    _seed_set("heldout19.jsonl", 130, 20, {"en": (0.91, 0.89), "vi": (0.90, 0.85), "vi-nodiac": (0.92, 0.88)},
              abstaining=15, refused=4, cross=0.96)
