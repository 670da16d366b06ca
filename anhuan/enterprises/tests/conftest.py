import pytest

from anhuan.enterprises.tests.factories import register


@pytest.fixture
def enterprise_a(region_a):
    return register(region_a, "信都区测试钢铁有限公司", industry_code="C3120", non_interruptible=True)


@pytest.fixture
def enterprise_b(region_b):
    return register(region_b, "沙河市测试玻璃有限公司", industry_code="C3041", performance_grade="C")
