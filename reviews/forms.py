"""The review page's form: one field per question of the review's toolkit version, the findings,
and the version the page was opened at (optimistic locking)."""

from dataclasses import dataclass, field, replace
from functools import cached_property

from django import forms

from audits.models import GRADE_DEFINITIONS, AnswerKind, Choice, Grade, Question, Section

from .field_markup import FieldMarkup, Option, field_markup, options
from .models import Answer, PracticeTheme, Review, ReviewTheme
from .services import (
    ANSWER_VALUE_FIELD,
    FINDINGS_FIELDS,
    finding_anchor,
    is_answered,
    question_anchor,
)

TEXTAREA = {"rows": 4}
ANSWER_CHOICES = {AnswerKind.GRADED: Grade.choices, AnswerKind.YES_PARTLY_NO: Choice.choices}


@dataclass
class QuestionRow:
    """A question as the page shows it: its number, its stored answer and, when editable, its
    fields. What templates/reviews/includes/question.html needs of the fields is worked out here
    once, so the template (sixty times on a long toolkit) only looks values up."""

    question: Question
    number: str
    answer: Answer | None
    field: forms.BoundField | None = None
    na_field: forms.BoundField | None = None

    @cached_property
    def anchor(self) -> str:
        return question_anchor(self.question)

    @cached_property
    def name(self) -> str:
        return self.field.html_name if self.field else ""

    @cached_property
    def label(self) -> str:
        optional = "" if self.question.required else " (optional)"
        return f"{self.number} {self.question.text}{optional}"

    @cached_property
    def errors(self) -> list[str]:
        return list(self.field.errors) if self.field else []

    @cached_property
    def described_by(self) -> str:
        """The ids of the question's hint and error message, for aria-describedby."""
        ids = [f"{self.anchor}-hint"] if self.question.guidance else []
        if self.errors:
            ids.append(f"{self.anchor}-error")
        return " ".join(ids)

    @cached_property
    def input_class(self) -> str:
        kind = "form-control" if self.is_free_text else "form-check-input"
        return f"{kind} is-invalid" if self.errors else kind

    @cached_property
    def radios(self) -> list[Option]:
        """The radio buttons of a graded or yes, partly or no question."""
        return options(self.field) if self.field and not self.is_free_text else []

    @cached_property
    def text(self) -> str:
        """A free-text answer as the textarea shows it (the input as posted, or as stored)."""
        value = self.field.value() if self.field else None
        return "" if value is None else value

    @cached_property
    def not_applicable(self) -> bool:
        """Whether the "Not applicable to this case" box is ticked (as posted, or as stored)."""
        return bool(self.na_field.value()) if self.na_field else False

    @property
    def answered(self) -> bool:
        return is_answered(self.question, self.answer)

    @property
    def is_graded(self) -> bool:
        return self.question.answer_kind == AnswerKind.GRADED

    @property
    def is_free_text(self) -> bool:
        return self.question.answer_kind == AnswerKind.FREE_TEXT

    @property
    def display(self) -> str:
        """The stored answer in words, for the read-only page."""
        if self.answer is None:
            return ""
        if self.answer.not_applicable:
            return "Not applicable"
        if self.is_graded:
            return self.answer.get_grade_display()
        if self.is_free_text:
            return self.answer.text
        return self.answer.get_choice_display()


@dataclass
class SectionRow:
    section: Section
    number: int
    questions: list[QuestionRow] = field(default_factory=list)


def outline(sections, answers: dict[int, Answer], form=None) -> list[SectionRow]:
    """The toolkit version section by section, numbered as the page and submit's messages
    number them ("2.3")."""
    rows = []
    for s_number, section in enumerate(sections, start=1):
        row = SectionRow(section=section, number=s_number)
        for q_number, question in enumerate(section.questions.all(), start=1):
            name = f"q-{question.pk}"
            row.questions.append(
                QuestionRow(
                    question=question,
                    number=f"{s_number}.{q_number}",
                    answer=answers.get(question.pk),
                    field=form[name] if form else None,
                    na_field=form[f"{name}-na"] if form and f"{name}-na" in form.fields else None,
                )
            )
        rows.append(row)
    return rows


def progress(rows: list[SectionRow]) -> tuple[int, int]:
    """(answered, total) questions."""
    questions = [q for row in rows for q in row.questions]
    return sum(q.answered for q in questions), len(questions)


def _child_seen(value: str) -> bool:
    return value == "True"


class ReviewForm(forms.Form):
    """Every field is optional while the review is a draft: submit checks completeness
    (`review_missing_items`), so that a half-done review can always be saved."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    FINDINGS_LABELS = {
        "discussion_on": ("Date of the discussion with the practitioner", ""),
        "discussion_participants": (
            "Who took part",
            "For example: the practitioner, their team manager and you.",
        ),
        "practitioner_reflections": (
            "The practitioner's reflections",
            "What the practitioner said about the work with the child and its impact.",
        ),
        "child_seen": ("Was the child seen?", ""),
        "views_obtained_how": (
            "How the child's and family's views were obtained",
            "For example: a visit, a phone call or a questionnaire. If their views were not "
            "obtained, say why.",
        ),
        "child_and_family_views": (
            "What the child and family said",
            "Their own words where you can. If their views were not obtained, give the reason.",
        ),
        "working_well": ("What is working well", ""),
        "needs_to_improve": (
            "What needs to improve",
            "And what would lift the practice to good.",
        ),
        "recommendations": ("Recommendations", ""),
        "grade": ("Overall grade", ""),
        "grade_rationale": ("Rationale for the overall grade", ""),
    }

    # The practice themes' fields, by kind of tag (reviews.themes).
    THEME_FIELDS = {
        ReviewTheme.Kind.STRENGTH: (
            "strength_themes",
            "Themes of what is working well",
            "Tick the practice themes this review found to be strengths.",
        ),
        ReviewTheme.Kind.DEVELOPMENT: (
            "development_themes",
            "Themes of what needs to improve",
            "Tick the practice themes this review found to be areas for development.",
        ),
    }

    def __init__(
        self,
        data=None,
        *,
        review: Review,
        sections,
        answers: dict[int, Answer],
        themes: list[PracticeTheme] = (),
        tagged: dict[str, set[int]] | None = None,
    ):
        initial = self._initial(review, answers)
        for kind, (name, _, _) in self.THEME_FIELDS.items():
            initial[name] = sorted((tagged or {}).get(kind, ()))
        super().__init__(data, initial=initial)
        self.sections, self.stored_answers = list(sections), answers
        self.questions: list[Question] = []
        for section in self.sections:
            for question in section.questions.all():
                self.questions.append(question)
                self.fields[f"q-{question.pk}"] = self._answer_field(question)
                if question.allow_not_applicable:
                    self.fields[f"q-{question.pk}-na"] = forms.BooleanField(
                        label="Not applicable", required=False
                    )
        self._add_findings_fields()
        self._add_theme_fields(themes)
        self.anchor_fields = {question_anchor(q): f"q-{q.pk}" for q in self.questions} | {
            finding_anchor(name): name for name in FINDINGS_FIELDS
        }

    @staticmethod
    def _initial(review: Review, answers: dict[int, Answer]) -> dict:
        initial = {"lock_version": review.lock_version}
        initial |= {name: getattr(review, name) for name in FINDINGS_FIELDS}
        if review.child_seen is not None:
            initial["child_seen"] = str(review.child_seen)
        for question_id, answer in answers.items():
            value = answer.grade or answer.choice or answer.text
            initial[f"q-{question_id}"] = value
            initial[f"q-{question_id}-na"] = answer.not_applicable
        return initial

    @staticmethod
    def _answer_field(question: Question) -> forms.Field:
        if question.answer_kind == AnswerKind.FREE_TEXT:
            return forms.CharField(
                label=question.text, required=False, widget=forms.Textarea(attrs=TEXTAREA)
            )
        return forms.ChoiceField(
            label=question.text,
            required=False,
            choices=ANSWER_CHOICES[question.answer_kind],
            widget=forms.RadioSelect,
        )

    def _add_findings_fields(self) -> None:
        fields = forms.fields_for_model(
            Review,
            fields=[n for n in FINDINGS_FIELDS if n not in ("child_seen", "grade")],
            widgets={
                "discussion_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                **{
                    name: forms.Textarea(attrs=TEXTAREA)
                    for name in FINDINGS_FIELDS
                    if name not in ("discussion_on", "discussion_participants")
                },
            },
        )
        fields["discussion_on"].input_formats = ["%Y-%m-%d", "%d/%m/%Y"]
        fields["child_seen"] = forms.TypedChoiceField(
            choices=[("True", "Yes"), ("False", "No")],
            coerce=_child_seen,
            empty_value=None,
            required=False,
            widget=forms.RadioSelect,
        )
        fields["grade"] = forms.ChoiceField(
            choices=Grade.choices, required=False, widget=forms.RadioSelect
        )
        for name in FINDINGS_FIELDS:
            label, help_text = self.FINDINGS_LABELS[name]
            fields[name].label, fields[name].help_text = label, help_text
            fields[name].required = False
            self.fields[name] = fields[name]

    def _add_theme_fields(self, themes: list[PracticeTheme]) -> None:
        choices = [(theme.pk, theme.name) for theme in sorted(themes, key=lambda t: t.name)]
        for name, label, help_text in self.THEME_FIELDS.values():
            self.fields[name] = forms.TypedMultipleChoiceField(
                label=label,
                help_text=help_text,
                choices=choices,
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )

    # The findings' fields, for templates/reviews/includes/findings_form.html.

    @cached_property
    def findings_markup(self) -> dict[str, FieldMarkup]:
        names = [*FINDINGS_FIELDS, *(name for name, _, _ in self.THEME_FIELDS.values())]
        fields = {name: field_markup(self[name]) for name in names}
        # Each overall grade's radio button is described by what the grade means.
        definitions = {value: definition for value, _, definition in grade_definitions()}
        grade = fields["grade"]
        fields["grade"] = replace(
            grade, options=[{**o, "hint": definitions[o["value"]]} for o in grade.options]
        )
        return fields

    # What the services take.

    def themes(self) -> dict[str, set[int]]:
        """{kind: {theme id}} for each theme field that is valid (an invalid one is left as
        stored)."""
        return {
            kind: set(self.cleaned_data[name])
            for kind, (name, _, _) in self.THEME_FIELDS.items()
            if name in self.cleaned_data
        }

    def answers(self) -> dict[int, dict]:
        """The answers that are valid, by question id (an invalid one is left as stored)."""
        answers = {}
        for question in self.questions:
            name = f"q-{question.pk}"
            if name not in self.cleaned_data:
                continue
            answers[question.pk] = {
                ANSWER_VALUE_FIELD[question.answer_kind]: self.cleaned_data[name],
                "not_applicable": self.cleaned_data.get(f"{name}-na", False),
            }
        return answers

    def findings(self) -> dict:
        return {
            name: self.cleaned_data[name] for name in FINDINGS_FIELDS if name in self.cleaned_data
        }

    # The page's error summary.

    def add_missing_items(self, missing: list[tuple[str, str]]) -> None:
        for anchor, message in missing:
            self.add_error(self.anchor_fields[anchor], message)

    def error_links(self) -> list[tuple[str, str]]:
        """(anchor, message) for every field error, in page order (the GOV.UK error summary)."""
        links = []
        for question in self.questions:
            for name in (f"q-{question.pk}", f"q-{question.pk}-na"):
                links += [(question_anchor(question), e) for e in self.errors.get(name, [])]
        for name in FINDINGS_FIELDS:
            links += [(finding_anchor(name), e) for e in self.errors.get(name, [])]
        return links


def grade_definitions() -> list[tuple[str, str, str]]:
    """(value, label, definition) of each grade: the hints beside graded questions."""
    return [(grade.value, grade.label, GRADE_DEFINITIONS[grade]) for grade in Grade]
