"""Pagination of API lists: 100 objects a page by default, ``?page_size=`` up to 1000.

Lists of supervised data use ``StandardPagination`` (``?page=N``). Lists that
other systems synchronise use ``SyncCursorPagination``: pages follow an
unchanging order, so rows changed while a client pages never go missing, and
each page carries the ``sync_cursor`` the client saves for its next sync.
"""

import datetime as dt
from base64 import b64decode
from urllib import parse

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.pagination import Cursor, CursorPagination, PageNumberPagination
from rest_framework.response import Response

from anhuan.api.sync import iso_precise, parse_sync_time
from anhuan.core.errors import ValidationFailed

PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


class StandardPagination(PageNumberPagination):
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    page_size_query_description = gettext_lazy("Number of objects per page, 1 to 1000; 100 by default.")
    max_page_size = MAX_PAGE_SIZE


class SyncCursorPagination(CursorPagination):
    """Cursor pages ordered by ``(timestamp, id)``, with the ``sync_cursor`` of each page.

    ``sync_cursor`` is the latest timestamp on the page, or, on an empty page,
    the ``since`` value the view sets before paginating. A client follows
    ``next`` until it is null and keeps the last page's ``sync_cursor``.
    """

    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    page_size_query_description = gettext_lazy("Number of objects per page, 1 to 1000; 100 by default.")
    max_page_size = MAX_PAGE_SIZE
    cursor_query_description = gettext_lazy("Position in the list; copy it from the next or previous link.")
    timestamp_field = "updated_at"
    ordering = ("updated_at", "id")
    # No browsable API page controls, because the API renders JSON only.
    template = None
    # Set by the view: the client's ``updated_since`` (or ``since``), returned as the cursor of an empty page.
    since = None

    def _get_position_from_instance(self, instance, ordering):
        # The position is written to the cursor as ISO 8601 so decode_cursor can parse it back.
        value = instance[self.timestamp_field] if isinstance(instance, dict) else getattr(instance, self.timestamp_field)
        return value.isoformat()

    def decode_cursor(self, request):
        """Decode the cursor parameter, or raise a 400 error naming it when it is not a cursor we wrote.

        DRF's own decoder raises 404 for a malformed cursor and passes the position
        to the database unchecked, where a value that is no timestamp fails.
        """
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        invalid = ValidationFailed(
            _("The cursor parameter is invalid; copy the next or previous link of a page."), cursor="invalid"
        )
        try:
            tokens = parse.parse_qs(b64decode(encoded.encode("ascii"), validate=True).decode("ascii"), keep_blank_values=True)
            offset = int(tokens.get("o", ["0"])[0])
            reverse = bool(int(tokens.get("r", ["0"])[0]))
            position = tokens.get("p", [None])[0]
        except (TypeError, ValueError) as exc:
            raise invalid from exc
        if not 0 <= offset <= self.offset_cutoff:
            raise invalid
        if position is not None:
            parsed = parse_sync_time(position)
            if parsed is None:
                raise invalid
            position = parsed.isoformat()
        return Cursor(offset=offset, reverse=reverse, position=position)

    def sync_cursor(self):
        stamps = [getattr(row, self.timestamp_field) for row in self.page]
        latest = max(stamps) if stamps else self.since
        return iso_precise(latest) if isinstance(latest, dt.datetime) else None

    def get_paginated_response(self, data):
        return Response(
            {
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "sync_cursor": self.sync_cursor(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["sync_cursor"] = {
            "type": "string",
            "format": "date-time",
            "nullable": True,
            "description": str(
                _("Latest change time on this page (or the given cursor on an empty page); pass it as the next sync's cursor.")
            ),
        }
        response["required"] = ["next", "previous", "sync_cursor", "results"]
        return response


class DeletionCursorPagination(SyncCursorPagination):
    timestamp_field = "deleted_at"
    ordering = ("deleted_at", "id")
