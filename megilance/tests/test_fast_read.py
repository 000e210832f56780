"""FastReadMixin answers exactly what DRF's own field walk answers, including its rules for missing values."""

import copy
import datetime
import decimal
import zoneinfo

import pytest
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from rest_framework import serializers

from megilance.api.serializers import FastReadMixin


class Person:
    name = "Ann Lee"
    age = 41
    nickname = None

    def shout(self):
        return "ANN"

    @property
    def employer(self):
        raise ObjectDoesNotExist("no employer")

    @property
    def broken(self):
        raise AttributeError("not here")


class Address:
    city = "Lahore"


class AddressSerializer(FastReadMixin, serializers.Serializer):
    city = serializers.CharField()


def person_serializer(base):
    class PersonSerializer(*base):
        name = serializers.CharField()
        age = serializers.IntegerField()
        nickname = serializers.CharField(allow_null=True)
        shout = serializers.CharField()
        employer = serializers.CharField(allow_null=True)
        broken = serializers.CharField(required=False)
        fallback = serializers.CharField(default="none given")
        city = serializers.CharField(source="address.city")
        address = AddressSerializer()
        greeting = serializers.SerializerMethodField()
        secret = serializers.CharField(write_only=True)

        def get_greeting(self, obj):
            return f"Hello, {obj.name if not isinstance(obj, dict) else obj['name']}"

    return PersonSerializer


Fast = person_serializer((FastReadMixin, serializers.Serializer))
Plain = person_serializer((serializers.Serializer,))


def test_objects_read_the_same_as_with_drf():
    person = Person()
    person.address = Address()

    fast = Fast(person).data
    assert fast == Plain(person).data
    assert list(fast) == list(Plain(person).data)  # same keys in the same order
    assert fast["shout"] == "ANN"  # a method is called, as DRF does
    assert fast["employer"] is None and fast["nickname"] is None
    assert "broken" not in fast and fast["fallback"] == "none given" and "secret" not in fast


def test_dicts_read_the_same_as_with_drf():
    row = {"name": "Ann", "age": 3, "nickname": None, "shout": "hi", "employer": "MegiLance",
           "address": {"city": "Oslo"}}

    assert Fast(row).data == Plain(row).data == {
        "name": "Ann", "age": 3, "nickname": None, "shout": "hi", "employer": "MegiLance",
        "fallback": "none given", "city": "Oslo", "address": {"city": "Oslo"}, "greeting": "Hello, Ann"}


def test_many_rows_share_one_plan():
    people = [Person() for _ in range(3)]
    for person in people:
        person.address = Address()

    serializer = Fast(people, many=True)

    assert serializer.data == Plain(people, many=True).data
    plan = serializer.child.__dict__["_read_plan_cache"]
    assert serializer.child._read_plan() is plan
    # ten readable fields; the dotted source and the method field keep DRF's lookup
    assert {name: attr for name, attr, *_ in plan if attr != name} == {"city": None, "greeting": None}
    assert len(plan) == 10


def test_a_missing_required_value_fails_as_drf_does():
    class Strict(FastReadMixin, serializers.Serializer):
        missing = serializers.CharField()

    with pytest.raises(AttributeError, match="missing"):
        Strict(Person()).data  # noqa: B018


def twins(**fields):
    """The same serializer twice: with FastReadMixin, and DRF's own."""
    return (type("Fast", (FastReadMixin, serializers.Serializer), dict(fields)),
            type("Plain", (serializers.Serializer,), {name: copy.deepcopy(field) for name, field in fields.items()}))


Money, PlainMoney = twins(
    at=serializers.DateTimeField(),
    amount=serializers.DecimalField(max_digits=6, decimal_places=2),
    rate=serializers.DecimalField(max_digits=5, decimal_places=3, rounding=decimal.ROUND_DOWN),
)


MOMENTS = [
    datetime.datetime(2026, 12, 6, 9, 30, 1, 123456, tzinfo=datetime.UTC),
    datetime.datetime(2026, 6, 1, 23, 59, tzinfo=zoneinfo.ZoneInfo("Asia/Karachi")),
    datetime.datetime(2026, 3, 29, 1, 30),  # naive: DRF makes it aware in the current zone
    "2026-12-06T09:30:00Z",  # a string passes through
]
AMOUNTS = [decimal.Decimal("12.5"), decimal.Decimal("0.005"), decimal.Decimal("99.9999"), 12, 3.14159, "7.1",
           " 22.95 ", "1e1"]


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/New_York"])
@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize("amount", AMOUNTS)
def test_datetimes_and_decimals_are_written_as_drf_writes_them(zone, moment, amount):
    row = {"at": moment, "amount": amount, "rate": amount}
    with timezone.override(zone):
        assert Money(row).data == PlainMoney(row).data
        assert [repr(v) for v in Money(row).data.values()] == [repr(v) for v in PlainMoney(row).data.values()]


@pytest.mark.parametrize("text", ["abc", "", "1,5"])
def test_text_that_is_no_number_fails_as_drf_fails(text):
    row = {"at": MOMENTS[0], "amount": text, "rate": "1"}
    with pytest.raises(Exception) as plain:
        PlainMoney(row).data  # noqa: B018
    with pytest.raises(Exception) as fast:
        Money(row).data  # noqa: B018
    assert type(fast.value) is type(plain.value)


def test_a_decimal_beyond_its_digits_fails_as_drf_fails():
    row = {"at": MOMENTS[0], "amount": decimal.Decimal("1"), "rate": decimal.Decimal("1234.5")}
    with pytest.raises(decimal.InvalidOperation):
        PlainMoney(row).data  # noqa: B018
    with pytest.raises(decimal.InvalidOperation):
        Money(row).data  # noqa: B018


def test_a_datetime_out_of_range_fails_as_drf_fails():
    row = {"at": datetime.datetime.min.replace(tzinfo=datetime.timezone(datetime.timedelta(hours=5))),
           "amount": 1, "rate": 1}
    with pytest.raises(serializers.ValidationError) as plain:
        PlainMoney(row).data  # noqa: B018
    with pytest.raises(serializers.ValidationError) as fast:
        Money(row).data  # noqa: B018
    assert fast.value.detail == plain.value.detail


Kinds, PlainKinds = twins(
    number=serializers.IntegerField(),
    big=serializers.BigIntegerField(),
    text=serializers.CharField(),
    flag=serializers.BooleanField(),
    choice=serializers.ChoiceField(choices=[("open", "Open"), ("closed", "Closed")]),
    numbered_choice=serializers.ChoiceField(choices=[(1, "One"), (2, "Two")]),
)


@pytest.mark.parametrize("row", [
    {"number": 7, "big": 2**40, "text": "hi", "flag": True, "choice": "open", "numbered_choice": 1},
    {"number": True, "big": "12", "text": 5, "flag": "yes", "choice": "other", "numbered_choice": "2"},
    {"number": "8", "big": 3, "text": "", "flag": 0, "choice": "", "numbered_choice": 3},
])
def test_values_written_as_they_are_match_drfs_answer(row):
    fast, plain = Kinds(row).data, PlainKinds(row).data
    assert fast == plain
    assert [type(v) for v in fast.values()] == [type(v) for v in plain.values()]


class Shared(FastReadMixin, serializers.Serializer):
    reuse_row_serializer = True

    name = serializers.CharField()
    seen_by = serializers.SerializerMethodField()
    address = AddressSerializer(required=False)

    def get_seen_by(self, obj):
        return self.context.get("viewer")


def test_a_list_reuses_its_row_serializer_with_its_own_context():
    rows = [{"name": "Ann", "address": {"city": "Oslo"}}, {"name": "Bo"}]

    first = Shared(rows, many=True, context={"viewer": "first"})
    first_data = first.data
    second = Shared(rows, many=True, context={"viewer": "second"})

    assert second.child is first.child  # fields built once for this thread
    assert [row["seen_by"] for row in first_data] == ["first", "first"]
    assert [row["seen_by"] for row in second.data] == ["second", "second"]
    assert second.data[0] == {"name": "Ann", "seen_by": "second", "address": {"city": "Oslo"}}


def test_a_list_for_writing_or_a_nested_list_gets_its_own_row_serializer():
    reading = Shared([], many=True)
    assert Shared(data=[{"name": "x"}], many=True).child is not reading.child
    assert Shared([], many=True, read_only=True).child is not reading.child


def test_a_reused_row_serializer_works_out_its_plan_again_for_each_list():
    moment = datetime.datetime(2026, 12, 6, 12, 0, tzinfo=datetime.UTC)

    class Stamp(FastReadMixin, serializers.Serializer):
        reuse_row_serializer = True
        at = serializers.DateTimeField()

    assert Stamp([{"at": moment}], many=True).data[0]["at"] == "2026-12-06T12:00:00Z"
    with timezone.override("Asia/Karachi"):
        assert Stamp([{"at": moment}], many=True).data[0]["at"] == "2026-12-06T17:00:00+05:00"
