"""
Walk every URL pattern of the project and make a sample URL for each, so that access tests cover
views added later without anyone remembering to list them.
"""

import re
import uuid
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

SAMPLE_VALUES = {
    "int": "1",
    "slug": "sample",
    "str": "sample",
    "path": "sample",
    "uuid": str(uuid.UUID(int=1)),
}
_ROUTE_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^()]*)\)")


@dataclass(frozen=True)
class WalkedURL:
    route: str  # the pattern as written, for messages
    name: str | None  # "namespace:name"
    url: str  # a concrete URL that resolves to the pattern


def _sample_route(route: str) -> str:
    return _ROUTE_PARAMETER.sub(
        lambda m: SAMPLE_VALUES.get(m["converter"] or "str", "sample"), route
    )


def _sample_regex(regex: str) -> str:
    def group(match: re.Match) -> str:
        body = match["body"]
        # An alternation of literal words (e.g. the admin's app labels): take the first.
        if re.fullmatch(r"[\w|]+", body):
            return body.split("|")[0]
        return "1" if r"\d" in body else "sample"

    text = _REGEX_GROUP.sub(group, regex).lstrip("^").rstrip("$")
    return text.replace("\\", "")


def _sample(pattern) -> str:
    if isinstance(pattern, RoutePattern):
        return _sample_route(str(pattern))
    if isinstance(pattern, RegexPattern):
        return _sample_regex(pattern.regex.pattern)
    raise TypeError(f"unknown pattern type {type(pattern)!r}")


def walk(resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner_namespace = namespace
            if entry.namespace:
                inner_namespace = f"{namespace}{entry.namespace}:"
            yield from walk(entry, prefix + _sample(entry.pattern), inner_namespace)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else None
            yield WalkedURL(
                route=prefix + str(entry.pattern),
                name=name,
                url="/" + prefix + _sample(entry.pattern),
            )
