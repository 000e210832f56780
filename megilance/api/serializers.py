"""A quicker read path for serializers that answer long lists.

DRF turns every field of every row through the same generic steps: a generator over the readable fields, a lookup
that tests each value for being a mapping or a callable, the "skip" and "none" checks. For a page of 100 rows of
30 fields that is most of the time a list spends in Python. `FastReadMixin` works the plan out once per serializer
(which fields read a plain attribute, which need DRF's own lookup, how a datetime and a Decimal are written) and
then fills each row from it. The answer is the same, byte for byte (tests compare it with DRF's own walk).
"""

import datetime
import decimal
import functools
import threading
from collections.abc import Mapping

from django.core.exceptions import ObjectDoesNotExist
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from rest_framework import fields as drf_fields
from rest_framework import serializers
from rest_framework.fields import SkipField, empty
from rest_framework.relations import PKOnlyObject
from rest_framework.response import Response
from rest_framework.settings import ISO_8601, api_settings

_MISSING = object()
# What a list for reading is given: the rows and the context.
READ_LIST_KWARGS = frozenset({"instance", "context"})


def _quick_representation(field):
    """For the two conversions that cost most per row, the same answer with the settings worked out once:
    an aware datetime in ISO 8601 (DRF looks the current time zone up for every value) and a Decimal number
    (DRF copies the decimal context and builds the exponent for every value). Other values take the field's own
    `to_representation`."""
    kind = type(field)
    if kind is drf_fields.DateTimeField:
        output_format = getattr(field, "format", api_settings.DATETIME_FORMAT)
        zone = field.timezone if hasattr(field, "timezone") else field.default_timezone()
        if output_format is None or output_format.lower() != ISO_8601 or zone is None:
            return None
        own = field.to_representation

        def aware_datetime(value):
            if value.__class__ is not datetime.datetime or value.utcoffset() is None:
                return own(value)
            try:
                text = value.astimezone(zone).isoformat()
            except OverflowError:
                return own(value)
            return text[:-6] + "Z" if text.endswith("+00:00") else text

        return aware_datetime
    if kind is drf_fields.DecimalField:
        coerce = getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING)
        if coerce or field.normalize_output or field.decimal_places is None:
            return None
        own = field.to_representation
        exponent = decimal.Decimal(".1") ** field.decimal_places
        context = decimal.getcontext().copy()
        if field.max_digits is not None:
            context.prec = field.max_digits
        rounding = field.rounding

        def decimal_number(value):
            if value.__class__ is not decimal.Decimal:
                if value.__class__ is not str:
                    return own(value)
                value = decimal.Decimal(value.strip())  # amounts kept as text in JSON (invoice items), as DRF does
            return value.quantize(exponent, rounding=rounding, context=context)

        return decimal_number
    return None


def _unchanged_types(field) -> frozenset:
    """The value types this field's `to_representation` answers unchanged (`int(7)`, `str("x")`, a bool as
    itself, a choice whose stored value is its own answer): those values are written as they are."""
    kind = type(field)
    big_as_text = getattr(field, "coerce_to_string", api_settings.COERCE_BIGINT_TO_STRING)
    if kind is drf_fields.IntegerField or (kind is drf_fields.BigIntegerField and not big_as_text):
        return frozenset({int})
    if kind is drf_fields.CharField:
        return frozenset({str})
    if kind is drf_fields.BooleanField:
        return frozenset({bool})
    if kind is drf_fields.ChoiceField and all(
        key == value and type(value) is str for key, value in field.choice_strings_to_values.items()
    ):
        return frozenset({str}) if field.choice_strings_to_values else frozenset()
    return frozenset()


_row_serializers = threading.local()


def _forget_read_plans(serializer) -> None:
    serializer.__dict__.pop("_read_plan_cache", None)
    for field in serializer.fields.values():
        nested = getattr(field, "child", field)
        if isinstance(nested, FastReadMixin):
            _forget_read_plans(nested)


class FastReadMixin:
    """Put before the DRF serializer class: `class XSerializer(FastReadMixin, serializers.ModelSerializer)`.

    With `reuse_row_serializer = True` (a serializer whose fields do not depend on the request), a list of it
    (`many=True`, for reading) reuses one row serializer per thread: its fields, which DRF builds anew for every
    list, are built once. Its read plan is still worked out per list (time zone and decimal settings of the
    moment), and its context is the list's."""

    reuse_row_serializer = False

    @classmethod
    def many_init(cls, *args, **kwargs):
        if not cls.reuse_row_serializer or "data" in kwargs or set(kwargs) - READ_LIST_KWARGS:
            return super().many_init(*args, **kwargs)
        rows = _row_serializers.__dict__.setdefault("by_class", {})
        child = rows.get(cls)
        if child is None:
            child = rows[cls] = cls()
        child.source = None  # bound again to this list (as a fresh row serializer would be)
        _forget_read_plans(child)
        list_class = getattr(getattr(cls, "Meta", None), "list_serializer_class", serializers.ListSerializer)
        return list_class(*args, child=child, **kwargs)

    def _read_plan(self):
        plan = self.__dict__.get("_read_plan_cache")
        if plan is None:
            plan = []
            for field in self._readable_fields:
                # A plain attribute: one name, read as DRF's base Field reads it. Anything else (source="*",
                # dotted sources, related fields with their own lookup, method fields) keeps DRF's lookup.
                plain = (field.source != "*" and len(field.source_attrs) == 1
                         and type(field).get_attribute is drf_fields.Field.get_attribute)
                # What DRF does with a key a mapping lacks, when that is to leave the field out (not required,
                # no default, not nullable): partly filled details (an invoice's parties) skip it at once.
                skip_if_absent = field.default is empty and not field.allow_null and not field.required
                plan.append((field.field_name, field.source_attrs[0] if plain else None, field,
                             _quick_representation(field) or field.to_representation, skip_if_absent,
                             _unchanged_types(field)))
            self.__dict__["_read_plan_cache"] = plan
        return plan

    def to_representation(self, instance):
        is_dict = isinstance(instance, dict)
        if not is_dict and isinstance(instance, Mapping):
            return super().to_representation(instance)  # another kind of mapping: DRF's own walk
        ret = {}
        for name, attr, field, represent, skip_if_absent, unchanged in self._read_plan():
            value = _MISSING
            if attr is not None:
                if is_dict:
                    value = instance.get(attr, _MISSING)
                    if value is _MISSING and skip_if_absent:
                        continue
                else:
                    try:
                        value = getattr(instance, attr)
                    except ObjectDoesNotExist:  # as DRF answers a missing related object
                        value = None
                    except AttributeError:
                        value = _MISSING
                if value is not _MISSING and callable(value):
                    value = _MISSING  # a method or another callable: DRF decides whether to call it
            if value is _MISSING:
                try:
                    value = field.get_attribute(instance)
                except SkipField:
                    continue
                if isinstance(value, PKOnlyObject) and value.pk is None:
                    value = None
            if value is None:
                ret[name] = None
            elif value.__class__ in unchanged:
                ret[name] = value
            else:
                ret[name] = represent(value)
        return ret


@functools.cache
def _stored_reads(serializer_class) -> tuple | None:
    """(the stored column it reads or None, the field) for each field a read of this `ModelSerializer` shows; the
    column when the field reads one column of the model as it is stored (not a file, not a related object). None
    for a serializer without a model or a read plan. Worked out once per class: its fields must not depend on
    the request."""
    model = getattr(getattr(serializer_class, "Meta", None), "model", None)
    if model is None or not issubclass(serializer_class, FastReadMixin):
        return None
    stored = {field.attname: field for field in model._meta.concrete_fields
              if field.descriptor_class in (DeferredAttribute, ForeignKeyDeferredAttribute)}
    return tuple((attr if attr in stored else None, field)
                 for _name, attr, field, *_ in serializer_class()._read_plan())


def plain_columns(serializer_class) -> list[str] | None:
    """The model columns a row of this `ModelSerializer` is read from, when every field it shows reads one column
    of the model as it is stored (no method fields, dotted sources, nested serializers or relations): such a list
    can read its rows as dictionaries (`queryset.values(*columns)`) and skip building a model instance per row,
    with the same answer. None when a field needs more than its column."""
    reads = _stored_reads(serializer_class)
    if reads is None or any(column is None or isinstance(field, serializers.BaseSerializer)
                            for column, field in reads):
        return None
    return list(dict.fromkeys(column for column, _field in reads))


@functools.cache
def read_columns(serializer_class, *extra: str) -> tuple[str, ...]:
    """What a row of this `ModelSerializer` read as a dictionary must hold: the stored columns its fields read,
    then `extra` (the annotations and columns its other fields read, through `megilance.queries.row_values`)."""
    reads = _stored_reads(serializer_class) or ()
    return tuple(dict.fromkeys([*(column for column, _field in reads if column is not None), *extra]))


class DictRowsListMixin:
    """A list view whose page rows are read as dictionaries: with `list_extra_columns` set, of the columns its
    serializer's fields read and those extras (`read_columns`; the other fields read them through
    `megilance.queries.row_values`); else, when its serializer reads plain columns only, of those
    (`plain_columns`); a serializer that needs more gets model instances. Paging (page numbers, counts and
    cursors) works on dictionaries as on instances. `list_rows` adds what the page's rows need beyond their
    columns (counts of related rows, say)."""

    list_extra_columns: tuple | None = None

    def list_rows(self, rows: list) -> list:
        return rows

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        serializer_class = self.get_serializer_class()
        columns = (plain_columns(serializer_class) if self.list_extra_columns is None
                   else read_columns(serializer_class, *self.list_extra_columns))
        if columns is not None:
            queryset = queryset.values(*columns)
        page = self.paginate_queryset(queryset)
        rows = self.list_rows(list(page if page is not None else queryset))
        data = self.get_serializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)
