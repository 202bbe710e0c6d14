"""WSGI entry point for gunicorn."""

import gc

# What is built here lives as long as the process, yet the collector would walk it at every
# full collection and again at exit (~0.2 s of CPU per worker). Build it without collecting
# (startup leaves under a thousand objects of cyclic garbage), then freeze it out of its sight.
gc.disable()
try:
    from server import create_app

    app = create_app()
finally:
    gc.freeze()
    gc.enable()
