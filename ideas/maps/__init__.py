"""Value-stream maps: the processes staff work in, drawn as current and future states.

A part of the ``ideas`` app with its own models, pages, URLs (namespace ``maps``) and live socket.
``calc`` and ``drawing`` are plain Python with no ORM; the models keep the ``ideas`` app label.
"""
