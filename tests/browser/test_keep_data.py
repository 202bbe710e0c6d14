"""The home screen guards the phone's data: install to keep it, days at risk, storage nearly full."""

import pytest

from tests.browser.conftest import fill_model, shot, sign_in

pytestmark = pytest.mark.browser

# A browser that does not keep our storage, offers installation, and has little space left;
# the test drives what a real phone's browser decides.
STORAGE_STUB = """
(() => {
  const state = { persisted: false, asked: 0, prompted: 0, usage: 95e6, quota: 100e6 };
  window.__storage = state;
  const storage = navigator.storage;
  storage.persisted = async () => state.persisted;
  // Installed, the browser grants persistence only to a page that asks for it again.
  storage.persist = async () => { state.asked += 1; if (state.installed) state.persisted = true; return state.persisted; };
  storage.estimate = async () => ({ usage: state.usage, quota: state.quota });
})();
"""

OFFER_INSTALL = """
() => {
  const offer = new Event("beforeinstallprompt", { cancelable: true });
  offer.prompt = async () => { window.__storage.prompted += 1; window.__storage.installed = true; };
  offer.userChoice = Promise.resolve({ outcome: "accepted" });
  dispatchEvent(offer);
  return offer.defaultPrevented;
}
"""


def test_home_guides_installation_and_warns_of_data_at_risk(new_phone):
    page = new_phone()
    page.add_init_script(STORAGE_STUB)
    sign_in(page)
    page.wait_for_selector("[data-testid=keep-data]")
    card = page.inner_text("[data-testid=keep-data]")
    assert "Bộ nhớ máy gần đầy" in card
    assert "menu ⋮" in page.inner_text("[data-testid=install-how]")

    page.context.set_offline(True)
    fill_model(page, "Mô hình giữ gìn an ninh bản Huồi Pủng")
    page.evaluate("() => { location.hash = '#/'; }")
    page.wait_for_selector("[data-testid=data-at-risk]")
    assert "1 bản ghi chưa đồng bộ" in page.inner_text("[data-testid=data-at-risk]")

    assert page.evaluate(OFFER_INSTALL) is True  # our button, not the browser's infobar
    page.wait_for_selector('[data-action="install"]')
    shot(page, "home-keep-data")
    page.evaluate("() => { window.__storage.usage = 10e6; }")
    page.click('[data-action="install"]')
    page.wait_for_function("() => !document.querySelector('[data-testid=keep-data]')")
    stats = page.evaluate("() => window.__storage")
    assert stats["prompted"] == 1 and stats["asked"] >= 2  # asked again after installing
    assert page.errors == []
