"""A private Dovecot IMAP server for the tests and the benchmark (Debian's ``dovecot-imapd``).

Its own config under ``var/``: its own port on 127.0.0.1, plain-text log-in from a passwd-file, Maildir
under ``var/``, no systemd, no TLS. Run as root, the mail belongs to the system's ``mail`` user (Dovecot
refuses uid 0 for mail); else to the user running the tests.
"""

import os
import pwd
import shutil
import socket
import subprocess
import time
from pathlib import Path

DOVECOT = shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None)
USER = "support@example.com"
PASSWORD = "imap-test-password"  # noqa: S105 - a throw-away server on 127.0.0.1

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
instance_name = wagtail-support-{name}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
log_path = {root}/dovecot.log
mail_location = maildir:{root}/mail/%n
first_valid_uid = 1
mail_uid = {uid}
mail_gid = {gid}
mail_fsync = never
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%n
}}
service imap-login {{
  inet_listener imap {{
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
namespace inbox {{
  inbox = yes
  separator = /
}}
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def mail_owner():
    if os.getuid() != 0:
        return os.getuid(), os.getgid()
    entry = pwd.getpwnam("mail")
    return entry.pw_uid, entry.pw_gid


class Dovecot:
    """``Dovecot(root).start()`` ... ``.stop()``; ``host``, ``port``, ``user``, ``password`` to log in."""

    host = "127.0.0.1"
    user = USER
    password = PASSWORD

    def __init__(self, root, name="test"):
        self.root = Path(root)
        self.name = name
        self.port = free_port()
        self.process = None

    def start(self, timeout=15):
        if DOVECOT is None:
            raise FileNotFoundError("dovecot is not installed (apt-get install dovecot-imapd)")
        shutil.rmtree(self.root, ignore_errors=True)
        uid, gid = mail_owner()
        for folder in ("run", "state", "mail", "home"):
            (self.root / folder).mkdir(parents=True, exist_ok=True)
        for folder in ("mail", "home"):
            os.chown(self.root / folder, uid, gid)
        config = self.root / "dovecot.conf"
        config.write_text(CONFIG.format(root=self.root, name=self.name, uid=uid, gid=gid, port=self.port))
        (self.root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
        self.process = subprocess.Popen(  # noqa: S603 - our own binary and config
            [DOVECOT, "-c", str(config), "-F"],
            stdout=subprocess.DEVNULL,
            stderr=open(self.root / "stderr.log", "wb"),  # noqa: SIM115 - lives as long as the server
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with socket.create_connection((self.host, self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"dovecot did not start: {self.log()}")

    def log(self):
        parts = [self.root / "stderr.log", self.root / "dovecot.log"]
        return "\n".join(path.read_text()[-2000:] for path in parts if path.exists())

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def settings(self, **extra):
        """``WAGTAIL_SUPPORT["INBOUND_IMAP"]`` for this server."""
        return {
            "HOST": self.host,
            "PORT": self.port,
            "USER": self.user,
            "PASSWORD": self.password,
            "SSL": False,
            **extra,
        }

    def mailbox(self, folder="INBOX"):
        from imap_tools import MailBoxUnencrypted

        return MailBoxUnencrypted(self.host, self.port).login(self.user, self.password, initial_folder=folder)

    def append(self, raw, folder="INBOX"):
        """Put one message into ``folder`` by IMAP APPEND, as a mail server delivers it."""
        with self.mailbox(folder) as mailbox:
            mailbox.append(raw, folder, dt=None, flag_set=[])

    def uids(self, folder="INBOX"):
        with self.mailbox() as mailbox:
            if not mailbox.folder.exists(folder):
                return []
            mailbox.folder.set(folder)
            return mailbox.uids("UNDELETED")
