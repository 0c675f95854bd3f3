"""The HTTP service: a JSON API (`app.create_app`) and a server-rendered web UI (`ui`)."""
