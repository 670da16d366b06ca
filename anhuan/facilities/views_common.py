"""Responses shared by the facility app's function views: 403 pages, Excel downloads, and a refusal check."""

import functools

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def contact_refusal():
    """Return the refusal an enterprise contact gets on a page for the bureaus' staff: where their own pages are."""
    return _("This page is for staff of the two bureaus. Enterprise contacts open their own key facilities "
             "and stop-use orders from \"Key environmental facilities\".")


def forbidden(request, message):
    """Return the 403 page with ``message`` as the reason."""
    return render(request, "403.html", {"message": message}, status=403)


def xlsx_download(content, file_name):
    """Return ``content`` (the bytes of an .xlsx file) as an attachment named ``file_name``."""
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=file_name)
    return response


def refused_by(refusal_for):
    """Decorate a view so that it returns 403 whenever ``refusal_for(request.user)`` returns a message.

    ``refusal_for`` returns None for a user who may open the view.
    """
    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            refusal = refusal_for(request.user)
            if refusal:
                return forbidden(request, refusal)
            return view(request, *args, **kwargs)
        return wrapper
    return decorate
