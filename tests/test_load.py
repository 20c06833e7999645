"""Many users at once, and many reruns: a real server under load, on loopback.

* Load: 20 headless-Chromium sessions (separate browser contexts) open
  different shared links at the same time and each moves a control. Every
  session must show its own state (no leakage), none an exception; the median
  and p95 time from the control change to the finished rerun are reported
  (``artifacts/load.json``), not asserted against a clock.
* Soak: a few hundred visits with random settings against one server; its
  resident memory after the soak stays within `SOAK_GROWTH_MB` of where it was
  after warm-up (every cache is bounded by ``max_entries``).

Both are bounded in count and time and stop by themselves.
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics

import psutil
import pytest
from harness import CHROMIUM_ARGS, ROOT, StreamlitServer, require_chromium

pytestmark = pytest.mark.browser

SESSIONS = 20
SOAK_VISITS = 200
SOAK_PARALLEL = 4
#: Allowed growth of the server's resident memory over the soak, after warm-up.
SOAK_GROWTH_MB = 200
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
WATCH = """() => {
  const el = document.querySelector('[data-testid="stApp"]');
  window.__sawRun = false; window.__done = null;
  new MutationObserver(() => {
    const s = el.getAttribute('data-test-script-state');
    if (s === 'running') window.__sawRun = true;
    if (window.__sawRun && s === 'notRunning' && window.__done === null) window.__done = performance.now();
  }).observe(el, {attributes: true, attributeFilter: ['data-test-script-state']});
  return performance.now();
}"""


def _link(i: int) -> tuple[str, int, int]:
    depth, seed = 2 + i % 5, 100 + i
    return f"/?depth={depth}&epochs={20 + 10 * (i % 3)}&seed={seed}", depth, seed


def _depth_thumb(page):
    return page.locator('[data-testid="stSlider"]').filter(has_text="Hidden layers").locator(
        'input[type="range"]'
    )


async def _depth_of(page) -> int:
    return int(await _depth_thumb(page).input_value())


async def _seed_of(page) -> int:
    box = page.locator('[data-testid="stNumberInput"] input').first
    return round(float(await box.input_value()))


async def _session(browser, base: str, i: int) -> dict:
    link, depth, seed = _link(i)
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(180_000)
    page = await context.new_page()
    try:
        await page.goto(base + link, wait_until="domcontentloaded")
        await page.locator('[data-testid="stMetric"]').first.wait_for()
        await page.wait_for_selector(IDLE)
        opened = (await _depth_of(page), await _seed_of(page))
        # Move a control: one step right on the depth slider.
        t0 = await page.evaluate(WATCH)
        await _depth_thumb(page).focus()
        await page.keyboard.press("ArrowRight")
        await page.wait_for_function("() => window.__done !== null", timeout=120_000)
        done = await page.evaluate("() => window.__done")
        after = (await _depth_of(page), await _seed_of(page))
        exceptions = await page.locator('[data-testid="stException"]').count()
        return {"i": i, "expected": (depth, seed), "opened": opened, "after": after,
                "latency": (done - t0) / 1000, "exceptions": exceptions, "url": page.url}
    finally:
        await context.close()


async def _run_load(base: str, path: str) -> list[dict]:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        try:
            return await asyncio.wait_for(
                asyncio.gather(*(_session(browser, base, i) for i in range(SESSIONS))), timeout=600
            )
        finally:
            await browser.close()


def test_twenty_concurrent_sessions_keep_their_own_state() -> None:
    path = require_chromium()
    with StreamlitServer() as server:
        results = asyncio.run(_run_load(server.url, path))
    for r in results:
        depth, seed = r["expected"]
        assert r["exceptions"] == 0, r
        assert r["opened"] == (depth, seed), r
        assert r["after"] == (depth + 1, seed), r
        assert f"depth={depth + 1}" in r["url"] and f"seed={seed}" in r["url"], r
    latencies = sorted(r["latency"] for r in results)
    report = {
        "sessions": SESSIONS,
        "median_s": statistics.median(latencies),
        "p95_s": latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))],
        "max_s": latencies[-1],
    }
    out = ROOT / "artifacts" / "load.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(f"\nload: {report}")


def _random_link(rng: random.Random) -> str:
    if rng.random() < 0.8:
        return (f"/?depth={rng.randint(2, 5)}&epochs={rng.choice([20, 30])}"
                f"&seed={rng.randint(0, 9999)}&width={rng.choice([8, 16])}"
                + ("&lang=ko" if rng.random() < 0.3 else ""))
    return "/?" + rng.choice(["depth=abc", "seed=1e999", "hide=all", "width=17&lang=xx"])


def _rss_mb(pid: int) -> float:
    proc = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)]) / 2**20


async def _visit_all(base: str, path: str, links: list[str]) -> int:
    from playwright.async_api import async_playwright

    errors = 0
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        queue: asyncio.Queue[str] = asyncio.Queue()
        for link in links:
            queue.put_nowait(link)

        async def worker() -> None:
            nonlocal errors
            context = await browser.new_context()
            context.set_default_timeout(180_000)
            page = await context.new_page()
            while not queue.empty():
                link = queue.get_nowait()
                await page.goto(base + link, wait_until="domcontentloaded")
                await page.locator('[data-testid="stMetric"]').first.wait_for()
                await page.wait_for_selector(IDLE)
                errors += await page.locator('[data-testid="stException"]').count()
            await context.close()

        try:
            await asyncio.wait_for(asyncio.gather(*(worker() for _ in range(SOAK_PARALLEL))), 900)
        finally:
            await browser.close()
    return errors


def test_soak_memory_stays_bounded() -> None:
    path = require_chromium()
    rng = random.Random(7)
    with StreamlitServer() as server:
        assert server.proc is not None
        warm = [_random_link(rng) for _ in range(30)]
        assert asyncio.run(_visit_all(server.url, path, warm)) == 0
        after_warmup = _rss_mb(server.proc.pid)
        soak = [_random_link(rng) for _ in range(SOAK_VISITS)]
        assert asyncio.run(_visit_all(server.url, path, soak)) == 0
        after_soak = _rss_mb(server.proc.pid)
    report = {"visits": SOAK_VISITS, "rss_after_warmup_mb": round(after_warmup, 1),
              "rss_after_soak_mb": round(after_soak, 1), "bound_mb": SOAK_GROWTH_MB}
    (ROOT / "artifacts").mkdir(exist_ok=True)
    (ROOT / "artifacts" / "soak.json").write_text(json.dumps(report, indent=2))
    print(f"\nsoak: {report}")
    assert after_soak - after_warmup < SOAK_GROWTH_MB, report
