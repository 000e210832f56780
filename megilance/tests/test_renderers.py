"""The API's orjson renderer writes the same bytes as DRF's JSONRenderer."""

import datetime
import json
import uuid
from collections import OrderedDict
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ErrorDetail
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from megilance.api.renderers import FastJSONRenderer

UTC = datetime.UTC
SAMPLES = [
    {"count": 3, "next": None, "results": [{"id": 1, "amount": Decimal("1250.50"), "rate": Decimal("0.10")}]},
    {"at": datetime.datetime(2026, 12, 6, 9, 30, 1, 123456, tzinfo=UTC), "day": datetime.date(2026, 12, 6),
     "naive": datetime.datetime(2026, 12, 6, 9, 30), "time": datetime.time(9, 30, 15),
     "plus_five": datetime.datetime(2026, 1, 1, 0, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=5)))},
    {"span": datetime.timedelta(hours=2, minutes=3), "id": uuid.UUID("12345678-1234-5678-1234-567812345678")},
    {"text": "Zoë's café – 日本語 \"quoted\" \\ back\nline\ttab \u2028 \u2029 \x00", "emoji": "💸"},
    {"detail": ErrorDetail("Not found.", code="not_found"), "lazy": gettext_lazy("Page not found")},
    {1: "int key", "nested": OrderedDict([("b", 2), ("a", [1.5, 2.25, 4.35, 10.0, -0.0, 123456789.125])])},
    ReturnDict({"a": ReturnList([True, False, None], serializer=None)}, serializer=None),
    {"tags": {"only"}, "pair": (1, 2), "big": 2**70},
    [],
    "plain string",
    Decimal("7"),
]


@pytest.mark.parametrize("data", SAMPLES)
def test_same_bytes_as_drf(data):
    assert FastJSONRenderer().render(data) == JSONRenderer().render(data)


def test_pretty_printing_is_drfs():
    data = {"a": [1, 2], "b": {"c": Decimal("1.50")}}
    wanted = JSONRenderer().render(data, "application/json; indent=2")
    assert FastJSONRenderer().render(data, "application/json; indent=2") == wanted
    assert b"\n  " in wanted


def test_floats_in_exponent_notation_keep_their_value():
    # Python writes 1e-07 where orjson writes 1e-7: the spelling differs, the number does not.
    data = {"tiny": 1e-7, "huge": 1.5e22}
    assert json.loads(FastJSONRenderer().render(data)) == json.loads(JSONRenderer().render(data)) == data


def test_nothing_renders_as_empty_bytes():
    assert FastJSONRenderer().render(None) == b""


@pytest.mark.django_db
def test_the_api_answers_with_it(api):
    response = api.get("/api/categories/")
    assert response.status_code == 200
    assert isinstance(response.accepted_renderer, FastJSONRenderer)
    assert response["Content-Type"] == "application/json"
