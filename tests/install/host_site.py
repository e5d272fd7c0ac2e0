"""A second host site, made the way a site owner would: the package's wheel in a new virtualenv,
`wagtail start mysite`, then exactly the files of docs/snippets/ that docs/installation.md shows.

Everything lives in var/install/ (deleted and made again on each run). The site runs with
`runserver --noreload` on a free port, Celery eager and e-mail written to files (the
documented local.py), so the test needs no broker and no mail server.
"""

import email
import email.policy
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SNIPPETS = ROOT / "docs" / "snippets"
WORK = ROOT / "var" / "install"
PROJECT = "mysite"
ADMIN_USER, ADMIN_PASSWORD = "admin", "an-admin-password-for-the-test"
TEAM_EMAIL = "team@example.com"
PARTNER, PARTNER_SECRET = "shop", "a-long-random-secret-for-the-test"
PRODUCT_NAME, PRODUCT_REF = "Aurora theme", "aurora-theme"
MAIL_SEPARATOR = b"-" * 79
# The test's additions to the documented local.py: the partner webhook's secret.
LOCAL_TEST_SETTINGS = f"""
from .base import WAGTAIL_SUPPORT

WAGTAIL_SUPPORT = {{**WAGTAIL_SUPPORT, "PARTNER_WEBHOOK_SECRETS": {{"{PARTNER}": "{PARTNER_SECRET}"}}}}
"""
# Run with the site's manage.py shell: what a site owner does in the admin after support_setup.
CONFIGURE_SITE = """
import os
from django.contrib.auth import get_user_model
from wagtail.models import Site
from wagtail_support.models import SupportedProduct
from wagtail_support.purchases.models import ProductReference
from wagtail_support.sitesettings import SupportSettings

site = Site.objects.get(is_default_site=True)
site.hostname, site.port = "127.0.0.1", int(os.environ["HOST_SITE_PORT"])
site.save()
settings = SupportSettings.for_site(site)
settings.team_emails = os.environ["HOST_SITE_TEAM"]
settings.save()
product = SupportedProduct(name=os.environ["HOST_SITE_PRODUCT"], kind="theme")
product.references.add(ProductReference(reference=os.environ["HOST_SITE_PRODUCT_REF"]))
product.save()
User = get_user_model()
User.objects.create_superuser(
    os.environ["HOST_SITE_ADMIN"], "admin@example.com", os.environ["HOST_SITE_PASSWORD"]
)
print("configured", site, product)
"""
# Every admin URL without parameters, for the "no admin page answers 500" walk; not Wagtail's page
# that fails on purpose (error_test) nor log-out.
ADMIN_URLS = """
from django.urls import URLPattern, URLResolver, get_resolver

SKIP = {"wagtailadmin_error_test", "wagtailadmin_logout"}

def walk(patterns, prefix=""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, route)
        elif isinstance(entry, URLPattern) and entry.name not in SKIP and not set("<(^$\\\\") & set(route):
            yield "/" + route

for url in sorted(set(walk(get_resolver().url_patterns))):
    if url.startswith("/admin/"):
        print(url)
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def snippet(name):
    return (SNIPPETS / name).read_text()


def shell_lines(name):
    """The commands of a shell snippet, one per non-empty line, as argument lists."""
    return [shlex.split(line) for line in snippet(name).splitlines() if line.strip()]


class CommandFailed(AssertionError):
    pass


class HostSite:
    def __init__(self):
        self.work = WORK
        self.dist = WORK / "dist"
        self.venv = WORK / "venv"
        self.dir = WORK / "site"
        self.mail_dir = self.dir / "var" / "mail"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = None
        self.results = {}  # step name -> CompletedProcess, for the tests to judge
        self.timings = {}

    # -- processes --------------------------------------------------------------------------------

    def env(self, **extra):
        """A clean environment: none of the test suite's Django settings leak into the site."""
        keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE")
        env = {
            key: value
            for key, value in os.environ.items()
            if key in keep or key.startswith("PIP_") or key.lower().endswith("_proxy")
        }
        env.update(
            PIP_DISABLE_PIP_VERSION_CHECK="1",
            PYTHONDONTWRITEBYTECODE="1",
            WAGTAILADMIN_BASE_URL=self.url,
            CELERY_BROKER_URL="redis://127.0.0.1:6379/14",
        )
        env.update(extra)
        env["PATH"] = f"{self.venv / 'bin'}:{env.get('PATH', '')}"
        return env

    def run(self, step, args, *, cwd=None, check=True, timeout=600, **env):
        started = time.monotonic()
        result = subprocess.run(
            [str(arg) for arg in args],
            cwd=cwd or self.dir,
            env=self.env(**env),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        self.timings[step] = round(time.monotonic() - started, 1)
        self.results[step] = result
        if check and result.returncode:
            raise CommandFailed(
                f"{step}: {' '.join(map(str, args))} exited {result.returncode}\n"
                f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
            )
        return result

    @property
    def python(self):
        return self.venv / "bin" / "python"

    def manage(self, *args, step=None, check=True, **env):
        return self.run(
            step or f"manage {' '.join(args)}", [self.python, "manage.py", *args], check=check, **env
        )

    def run_snippet_commands(self, name, step):
        """Run a shell snippet's commands, `python` being the site's virtualenv's."""
        for number, args in enumerate(shell_lines(name), 1):
            if args[0] == "python":
                args = [self.python, *args[1:]]
            self.run(f"{step}:{number}", args)

    # -- the installation, step by step ------------------------------------------------------------

    def build(self):
        shutil.rmtree(self.work, ignore_errors=True)
        self.work.mkdir(parents=True)
        self.build_distributions()
        self.create_virtualenv()
        self.dir.mkdir()
        self.run("wagtail start", [self.venv / "bin" / "wagtail", "start", PROJECT, self.dir], cwd=self.work)
        self.check_with_only_the_app()
        self.apply_snippets()
        self.run_snippet_commands("setup.sh", "documented setup")
        self.manage(
            "shell",
            "-c",
            CONFIGURE_SITE,
            step="configure site",
            HOST_SITE_PORT=str(self.port),
            HOST_SITE_TEAM=TEAM_EMAIL,
            HOST_SITE_PRODUCT=PRODUCT_NAME,
            HOST_SITE_PRODUCT_REF=PRODUCT_REF,
            HOST_SITE_ADMIN=ADMIN_USER,
            HOST_SITE_PASSWORD=ADMIN_PASSWORD,
        )
        self.start()

    def build_distributions(self):
        self.run("build", [sys.executable, "-m", "build", "--outdir", self.dist, ROOT], cwd=ROOT, timeout=300)
        self.wheel = next(self.dist.glob("*.whl"))
        self.sdist = next(self.dist.glob("*.tar.gz"))
        self.run(
            "twine check",
            [sys.executable, "-m", "twine", "check", "--strict", self.wheel, self.sdist],
            cwd=ROOT,
        )

    def create_virtualenv(self):
        self.run("venv", [sys.executable, "-m", "venv", self.venv], cwd=self.work)
        self.run(
            "pip install",
            [self.python, "-m", "pip", "install", "--quiet", self.wheel],
            cwd=self.work,
        )

    @property
    def base_settings(self):
        return self.dir / PROJECT / "settings" / "base.py"

    def check_with_only_the_app(self):
        """Done-when 3: with only "wagtail_support" added, `check` must name every other app it needs."""
        original = self.base_settings.read_text()
        self.base_settings.write_text(original + '\nINSTALLED_APPS += ["wagtail_support"]\n')
        try:
            self.manage("check", step="check with only wagtail_support", check=False)
        finally:
            self.base_settings.write_text(original)

    def apply_snippets(self):
        """docs/installation.md, steps 2 to 5, and the documented local.py for a trial without a broker."""
        package = self.dir / PROJECT
        settings_dir = package / "settings"
        self.append(settings_dir / "base.py", snippet("installed_apps.py"), snippet("settings_base.py"))
        self.append(settings_dir / "production.py", snippet("settings_production.py"))
        (package / "celery.py").write_text(snippet("mysite/celery.py").replace("mysite", PROJECT))
        (package / "__init__.py").write_text(snippet("mysite/__init__.py"))
        urls = package / "urls.py"
        anchor = '    path("admin/", include(wagtailadmin_urls)),\n'
        text = urls.read_text()
        assert anchor in text, f"wagtail start's urls.py has changed; no line {anchor!r}"
        urls.write_text(text.replace(anchor, anchor + snippet("urls.py"), 1))
        (settings_dir / "local.py").write_text(snippet("settings_local.py") + LOCAL_TEST_SETTINGS)

    @staticmethod
    def append(path, *snippets):
        path.write_text(path.read_text() + "".join(f"\n\n{text}" for text in snippets))

    def start(self):
        self.server_log = open(self.work / "runserver.log", "w")  # noqa: SIM115 - closed in stop()
        self.server = subprocess.Popen(
            [self.python, "manage.py", "runserver", "--noreload", f"127.0.0.1:{self.port}"],
            cwd=self.dir,
            env=self.env(),
            stdout=self.server_log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                break
            try:
                urllib.request.urlopen(self.url + "/admin/login/", timeout=2)  # noqa: S310
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        raise CommandFailed(f"runserver did not start:\n{(self.work / 'runserver.log').read_text()}")

    def stop(self):
        if self.server and self.server.poll() is None:
            self.server.terminate()
            try:
                self.server.wait(10)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait(10)
        if self.server:
            self.server_log.close()

    def server_output(self):
        return (self.work / "runserver.log").read_text()

    # -- e-mail written by the file backend --------------------------------------------------------

    def mails(self):
        """Every message sent so far, oldest first, as ``email.message.EmailMessage``."""
        messages = []
        if not self.mail_dir.exists():
            return messages
        for path in sorted(self.mail_dir.iterdir(), key=lambda item: item.stat().st_mtime_ns):
            for chunk in path.read_bytes().split(MAIL_SEPARATOR):
                if chunk.strip():
                    messages.append(email.message_from_bytes(chunk.strip(), policy=email.policy.default))
        return messages

    def wait_for_mail(self, to, containing="", timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in self.mails():
                if to in message["To"] and containing in plain_text(message):
                    return message
            time.sleep(0.2)
        seen = [(m["To"], m["Subject"]) for m in self.mails()]
        raise AssertionError(f"No e-mail to {to} containing {containing!r}; sent so far: {seen}")


def plain_text(message):
    return message.get_body(("plain",)).get_content()


def links(text, base_url):
    return re.findall(re.escape(base_url) + r"[^\s\"'<>)]*", text)
