"""Pagination of API lists: ``?page=N``, 100 objects a page."""

from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    page_size = 100
