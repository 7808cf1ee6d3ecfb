"""Form fields as plain data for the review page's hand-written Bootstrap 5 markup (issue 9).

The page shows some seventy fields. Rendered through crispy-forms, or with `{% for radio in
field %}`, each went through Django's widget templates and crispy's nested includes, most of the
page's time; worked out here in Python once per field, the templates (reviews/includes/field.html,
question.html, findings_form.html, actions/section.html) only look values up. The markup is
crispy-bootstrap5's, with the page's own error messages (reviews/includes/field_errors.html).
"""

from dataclasses import dataclass
from typing import NotRequired, TypedDict

from django import forms
from django.forms.utils import flatatt

# The classes crispy-bootstrap5 gives each kind of control (besides the widget's own name).
CONTROL_CLASS = {
    "select": "form-select",
    "radio": "form-check-input",
    "checkbox": "form-check-input",
}


class Option(TypedDict):
    """One radio button, checkbox or <option> of a choice field. A dict, not a dataclass: a
    template finds a dict's keys at its first try, and the page looks up some two thousand."""

    id: str
    value: str
    label: str
    checked: bool
    hint: NotRequired[str]


@dataclass(frozen=True)
class FieldMarkup:
    """One field as reviews/includes/field.html writes it."""

    id: str
    name: str
    label: str
    required: bool
    help_text: str
    help_id: str
    errors: list[str]
    error_id: str
    described_by: str  # the ids of the help text and the error message, for aria-describedby
    control: str  # "textarea", "select", "radio", "checkbox" or an <input>'s type
    css_class: str
    widget_attrs: str  # the widget's own attributes (rows, maxlength...), ready to write
    value: str  # as the widget shows it ("" for none); choice fields have `options` instead
    options: list[Option]

    @property
    def fieldset(self) -> bool:
        """Radio buttons and checkboxes are a group, labelled by a legend."""
        return self.control in ("radio", "checkbox")


def options(bound: forms.BoundField) -> list[Option]:
    """The field's choices as its widget would show them: ids `<auto_id>_<n>`, and chosen the
    values the widget takes as chosen (the input as posted, or the initial value). For a model
    choice field this runs its query: call it once."""
    chosen = set(bound.field.widget.format_value(bound.value()))
    return [
        Option(
            id=f"{bound.auto_id}_{n}",
            value=str(value),
            label=str(label),
            checked=str(value) in chosen,
        )
        for n, (value, label) in enumerate(_choices(bound.field))
    ]


def _choices(field: forms.Field):
    if not isinstance(field, forms.ModelChoiceField):
        return field.choices
    # The choices ModelChoiceIterator would give, read in one go: the iterator reads through a
    # server-side cursor on PostgreSQL, three round trips for a list of a few dozen people.
    iterator = field.iterator(field)
    empty = [("", field.empty_label)] if field.empty_label is not None else []
    return empty + [iterator.choice(obj) for obj in field.queryset]


def field_markup(bound: forms.BoundField) -> FieldMarkup:
    """The field as crispy-bootstrap5 would show it, with the same ids (`id_<name>`,
    `<id>_helptext`, `<id>_error`) and the input as posted, or else the initial value."""
    widget = bound.field.widget
    control = "textarea" if isinstance(widget, forms.Textarea) else widget.input_type
    errors = list(bound.errors)
    help_id = f"{bound.auto_id}_helptext" if bound.help_text else ""
    error_id = f"{bound.auto_id}_error"
    css_class = CONTROL_CLASS.get(control, "form-control")
    if control not in ("radio", "checkbox"):  # crispy names the widget on a single control
        css_class = f"{type(widget).__name__.lower()} {css_class}"
    is_choice = isinstance(bound.field, forms.ChoiceField)  # model choice fields too
    value = "" if is_choice else widget.format_value(bound.value())
    return FieldMarkup(
        id=bound.auto_id,
        name=bound.html_name,
        label=str(bound.label),
        required=bound.field.required,
        help_text=str(bound.help_text),
        help_id=help_id,
        errors=errors,
        error_id=error_id,
        described_by=" ".join(filter(None, [help_id, error_id if errors else ""])),
        control=control,
        css_class=f"{css_class} is-invalid" if errors else css_class,
        widget_attrs=flatatt({k: v for k, v in widget.attrs.items() if k != "class"}),
        value="" if value is None else str(value),
        options=options(bound) if is_choice else [],
    )
