"""The project's settings with the Redis pub/sub channel layer, for comparing fan-out in
bench/kaizen_fanout.py (``--layer pubsub``): one publish per group instead of one queued copy
per viewer."""

from __future__ import annotations

import os

from leanhub.settings import *  # noqa: F403

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {
            "hosts": [os.environ["REDIS_URL"]],
            "prefix": os.environ.get("CHANNELS_PREFIX", "leanhub"),
        },
    }
}
