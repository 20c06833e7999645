"""Two replicas behind a real HAProxy: sticky sessions, and a replica that dies.

``deploy/replicas.sh 2 PORT`` starts two ``streamlit run dashboard.py``
processes on loopback and Debian's HAProxy in front of them with
``deploy/haproxy.cfg`` (the file ``deploy/compose.yaml`` uses). Eight headless
Chromium contexts, each its own visitor with its own cookies, open eight
different shared links (five pages, two languages, two sections of one page),
and each moves one control. Then:

* every context shows its own link's values and its own move (no state leaks
  between sessions, whichever replica serves them);
* both replicas serve sessions: each context's ``SERVERID`` cookie names a
  replica (HAProxy's ``show stat`` maps cookie values to servers), both names
  occur, and HAProxy counted sessions on both;
* one replica is killed (SIGKILL, a crash). Its sessions lose their WebSocket,
  reconnect through the balancer, get the survivor's cookie and are run there:
  each shows the same widget values, the same texts, the same number of
  charts and the same URL as before, and no exception. The survivor's sessions
  never notice. One of the moved sessions is also reloaded (a visitor pressing
  F5): a brand-new session built from the URL alone shows the same view.

Skips when HAProxy or Chromium is missing, and fails instead when
``REQUIRE_BROWSER=1`` (CI installs both, ``.ci/run``).

Two fast checks keep the Docker topology honest where Docker cannot run:
``haproxy -c`` accepts ``deploy/haproxy.cfg`` in both of its modes (slots filled
by Docker's DNS, as in ``deploy/compose.yaml``, or by ``replicas.sh``), and the
image's ``COPY`` lines bring every part of the repository the app imports or
reads.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from harness import RERUN_DONE, ROOT, WATCH_RERUN, AppPage, chromium, free_port, require_chromium

from ui.i18n import Translator, option_labels

SCRIPT = ROOT / "deploy" / "replicas.sh"
#: (path, query, control moved one step right). Cheap settings: the point is the
#: routing, not the training. Every page, both languages, two sections of one page.
LINKS = [
    ("", "depth=3&width=8&epochs=20&seed=11", "depth"),
    ("", "depth=2&width=16&epochs=30&seed=12&lang=ko", "epochs"),
    ("vanishing", "n=100&depth=4&width=8&epochs=10&seed=13", "depth"),
    ("vanishing", "view=train&n=100&depth=3&width=8&epochs=10&seed=14", "width"),
    ("dead_relu", "depth=4&epochs=20&seed=15", "depth"),
    ("shapes", "view=chain&s=2.0&seed=16", "s"),
    ("piecewise", "n=50&width=8&epochs=100&seed=17", "width"),
    ("playground", "data=xor&noise=0.1&seed=18", "noise"),
]
#: Page function: every keyed control of the sidebar and what it shows, by key
#: (Streamlit gives a widget with ``key=k`` the class ``st-key-k``).
WIDGET_VALUES = """() => {
  const out = {};
  for (const el of document.querySelectorAll('[data-testid="stSidebar"] [class*="st-key-"]')) {
    const key = [...el.classList].find(c => c.startsWith('st-key-')).slice(7);
    const sliders = [...el.querySelectorAll('input[type="range"]')];
    const inputs = [...el.querySelectorAll('input:not([type="range"])')];
    const select = el.querySelector('[data-baseweb="select"]');
    if (sliders.length) out[key] = sliders.map(s => s.getAttribute('aria-valuetext') || s.value)
                                          .join(' | ');
    else if (select) out[key] = select.innerText;
    else if (inputs.length) out[key] = inputs.map(i => i.type === 'checkbox' || i.type === 'radio'
                                                  ? String(i.checked) : i.value).join(' | ');
  }
  return out;
}"""
#: Page script: watch for the WebSocket to drop, come back and a run to follow.
WATCH_FAILOVER = """() => {
  const el = document.querySelector('[data-testid="stApp"]');
  const fo = window.__fo = {lost: false, back: false, ran: false, done: false};
  new MutationObserver((records) => {
    const conn = el.getAttribute('data-test-connection-state');
    const run = el.getAttribute('data-test-script-state');
    if (conn !== 'CONNECTED') fo.lost = true;
    else if (fo.lost) fo.back = true;
    // A quick run can start and end between two callbacks: its record still says so.
    if (fo.back && (run === 'running' || records.some(r => r.attributeName === 'data-test-script-state'
                                                           && r.oldValue === 'running'))) fo.ran = true;
    if (fo.ran && run === 'notRunning') fo.done = true;
  }).observe(el, {attributes: true, attributeOldValue: true,
                  attributeFilter: ['data-test-connection-state', 'data-test-script-state']});
}"""


def _require_haproxy() -> str:
    path = shutil.which("haproxy")
    if path is None:
        reason = "no `haproxy` on PATH (Debian: apt-get install haproxy; .ci/run installs it)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    return path


@dataclass
class Replicas:
    """``deploy/replicas.sh N PORT`` run from a test: its run directory and process."""

    n: int
    run_dir: Path
    proc: subprocess.Popen | None = None
    url: str = ""

    def __enter__(self) -> Replicas:
        port = free_port()
        ports = " ".join(str(free_port()) for _ in range(self.n))
        env = {**os.environ, "ADDRESS": "127.0.0.1", "REPLICA_PORTS": ports,
               "RUN_DIR": str(self.run_dir), "PYTHON": sys.executable}
        self.log = (self.run_dir / "replicas.out").open("w")
        # A session of its own: if the test dies, the whole group can still be stopped.
        self.proc = subprocess.Popen(["bash", str(SCRIPT), str(self.n), str(port)], cwd=ROOT, env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 150
        while not (self.run_dir / "ready").exists():
            if self.proc.poll() is not None:
                raise RuntimeError(f"replicas.sh exited early:\n{self.output()}")
            if time.monotonic() > deadline:
                self.__exit__()
                raise TimeoutError(f"replicas.sh not ready:\n{self.output()}")
            time.sleep(0.3)
        self.url = (self.run_dir / "ready").read_text().strip()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()  # the script's trap stops HAProxy and the replicas
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self.log.close()

    def output(self) -> str:
        self.log.flush()
        return (self.run_dir / "replicas.out").read_text(errors="replace")

    def pid(self, k: int) -> int:
        return int((self.run_dir / f"replica-{k}.pid").read_text())

    def stats(self) -> dict[str, dict[str, str]]:
        """HAProxy's ``show stat`` for the backend's servers, by server name."""
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(5)
            s.connect(str(self.run_dir / "haproxy.sock"))
            s.sendall(b"show stat\n")
            data = b""
            while chunk := s.recv(65536):
                data += chunk
        lines = data.decode().splitlines()
        header = lines[0].lstrip("# ").split(",")
        rows = [dict(zip(header, line.split(","), strict=False)) for line in lines[1:] if line]
        return {r["svname"]: r for r in rows
                if r["pxname"] == "replicas" and r["svname"] not in ("FRONTEND", "BACKEND")}


def _server_of(context, stats: dict[str, dict[str, str]]) -> str:
    """The replica a browser context is pinned to, by its SERVERID cookie."""
    cookies = {c["name"]: c["value"] for c in context.cookies()}
    assert "SERVERID" in cookies, cookies
    names = [name for name, row in stats.items() if row.get("cookie") == cookies["SERVERID"]]
    assert len(names) == 1, (cookies, {n: r.get("cookie") for n, r in stats.items()})
    return names[0]


def _snapshot(app: AppPage) -> dict:
    page = app.page
    return {
        "url": page.url,
        "values": page.evaluate(WIDGET_VALUES),
        "text": page.locator('[data-testid="stMain"]').inner_text(),
        "charts": page.locator('[data-testid="stVegaLiteChart"]').count(),
    }


def _check_link(snapshot: dict, query: str) -> None:
    """The page shows what its link asked for: the number of a slider or number box,
    the shown name of a select's option; the URL keeps the language and section."""
    params = dict(parse_qsl(query))
    t = Translator(params.get("lang", "en"))
    for key, value in params.items():
        if key in ("lang", "view"):
            assert f"{key}={value}" in snapshot["url"], (key, snapshot["url"])
        elif value.replace(".", "", 1).isdigit():
            assert float(snapshot["values"][key]) == float(value), (key, value, snapshot["values"])
        else:
            shown = option_labels(t, key, [value])[value]
            assert snapshot["values"][key] == shown, (key, shown, snapshot["values"])


def _settled(app: AppPage, query: str, timeout: float = 20.0) -> dict:
    """A snapshot showing what `query` asks for (the last one, failing, after `timeout`)."""
    deadline = time.monotonic() + timeout
    while True:
        snap = _snapshot(app)
        try:
            _check_link(snap, query)
            return snap
        except (AssertionError, KeyError):
            if time.monotonic() > deadline:
                raise
            app.page.wait_for_timeout(300)


def _url_params(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


@pytest.mark.slow
@pytest.mark.browser
def test_two_replicas_sticky_sessions_and_failover(tmp_path: Path) -> None:
    require_chromium()
    _require_haproxy()
    t0 = time.monotonic()
    with Replicas(2, tmp_path) as cluster, chromium() as browser:
        phases = {"started": time.monotonic() - t0}
        contexts = [browser.new_context(viewport={"width": 1280, "height": 900}) for _ in LINKS]
        apps = [AppPage(c.new_page(), cluster.url) for c in contexts]
        for app in apps:
            app.page.set_default_timeout(120_000)
        # Eight visitors arrive at once.
        for app, (path, query, _) in zip(apps, LINKS, strict=True):
            app.page.goto(f"{cluster.url}/{path}?{query}", wait_until="commit")
        for app in apps:
            app.page.wait_for_selector('[data-testid="stSidebar"] [data-testid="stPageLink"]')
            app.wait_idle()
        # A number box can paint its value a moment after the run ends: read until settled.
        opened = [_settled(app, query) for app, (_, query, _) in zip(apps, LINKS, strict=True)]
        phases["opened"] = time.monotonic() - t0

        # Each moves one control one step; the others must not see it.
        for app, (_, _, key) in zip(apps, LINKS, strict=True):
            app.page.evaluate(WATCH_RERUN)
            app.page.locator(f'[data-testid="stSidebar"] .st-key-{key} input[type="range"]').focus()
            app.page.keyboard.press("ArrowRight")
        for app in apps:
            app.page.wait_for_function(RERUN_DONE)
            app.wait_idle()
            app.wait_charts()
        before = [_snapshot(app) for app in apps]
        phases["moved"] = time.monotonic() - t0
        for app, snap, old, (_, query, key) in zip(apps, before, opened, LINKS, strict=True):
            assert app.exceptions() == 0, snap["text"]
            assert float(snap["values"][key]) > float(old["values"][key]), (key, old, snap)
            params = _url_params(snap["url"])
            assert float(params[key]) == float(snap["values"][key]), (key, snap)
            # Everything else is still the link's own.
            _check_link(snap, "&".join(f"{k}={v}" for k, v in parse_qsl(query) if k != key))
        # No two different links show the same page.
        assert len({(s["url"], s["text"]) for s in before}) == len(LINKS)

        # Both replicas served sessions, and each visitor stays on one.
        stats = cluster.stats()
        assert set(stats) == {"app1", "app2"}, stats.keys()
        servers = [_server_of(c, stats) for c in contexts]
        assert set(servers) == {"app1", "app2"}, servers
        for name in ("app1", "app2"):
            assert stats[name]["status"] == "UP", stats[name]
            assert int(stats[name]["stot"]) >= servers.count(name), stats[name]

        # One replica crashes.
        dead = max(("app1", "app2"), key=servers.count)
        alive = "app2" if dead == "app1" else "app1"
        for app in apps:
            app.page.evaluate(WATCH_FAILOVER)
        survivor_sessions = int(stats[alive]["stot"])
        os.kill(cluster.pid(int(dead[3:])), signal.SIGKILL)
        moved = [i for i, s in enumerate(servers) if s == dead]
        stayed = [i for i, s in enumerate(servers) if s == alive]
        for i in moved:
            # Reconnected through the balancer, and the page was run again there.
            apps[i].page.wait_for_function("() => window.__fo.done", timeout=120_000)
            apps[i].wait_idle()
            apps[i].wait_charts(least=before[i]["charts"])
        phases["failed_over"] = time.monotonic() - t0
        deadline = time.monotonic() + 30
        while not (stats := cluster.stats())[dead]["status"].startswith("DOWN"):
            assert time.monotonic() < deadline, stats[dead]  # health checks: every 2 s, 2 to fail
            time.sleep(0.5)
        assert int(stats[alive]["stot"]) >= survivor_sessions + len(moved), stats[alive]
        for i in moved:
            assert _server_of(contexts[i], stats) == alive, LINKS[i]
        for i in stayed:
            assert apps[i].page.evaluate("() => window.__fo.lost") is False, LINKS[i]
        after = [_snapshot(app) for app in apps]
        for i, app in enumerate(apps):
            assert app.exceptions() == 0, (LINKS[i], after[i]["text"])
            assert app.page.locator('[role="dialog"]').count() == 0, LINKS[i]
            assert after[i] == before[i], (LINKS[i], before[i], after[i])

        # A visitor on the dead replica reloads: a new session from the URL alone.
        i = moved[0]
        apps[i].open_url(before[i]["url"])
        apps[i].wait_charts(least=before[i]["charts"])
        reloaded = _snapshot(apps[i])
        assert apps[i].exceptions() == 0
        assert reloaded == before[i], (LINKS[i], before[i], reloaded)
        for context in contexts:
            context.close()
        phases["reloaded"] = time.monotonic() - t0
    print(f"\nreplicas: sessions per replica {dict((s, servers.count(s)) for s in sorted(set(servers)))}, "
          f"{len(moved)} moved from {dead}; seconds {({k: round(v, 1) for k, v in phases.items()})}")


@pytest.mark.parametrize("env", [
    {"REPLICAS": "2"},  # deploy/replicas.sh: slots filled over the admin socket
    {"REPLICAS": "3", "REPLICA_HOST": "app", "STATS_BIND": ":8404"},  # deploy/compose.yaml
], ids=["replicas.sh", "compose"])
def test_haproxy_config_is_valid_for_both_topologies(env: dict[str, str], tmp_path: Path) -> None:
    haproxy = _require_haproxy()
    inherited = {k: v for k, v in os.environ.items()
                 if k not in ("REPLICAS", "REPLICA_HOST", "STATS_BIND", "BIND")}
    env = {**inherited, "STATS_SOCKET": str(tmp_path / "s.sock"), **env}
    check = subprocess.run([haproxy, "-c", "-f", str(ROOT / "deploy" / "haproxy.cfg")],
                           env=env, capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stdout + check.stderr
    # Without REPLICAS the file refuses to start, saying why.
    bare = {k: v for k, v in env.items() if k != "REPLICAS"}
    check = subprocess.run([haproxy, "-c", "-f", str(ROOT / "deploy" / "haproxy.cfg")],
                           env=bare, capture_output=True, text=True, timeout=30)
    assert check.returncode != 0 and "REPLICAS" in check.stdout + check.stderr


def _image_sources() -> set[str]:
    """What the ``app`` stage of deploy/Dockerfile copies from the repository."""
    text = (ROOT / "deploy" / "Dockerfile").read_text()
    stage = text.split("AS app", 1)[1]
    sources: set[str] = set()
    for line in stage.splitlines():
        if m := re.match(r"COPY\s+(?!--from)(.+)\s+\S+$", line.strip()):
            sources.update(m.group(1).split())
    return sources


def test_image_copies_what_the_app_runs() -> None:
    copied = _image_sources()
    for source in copied:
        assert (ROOT / source).exists(), source
    assert {"requirements.txt", "dashboard.py", ".streamlit", "locales"} <= copied
    # Every top-level package or module that the copied code imports is copied too.
    top_level = {p.name if p.is_dir() else p.stem: p.name for p in ROOT.iterdir()
                 if (p.is_dir() and any(p.glob("*.py"))) or p.suffix == ".py"}
    files = [ROOT / "dashboard.py"] + [f for d in copied if (ROOT / d).is_dir()
                                        for f in (ROOT / d).rglob("*.py")]
    missing: set[str] = set()
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level
                     else [])
            for name in names:
                root = name.split(".")[0]
                if root in top_level and top_level[root] not in copied:
                    missing.add(f"{path.relative_to(ROOT)} imports {root}")
    assert not missing, sorted(missing)
