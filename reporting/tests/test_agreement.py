import pytest

from audits.models import Grade
from reporting.agreement import (
    OVERALL,
    agreement_summary,
    agreement_within_one,
    exact_agreement,
    grade_value,
    krippendorff_alpha,
)

# Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability", section C: four observers
# A-D over twelve units, with missing data ("." in the paper, None here).
_ = None
KRIPPENDORFF_2011_OBSERVERS = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],  # A
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],  # B
    [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],  # C
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],  # D
]
KRIPPENDORFF_2011_UNITS = [list(unit) for unit in zip(*KRIPPENDORFF_2011_OBSERVERS, strict=True)]


@pytest.mark.parametrize(
    ("level", "published"),
    [("nominal", 0.743), ("interval", 0.849), ("ordinal", 0.815)],
)
def test_alpha_matches_krippendorffs_worked_example_with_missing_data(level, published):
    assert krippendorff_alpha(KRIPPENDORFF_2011_UNITS, level) == pytest.approx(published, abs=0.001)


def test_alpha_matches_krippendorffs_binary_example_with_two_observers():
    # Same paper, section A: alpha = 1 - (n - 1) * o_01 / (n_0 * n_1) = 1 - 19 * 4 / (14 * 6).
    observer_a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    observer_b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    units = [list(unit) for unit in zip(observer_a, observer_b, strict=True)]

    assert krippendorff_alpha(units, "nominal") == pytest.approx(0.095, abs=0.001)


def test_alpha_drops_units_with_fewer_than_two_values():
    with_singletons = [*KRIPPENDORFF_2011_UNITS, [4, _, _, _], [_, _, _, _]]

    assert krippendorff_alpha(with_singletons) == krippendorff_alpha(KRIPPENDORFF_2011_UNITS)


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval"])
def test_perfect_agreement_gives_alpha_of_one(level):
    units = [[1, 1, 1], [2, 2, _], [4, 4, 4], [3, 3, 3]]

    assert krippendorff_alpha(units, level) == pytest.approx(1.0)


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval"])
def test_alpha_is_undefined_when_every_value_is_the_same(level):
    assert krippendorff_alpha([[3, 3, 3], [3, 3, _]], level) is None


def test_alpha_is_undefined_when_no_unit_can_be_paired():
    assert krippendorff_alpha([[1, _, _], [_, 4, _]]) is None
    assert krippendorff_alpha([]) is None


def test_alpha_refuses_an_unknown_level():
    with pytest.raises(ValueError, match="level"):
        krippendorff_alpha([[1, 2]], "ratio")


def test_exact_agreement_is_the_share_of_pairs_giving_the_same_grade():
    # Unit 1: 3 pairs, 1 the same. Unit 2: 1 pair (one reviewer missing), the same.
    assert exact_agreement([[3, 3, 4], [2, _, 2]]) == pytest.approx(2 / 4)


def test_agreement_within_one_counts_grades_one_step_apart():
    # Pairs: (3,4) (3,1) (4,1) (2,2): the first and last are within one step.
    assert agreement_within_one([[3, 4, 1], [2, 2]]) == pytest.approx(2 / 4)


def test_agreement_is_none_when_there_are_no_pairs():
    assert exact_agreement([[3, _], [_]]) is None
    assert agreement_within_one([]) is None


def test_grade_value_places_grades_on_the_ordinal_scale():
    assert [grade_value(g) for g in Grade] == [4, 3, 2, 1]
    assert grade_value("requires_improvement") == 2
    assert grade_value(3) == 3
    assert grade_value("") is None
    assert grade_value(None) is None


@pytest.mark.parametrize("grade", ["excellent", 5, 0])
def test_grade_value_refuses_what_is_not_a_grade(grade):
    with pytest.raises(ValueError, match="grade"):
        grade_value(grade)


def test_summary_gives_each_question_and_the_overall_grade():
    summary = agreement_summary(
        {
            "Reviewer 1": {"Q1": Grade.GOOD, "Q2": Grade.GOOD, OVERALL: Grade.GOOD},
            "Reviewer 2": {"Q1": Grade.GOOD, "Q2": Grade.OUTSTANDING, OVERALL: Grade.GOOD},
            "Reviewer 3": {"Q1": Grade.GOOD, "Q2": Grade.INADEQUATE, OVERALL: ""},
        }
    )

    q1, q2 = summary["questions"]
    assert (q1.label, q1.reviewers, q1.exact, q1.within_one) == ("Q1", 3, 1.0, 1.0)
    # Q2: Good/Outstanding, Good/Inadequate, Outstanding/Inadequate.
    assert (q2.label, q2.exact, q2.within_one) == ("Q2", 0.0, pytest.approx(1 / 3))
    overall = summary["overall"]
    assert (overall.reviewers, overall.exact, overall.within_one) == (2, 1.0, 1.0)
    pooled = summary["all_questions"]
    assert pooled.reviewers == 3
    assert pooled.exact == pytest.approx(3 / 6)
    assert pooled.within_one == pytest.approx(4 / 6)
    assert pooled.alpha == krippendorff_alpha([[3, 3, 3], [3, 4, 1]], "ordinal")


def test_summary_gives_alpha_only_where_there_are_several_units():
    summary = agreement_summary(
        {"A": {"Q1": 3, OVERALL: 3}, "B": {"Q1": 2, OVERALL: 4}, "C": {"Q1": 3}}
    )

    assert summary["questions"][0].alpha is None
    assert summary["overall"].alpha is None


def test_summary_alpha_is_none_when_every_reviewer_gave_every_question_the_same_grade():
    summary = agreement_summary({"A": {"Q1": 3, "Q2": 3}, "B": {"Q1": 3, "Q2": 3}})

    assert summary["all_questions"].exact == 1.0
    assert summary["all_questions"].alpha is None


def test_summary_keeps_questions_a_reviewer_left_out_and_has_no_overall_row_if_none_given():
    summary = agreement_summary({"A": {"Q1": 3}, "B": {"Q1": 3, "Q2": 2}})

    assert [row.label for row in summary["questions"]] == ["Q1", "Q2"]
    assert summary["questions"][1].reviewers == 1
    assert summary["questions"][1].exact is None
    assert summary["overall"] is None


def test_summary_of_no_reviewers_is_empty():
    summary = agreement_summary({})

    assert summary["questions"] == []
    assert summary["all_questions"].exact is None
    assert summary["all_questions"].alpha is None
    assert summary["overall"] is None
