"""The pages: server-rendered by the API's application (Jinja2), French first, offline."""
