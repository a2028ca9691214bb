"""The web app: a "Listen to this article" player, an embed script and a JSON API.

``create_app`` is an application factory (flask's tutorial shape): defaults,
then the instance folder's ``config.py``, then ``READER_*`` environment
variables, then the dict a test passes. Each feature is one blueprint; the
render service attaches with ``init_app``. Handlers never synthesize speech:
they read the store or hand work to the background renderer.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from web import analytics, api, embed, errors, feed, limits, metrics, pages, requestlog
from web.config import DEFAULTS
from web.library import Library

__all__ = ["create_app"]

log = logging.getLogger(__name__)


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: defaults < instance/config.py < READER_* environment < ``test_config``."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(DEFAULTS)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("READER")
    else:
        app.config.from_prefixed_env("READER")
        app.config.from_mapping(test_config)
    # Absolute, as the CLI resolves it: send_file would take a relative path as relative to the package.
    cache_dir = app.config.get("CACHE_DIR") or os.environ.get("READER_CACHE_DIR") or "audio_cache"
    remote = "://" in str(cache_dir)
    app.config["CACHE_DIR"] = str(cache_dir) if remote else str(Path(cache_dir).expanduser().resolve())

    if app.config.get("AUDIO_OFFLOAD") == "x-sendfile":
        app.config["USE_X_SENDFILE"] = True  # send_file answers with X-Sendfile and no body
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]
    requestlog.init_app(app)
    errors.init_app(app)
    limits.init_app(app)
    metrics.init_app(app)  # before the library, which reports its renders to it
    library_class = app.config.get("LIBRARY_CLASS") or Library
    library_class.init_app(app)
    analytics.init_app(app)
    embed.init_cors(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(embed.bp)
    app.register_blueprint(feed.bp)
    return app
