"""`qa chat`: the conversation loop driven through stdin (follow-ups, citations, slash commands)."""

from __future__ import annotations

import re

from api_support import ROME, seed_text
from cli_support import run

CITATION = re.compile(r"\[(\d+)\][^\[]*?\[(\d{3}_[0-9a-f]{16}) (\d+):(\d+)\]", re.S)


def test_chat_says_what_is_wrong_with_a_bad_command(indexed: dict) -> None:
    script = "/mode bogus\n/k 0\n/k abc\n/k\n/sources\n/mode\n/k 3\n/quit\n"
    result = run("chat", input=script)
    assert result.exit_code == 0, result.output
    out = " ".join(result.stdout.split())
    for said in ("error: /mode is one of hybrid, dense, lexical, not 'bogus'",
                 "error: /k takes a number of passages from 1 to 50, not '0'",
                 "error: /k takes a number of passages from 1 to 50, not 'abc'", "error: /k needs a number: /k 5",
                 "error: /sources needs the number of a passage of the last answer",
                 "error: /mode is one of hybrid, dense, lexical", "k = 3"):
        assert said in out, said


def test_chat_follow_up_and_commands(indexed: dict) -> None:
    script = "Who met in Rome?\nHow long did the meeting last?\n/sources 1\n/k 2\n/mode lexical\n/clear\n/quit\n"
    result = run("chat", "--mode", "lexical", input=script)
    assert result.exit_code == 0, result.output
    turns = re.split(r"^\? ?", result.stdout, flags=re.M)
    # banner, answer 1, answer 2, /sources 1, /k, /mode, /clear, /quit
    assert len(turns) >= 8, result.stdout
    first, follow_up, source = turns[1], turns[2], turns[3]
    for answer in (first, follow_up):
        cites = CITATION.findall(answer)
        assert [int(c[0]) for c in cites][:2] == [1, 2], answer
    top = CITATION.findall(follow_up)[0]
    assert top[1] == ROME, "the follow-up lost the conversation's subject"
    start, end = int(top[2]), int(top[3])
    # /sources 1 shows passage [1] of the last answer in full
    shown = CITATION.findall(source)
    assert shown and shown[0][1:] == top[1:]
    passage = seed_text(ROME)[start:end]
    assert " ".join(passage.split()) in " ".join(source.split())
    assert "k = 2" in turns[4] and "mode = lexical" in turns[5] and "cleared" in turns[6]


def test_chat_answers_chatter_on_its_own(indexed: dict) -> None:
    """"?!?", an emoji or "ok" after a question abstain, as `qa ask "?!?"` does, instead of repeating the
    previous answer; a real follow-up after them still finds its topic."""
    script = "Susan Thornton là ai?\n?!?\n😀\nok\nBà ấy nói gì về vai trò của Trung Quốc?\n/quit\n"
    result = run("chat", "-k", "1", "--mode", "lexical", input=script)
    assert result.exit_code == 0, result.output
    turns = re.split(r"^\? ?", result.stdout, flags=re.M)[1:6]
    assert [("confidence 0.00" in t and "No answer" in t) for t in turns] == [False, True, True, True, False], result.stdout
    assert "Susan Thornton" in turns[4]


def test_a_piped_chat_reads_as_a_transcript(indexed: dict) -> None:
    """Piped in, nothing echoed the questions: the output was "? ? Bà Susan Thornton…", answers glued to prompts."""
    script = "Susan Thornton là ai?\n\nBà ấy nói gì về vai trò của Trung Quốc?\n/quit\n"
    lines = run("chat", "-k", "1", "--mode", "lexical", input=script).stdout.splitlines()
    asked = [line for line in lines if line.startswith("? ")]
    assert asked[:2] == ["? Susan Thornton là ai?", "? "] and asked[2] == "? Bà ấy nói gì về vai trò của Trung Quốc?"
    answer = lines[lines.index(asked[0]) + 1]
    assert not answer.startswith("?") and "Thornton" in answer
