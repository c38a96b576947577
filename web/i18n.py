"""The page's language (Bahasa Indonesia or English) and dates and numbers written in it, with Flask-Babel.

Which language a request gets, first match wins:
1. `?lang=id` or `?lang=en` in the URL (a link can be shared in one language); it is also kept in
   a cookie, so the rest of the visit stays in the language the reader chose;
2. the `lang` cookie;
3. the browser's Accept-Language, in the reader's order of preference: Indonesian (id, its old code
   in, and Malay, ms, whose readers read Indonesian more easily than English) or English;
4. English when the browser names neither language, or sends no Accept-Language at all. A browser
   that asks for Indonesian gets Indonesian, the archive's own language; one that asks for neither
   (a French or Japanese browser) is more likely read by someone who reads English, and programs
   calling the JSON API without the header get messages in the language of programming.

Catalogues live in web/translations/<lang>/LC_MESSAGES/messages.po, compiled to messages.mo and
committed (so that an installed wheel carries them with no build step; a test checks that every
.mo matches its .po). English is the source language: its strings are the msgids.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

from babel.dates import format_date, format_time
from flask import Flask, Response, request
from flask_babel import Babel, format_decimal, get_locale

from search.messages import VERBATIM, Message

LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}  # each named in its own language
DEFAULT_LANGUAGE = "en"
COOKIE = "lang"
COOKIE_SECONDS = 365 * 86_400
_ACCEPTED_AS = {"id": "id", "in": "id", "ms": "id", "en": "en"}
WIB = timezone(timedelta(hours=7))  # the archive's dates are shown in Western Indonesian Time


def select_locale() -> str:
    """Return the language of this request (see the module's docstring for the order)."""
    chosen = (request.args.get("lang") or "").strip().lower()
    if chosen in LANGUAGES:
        return chosen
    cookie = request.cookies.get(COOKIE, "")
    if cookie in LANGUAGES:
        return cookie
    for value, _quality in request.accept_languages:  # werkzeug sorts by quality
        language = _ACCEPTED_AS.get(value.split("-")[0].lower())
        if language:
            return language
    return DEFAULT_LANGUAGE


def current_language() -> str:
    return str(get_locale() or DEFAULT_LANGUAGE)


def language_links() -> list[dict]:
    """Return one link per language: this page in that language, the current one marked."""
    current = current_language()
    links = []
    for code, name in LANGUAGES.items():
        args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
        args.append(("lang", code))
        links.append({"code": code, "name": name, "current": code == current,
                      "href": request.script_root + request.path + "?" + urlencode(args)})
    return links


def remember_choice(response: Response) -> Response:
    """Keep a language chosen with ?lang= in a cookie; say that pages vary by language."""
    chosen = (request.args.get("lang") or "").strip().lower()
    if chosen in LANGUAGES and request.cookies.get(COOKIE) != chosen:
        response.set_cookie(COOKIE, chosen, max_age=COOKIE_SECONDS, samesite="Lax", httponly=True)
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    return response


def translate_message(message: str) -> str:
    """Return a library message (search.messages.Message) in the reader's language; other text as it is."""
    from flask_babel import gettext

    if isinstance(message, Message):
        if message.parts:
            return " ".join(translate_message(part) for part in message.parts)
        if message.template == VERBATIM:  # the user's own words: nothing to translate
            return str(message)
        return gettext(message.template).format(**message.values) if message.values else gettext(message.template)
    return message


# -- dates and numbers ---------------------------------------------------------------------------


def _moment(iso: str | datetime | None) -> datetime | None:
    if not iso:
        return None
    try:
        when = iso if isinstance(iso, datetime) else datetime.fromisoformat(str(iso))
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=WIB)).astimezone(WIB)


def date_label(iso: str | None) -> str:
    """Return "21 Oktober 2025" / "21 October 2025" for an ISO date (its WIB day), the text if unreadable."""
    when = _moment(iso)
    if when is None:
        return iso or ""
    return format_date(when, "d MMMM y", locale=current_language())


def datetime_label(iso: str | None) -> str:
    """Return "21 Oktober 2025, 20.43 WIB" ("21 October 2025, 8:43 PM WIB") for an ISO date and time.

    Times are shown in WIB, the zone of most of Indonesia's newsrooms, so that two articles' times
    compare at a glance; a time of exactly 00:00 is how a date without a time is stored, so it is
    shown as the date alone.
    """
    when = _moment(iso)
    if when is None:
        return iso or ""
    day = format_date(when, "d MMMM y", locale=current_language())
    if (when.hour, when.minute, when.second) == (0, 0, 0):
        return day
    return f"{day}, {format_time(when, 'short', locale=current_language())} WIB"


def date_input(iso: str | None) -> str:
    """Return an ISO day as a date field shows it: 21/10/2017, the way Indonesians write dates."""
    try:
        day = datetime.fromisoformat(str(iso)[:10])
    except ValueError:
        return iso or ""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def number(value: int | float) -> str:
    """Return a number as the reader writes it: 6.988 in Indonesian, 6,988 in English."""
    return format_decimal(value)


def init_app(app: Flask) -> None:
    """Set up Flask-Babel with the package's catalogues and the language helpers for templates."""
    Babel(app, locale_selector=select_locale, default_translation_directories="translations")
    app.jinja_env.policies["ext.i18n.trimmed"] = True  # {% trans %} text as one line, as extracted
    app.after_request(remember_choice)
    app.add_template_filter(date_label)
    app.add_template_filter(datetime_label)
    app.add_template_filter(number)
    app.add_template_filter(date_input)
    app.add_template_filter(translate_message, "translated")

    @app.context_processor
    def language_globals():
        return {"language_links": language_links, "current_language": current_language}
