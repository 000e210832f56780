"""The API's JSON, encoded by orjson.

Same media type and the same bytes as DRF's JSONRenderer for what MegiLance answers (compact, UTF-8, money as
numbers): what orjson does not know natively (Decimal, lazy text, timedelta, sets) and every date and time go
through DRF's own encoder, so they are written exactly as before. Pretty-printed answers (`; indent=`, the
browsable API) and what orjson refuses (integers beyond 64 bits) keep DRF's encoder. Two differences, for floats
only (money is Decimal): a float in exponent notation is spelled 1e-7 rather than 1e-07 (the same number), and
a NaN or infinity, which no MegiLance field produces, is written as null where DRF's strict mode would fail.
"""

import orjson
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS
_LINE_SEPARATORS = (("\u2028".encode(), b"\\u2028"), ("\u2029".encode(), b"\\u2029"))


class FastJSONRenderer(JSONRenderer):
    _default = staticmethod(JSONEncoder().default)

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        indent = self.get_indent(accepted_media_type, renderer_context or {})
        if self.ensure_ascii or not self.compact or indent is not None:
            return super().render(data, accepted_media_type, renderer_context)
        try:
            encoded = orjson.dumps(data, default=self._default, option=_OPTIONS)
        except orjson.JSONEncodeError:
            return super().render(data, accepted_media_type, renderer_context)
        # DRF escapes the two line separators that JavaScript does not accept inside a string; orjson writes them.
        for raw, escaped in _LINE_SEPARATORS:
            if raw in encoded:
                encoded = encoded.replace(raw, escaped)
        return encoded
