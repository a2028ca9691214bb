"""The OpenAPI 3.1 description of the JSON API, served at ``/api/openapi.json``."""

from __future__ import annotations

from typing import Any

IMAGE_KINDS = ("jpeg", "png", "gif", "webp")
_ID = {
    "name": "article_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{6,80}$"},
}


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


_ERRORS = {
    "400": _error("Bad request: the body or a field is wrong"),
    "401": _error("The server has an API token and the request did not send it (Authorization: Bearer)"),
    "403": _error(
        "The server has no token and was not started with --open (read-only to strangers); or an anonymous "
        "embed request named a page outside ALLOWED_HOSTS; or the request came from another site's page"
    ),
    "413": _error("The body is larger than the server accepts"),
    "415": _error("The body is not JSON"),
    "422": _error("The source holds no article that can be spoken, or could not be fetched"),
    "429": _error("Too many requests from this client; see Retry-After"),
    "503": _error("The render queue is full or the cache is unavailable; see Retry-After"),
}


# Changes need the token (API_TOKEN); anonymous only on a server started with --open, or for the
# embed's {"url"} render request for a page on an ALLOWED_HOSTS host.
_WRITE_SECURITY: list[dict[str, list[str]]] = [{}, {"bearerAuth": []}]


def openapi_document(server_url: str) -> dict[str, Any]:
    accepted = {
        "description": "Accepted: rendering started (or the article was already rendered)",
        "headers": {"Location": {"schema": {"type": "string"}, "description": "The status URL"}},
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Accepted"}}},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Article reader API",
            "version": "1",
            "description": "Turn articles into speech: start a render, follow its progress, stream the audio.",
        },
        "servers": [{"url": server_url}],
        "paths": {
            "/api/articles": {
                "get": {
                    "summary": "The library: every article, newest first",
                    "responses": {"200": {"description": "Articles without their sentences"}},
                },
                "post": {
                    "summary": "Render an article from a URL, HTML or text",
                    "security": _WRITE_SECURITY,
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RenderRequest"}}},
                    },
                    "responses": {"202": accepted, **_ERRORS},
                },
            },
            "/api/articles/{article_id}": {
                "parameters": [_ID],
                "get": {
                    "summary": "Status, progress, metadata and sentence timings (the manifest)",
                    "responses": {
                        "200": {
                            "description": "The article",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Article"}}},
                        },
                        "404": _error("No such article"),
                    },
                },
                "delete": {
                    "summary": "Remove the article; its audio becomes prunable",
                    "security": _WRITE_SECURITY,
                    "responses": {
                        "204": {"description": "Removed"},
                        "401": _ERRORS["401"],
                        "403": _ERRORS["403"],
                        "404": _error("No such article"),
                        "429": _ERRORS["429"],
                    },
                },
            },
            "/api/articles/{article_id}/refresh": {
                "parameters": [_ID],
                "post": {
                    "summary": "Fetch the source again and re-render what changed (same id, new revision)",
                    "security": _WRITE_SECURITY,
                    "responses": {"202": accepted, "404": _error("No such article"), **_ERRORS},
                },
            },
            "/api/articles/{article_id}/audio.mp3": {
                "parameters": [
                    _ID,
                    {
                        "name": "rev",
                        "in": "query",
                        "schema": {"type": "string"},
                        "description": "The revision: makes the URL cacheable for a year",
                    },
                    {
                        "name": "download",
                        "in": "query",
                        "schema": {"type": "string"},
                        "description": "1: as an attachment",
                    },
                    {"name": "Range", "in": "header", "schema": {"type": "string"}, "example": "bytes=0-1"},
                ],
                "get": {
                    "summary": "The MP3: streamed as it renders, the finished file afterwards; Range always honoured",
                    "responses": {
                        "200": {"description": "The audio", "content": {"audio/mpeg": {}}},
                        "206": {
                            "description": "The requested range (Content-Range bytes a-b/* while rendering)",
                            "content": {"audio/mpeg": {}},
                        },
                        "304": {"description": "Not modified (ETag, Last-Modified)"},
                        "404": _error("No such article"),
                        "416": {"description": "The range starts past the end"},
                        "422": _error("The render failed"),
                        "503": _ERRORS["503"],
                    },
                },
            },
            "/api/articles/{article_id}/captions.vtt": {
                "parameters": [_ID],
                "get": {
                    "summary": "WebVTT of the sentences rendered so far",
                    "responses": {
                        "200": {"description": "Captions", "content": {"text/vtt": {}}},
                        "404": _error("No such article"),
                    },
                },
            },
            "/api/voices": {
                "get": {
                    "summary": "The voices of the installed backends, with readable names, in the menu's order",
                    "description": 'Readable names ("Joe (American English, neural)"; engine_name is the '
                    "engine's own). Order: the lang asked for and the Accept-Language languages first, then "
                    "English, then the rest by name; within a language neural voices (neural: true) first.",
                    "parameters": [
                        {"name": "backend", "in": "query", "schema": {"type": "string"}},
                        {"name": "lang", "in": "query", "schema": {"type": "string"}},
                    ],
                    "responses": {"200": {"description": "Voices"}, "400": _ERRORS["400"]},
                },
            },
            "/api/articles/{article_id}/listens": {
                "parameters": [_ID],
                "post": {
                    "summary": "Count one listening event of the player (navigator.sendBeacon)",
                    "description": "Anonymous, no cookies; bots are answered and not counted; each client address "
                    "may send LISTENS_PER_MINUTE a minute. Counted per article and day, summed over every server.",
                    "requestBody": {
                        "required": True,
                        "content": {
                            media: {"schema": {"$ref": "#/components/schemas/ListenEvent"}}
                            for media in ("text/plain", "application/json")
                        },
                    },
                    "responses": {
                        "204": {"description": "Counted (or ignored: a bot, or analytics off)"},
                        "400": _error("Not JSON, or event is not one of play, 25, 50, 75, complete"),
                        "404": _error("No such article"),
                        "413": _error("The body is over 512 bytes"),
                        "415": _error("Neither text/plain nor application/json"),
                        "429": _ERRORS["429"],
                    },
                },
            },
            "/api/stats": {
                "get": {
                    "summary": "Listening statistics: plays and how far listeners got, per article and day",
                    "security": _WRITE_SECURITY,
                    "parameters": [
                        {"name": "days", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 366}}
                    ],
                    "responses": {
                        "200": {
                            "description": "Per article (most played first) and totals, for the last `days` days (UTC)",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Stats"}}},
                        },
                        "400": _error("days is not a whole number from 1 to 366"),
                        "401": _ERRORS["401"],
                        "403": _ERRORS["403"],
                    },
                }
            },
            "/stats": {
                "get": {
                    "summary": "The statistics as a page; with API_TOKEN set, a form asks for the token",
                    "responses": {"200": {"description": "HTML"}, "403": {"description": "Read-only server"}},
                },
                "post": {
                    "summary": "The page's token form (field token; from this server's own page)",
                    "responses": {"200": {"description": "HTML"}, "401": {"description": "Wrong token"}},
                },
            },
            "/articles/{article_id}/delete": {
                "parameters": [_ID],
                "post": {
                    "summary": "The library page's delete form: removes every stored version of the article's source",
                    "description": "A form of this server's own pages (Origin or Referer must name it). With "
                    "API_TOKEN set, the form's token field must hold it.",
                    "requestBody": {
                        "content": {
                            "application/x-www-form-urlencoded": {
                                "schema": {"type": "object", "properties": {"token": {"type": "string"}}}
                            }
                        }
                    },
                    "responses": {
                        "303": {"description": "Deleted: see the library (/)"},
                        "401": {"description": "The token field is missing or wrong (shown on the library page)"},
                        "403": {"description": "Not sent from this server's page, or the server is read-only"},
                        "404": {"description": "No such article"},
                        "409": {"description": "A version of it is still rendering"},
                    },
                },
            },
            "/healthz": {
                "get": {
                    "summary": "Readiness and cache health",
                    "responses": {
                        "200": {"description": 'Ready: {"status": "ok", "ready": true, ...}'},
                        "503": {
                            "description": 'Not ready: warming up after `reader serve` started ("ready": false, '
                            '"warm_up": the steps), or the cache is not writable'
                        },
                    },
                }
            },
            "/articles/{article_id}/artwork": {
                "parameters": [_ID],
                "get": {
                    "summary": "The article's lead image, fetched once by this server (Media Session artwork)",
                    "responses": {
                        "200": {"description": "The image", "content": {f"image/{t}": {} for t in IMAGE_KINDS}},
                        "304": {"description": "Not modified (ETag)"},
                        "404": {"description": "No artwork: none, too large, not an image, or not fetchable"},
                    },
                },
            },
        },
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "Needed for writes only when the server sets API_TOKEN",
                }
            },
            "schemas": {
                "RenderRequest": {
                    "type": "object",
                    "additionalProperties": False,
                    "description": "Exactly one of url, html or text.",
                    "properties": {
                        "url": {"type": "string", "format": "uri"},
                        "html": {"type": "string"},
                        "text": {"type": "string"},
                        "backend": {"type": "string", "example": "pyttsx3"},
                        "voice": {"type": "string"},
                        "rate": {"type": "number", "exclusiveMinimum": 0},
                        "lang": {"type": "string", "example": "en"},
                        "fallback_backend": {
                            "type": "string",
                            "example": "pyttsx3",
                            "description": "Renders any chunk the backend fails after its retries.",
                        },
                    },
                },
                "Accepted": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string"},
                        "revision": {"type": "string"},
                        "status": {"type": "string", "enum": ["rendering", "complete", "failed"]},
                        "status_url": {"type": "string"},
                        "page_url": {"type": "string"},
                        "audio_url": {"type": "string"},
                    },
                },
                "Sentence": {
                    "type": "object",
                    "properties": {
                        "index": {"type": "integer"},
                        "block": {"type": "integer"},
                        "kind": {"type": "string"},
                        "written": {"type": "string"},
                        "spoken": {"type": "string"},
                        "start": {"type": ["number", "null"]},
                        "end": {"type": ["number", "null"]},
                        "words": {
                            "type": ["array", "null"],
                            "items": {"type": "integer", "minimum": 0},
                            "description": "Word-level read-along, flat triples [t, b, e, ...]: t = ms from the "
                            "sentence's start (non-decreasing), b..e = the span of `written` being read, in UTF-16 "
                            "code units (JavaScript string indices). Consecutive spoken words reading one written "
                            "span ('$3.5bn', '4 July 2025') are one triple. Null when the backend gave no word "
                            "times (gTTS, a fallback chunk without them, chunks cached before word times).",
                        },
                    },
                },
                "Article": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string"},
                        "revision": {"type": "string"},
                        "status": {"type": "string", "enum": ["rendering", "complete", "failed"]},
                        "progress": {
                            "type": "object",
                            "properties": {
                                "done": {"type": "integer"},
                                "total": {"type": "integer"},
                                "audio_seconds": {"type": "number"},
                            },
                        },
                        "duration": {"type": ["number", "null"]},
                        "estimated_duration": {"type": "number", "description": "Seconds, from the word count"},
                        "error": {"type": ["string", "null"]},
                        "title": {"type": "string"},
                        "byline": {"type": ["string", "null"]},
                        "site_name": {"type": ["string", "null"]},
                        "date": {"type": ["string", "null"]},
                        "url": {"type": ["string", "null"]},
                        "image": {"type": ["string", "null"]},
                        "lang": {"type": "string"},
                        "voice_name": {
                            "type": ["string", "null"],
                            "description": 'The voice\'s readable name ("Joe (American English, neural)"), as in '
                            "/api/voices; null when no installed engine knows the voice it was rendered with",
                        },
                        "audio_url": {"type": "string"},
                        "captions_url": {"type": "string"},
                        "sentences": {"type": "array", "items": {"$ref": "#/components/schemas/Sentence"}},
                    },
                },
                "ListenEvent": {
                    "type": "object",
                    "required": ["event"],
                    "properties": {"event": {"type": "string", "enum": ["play", "25", "50", "75", "complete"]}},
                },
                "Stats": {
                    "type": "object",
                    "properties": {
                        "since": {"type": "string", "format": "date"},
                        "until": {"type": "string", "format": "date"},
                        "days": {"type": "integer"},
                        "counting": {"type": "boolean", "description": "false: analytics are off on this server"},
                        "totals": {"type": "object", "additionalProperties": {"type": "integer"}},
                        "articles": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "id": {"type": "string"},
                                    "title": {"type": ["string", "null"], "description": "null: deleted"},
                                    "plays": {"type": "integer"},
                                    "reached": {"type": "object", "additionalProperties": {"type": "integer"}},
                                    "completion_rate": {"type": ["number", "null"]},
                                    "days": {"type": "object", "description": "ISO date -> event -> count"},
                                },
                            },
                        },
                    },
                },
                "Error": {
                    "type": "object",
                    "properties": {
                        "error": {
                            "type": "object",
                            "properties": {
                                "status": {"type": "integer"},
                                "code": {"type": "string"},
                                "message": {"type": "string"},
                            },
                        }
                    },
                },
            },
        },
    }
