"""A rubric written on a question's page: criteria, each with four anchored levels (rubrics.services.rubric_create)."""

from typing import Any

from django import forms

from manage.forms.fields import TextField

LEVELS = {1: "Weak", 2: "Partial", 3: "Good", 4: "Excellent"}
MAX_CRITERIA = 12


class CriterionForm(forms.Form):
    name = forms.CharField(max_length=200, label="Criterion")
    description = TextField(required=False, max_length=2000, rows=2, label="What it looks at")
    weight = forms.FloatField(min_value=0.01, max_value=100, initial=1.0, label="Weight")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for score, label in LEVELS.items():
            self.fields[f"level_{score}_label"] = forms.CharField(max_length=40, initial=label, label=f"Level {score}")
            self.fields[f"level_{score}"] = TextField(max_length=2000, rows=2, label=f"Anchor for level {score}")

    def levels(self) -> list[tuple[int, forms.BoundField, forms.BoundField]]:
        """Each level's score with its label and anchor fields, for the template."""
        return [(score, self[f"level_{score}_label"], self[f"level_{score}"]) for score in LEVELS]

    def criterion(self) -> dict[str, Any]:
        """``rubric_create``'s shape of one criterion."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "description": data["description"],
            "weight": data["weight"],
            "levels": [
                {"score": score, "label": data[f"level_{score}_label"], "description": data[f"level_{score}"]}
                for score in LEVELS
            ],
        }


class BaseCriterionFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        super().clean()
        if not any(self.errors) and not self.criteria():
            raise forms.ValidationError("A rubric needs at least one criterion.")

    def criteria(self) -> list[dict[str, Any]]:
        """The criteria in page order: the rows filled in and not deleted."""
        return [
            form.criterion()
            for form in self.forms
            if form.has_changed() and form.is_valid() and not form.cleaned_data.get("DELETE")
        ]


CriterionFormSet = forms.formset_factory(
    CriterionForm,
    formset=BaseCriterionFormSet,
    extra=2,
    can_delete=True,
    can_delete_extra=False,
    max_num=MAX_CRITERIA,
    validate_max=True,
    absolute_max=MAX_CRITERIA + 10,
)
