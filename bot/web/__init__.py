"""The facilitators' dashboard: a Telegram Mini App served by Flock's own Starlette app.

`init_data` checks who opened it (Telegram's signature), `pages` renders each page from the
domain's dashboard service (`facilitation/dashboard.py`), `app` routes requests to them.
"""
