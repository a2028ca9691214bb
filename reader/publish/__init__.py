"""Outputs for people: export, the podcast feed and static site, FEED.toml, artwork and cover,
output file names.

The door of this stage: what the other stages and web/ may use."""

from reader.lazy import lazy_door

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

__getattr__, __dir__ = lazy_door(
    __name__,
    {
        "reader.publish.artwork": ("make_artwork", "prepare_artwork"),
        "reader.publish.export": (
            "Exported",
            "ExportSettings",
            "Failed",
            "export_article",
            "export_batch",
            "read_source_list",
            "with_bitrate",
        ),
        "reader.publish.feed_template": ("write_feed_template",),
        "reader.publish.feedfile": ("add_episode",),
        "reader.publish.podcast": ("Episode", "Show", "build_feed", "episode_guid"),
        "reader.publish.podcast_site": ("build_site",),
    },
)
