"""Where audio and manifests live: the local store, the S3 store, manifests, claims, pruning.

The door of this stage: what the other stages and web/ may use."""

from reader.lazy import lazy_door

__all__ = [
    "ChunkInfo",
    "Claim",
    "LocalStore",
    "Manifest",
    "ManifestEntry",
    "Progress",
    "Store",
    "article_object",
    "atomic_write",
    "cache_stats",
    "chunk_object",
    "claim_owner",
    "default_cache_dir",
    "join_words",
    "open_store",
    "pid_alive",
    "prune_cache",
    "s3_missing",
    "s3_precondition_failed",
    "storage_error",
    "temp_prefix",
]

__getattr__, __dir__ = lazy_door(
    __name__,
    {
        "reader.store.claims": ("Claim", "claim_owner"),
        "reader.store.keys": ("ChunkInfo", "article_object", "chunk_object"),
        "reader.store.local": ("LocalStore", "default_cache_dir"),
        "reader.store.protocol": ("Store",),
        "reader.store.manifest": ("Manifest", "ManifestEntry", "Progress", "join_words"),
        "reader.store.opening": ("open_store",),
        "reader.store.prune": ("cache_stats", "prune_cache"),
        "reader.store.s3_client": ("s3_missing", "s3_precondition_failed"),
        "reader.store.writes": ("atomic_write", "pid_alive", "storage_error", "temp_prefix"),
    },
)
