import pytest
from django.contrib.auth.models import Group

from tests.factories import StaffFactory


@pytest.fixture
def report_viewer(db):
    user = StaffFactory(email="viewer@example.com")
    user.groups.add(Group.objects.get(name="Report viewers"))
    return user


@pytest.fixture
def recipient(db):
    user = StaffFactory(email="recipient@example.com")
    user.groups.add(Group.objects.get(name="Report recipients"))
    return user
