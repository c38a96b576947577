"""Messages the library gives people (refusals, notices) that a front end can show in their language.

A Message is the English text itself (a str: print it, compare it, put it in an exception), and it
keeps its template and values, so that the web app can look the template up in its catalogue and
fill in the same values (web.i18n.translate_message). Templates use {name} fields.
"""
from __future__ import annotations


VERBATIM = "{text}"  # the template of Message.verbatim(): never looked up in a catalogue


class Message(str):
    """English text made from a template and values; `.template` and `.values` say how."""

    template: str
    values: dict
    parts: tuple = ()  # for a message joined from others (Message.joined): those, each translated alone

    def __new__(cls, template: str, **values) -> "Message":
        text = super().__new__(cls, template.format(**values) if values else template)
        text.template = template
        text.values = values
        return text

    @classmethod
    def verbatim(cls, text: str) -> "Message":
        """Return text that is the same in every language (what the user typed), as a message part."""
        return cls(VERBATIM, text=text)

    @classmethod
    def joined(cls, parts) -> "Message":
        """Return the parts joined by spaces, as one message whose parts a front end translates one by one."""
        parts = tuple(p if isinstance(p, Message) else Message.verbatim(str(p)) for p in parts)
        text = super().__new__(cls, " ".join(parts))
        text.template, text.values, text.parts = str(text), {}, parts
        return text

    def __reduce__(self):  # pickled across processes (workers raise them too), deep-copied by asdict()
        if self.parts:
            return (Message.joined, (self.parts,))
        return (_rebuild, (self.template, self.values))


def N_(template: str) -> str:
    """Mark a template kept in a constant for the catalogue (the extractor finds N_("...") calls)."""
    return template


def _rebuild(template: str, values: dict) -> Message:
    return Message(template, **values)
