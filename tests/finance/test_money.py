"""Amounts in every form people type them, parsed exactly (Decimal, never float)."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from domain.errors import InvalidInput
from domain.finance.money import MAX_AMOUNT, format_money, format_wan, parse_money

# Any amount a contract could hold, to the fen.
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999999.99"), places=2,
                      allow_nan=False, allow_infinity=False)
FULL_WIDTH = str.maketrans("0123456789,.", "０１２３４５６７８９，．")


@pytest.mark.parametrize("text, expected", [
    ("20万", "200000.00"), ("200000", "200000.00"), ("¥200,000.00", "200000.00"),
    ("1.5万元", "15000.00"), ("２０万", "200000.00"), ("￥２００，０００．００", "200000.00"),
    ("RMB 3千", "3000.00"), ("200,000元", "200000.00"), (" 30000 元 ", "30000.00"),
    ("0.01", "0.01"), ("2亿", "200000000.00"), ("1.2345万", "12345.00"), ("12.5w", "125000.00"),
    ("¥ 1,234,567.89", "1234567.89"), ("256万元", "2560000.00"),
])
def test_the_forms_people_type(text, expected):
    value = parse_money(text)
    assert value == Decimal(expected) and isinstance(value, Decimal)
    assert value.as_tuple().exponent == -2


@pytest.mark.parametrize("text, key", [
    ("0", "not_positive"), ("-5", "not_positive"), ("¥-5", "not_positive"), ("-¥5", "not_positive"),
    ("0万", "not_positive"), ("abc", "bad"), ("", "bad"), ("20,00", "bad"), ("1e5", "bad"),
    ("1.234", "too_precise"), ("1.2345678万", "too_precise"), ("二十万", "bad"), ("5万万", "bad"),
    ("nan", "bad"), ("inf", "bad"), ("99999999万", "too_large"), ("1" * 40, "too_large"),
])
def test_bad_amounts_say_why(text, key):
    with pytest.raises(InvalidInput) as error:
        parse_money(text)
    assert error.value.key == f"finance.money.{key}"


@given(amounts)
def test_every_display_form_reads_back_exactly(value):
    assert parse_money(format_money(value)) == value
    assert parse_money(str(value)) == value
    assert parse_money(f"{value:,}") == value
    assert parse_money(f"¥{value}元") == value
    assert parse_money(format_money(value).translate(FULL_WIDTH).replace("¥", "￥")) == value


@given(amounts)
def test_wan_is_ten_thousand_exactly(value):
    wan = value / 10_000   # exact in Decimal: at most 6 places
    assert parse_money(f"{wan:f}万") == value
    assert parse_money(format_wan(value)) == value


@given(amounts)
def test_negative_forms_are_refused(value):
    for text in (f"-{value}", f"¥-{value}", f"-{value}万"):
        with pytest.raises(InvalidInput) as error:
            parse_money(text)
        assert error.value.key == "finance.money.not_positive"


@given(st.text(max_size=30))
def test_any_text_parses_or_says_why(text):
    try:
        value = parse_money(text)
    except InvalidInput as error:
        assert error.key.startswith("finance.money.")
    else:
        assert Decimal("0.01") <= value <= MAX_AMOUNT
        assert value == value.quantize(Decimal("0.01"))
