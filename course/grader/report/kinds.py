"""Failure messages grouped into kinds: what varies between students taken out.

Two students who broke a check the same way get messages that differ only in
their numbers ("expected [1.0, 9.0], found [1.0, 5.0]" and "... found
[1.0, 13.0]"), the names they chose, a tensor's printed values or a path.
`kind_of` replaces those parts with placeholders, so such messages share one
kind; messages that say different things stay apart.
"""
import re
from collections import Counter
from dataclasses import dataclass, field

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# Printed tensors and arrays, with whatever they hold: tensor([[1., 2.], ...]).
TENSOR = re.compile(r"\b(tensor|array|Parameter containing:)\s*\((?:[^()]|\([^()]*\))*\)")
# Quoted text and names: 'abc', "abc", `abc` (quotes kept, content taken out).
QUOTED = [re.compile(r"'[^'\n]*'"), re.compile(r'"[^"\n]*"'), re.compile(r"`[^`\n]*`")]
# File paths: /a/b, ./a/b, C:\a\b (at least one separator after the first part).
PATH = re.compile(r"(?<![\w)\]])(?:[A-Za-z]:\\|\.{0,2}/)[\w.\-]+(?:[/\\][\w.\-]+)+")
# Memory addresses (<object at 0x7f...>), then numbers: 3, -2.5, 1e-05, 4.3333, nan, inf.
ADDRESS = re.compile(r"\b0x[0-9a-fA-F]+\b")
NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?![\w])|(?<![\w])-?(?:nan|inf)(?![\w])")
SPACES = re.compile(r"[ \t]+")

PLACEHOLDER_TENSOR = "tensor(…)"
PLACEHOLDER_NUMBER = "#"
PLACEHOLDER_PATH = "<path>"


def clean(message):
    """The message as a student reads it: no terminal colours, no trailing space."""
    return ANSI.sub("", str(message)).strip()


def kind_of(message):
    """The message with what varies between students taken out: tensors'
    values, quoted names and text, paths, addresses and numbers."""
    text = clean(message)
    text = TENSOR.sub(PLACEHOLDER_TENSOR, text)
    for quoted in QUOTED:
        text = quoted.sub(lambda m: m.group(0)[0] + "…" + m.group(0)[-1], text)
    text = PATH.sub(PLACEHOLDER_PATH, text)
    text = ADDRESS.sub("0x…", text)
    text = NUMBER.sub(PLACEHOLDER_NUMBER, text)
    return SPACES.sub(" ", text)


@dataclass
class Kind:
    """One way a check was failed: its label (a message with placeholders),
    how many submissions failed that way, one message as written, and up to
    `max_examples` different answers that led to it."""
    label: str
    count: int = 0
    message: str = ""
    examples: list = field(default_factory=list)


def normalise_answer(source):
    """An answer's source without blank lines or trailing spaces, so two
    copies of the same answer count once."""
    return "\n".join(line.rstrip() for line in str(source).strip().splitlines() if line.strip())


def group(failures, max_examples=2):
    """[(message, answer source)] -> [Kind], the most frequent first (ties:
    by label). Examples are de-duplicated; the most common answers first."""
    kinds, answers = {}, {}
    for message, answer in failures:
        label = kind_of(message)
        kind = kinds.setdefault(label, Kind(label, message=clean(message)))
        kind.count += 1
        if answer and normalise_answer(answer):
            answers.setdefault(label, Counter())[normalise_answer(answer)] += 1
    for label, kind in kinds.items():
        common = answers.get(label, Counter()).most_common()
        kind.examples = [source for source, _ in sorted(common, key=lambda c: (-c[1], c[0]))[:max_examples]]
    return sorted(kinds.values(), key=lambda k: (-k.count, k.label))
