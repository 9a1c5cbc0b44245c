"""The accessibility check itself: it fails a page with a serious violation, names the rule
and the element, and lets a clean page pass."""

import pytest
from browser_support import assert_accessible


def test_a_serious_violation_fails_the_page_in_words(browser):
    page = browser.new_page()
    page.set_content(
        '<!doctype html><html lang="en"><head><title>Form</title></head><body><main>'
        '<h1>Form</h1><input type="text" id="unlabelled"></main></body></html>'
    )

    with pytest.raises(AssertionError) as failed:
        assert_accessible(page)

    words = str(failed.value)
    assert "label" in words and "#unlabelled" in words and "(critical)" in words
    page.close()


def test_a_labelled_form_passes(browser):
    page = browser.new_page()
    page.set_content(
        '<!doctype html><html lang="en"><head><title>Form</title></head><body><main>'
        '<h1>Form</h1><label for="name">Name</label><input type="text" id="name">'
        "</main></body></html>"
    )

    assert_accessible(page)
    page.close()
