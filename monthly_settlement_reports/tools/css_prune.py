"""The report CSS cut down to the rules that can apply to a document.

Odoo's report bundle is ~400 KB of CSS (Bootstrap and every module's report styles); wkhtmltopdf
matches each of its selectors against every element, which takes about half of its time on a batch
of statements. A rule is kept when one of its selectors could match: every class, id and element
name it names occurs in the document (pseudo-classes, attribute conditions and :not() are ignored,
so this keeps more than needed, never less). Web fonts and animations are left out (the statement
prints with the fonts it names, installed on the server)."""

import functools
import re

SKIPPED_AT_RULES = ("@font-face", "@keyframes", "@-webkit-keyframes", "@-moz-keyframes")
NESTED_AT_RULES = ("@media", "@supports")
_PAREN = re.compile(r"\([^()]*\)")
_ATTRIBUTE = re.compile(r"\[[^\]]*\]")
_PSEUDO = re.compile(r"::?[a-zA-Z-]+")
_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_ID = re.compile(r"#(-?[_a-zA-Z][\w-]*)")
_TAG = re.compile(r"(?:^|[\s>+~])([a-zA-Z][\w-]*)")


def _split_top(css):
    """(prelude, block) of the top-level statements of ``css``; block None for ``@x ...;``."""
    statements, start, depth, quote, index = [], 0, 0, None, 0
    block_start = None
    length = len(css)
    while index < length:
        char = css[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif css.startswith("/*", index):
            end = css.find("*/", index + 2)
            index = length if end < 0 else end + 1
        elif char == "{":
            if depth == 0:
                block_start = index
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                statements.append((css[start:block_start].strip(), css[block_start + 1 : index]))
                start = index + 1
        elif char == ";" and depth == 0:
            statements.append((css[start:index].strip(), None))
            start = index + 1
        index += 1
    return statements


def _requirements(selector):
    """(classes, ids, tags) a selector needs in the document to match anything."""
    while _PAREN.search(selector):
        selector = _PAREN.sub("", selector)
    selector = _PSEUDO.sub("", _ATTRIBUTE.sub("", selector))
    return (
        frozenset(_CLASS.findall(selector)),
        frozenset(_ID.findall(selector)),
        frozenset(tag.lower() for tag in _TAG.findall(selector)),
    )


def _split_selectors(prelude):
    selectors, depth, start = [], 0, 0
    for index, char in enumerate(prelude):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "," and depth == 0:
            selectors.append(prelude[start:index])
            start = index + 1
    selectors.append(prelude[start:])
    return selectors


@functools.lru_cache(maxsize=8)
def _parsed(css):
    """The stylesheet as a tuple of (text, requirements or None, nested or None)."""
    parsed = []
    for prelude, block in _split_top(css):
        if block is None:
            if prelude:
                parsed.append((prelude + ";", None, None))
        elif prelude.startswith(SKIPPED_AT_RULES):
            continue
        elif prelude.startswith(NESTED_AT_RULES):
            parsed.append((prelude, None, _parsed(block)))
        elif prelude.startswith("@"):
            parsed.append((f"{prelude}{{{block}}}", None, None))
        else:
            requirements = tuple(_requirements(selector) for selector in _split_selectors(prelude))
            parsed.append((f"{prelude}{{{block}}}", requirements, None))
    return tuple(parsed)


def prune_css(css, classes, ids, tags):
    """``css`` with only the rules that may apply to a document of these classes, ids and tags."""
    return "".join(_prune(_parsed(css), classes, ids, tags))


def _prune(parsed, classes, ids, tags):
    for text, requirements, nested in parsed:
        if nested is not None:
            inner = "".join(_prune(nested, classes, ids, tags))
            if inner:
                yield f"{text}{{{inner}}}"
        elif requirements is None or any(
            need_classes <= classes and need_ids <= ids and need_tags <= tags
            for need_classes, need_ids, need_tags in requirements
        ):
            yield text
