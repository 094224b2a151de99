"""Rendered pages kept per process (samverkan/web/page_cache.py): a page seen again with the same
data, reader and session is the same bytes without drawing it again; anything else draws anew.
Which reader sees what of a kept page is tested in test_reader_rendering.py."""

from __future__ import annotations

import re

import pytest

from conftest import csrf, login, settings_with
from meeting_fixtures import negotiation, staff  # noqa: F401 (fixtures)
from samverkan.settings import SettingsError
from samverkan.web.page_cache import PageCache, key

pytestmark = pytest.mark.usefixtures("frozen")


def _tokens(html: str) -> set[str]:
    return set(re.findall(r'name="_csrf_token" value="([^"]+)"', html))


async def test_a_page_seen_again_comes_from_the_cache_until_its_data_changes(app, client, negotiation, staff):
    cache: PageCache = app.state.page_cache
    hr = staff["hr"]
    await login(client, hr.email, hr.password)
    path = f"/moten/{negotiation['meeting']['id']}"

    first = await client.get(path)
    hits, misses = cache.hits, cache.misses
    second = await client.get(path)
    assert first.status_code == second.status_code == 200
    assert (cache.hits, cache.misses) == (hits + 1, misses)
    assert second.content == first.content and "Stadshuset, rum Ärlan" in second.text
    assert second.headers == first.headers  # type, length and the protective headers alike

    # A change the page shows is drawn anew, whoever made it and however (here the API).
    moved = await client.patch(f"/api/v1/meetings/{negotiation['meeting']['id']}",
                               json={"place": "Kulturkvarteret, sal 2"}, headers=hr.headers)
    assert moved.status_code == 200, moved.text
    third = await client.get(path)
    assert cache.misses == misses + 1
    assert "Kulturkvarteret, sal 2" in third.text and "Stadshuset, rum Ärlan" not in third.text

    # The same person in another session: its own form token in every form, not the kept page's.
    old_tokens = _tokens(third.text)
    client.cookies.clear()
    await login(client, hr.email, hr.password)
    fourth = await client.get(path)
    assert cache.misses == misses + 2
    assert _tokens(fourth.text) == {csrf(client)} != old_tokens


async def test_an_error_page_or_a_context_it_cannot_encode_is_drawn_each_time(app, client, negotiation, staff):
    cache: PageCache = app.state.page_cache
    hr = staff["hr"]
    await login(client, hr.email, hr.password)
    meeting_id = negotiation["meeting"]["id"]
    # A form sent back with its errors (422) is not kept.
    hits, misses = cache.hits, cache.misses
    for _ in range(2):
        bad = await client.post(f"/moten/{meeting_id}/deltagare", data={"person_id": "x", "role": "ordinary",
                                                                        "_csrf_token": csrf(client)})
        assert bad.status_code == 422, bad.text
    assert (cache.hits, cache.misses) == (hits, misses)

    class Opaque:  # a value msgspec cannot encode: the key cannot be made, so nothing is kept
        pass

    request = type("Request", (), {"scope": {"path": "/", "user": None, "page_status": None, "state": {}}})()
    assert key(request, "home.html", {"value": Opaque()}) is None
    assert key(request, "home.html", {"value": 1}) not in (None, key(request, "home.html", {"value": 2}))


def test_the_cache_keeps_the_most_recently_used_pages_within_its_size():
    cache = PageCache(max_bytes=100)
    cache.put(b"a", b"x" * 39)
    cache.put(b"b", b"y" * 39)
    assert cache.get(b"a") == b"x" * 39  # a is now the most recently used
    cache.put(b"c", b"z" * 39)  # over 100 bytes: b goes
    assert cache.get(b"b") is None and cache.get(b"a") and cache.get(b"c")
    assert cache.size == 80
    cache.put(b"d", b"w" * 200)  # larger than the whole cache: not kept, nothing else lost
    assert cache.get(b"d") is None and cache.size == 80


def test_the_cache_is_a_setting():
    from samverkan.app import create_app

    assert create_app(settings_with(SAMVERKAN_PAGE_CACHE_MB="0")).state.page_cache is None
    assert create_app(settings_with(SAMVERKAN_PAGE_CACHE_MB="8")).state.page_cache.max_bytes == 8 * 2**20
    with pytest.raises(SettingsError, match="^SAMVERKAN_PAGE_CACHE_MB: must be between 0 and 4096"):
        settings_with(SAMVERKAN_PAGE_CACHE_MB="5000")
