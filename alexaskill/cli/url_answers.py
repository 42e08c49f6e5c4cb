"""``chat --url`` and ``replay --url``: a server's answer that is no response envelope (a web
page, a redirect), worded once for both commands."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .inputs import shown_url

if TYPE_CHECKING:
    import httpx

__all__ = ["not_json", "redirect_reason"]


def not_json(response: httpx.Response) -> str:
    """Why an answer whose body does not parse as JSON is no response envelope, saying what came:
    ``the answer is not JSON: '<html>…'`` (its first 60 characters), or ``the answer is empty``."""
    if not response.content:
        return "the answer is empty"
    return f"the answer is not JSON: {response.text[:60]!r}"


def redirect_reason(response: httpx.Response, command: str) -> str | None:
    """For a redirect (a 3xx with a ``Location``), where it points (resolved against the URL
    asked, a password in it shown as ``***``) and that ``command`` does not follow it; else
    None."""
    location = response.headers.get("Location")
    if not response.is_redirect or location is None:
        return None
    try:
        target = str(response.url.join(location))
    except ValueError:  # (httpx.InvalidURL: a Location that is no URL; shown as it came)
        target = location
    return (
        f"a redirect to {shown_url(target)}, which {command} --url does not follow: give that "
        "URL to --url if the skill is served there"
    )
