"""Unified social credit codes (统一社会信用代码), GB 32100-2015.

Eighteen characters from a 31-character alphabet without I, O, S, V and Z.
The last character is a check character: the weighted sum of the first 17
values (weights 3**(i-1) mod 31) taken modulo 31, subtracted from 31.
"""

import unicodedata

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUES = {char: index for index, char in enumerate(ALPHABET)}
WEIGHTS = [pow(3, i, 31) for i in range(17)]
LENGTH = 18


class CreditCodeError(ValueError):
    """The code is malformed; ``reason`` is one of length, character, region, check."""

    def __init__(self, reason, code):
        self.reason = reason
        self.code = code
        super().__init__(f"{reason}: {code!r}")


def normalize(raw):
    """Fold full-width characters to half-width, drop white space and zero-width marks, upper-case."""
    text = unicodedata.normalize("NFKC", str(raw or ""))
    # Zero-width spaces and BOMs come along when codes are pasted from web pages.
    text = text.replace("\u200b", "").replace("\ufeff", "")
    return "".join(text.split()).upper()


def check_character(first17):
    total = sum(_VALUES[char] * weight for char, weight in zip(first17, WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def validate(raw):
    """Return the normalised code, or raise CreditCodeError saying what is wrong."""
    code = normalize(raw)
    if len(code) != LENGTH:
        raise CreditCodeError("length", code)
    if any(char not in _VALUES for char in code):
        raise CreditCodeError("character", code)
    if not code[2:8].isdigit():
        raise CreditCodeError("region", code)
    if check_character(code[:17]) != code[17]:
        raise CreditCodeError("check", code)
    return code


def is_valid(raw):
    try:
        validate(raw)
    except CreditCodeError:
        return False
    return True
