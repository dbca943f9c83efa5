from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from leanhub.models import Organisation, Place
from places.models import ServiceTheme, SpendLine


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
