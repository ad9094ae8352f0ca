"""The HTML application: server-rendered pages (Jinja2) that work without JavaScript."""
