"""check_expert_independence: an expert never visits or reviews their own employer."""

import pytest
from django.utils import translation

from anhuan.experts.models import Expert
from anhuan.experts.services import ExpertNotIndependent, check_expert_independence
from anhuan.organizations.models import Region
from anhuan.pollution.tests.factories import make_enterprise


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def glass(db):
    return make_enterprise("沙河玻璃有限公司", region="130582")


def expert(**fields):
    return Expert.objects.create(
        name="钱同名", department="emergency", region=Region.objects.get(kind="city"), specialties=["other"], **fields
    )


def test_linked_employer_is_rejected(glass):
    with pytest.raises(ExpertNotIndependent):
        check_expert_independence(expert(employer=glass), glass)


def test_same_employer_name_is_rejected(glass):
    with pytest.raises(ExpertNotIndependent):
        check_expert_independence(expert(employer_name="沙河玻璃有限公司"), glass)


def test_name_with_spaces_is_rejected(glass):
    with pytest.raises(ExpertNotIndependent):
        check_expert_independence(expert(employer_name=" 沙河　玻璃 有限公司 "), glass)


def test_message_names_the_expert(glass):
    with pytest.raises(ExpertNotIndependent) as error:
        check_expert_independence(expert(employer=glass), glass)
    assert str(error.value.message) == (
        "Expert 钱同名 works for 沙河玻璃有限公司 and cannot take part in a visit or review of their own employer."
    )


def test_other_employer_passes(glass):
    other = make_enterprise("沙河玻璃二厂有限公司", region="130582")
    assert check_expert_independence(expert(employer=other, employer_name="沙河玻璃二厂有限公司"), glass) is None


def test_no_employer_passes(glass):
    assert check_expert_independence(expert(), glass) is None
