from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from leanhub.models import Organisation, Place
from places.models import CaseFlow, InvestCase, SavingsTarget, ServiceTheme, SpendLine


class SpendImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or Excel file"),
        help_text=_(
            "Columns: organisation, theme, year (2024 or 2024-25), amount (£, to the penny) and "
            "optionally outcome. New themes are added to the place."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )


class ThemeForm(forms.ModelForm):
    class Meta:
        model = ServiceTheme
        fields = ["name", "position"]

    def __init__(self, *args: Any, place: Place, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.place = place
        self.instance.place = place

    def clean_name(self) -> str:
        name = " ".join(str(self.cleaned_data["name"]).split())
        clash = ServiceTheme.objects.filter(place=self.place, name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(gettext("The place already has a theme of that name."))
        return name


class SpendLineForm(forms.ModelForm):
    class Meta:
        model = SpendLine
        fields = ["organisation", "theme", "year", "outcome", "amount"]

    def __init__(self, *args: Any, place: Place, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.place = place
        theme_field = self.fields["theme"]
        assert isinstance(theme_field, forms.ModelChoiceField)
        theme_field.queryset = ServiceTheme.objects.filter(place=place)
        organisation_field = self.fields["organisation"]
        assert isinstance(organisation_field, forms.ModelChoiceField)
        organisation_field.queryset = Organisation.objects.all()
        self.fields["amount"].widget.attrs["min"] = "0"

    def clean_amount(self) -> Any:
        amount = self.cleaned_data["amount"]
        if amount is not None and amount < 0:
            raise forms.ValidationError(gettext("Spend cannot be negative."))
        return amount

    def clean_year(self) -> Any:
        year = self.cleaned_data["year"]
        if year is not None and not 1990 <= year <= 2100:
            raise forms.ValidationError(gettext("Give the year the financial year starts in."))
        return year


class CaseForm(forms.ModelForm):
    class Meta:
        model = InvestCase
        fields = [
            "title",
            "summary",
            "first_year",
            "discount_rate",
            "benefits_may_precede_investment",
        ]

    def clean_first_year(self) -> Any:
        year = self.cleaned_data["first_year"]
        if year is not None and not 1990 <= year <= 2100:
            raise forms.ValidationError(gettext("Give the year the financial year starts in."))
        return year

    def clean_discount_rate(self) -> Any:
        rate = self.cleaned_data["discount_rate"]
        if rate is not None and not 0 <= rate < 100:
            raise forms.ValidationError(gettext("A discount rate is a percentage from 0 to 99.99."))
        return rate


class FlowForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CaseFlow.Kind.choices)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.all()
    )
    year = forms.IntegerField(
        label=_("Financial year"),
        min_value=1990,
        max_value=2100,
        help_text=_("The year the financial year starts in: 2024 for 2024-25."),
    )
    amount = forms.DecimalField(
        label=_("Amount (£)"), max_digits=16, decimal_places=2, min_value=Decimal("0.01")
    )


class SharesForm(forms.Form):
    """One percentage per party of the case."""

    def __init__(
        self, *args: Any, parties: list[Organisation], current: dict[int, Decimal], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.parties = parties
        for org in parties:
            self.fields[f"share_{org.pk}"] = forms.DecimalField(
                label=org.name,
                min_value=Decimal(0),
                max_value=Decimal(100),
                max_digits=5,
                decimal_places=2,
                initial=current.get(org.pk, Decimal(0)),
            )

    def shares(self) -> dict[Organisation, Decimal]:
        return {org: self.cleaned_data[f"share_{org.pk}"] for org in self.parties}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            total = sum((cleaned[f"share_{org.pk}"] for org in self.parties), Decimal(0))
            if total != 100:
                raise forms.ValidationError(
                    gettext("The shares add up to %(total)s %%; they must add up to 100 %%.")
                    % {"total": total}
                )
        return cleaned


class TargetForm(forms.ModelForm):
    class Meta:
        model = SavingsTarget
        fields = ["year", "percent_of_spend"]

    def __init__(self, *args: Any, place: Place, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.place = place

    def clean_year(self) -> Any:
        year = self.cleaned_data["year"]
        if year is not None and not 1990 <= year <= 2100:
            raise forms.ValidationError(gettext("Give the year the financial year starts in."))
        return year

    def validate_unique(self) -> None:
        # The view updates the year's target in place; a second target for a year is not made.
        pass
