"""Where audio and manifests live: the local store, the S3 store, manifests, claims, pruning.

The door of this stage: what the other stages and web/ may use."""

from reader.store.claims import Claim, claim_owner
from reader.store.local import ChunkInfo, LocalStore, atomic_write
from reader.store.manifest import Manifest, ManifestEntry, Progress
from reader.store.opening import open_store
from reader.store.prune import cache_stats, prune_cache
from reader.store.writes import pid_alive, storage_error, temp_prefix

__all__ = [
    "ChunkInfo",
    "Claim",
    "LocalStore",
    "Manifest",
    "ManifestEntry",
    "Progress",
    "atomic_write",
    "cache_stats",
    "claim_owner",
    "open_store",
    "pid_alive",
    "prune_cache",
    "storage_error",
    "temp_prefix",
]
