"""PyAirbyte side of tools/bench-pyairbyte.sh: airbyte-source-faker -> PyAirbyte's Postgres cache.

Prints one JSON line: {"seconds": <wall time of get_source + read>, "records": <records PyAirbyte reports>}.
"""
import json
import os
import sys
import time

import airbyte as ab
from airbyte.caches import PostgresCache

count = int(os.environ["BENCH_COUNT"])
streams = os.environ["BENCH_STREAMS"].split(",")
started = time.perf_counter()
source = ab.get_source(
    "source-faker",
    config={"count": count, "seed": 1},
    local_executable=os.environ["FAKER_EXECUTABLE"],
)
source.select_streams(streams)
cache = PostgresCache(
    host="127.0.0.1",
    port=int(os.environ["PG_PORT"]),
    username="postgres",
    password="unused",  # the test server trusts postgres on loopback
    database=os.environ["PG_DATABASE"],
    schema_name="pyairbyte",
)
result = source.read(cache=cache, force_full_refresh=True)
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "records": result.processed_records}), flush=True)
sys.exit(0)
