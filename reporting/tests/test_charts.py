import xml.etree.ElementTree as ET

from django.template.loader import render_to_string

from reporting.charts import (
    Chart,
    grade_distribution_chart,
    stacked_by_service_chart,
    trend_chart,
)

SVG = "{http://www.w3.org/2000/svg}"

COUNTS = {"outstanding": 3, "good": 12, "requires_improvement": 5, "inadequate": 0}
POINTS = [
    {"label": "Spring 2025", "share": 0.6, "n": 10, "low": 0.31, "high": 0.83},
    {"label": "Summer 2025", "share": None, "n": 0, "low": None, "high": None},
    {"label": "Autumn 2025", "share": 0.75, "n": 40, "low": 0.6, "high": 0.86},
]
BY_SERVICE = {
    "Children in Need": {"outstanding": 1, "good": 5, "inadequate": 2},
    "Care Leavers": {"good": 20, "requires_improvement": 3},
}


def parse(chart: Chart) -> ET.Element:
    return ET.fromstring(chart.svg)


def texts(chart: Chart) -> list[str]:
    return ["".join(t.itertext()) for t in parse(chart).iter(f"{SVG}text")]


def all_charts() -> list[Chart]:
    return [
        grade_distribution_chart(COUNTS, "Grades this cycle"),
        trend_chart(POINTS, "Good or better over time"),
        stacked_by_service_chart(BY_SERVICE, "Grades by service"),
    ]


def test_each_chart_is_well_formed_svg_with_an_accessible_name():
    for chart in all_charts():
        root = parse(chart)
        assert root.tag == f"{SVG}svg"
        assert root.get("role") == "img"
        assert root.get("aria-label") == chart.title


def test_svg_can_be_inlined_in_html():
    for chart in all_charts():
        assert chart.svg.startswith("<svg ")
        assert "<?xml" not in chart.svg
        assert "<!DOCTYPE" not in chart.svg


def test_svg_keeps_text_as_text_at_print_width():
    root = parse(grade_distribution_chart(COUNTS, "Grades"))
    assert root.get("width") == "453.543307pt"  # 16 cm
    assert "<text" in grade_distribution_chart(COUNTS, "Grades").svg


def test_same_data_gives_identical_svg():
    assert all_charts() == all_charts()


def test_different_data_gives_different_svg():
    other = grade_distribution_chart({**COUNTS, "inadequate": 1}, "Grades this cycle")
    assert other.svg != grade_distribution_chart(COUNTS, "Grades this cycle").svg


def test_grade_distribution_labels_each_bar_with_count_and_percentage():
    found = texts(grade_distribution_chart(COUNTS, "Grades"))
    for label in ("Outstanding", "Good", "Requires Improvement", "Inadequate"):
        assert label in found
    for bar in ("3 (15%)", "12 (60%)", "5 (25%)", "0 (0%)"):
        assert bar in found


def test_grade_distribution_table_matches_the_data_in_grade_order():
    chart = grade_distribution_chart(COUNTS, "Grades")
    assert chart.table == [
        ("Grade", "Reviews", "Percentage"),
        ("Outstanding", 3, "15%"),
        ("Good", 12, "60%"),
        ("Requires Improvement", 5, "25%"),
        ("Inadequate", 0, "0%"),
    ]


def test_grade_distribution_of_no_reviews_says_so_instead_of_failing():
    chart = grade_distribution_chart({}, "Grades")
    assert "No reviews" in texts(chart)
    assert chart.rows[0] == ("Outstanding", 0, "0%")


def test_grades_differ_by_more_than_colour():
    svg = grade_distribution_chart(COUNTS, "Grades").svg
    assert svg.count("<pattern") == 3  # hatching for three grades, the darkest plain


def test_trend_annotates_each_point_with_its_number_of_reviews():
    found = texts(trend_chart(POINTS, "Trend"))
    assert "n=10" in found
    assert "n=40" in found
    assert "Summer 2025" in found


def test_trend_skips_a_cycle_without_reviews_but_lists_it_in_the_table():
    chart = trend_chart(POINTS, "Trend")
    assert "n=0" not in texts(chart)
    assert "no reviews" in texts(chart)
    assert chart.table == [
        ("Cycle", "Good or better", "95% confidence interval", "Reviews"),
        ("Spring 2025", "60%", "31% to 83%", 10),
        ("Summer 2025", "no reviews", "", 0),
        ("Autumn 2025", "75%", "60% to 86%", 40),
    ]


def test_trend_with_no_reviews_at_all_says_so():
    chart = trend_chart([POINTS[1]], "Trend")
    assert "No reviews" in texts(chart)
    assert trend_chart([], "Trend").rows == []


def test_stacked_chart_shows_services_counts_and_totals():
    chart = stacked_by_service_chart(BY_SERVICE, "By service")
    found = texts(chart)
    assert {"Children in Need", "Care Leavers", "8", "23", "20", "Inadequate"} <= set(found)
    assert chart.table == [
        ("Service", "Outstanding", "Good", "Requires Improvement", "Inadequate", "Total"),
        ("Children in Need", 1, 5, 0, 2, 8),
        ("Care Leavers", 0, 20, 3, 0, 23),
    ]


def test_stacked_chart_with_no_reviews_says_so():
    assert "No reviews" in texts(stacked_by_service_chart({}, "By service"))
    assert "No reviews" in texts(stacked_by_service_chart({"Fostering": {}}, "By service"))


def test_a_service_named_like_markup_stays_text():
    chart = stacked_by_service_chart({"<script>alert(1)</script>": {"good": 2}}, "<b>x</b>")
    root = parse(chart)
    assert not list(root.iter(f"{SVG}script"))
    assert not list(root.iter("script"))
    assert "<script>" not in chart.svg
    assert "<script>alert(1)</script>" in texts(chart)
    assert root.get("aria-label") == "<b>x</b>"


def test_a_dollar_sign_in_a_name_is_not_read_as_mathematics():
    chart = stacked_by_service_chart({"Care $leavers$": {"good": 2}}, "By service")
    assert "Care $leavers$" in texts(chart)
    trend = trend_chart([{**POINTS[0], "label": "Cycle $1$"}], "Trend")
    assert "Cycle $1$" in texts(trend)


def test_include_renders_the_figure_with_caption_and_data_table():
    chart = stacked_by_service_chart({"<script>": {"good": 2}}, "Grades by service")
    page = render_to_string("reporting/includes/chart.html", {"chart": chart})
    assert "<figure" in page
    assert '<svg role="img" aria-label="Grades by service"' in page
    assert "<figcaption" in page
    assert "Grades by service</figcaption>" in page
    assert "<details" in page
    assert "<summary>Show the data</summary>" in page
    assert "<caption>Grades by service: data</caption>" in page
    assert '<th scope="col">Service</th>' in page
    assert '<th scope="row">&lt;script&gt;</th>' in page
    assert "<script>" not in page
