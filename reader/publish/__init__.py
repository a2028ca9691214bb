"""Outputs for people: export, the podcast feed and static site, FEED.toml, artwork and cover,
output file names.

The door of this stage: what the other stages and web/ may use."""

from reader.publish.artwork import make_artwork, prepare_artwork
from reader.publish.export import (
    Exported,
    ExportSettings,
    Failed,
    export_article,
    export_batch,
    read_source_list,
    with_bitrate,
)
from reader.publish.feed_template import write_feed_template
from reader.publish.feedfile import add_episode
from reader.publish.podcast import Episode, Show, build_feed, episode_guid
from reader.publish.podcast_site import build_site

__all__ = [
    "Episode",
    "ExportSettings",
    "Exported",
    "Failed",
    "Show",
    "add_episode",
    "build_feed",
    "build_site",
    "episode_guid",
    "export_article",
    "export_batch",
    "make_artwork",
    "prepare_artwork",
    "read_source_list",
    "with_bitrate",
    "write_feed_template",
]
