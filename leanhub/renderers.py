"""The form renderer: Django's own, with drop-down lists and choice boxes written in Python.

Django renders each ``<option>`` of a ``<select>`` through a template include, about 0.15 ms an
option: the ideas list's team filter offers an administrator 500 teams, 70 ms of every page
view. Here a select whose options use Django's own option template is written directly, to the
same markup (the same attributes, escaping and localisation as those templates). So is each
checkbox or radio button of a choice group (``{{ choice.tag }}``, three template includes a
box: the joint board form offers an administrator 500 teams). Any other template renders as
before.
"""

from __future__ import annotations

import html
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
# A checkbox or radio button of a choice group: input_option.html, which includes input.html.
INPUT_OPTIONS = frozenset(
    ("django/forms/widgets/checkbox_option.html", "django/forms/widgets/radio_option.html")
)


def conditional_escape(text: Any) -> str:
    """Django's ``conditional_escape``, without the lazy-argument wrapper its ``escape`` pays
    on every call (a page of 500 choice boxes escapes some 4,000 values)."""
    if isinstance(text, Promise):
        text = str(text)
    if hasattr(text, "__html__"):
        return str(text.__html__())
    return html.escape(str(text))


def _attrs(attrs: dict[str, Any]) -> str:
    """As django/forms/widgets/attrs.html: ``name="value"``, a bare name for True, nothing for
    False."""
    return "".join(
        f" {conditional_escape(name)}"
        + ("" if value is True else f'="{conditional_escape(str(value))}"')
        for name, value in attrs.items()
        if value is not False
    )


def render_select(widget: dict[str, Any]) -> SafeString:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(localize(group_name))}">')
        for option in group_choices:
            parts.append(
                f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                f"{_attrs(option['attrs'])}>{conditional_escape(localize(option['label']))}"
                "</option>\n"  # the option template's own last line break
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # noqa: S308 — every value above is escaped


def render_input_option(widget: dict[str, Any]) -> SafeString:
    """As django/forms/widgets/input_option.html and the input.html it includes (stripped, as
    Django's renderer strips every widget)."""
    attrs = widget["attrs"]
    value = widget["value"]
    tag = (
        f'<input type="{conditional_escape(localize(widget["type"]))}"'
        f' name="{conditional_escape(localize(widget["name"]))}"'
        + ("" if value is None else f' value="{conditional_escape(str(value))}"')
        + f"{_attrs(attrs)}>"
    )
    if widget.get("wrap_label"):
        for_id = f' for="{conditional_escape(localize(attrs["id"]))}"' if attrs.get("id") else ""
        # input.html's own last line break, then the label text.
        tag = f"<label{for_id}>{tag}\n {conditional_escape(localize(widget['label']))}</label>"
    return mark_safe(tag)  # noqa: S308 — every value above is escaped


class Renderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        widget = context.get("widget")
        if (
            template_name == SELECT
            and widget is not None
            and all(
                option["template_name"] == OPTION
                for _name, options, _index in widget["optgroups"]
                for option in options
            )
        ):
            return render_select(widget)
        if template_name in INPUT_OPTIONS and widget is not None and len(context) == 1:
            return render_input_option(widget)
        return super().render(template_name, context, request)
