"""What leaked internals and executed payloads look like: pure text and HTML tests the judges use.

Each list is a small, fixed catalogue of signatures seen in the wild (stack traces of the common
platforms, database error messages, version banners, server file paths). They only decide whether
an answer *shows* something; which answers are looked at is the scenario's business.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

# --- stack traces and debug pages ------------------------------------------------------------
STACK_TRACE = [re.compile(p) for p in (
    r"Traceback \(most recent call last\)",                  # Python
    r'File "[^"\n]+", line \d+',                             # Python frames
    r"\bat [\w$.]+\([\w$]+\.java:\d+\)",                     # Java frames
    r"java\.(lang|io|sql|util|net)\.\w+(Exception|Error)",   # Java exceptions
    r"Exception in thread \"",
    r"System\.[A-Za-z.]+Exception",                          # .NET
    r"\bin [A-Za-z]:\\[^\n]+:line \d+",                       # .NET frames
    r"Server Error in '/[^']*' Application",                 # ASP.NET yellow page
    r"(Fatal error|Parse error|Warning|Notice)(</b>)?:.{0,300} on line (<b>)?\d+",  # PHP
    r"#\d+ /[\w/.-]+\.php\(\d+\)",                           # PHP frames
    r"at (async )?[\w.$<>]+ \((file://)?/[^)\n]+:\d+:\d+\)",  # Node.js frames
    r"Stack ?trace:",
    r"Whitelabel Error Page",                                # Spring Boot
    r"Django Version:|Werkzeug Debugger|DEBUG = True",       # Python debug pages
    r"\bgoroutine \d+ \[running\]",                          # Go panics
)]

# --- versions of servers and frameworks ------------------------------------------------------
PRODUCTS = (r"Apache|nginx|openresty|Microsoft-IIS|IIS|Apache-Coyote|Tomcat|Jetty|WildFly|JBoss|WebLogic|"
            r"GlassFish|LiteSpeed|Caddy|Kestrel|PHP|OpenSSL|Express|uvicorn|gunicorn|Werkzeug|Python|Django|"
            r"Flask|FastAPI|Starlette|Spring Boot|Laravel|Node\.js|ASP\.NET|Ruby|Rails|Phusion Passenger")
VERSION_BANNER = re.compile(rf"\b({PRODUCTS})[/ ]v?\d+(\.\d+)+", re.I)
# headers that name the framework even without a version
FRAMEWORK_HEADERS = ("x-powered-by", "x-aspnet-version", "x-aspnetmvc-version", "x-generator", "x-runtime")
VERSION_HEADERS = ("server", "via")

# --- database errors ---------------------------------------------------------------------------
SQL_ERRORS = [re.compile(p, re.I) for p in (
    r"You have an error in your SQL syntax",
    r"SQL syntax.{0,80}MySQL",
    r"Warning.{0,40}\bmysqli?_",
    r"MySqlException|valid MySQL result",
    r"PostgreSQL.{0,80}ERROR",
    r"\bPG::[A-Z]\w+",
    r"\bpsycopg2?\.\w+",
    r"ERROR:\s+syntax error at or near",
    r"unterminated quoted string",
    r"\bORA-\d{5}\b",
    r"quoted string not properly terminated",
    r"Microsoft (OLE DB|ODBC)[^\n]{0,80}(SQL Server|Driver)",
    r"SQLServerException|Unclosed quotation mark after the character string|Incorrect syntax near",
    r"sqlite3?\.\w*Error|SQLITE_ERROR|SQLiteException",
    r"near \"[^\"\n]*\": syntax error",
    r"unrecognized token:",
    r"SQLSTATE\[\w+\]",
    r"JDBC[^\n]{0,80}Exception|org\.hibernate\.\w+",
    r"Sequelize\w*Error|sqlalchemy\.exc\.\w+|Npgsql\w*Exception",
)]
# SQL text itself in an answer (case-sensitive: keywords as programs write them)
SQL_TEXT = [re.compile(p) for p in (
    r"\bSELECT\b[^<>\n]{1,200}\bFROM\b",
    r"\bINSERT INTO\b",
    r"\bUPDATE\s+\w+\s+SET\b",
    r"\bDELETE FROM\b",
)]

# --- file paths on the server ------------------------------------------------------------------
FILE_PATHS = [re.compile(p) for p in (
    r"(/home|/var/www|/var/lib|/usr/(local/)?lib|/opt|/srv|/app|/root)/[\w./-]+\.(py|php|java|jsp|js|ts|rb|cs|go|pl|cgi|class|jar|war)\b",
    r"\b[A-Za-z]:\\[\w\\ .()-]+\.(cs|aspx?|php|java|dll|exe|config|py|js)\b",
    r"site-packages/|dist-packages/|node_modules/|WEB-INF/|\\inetpub\\",
)]


def _first(patterns, text: str) -> str | None:
    for pattern in patterns:
        found = pattern.search(text)
        if found:
            return found.group(0)[:160]
    return None


def disclosures(body: str, headers: dict | None = None) -> list[str]:
    """What an answer gives away: stack traces, versions, SQL, server paths (empty: nothing)."""
    found = []
    headers = {k.lower(): str(v) for k, v in (headers or {}).items()}
    for name in VERSION_HEADERS:
        if name in headers and re.search(r"\d+\.\d+", headers[name]):
            found.append(f"header {name}: {headers[name][:120]} (phiên bản máy chủ — server version)")
    for name in FRAMEWORK_HEADERS:
        if headers.get(name):
            found.append(f"header {name}: {headers[name][:120]} (nền tảng — framework)")
    checks = (("stack trace", STACK_TRACE), ("SQL", SQL_ERRORS + SQL_TEXT), ("file path", FILE_PATHS))
    for what, patterns in checks:
        hit = _first(patterns, body)
        if hit:
            found.append(f"{what}: {hit!r}")
    banner = VERSION_BANNER.search(body)
    if banner:
        found.append(f"version: {banner.group(0)!r}")
    return found


def database_error(body: str) -> str | None:
    """The first database error signature in an answer, or None."""
    return _first(SQL_ERRORS + SQL_TEXT, body)


# --- reflected payloads ------------------------------------------------------------------------

class _Executable(HTMLParser):
    """Collects the places in a page where a marker sits in something a browser would run."""

    def __init__(self, marker: str):
        super().__init__(convert_charrefs=True)
        self.marker = marker
        self.found: list[str] = []
        self._script: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            value = value or ""
            if self.marker not in value:
                continue
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…{self.marker}…> (trình xử lý sự kiện — event handler)")
            elif name in ("href", "src", "action", "formaction", "data") and value.strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:…{self.marker}…>")
        if tag == "script":
            self._script = []

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            code = "".join(self._script).strip()
            # a script the payload opened starts with the payload's own code; a marker inside a
            # string of the page's own script (properly escaped) does not
            if code.startswith("alert(") and self.marker in code.split(")", 1)[0]:
                self.found.append(f"<script>{code[:80]}</script> (thẻ script được chèn — injected script)")
            self._script = None


def executable_reflections(html: str, marker: str) -> list[str]:
    """Where `marker` appears unescaped in an executable context of an HTML page (empty: nowhere)."""
    if marker not in html:
        return []
    parser = _Executable(marker)
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # html.parser is lenient; a page it cannot read is judged on the raw text
        if re.search(rf"<(script|img|svg)\b[^>]*{re.escape(marker)}", html, re.I):
            return [f"unparsed page with a raw tag around {marker}"]
    return parser.found


def is_html(content_type: str | None) -> bool:
    """Whether a browser would render an answer as HTML (no type: browsers sniff, so yes)."""
    ctype = (content_type or "").lower()
    return not ctype or "html" in ctype or ("svg" in ctype and "xml" in ctype)
