"""Strong passwords (ASVS 6.2): at least 12 characters, not common, not all digits, not like
the person's name or e-mail address."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.tests.factories import TEST_PASSWORD


@pytest.mark.django_db
@pytest.mark.parametrize(
    "password",
    [
        "Sh0rt-pass!",  # 11 characters
        "password1234",  # common
        "839201748390275",  # digits only
        "alys.ashdown.qaf",  # like the e-mail address
    ],
)
def test_weak_passwords_are_refused(password):
    from accounts.tests.factories import UserFactory

    user = UserFactory(email="alys.ashdown.qaf@example.org", first_name="Alys")
    with pytest.raises(ValidationError):
        validate_password(password, user)


@pytest.mark.django_db
def test_a_long_uncommon_password_is_accepted(reviewer):
    validate_password("quiet river lantern 42", reviewer)


@pytest.mark.django_db
def test_changing_to_an_eleven_character_password_is_refused_with_a_message(client, reviewer):
    client.force_login(reviewer)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "Zq8#mw!Lp2x",
            "new_password2": "Zq8#mw!Lp2x",
        },
    )

    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()
    reviewer.refresh_from_db()
    assert reviewer.check_password(TEST_PASSWORD)
