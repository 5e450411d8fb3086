"""Server-rendered pages (Jinja2): the public portal, accounts and the citizen's dossiers."""
