"""One shape for every error the API answers, documented in the schema (``Error``):

    {"error": {"status": 400, "code": "invalid", "message": "…", "fields": {"title": ["…"]}}}

``code`` is stable and meant for programs; ``message`` is for people, in the caller's language;
``fields`` (bad input only) names each field refused and why. Nothing is changed when an error
is answered. Refusals from the actions the pages share (a move onto another board, a status an
idea cannot take) arrive as Django's own exceptions and are answered here in the same shape.
"""

from __future__ import annotations

import io
import math
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import exception_handler

from kaizen.actions import StaleCard


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This changed since you read it: read it again, then retry.")
    default_code = "conflict"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "payload_too_large"


class LimitedJSONParser(JSONParser):
    """JSON, refused with 413 beyond ``API_MAX_BODY_BYTES`` (whatever Content-Length says: the
    body is read no further than the limit)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        limit = int(settings.API_MAX_BODY_BYTES)
        request = (parser_context or {}).get("request")
        length = request.META.get("CONTENT_LENGTH") if request is not None else None
        if length and str(length).isdigit() and int(length) > limit:
            raise PayloadTooLarge(
                gettext("The request body is larger than %(limit)s bytes.") % {"limit": limit}
            )
        if stream is not None:
            body = stream.read(limit + 1)
            if len(body) > limit:
                raise PayloadTooLarge(
                    gettext("The request body is larger than %(limit)s bytes.") % {"limit": limit}
                )
            stream = io.BytesIO(body)
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            # json's parser recurses once per level: a small body nested deeply enough runs
            # out of stack, which is bad input like any other, not a server error.
            raise exceptions.ParseError(
                gettext("JSON parse error - the body is nested too deeply.")
            ) from None


def _fields(detail: Any) -> dict[str, Any]:
    if isinstance(detail, dict):
        return {str(k): _fields_value(v) for k, v in detail.items()}
    return {"non_field_errors": _fields_value(detail)}


def _fields_value(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _fields_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_fields_value(v) for v in value]
    return str(value)


def _first_message(detail: Any) -> str:
    if isinstance(detail, dict):
        for value in detail.values():
            return _first_message(value)
        return ""
    if isinstance(detail, list):
        return _first_message(detail[0]) if detail else ""
    return str(detail)


def _code(detail: Any, default: str) -> str:
    if isinstance(detail, exceptions.ErrorDetail):
        return str(detail.code)
    return default


def handle(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's exception handler, answering in the one error shape."""
    if isinstance(exc, StaleCard):
        exc = Conflict(str(StaleCard.message), code="stale_version")
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError({"non_field_errors": [str(m) for m in exc.messages]})
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    detail = exc.detail
    body: dict[str, Any] = {"status": response.status_code}
    if isinstance(exc, exceptions.ValidationError):
        body["code"] = "invalid"
        body["message"] = gettext("The request was not accepted: see the fields.")
        body["fields"] = _fields(detail)
    else:
        body["code"] = _code(detail, exc.default_code)
        body["message"] = _first_message(detail)
    wait = getattr(exc, "wait", None)
    if isinstance(exc, exceptions.Throttled) and wait is not None:
        body["retry_after"] = math.ceil(wait)
    response.data = {"error": body}
    return response


# The error shape, for the schema. Built with inline_serializer: a serializer class cannot
# declare a field named "fields" as an attribute (that name is the serializer's own).
Error = inline_serializer(
    name="Error",
    fields={
        "error": inline_serializer(
            name="ErrorBody",
            fields={
                "status": serializers.IntegerField(),
                "code": serializers.CharField(help_text=_("Stable, for programs.")),
                "message": serializers.CharField(
                    help_text=_("For people, in the caller's language.")
                ),
                "fields": serializers.DictField(
                    required=False,
                    child=serializers.ListField(child=serializers.CharField()),
                    help_text=_("Bad input only: each field refused and why."),
                ),
                "retry_after": serializers.IntegerField(
                    required=False, help_text=_("429 only: seconds to wait.")
                ),
            },
        )
    },
)
