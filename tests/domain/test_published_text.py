"""Reasons quote export cells; the site publishes them without e-mails or learner ids."""

from __future__ import annotations

from generator.domain.published_text import published


def test_a_quoted_e_mail_is_masked() -> None:
    reason = "unknown course 'a.person@example.com' (not in config/courses.yaml)"
    assert published(reason) == "unknown course '(an e-mail address)' (not in config/courses.yaml)"


def test_an_e_mail_inside_a_value_such_as_an_xapi_iri_is_masked() -> None:
    reason = "unknown course 'https://lms.example/a.person@example.com'"
    assert published(reason) == "unknown course 'https://lms.example/(an e-mail address)'"
    assert (
        published("mailto:someone@corp.example.org rejected")
        == "mailto:(an e-mail address) rejected"
    )


def test_learner_ids_and_pseudonyms_are_masked() -> None:
    assert published("unknown course 'L2'", {"L2"}) == "unknown course '(a learner id)'"
    assert published("unknown course 'p-0123456789abcdef'") == "unknown course '(a learner id)'"
    assert published("unknown course 'C9'", {"L2"}) == "unknown course 'C9'"


def test_long_values_are_cut_short() -> None:
    assert published(f"unknown course '{'x' * 100}'") == f"unknown course '{'x' * 39}…'"


def test_an_apostrophe_inside_a_quoted_value_stays_part_of_it() -> None:
    """ "unknown course 'O'Brien'": the value is O'Brien, compared and cut as a whole."""
    from generator.domain.published_text import published, quoted_values

    reason = "unknown course 'O'Brien' (not in config/courses.yaml); the file's rows 'x'"
    assert quoted_values(reason) == ["O'Brien", "x"]
    assert published(reason, {"O'Brien"}).startswith("unknown course '(a learner id)' (not in")
