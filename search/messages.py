"""Messages the library gives people (refusals, notices) that a front end can show in their language.

A Message is the English text itself (a str: print it, compare it, put it in an exception), and it
keeps its template and values, so that the web app can look the template up in its catalogue and
fill in the same values (web.i18n.translate_message). Templates use {name} fields.
"""
from __future__ import annotations


class Message(str):
    """English text made from a template and values; `.template` and `.values` say how."""

    template: str
    values: dict

    def __new__(cls, template: str, **values) -> "Message":
        text = super().__new__(cls, template.format(**values) if values else template)
        text.template = template
        text.values = values
        return text

    def __reduce__(self):  # pickled across processes (workers raise them too)
        return (_rebuild, (self.template, self.values))


def N_(template: str) -> str:
    """Mark a template kept in a constant for the catalogue (the extractor finds N_("...") calls)."""
    return template


def _rebuild(template: str, values: dict) -> Message:
    return Message(template, **values)
