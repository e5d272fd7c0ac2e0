"""Run `make demo` on a fresh database and check what a new user would: the home page and the
guide answer 200, and the admin login that `make demo` printed gets into the Wagtail admin."""

import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = os.environ.get("DEMO_PORT", "8765")
BASE = f"http://127.0.0.1:{PORT}"


def main():
    (ROOT / "var").mkdir(exist_ok=True)
    database = ROOT / "var" / "ci-demo.sqlite3"
    database.unlink(missing_ok=True)
    log_path = ROOT / "var" / "ci-demo.log"
    env = {**os.environ, "PORT": PORT, "DATABASE_URL": f"sqlite:///{database}"}
    for name in ("CELERY_BROKER_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            ["make", "demo", f"PORT={PORT}"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        password = wait_for_login(log_path, server)
        english = ("/", "/how-to-get-support/", "/support-policy/", "/shop/", "/support/")
        spanish = (
            "/es/",
            "/es/como-obtener-soporte/",
            "/es/politica-de-soporte/",
            "/es/shop/",
            "/es/soporte/",
        )
        for path in english + spanish:
            status = urllib.request.urlopen(BASE + path, timeout=10).status
            print(f"GET {path} -> {status}")
            assert status == 200, path
        spanish_support = urllib.request.urlopen(BASE + "/es/soporte/", timeout=10).read().decode()
        assert '<html lang="es">' in spanish_support, "the Spanish support section is not in Spanish"
        print('GET /es/soporte/ is served with <html lang="es">')
        check_admin_login(password)
        print("admin login printed by `make demo` works")
        check_not_found_page()
        check_output_ends_with_logins(log_path)
    except Exception:
        print(log_path.read_text())
        raise
    finally:
        stop(server)


def check_not_found_page():
    """The demo runs as visitors see a site: its 404 is the site's page, not Django's debug page."""
    try:
        urllib.request.urlopen(BASE + "/no-such-page/", timeout=10)
    except urllib.error.HTTPError as error:
        body = error.read().decode()
        assert error.code == 404, error.code
        assert "URLconf" not in body and "Page not found" in body, body[:500]
        print("GET /no-such-page/ -> 404, the site's own page")
    else:
        raise AssertionError("/no-such-page/ answered 200")


def check_output_ends_with_logins(log_path):
    """The logins come last, beside the address; e-mails go to files, not into the terminal."""
    text = log_path.read_text()
    setup_output = text[: text.index("Customer login:")]
    assert "Subject:" not in setup_output, "make demo printed e-mails before the logins"
    assert "Serving the example site on" in setup_output[setup_output.index("Demo content is ready.") :]
    print("make demo prints the logins last and keeps its e-mails in files")


def stop(server):
    """Stop `make demo` and its runserver. Django's autoreloader can hang for good when SIGTERM lands
    while it waits for its child (a lock in `subprocess` is never released), so it is killed after a while."""
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(20)
    except subprocess.TimeoutExpired:
        print("make demo did not stop on SIGTERM within 20 s; killed")
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(20)


def wait_for_login(log_path, server, timeout=600):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = log_path.read_text()
        match = re.search(r"user: admin\s+password: (\S+)", text)
        if match and server_answers():
            return match.group(1)
        if server.poll() is not None:
            raise RuntimeError("make demo stopped early")
        time.sleep(0.5)
    raise RuntimeError("make demo did not serve the site in time")


def server_answers():
    try:
        urllib.request.urlopen(BASE + "/", timeout=2)
        return True
    except OSError:
        return False


def check_admin_login(password):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(BASE + "/admin/login/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": "admin", "password": password, "next": "/admin/"}
    ).encode()
    login_url = BASE + "/admin/login/"
    request = urllib.request.Request(login_url, data=data, headers={"Referer": login_url})
    response = opener.open(request, timeout=10)
    body = response.read().decode()
    assert response.geturl().rstrip("/").endswith("/admin"), response.geturl()
    assert "Dashboard" in body or "Welcome to" in body, "the login did not reach the admin dashboard"


if __name__ == "__main__":
    sys.exit(main())
