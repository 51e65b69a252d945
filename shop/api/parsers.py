"""Request parsing with the limits Django applies to forms, for JSON too."""

from io import BytesIO
from typing import Any

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import APIException, ParseError

from shop.errors import TOO_LARGE_CODE, TOO_LARGE_MESSAGE


class RequestTooLarge(APIException):
    status_code = 413
    default_code = TOO_LARGE_CODE
    default_detail = TOO_LARGE_MESSAGE


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, bounded: at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes, any depth.

    DRF reads the body as a stream, past Django's DATA_UPLOAD_MAX_MEMORY_SIZE check, and a
    deeply nested document ("[" 50,000 times) makes json raise RecursionError, which DRF
    does not catch: a 500. Both are a client's error here.
    """

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if limit is not None else stream.read()
        if limit is not None and len(raw) > limit:
            raise RequestTooLarge()
        try:
            return super().parse(BytesIO(raw), media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply.") from None
