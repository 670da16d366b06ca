import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_models_match_migrations():
    output = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=output)
    except SystemExit:
        pytest.fail(f"A model change has no migration:\n{output.getvalue()}")
