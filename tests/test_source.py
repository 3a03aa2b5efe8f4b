"""The plan's text ships byte-for-byte with its SHA-256."""

import hashlib

from kg.lists.source import SOURCE_FILE, plan_sha256, plan_text
from kg.resources import resource


def test_sha256_is_recorded_and_matches():
    data = resource("data", "source", SOURCE_FILE).read_bytes()
    assert hashlib.sha256(data).hexdigest() == plan_sha256()
    assert plan_sha256() == "70009c9cc7deec3c1f0f92b4f546ee5fed4ea298fe7730b5947a4402173c3c6c"


def test_text_is_the_plan():
    text = plan_text()
    assert len(text) == 27110
    assert text.startswith("天津市人民政府办公厅关于印发")
    assert "专栏3  打造一批创新标志区" in text
