"""Unified social credit codes (GB 32100-2015): check character, alphabet, length, normalisation."""

import pytest

from anhuan.enterprises.domain import credit_code
from anhuan.enterprises.domain.credit_code import CreditCodeError, check_character, is_valid, normalize, validate

# Codes whose check characters were computed by hand from the standard's weights.
VALID_CODES = [
    "91350200776049653A",
    "91350100M000100Y43",
    "913502000728319549",
    "9144030071526726XG",
    "123502001549897397",
    "914403001922038216",
]


def reason_of(raw):
    with pytest.raises(CreditCodeError) as excinfo:
        validate(raw)
    return excinfo.value.reason


@pytest.mark.parametrize("code", VALID_CODES)
def test_valid_code_is_accepted(code):
    assert validate(code) == code


@pytest.mark.parametrize("code", VALID_CODES)
def test_check_character_matches_last(code):
    assert check_character(code[:17]) == code[17]


def test_worked_example_check_character():
    # Weighted sum 1261; 1261 mod 31 = 21; 31 - 21 = 10, which is A.
    assert check_character("91350200776049653") == "A"


def test_wrong_check_character_rejected():
    # One repository accepts this code, but its computed check character is 9.
    assert reason_of("91350203M0001QAY9B") == "check"


def test_wrong_check_character_computed():
    assert check_character("91350203M0001QAY9") == "9"


def test_each_wrong_last_character_rejected():
    body = "91350200776049653"
    wrong = [char for char in credit_code.ALPHABET if char != "A"]
    assert [is_valid(body + char) for char in wrong] == [False] * len(wrong)


def test_check_value_zero_maps_to_digit_zero():
    # When the weighted sum is a multiple of 31 the check value is 31, written as 0.
    bodies = (f"9113050300000{n:04d}" for n in range(10000))
    body = next(body for body in bodies if check_character(body) == "0")
    assert validate(body + "0") == body + "0"


def test_weights_follow_powers_of_three():
    assert credit_code.WEIGHTS == [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def test_alphabet_has_thirty_one_characters():
    assert len(credit_code.ALPHABET) == 31


@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z"])
def test_letter_outside_alphabet_rejected(letter):
    assert reason_of("91350200776049653" + letter) == "character"


@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z"])
def test_letter_outside_alphabet_in_body_rejected(letter):
    assert reason_of("91350100M" + letter + "00100Y43") == "character"


@pytest.mark.parametrize("letter", ["i", "o", "s", "v", "z"])
def test_lower_case_excluded_letter_rejected(letter):
    assert reason_of("91350200776049653" + letter) == "character"


def test_punctuation_rejected():
    assert reason_of("9135020077604965-A") == "character"


def test_letter_in_region_part_rejected():
    # Positions 3 to 8 are the GB/T 2260 division code, digits only.
    code = "9135A200776049653"
    assert reason_of(code + check_character(code)) == "region"


@pytest.mark.parametrize(
    "raw",
    ["", "9135020077604965", "91350200776049653", "91350200776049653AA", "913502007760496531234"],
)
def test_wrong_length_rejected(raw):
    assert reason_of(raw) == "length"


def test_none_rejected_as_length():
    assert reason_of(None) == "length"


def test_error_carries_normalised_code():
    with pytest.raises(CreditCodeError) as excinfo:
        validate(" 91350203m0001qay9b ")
    assert excinfo.value.code == "91350203M0001QAY9B"


def test_lower_case_is_upper_cased():
    assert validate("91350200776049653a") == "91350200776049653A"


def test_lower_case_body_is_upper_cased():
    assert validate("91350100m000100y43") == "91350100M000100Y43"


def test_surrounding_spaces_dropped():
    assert validate("  91350200776049653A\t\n") == "91350200776049653A"


def test_inner_spaces_dropped():
    assert validate("9135 0200 7760 4965 3A") == "91350200776049653A"


def test_full_width_space_dropped():
    assert validate("913502007760\u300049653A") == "91350200776049653A"


def test_no_break_space_dropped():
    assert validate("\u00a091350200776049653A") == "91350200776049653A"


def test_full_width_characters_folded():
    assert validate("９１３５０２００７７６０４９６５３Ａ") == "91350200776049653A"


def test_full_width_lower_case_folded():
    assert validate("９１３５０１００ｍ０００１００ｙ４３") == "91350100M000100Y43"


def test_normalize_keeps_invalid_text():
    assert normalize(" ab c ") == "ABC"


def test_normalize_of_none_is_empty():
    assert normalize(None) == ""


def test_is_valid_false_for_garbage():
    assert is_valid("not a code") is False


def test_is_valid_true_for_messy_valid():
    assert is_valid(" ９１３５０２００７７６０４９６５３ａ ") is True


def test_integer_input_is_read_as_text():
    # Spreadsheet readers hand an all-digit code over as an integer.
    assert validate(913502000728319549) == "913502000728319549"
