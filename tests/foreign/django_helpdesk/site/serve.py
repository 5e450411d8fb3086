"""Start django-helpdesk on loopback for dokiem's foreign-system test; runs inside its own venv.

Prepares the database (migrations, a queue, the accounts named in the profile with passwords from
the environment), then serves the WSGI application with a threading server on 127.0.0.1 and a
free port, prints one JSON ready line, and stops on SIGTERM.
"""
import json
import os
import signal
import sys
import threading
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import ServerHandler, WSGIRequestHandler, WSGIServer, make_server

sys.path.insert(0, str(Path(__file__).parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dh_settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.staticfiles.handlers import StaticFilesHandler  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

ACCOUNTS = {  # user name -> (staff, superuser, environment variable of the password)
    "dh_user1": (False, False, "DH_PW_USER1"),
    "dh_user2": (False, False, "DH_PW_USER2"),
    "dh_locked": (False, False, "DH_PW_LOCKED"),
    "dh_staff": (True, False, "DH_PW_STAFF"),
    "dh_admin": (True, True, "DH_PW_ADMIN"),
}


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


# wsgiref names itself and the Python version in every Server header; a deployment's front
# server would not, and that is not the helpdesk's doing, so it is not left to be judged
ServerHandler.server_software = "helpdesk"


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def prepare() -> None:
    call_command("migrate", verbosity=0, interactive=False)
    from helpdesk.models import Queue

    Queue.objects.get_or_create(slug="hotro", defaults={"title": "Hỗ trợ", "allow_public_submission": True})
    users = get_user_model()
    for name, (staff, superuser, variable) in ACCOUNTS.items():
        user, _ = users.objects.get_or_create(username=name, defaults={"email": f"{name}@helpdesk.test"})
        user.is_staff, user.is_superuser = staff, superuser
        user.set_password(os.environ[variable])
        user.save()


def main() -> int:
    prepare()
    app = StaticFilesHandler(get_wsgi_application())
    server = make_server("127.0.0.1", 0, app, server_class=ThreadingServer, handler_class=QuietHandler)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown, daemon=True).start())
    print(json.dumps({"event": "ready", "url": url, "pid": os.getpid()}), flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
