"""Types of query and path parameters, with the limits Litestar enforces on them.

(Litestar checks the limits given in QueryParameter/PathParameter; a msgspec Meta inside
FromQuery[...] would be ignored.)
"""

from typing import Annotated

from litestar.params import PathParameter, QueryParameter

from samverkan.values import LINE

Limit = Annotated[int, QueryParameter(ge=1, le=500, description="Rows per page (1–500).")]
Offset = Annotated[int, QueryParameter(ge=0, le=10_000_000, description="Rows to skip.")]
After = Annotated[str | None, QueryParameter(max_length=200, description="The cursor `next` of the page before: the rows that follow it.")]
PageNumber = Annotated[int, QueryParameter(ge=1, le=100_000)]
SearchText = Annotated[str | None, QueryParameter(max_length=200, pattern=LINE, description="Words that must all occur.")]
# Ids are 32-bit serials; a larger number must be a 404, not an overflow in the driver.
RecordId = Annotated[int, PathParameter(ge=1, le=2**31 - 1)]
# An id used as a filter; out of range is a 400 naming the parameter, not an overflow on PostgreSQL.
FilterId = Annotated[int | None, QueryParameter(ge=1, le=2**31 - 1)]
