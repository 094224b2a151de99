"""What the OpenAPI document says beyond what Litestar infers from the handlers' types: the
error body every operation can answer with, the file downloads' media types, and schema
details Litestar gets wrong or leaves out (a time of day, closed request bodies, descriptions).

The document is checked against the live service by tests/test_openapi_contract.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

from litestar.datastructures import ResponseHeader
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import OpenAPIFormat, OpenAPIMediaType, OpenAPIType, Operation, RequestBody, Schema
from litestar.params import Parameter
from litestar.plugins import OpenAPISchemaPlugin
from litestar._openapi.schema_generation.plugins.struct import StructSchemaPlugin
from litestar.typing import FieldDefinition
from msgspec import UNSET, Meta, Struct, UnsetType

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class Error(Struct, kw_only=True, omit_defaults=True):
    """The body of every error answer (samverkan.web.errors.api_error builds it)."""

    status: Annotated[int, Meta(description="The HTTP status again.", ge=400, le=599)]
    detail: Annotated[str, Meta(description="What is wrong. Rules of the service answer in Swedish, "
                                            "malformed input with the validator's message in English.")]
    field: Annotated[str, Meta(description="The input field or parameter concerned, when there is one.")] | UnsetType = UNSET


_ERRORS = {
    400: "Malformed input (a missing or unknown field, a wrong type or format, a bad parameter, a NUL character) "
         "or a rule of the service; `field` names the input concerned.",
    401: "No token, or an unknown or revoked one (with `WWW-Authenticate: Bearer`).",
    403: "The caller's role may not do this, or not here (another department, another union).",
    404: "No record with that id, or one outside the caller's scope.",
    409: "A conflict with the record's state: a unique value already taken, a `version` that is no longer "
         "current, or a state that does not allow this; `field` names what conflicts.",
    413: "The request body is larger than the service accepts.",
    503: "The database (or the documents directory, or LibreOffice) is unavailable; try again later.",
}


def errors(*codes: int) -> dict[int, ResponseSpec]:
    """The error answers of an /api/v1 operation: 400, 401 and 503 always (a NUL character is
    refused in any request, every call needs a token, every call needs the database), plus ``codes``."""
    return {code: ResponseSpec(data_container=Error, description=_ERRORS[code], generate_examples=False)
            for code in sorted({400, 401, 503, *codes})}


# A file download: the bytes, with their media type, and the name in Content-Disposition.
Binary = Annotated[bytes, Parameter(schema_extra={"format": OpenAPIFormat.BINARY})]
_DISPOSITION = ResponseHeader(name="Content-Disposition", value="attachment", documentation_only=True,
                              description="`attachment` with the file name, also as RFC 5987 `filename*` (UTF-8).")


def download(media_type: str, what: str) -> dict[str, Any]:
    """Decorator arguments of an operation that answers with a file of ``media_type``."""
    return {"media_type": media_type, "response_description": what, "response_headers": [_DISPOSITION]}


def multipart(required: list[str], **fields: Schema) -> type[Operation]:
    """The ``operation_class`` of a handler that reads a multipart form itself (Litestar cannot see
    its fields): the operation gets a multipart/form-data request body with ``fields``."""
    body = RequestBody(required=bool(required), content={"multipart/form-data": OpenAPIMediaType(
        schema=Schema(type=OpenAPIType.OBJECT, properties=fields, required=required or None))})

    @dataclass
    class MultipartOperation(Operation):
        def __post_init__(self) -> None:
            self.request_body = body

    return MultipartOperation


def file_field(description: str) -> Schema:
    return Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY, description=description)


class TimeOfDayPlugin(OpenAPISchemaPlugin):
    """Litestar 2.25 describes a ``datetime.time`` as a duration; it is a time of day. (Not JSON
    Schema's ``format: time`` either: that needs an offset, and ours are local times without one.)"""

    @staticmethod
    def is_plugin_supported_type(value: Any) -> bool:
        return value is dt.time

    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: Any) -> Schema:
        return Schema(type=OpenAPIType.STRING, pattern=r"^\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})?$",
                      description="A time of day, HH:MM:SS (seconds required), local time.")


class DescribedStructPlugin(StructSchemaPlugin):
    """Litestar's own schema of a msgspec Struct, plus its docstring as the description and, for a
    request body that refuses unknown fields (``forbid_unknown_fields``), ``additionalProperties: false``."""

    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: Any) -> Schema:
        schema = super().to_openapi_schema(field_definition, schema_creator)
        struct = field_definition.type_
        if struct.__doc__ and not schema.description:
            schema.description = struct.__doc__.strip()
        if struct.__struct_config__.forbid_unknown_fields:
            schema.additional_properties = False
        return schema


SCHEMA_PLUGINS = [TimeOfDayPlugin(), DescribedStructPlugin()]
