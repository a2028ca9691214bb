"""The app's defaults; every key can be set in instance/config.py or as READER_<KEY>.

``READER_CORS_ORIGINS='["https://news.example"]'`` is parsed as JSON by
``from_prefixed_env``, so lists and numbers need no special code.
"""

from __future__ import annotations

from typing import Any

DEFAULTS: dict[str, Any] = {
    # Where audio, manifests and progress live; READER_CACHE_DIR as for the CLI.
    "CACHE_DIR": None,
    # Render options used when a request names none.
    "BACKEND": None,  # None: the best offline voice installed for the article's language (piper, else pyttsx3)
    "VOICE": None,
    "RATE": None,
    # A backend for chunks the chosen one fails after its retries (e.g. "pyttsx3" behind gTTS); None: fail.
    "FALLBACK_BACKEND": None,
    # Largest request body (pasted HTML or text): larger gets 413.
    "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,
    # Sites allowed to call the API from their pages (the embed script). Empty: same origin only.
    "CORS_ORIGINS": [],
    # Renders running at once in this process; past it, new renders get 503 with Retry-After. With
    # READER_QUEUE_URL: renders queued or running on the queue, over every server (one limit for all).
    "RENDER_QUEUE_LIMIT": 8,
    # Write requests (POST, refresh, DELETE) per client address per minute; past it, 429. 0 turns it off.
    # With READER_QUEUE_URL counted in Redis (a moving window), so every server shares one limit.
    "RATE_LIMIT_PER_MINUTE": 60,
    # How long an audio request waits for a chunk that is still rendering, in seconds.
    "STREAM_WAIT_SECONDS": 120.0,
    # Live streams (audio of renders in progress) at once per process; each holds a server thread until
    # its render ends, so past it 503 + Retry-After. None: the server's threads less two (0: no limit).
    # With READER_QUEUE_URL a number counts every server's live streams in Redis (slots expire 30 s
    # after a dead server's last heartbeat); each process still keeps its threads less two.
    "LIVE_STREAM_LIMIT": None,
    # Hand finished audio files to a front proxy: "" (serve them here), "x-accel" (nginx) or "x-sendfile";
    # or, with the S3 store, "presigned": redirect to a short-lived signed URL of the object.
    "AUDIO_OFFLOAD": "",
    # With "x-accel": the internal nginx location that maps to CACHE_DIR.
    "ACCEL_PREFIX": "/_reader_cache/",
    # Cache-Control max-age for audio whose URL names its revision (it never changes).
    "AUDIO_MAX_AGE": 31536000,
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host to trust (0: none). Behind
    # nginx set 1, so rate limits count listeners, not the proxy.
    "TRUSTED_PROXIES": 0,
    # Start renders in background threads of this process (False: a queue worker renders them).
    "RENDER_IN_PROCESS": True,
    # Bearer token for changes and costly or private endpoints: POST, refresh, DELETE, the library form,
    # /preview, choosing a backend (gtts sends the text to Google) and /metrics. READER_API_TOKEN=... ;
    # requests without "Authorization: Bearer <token>" get 401. Reads stay anonymous (pages, audio,
    # captions, the feed, the embed's lookup and its render request for ALLOWED_HOSTS).
    "API_TOKEN": None,
    # Let anyone make changes without the token (`reader serve --open`, READER_OPEN=true): for a demo or
    # a private network. Off by default: with neither a token nor OPEN, changes get 403 saying so.
    "OPEN": False,
    # Hosts whose pages the embed may ask this server to fetch and read anonymously, e.g.
    # ["news.example", "*.news.example", "127.0.0.1:8080"] (separate from CORS_ORIGINS, which says
    # which pages may call the API at all). Empty: the embed only plays what a token holder published.
    "ALLOWED_HOSTS": [],
    # Log lines of `reader serve`: "json" (one object a line) or "text" (key=value); and the level
    # ("info" adds one line per request with its id, status and time).
    "LOG_FORMAT": "json",
    "LOG_LEVEL": "warning",
    # The library's podcast feed (/feed.xml): the show's details. Its links start with FEED_BASE_URL
    # (set it on a public server: "https://listen.example/"); unset, with the address `reader serve` was
    # started on (SERVER_URL, set by the server), never with a request's Host header. The artwork is
    # drawn from the title unless FEED_IMAGE names a square cover.
    "FEED_TITLE": "Article reader",
    "FEED_DESCRIPTION": None,
    "FEED_AUTHOR": None,
    "FEED_OWNER_NAME": None,
    "FEED_OWNER_EMAIL": None,
    "FEED_LANGUAGE": "en",
    "FEED_CATEGORY": "News",
    "FEED_EXPLICIT": False,
    "FEED_COPYRIGHT": None,
    "FEED_IMAGE": None,
    "FEED_BASE_URL": None,
    # Largest lead image fetched for Media Session artwork (served from this origin); 0: no artwork.
    "ARTWORK_MAX_BYTES": 2 * 1024 * 1024,
    # `reader serve` warms the render workers and the normalizer at start; /healthz answers 503 until then.
    "WARM_UP": True,
    # The article page's player marks the word being spoken inside the highlighted sentence (where the
    # backend gave word times); False: the sentence highlight only. The embed's own switch is data-words="off".
    "WORD_HIGHLIGHT": True,
    # Listening analytics (plays, 25/50/75 %, complete per article and day; no cookies, no addresses stored):
    # counted with Redis when READER_QUEUE_URL is set, else in per-process event files under CACHE_DIR/listens.
    "ANALYTICS": True,
    # Listening events one client address may send per minute; past it, 429. 0: no limit. In memory, or
    # in Redis over every server with READER_QUEUE_URL.
    "LISTENS_PER_MINUTE": 30,
    # Set by `reader serve` to the address it listens on (http://127.0.0.1:8000/): the feed's fallback.
    "SERVER_URL": None,
}
