"""The bench's databases: built once per size, seed and generator version, then reused.

SQLite: ``bench/data/bench-N-seedS.sqlite3``, with a stamp beside it. PostgreSQL: a database
named after its size (``bench_10k``, ``bench_1m``) on the server of ``--postgres-url``, with the
stamp as the database's comment. A stamp is written only after a complete build, so an
interrupted build is never reused; a stamp that differs (another size, seed or generator
source) means the database is dropped and built again.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import psycopg

from bench.server import ROOT, production_env

DATA = ROOT / "bench" / "data"
USERNAME = "bench"


@dataclass(frozen=True)
class Database:
    engine: str  # "sqlite" or "postgresql"
    contributions: int
    url: str
    label: str  # what the table and the JSON call it: "sqlite 100,000"
    build_seconds: float | None = None  # None: reused

    @property
    def path(self) -> Path:
        """The SQLite file (SQLite only)."""
        return Path(self.url.removeprefix("sqlite:///"))


def generator_version() -> str:
    """What the data depends on: the generator and its vocabulary, byte for byte."""
    digest = hashlib.sha256()
    for source in ("synthetic.py", "synthetic_vocabulary.py"):
        digest.update((ROOT / "bench" / source).read_bytes())
    return digest.hexdigest()


def size_label(size: int) -> str:
    """1000 -> 1k, 1000000 -> 1m: the suffix of a PostgreSQL bench database's name."""
    for unit, suffix in ((1_000_000, "m"), (1_000, "k")):
        if size % unit == 0:
            return f"{size // unit}{suffix}"
    return str(size)


def django_side(env: dict[str, str], *args: str, cwd: Path = ROOT, python: str = "") -> str:
    done = subprocess.run(
        [python or sys.executable, "-m", "bench.django_side", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"bench.django_side {args[0]} failed (exit {done.returncode})")
    return done.stdout.decode()


def _stamp(size: int, seed: int) -> dict:
    return {"contributions": size, "seed": seed, "generator": generator_version()}


def ensure_sqlite(size: int, seed: int, password: str, *, rebuild: bool = False) -> Database:
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"bench-{size}-seed{seed}.sqlite3"
    stamp_file = path.with_suffix(".json")
    url = f"sqlite:///{path}"
    stamp = _stamp(size, seed)
    fresh = not rebuild and stamp_file.exists() and path.exists()
    if fresh and json.loads(stamp_file.read_text()) == stamp:
        print(f"  reusing {path.relative_to(ROOT)}", flush=True)
        _prepare(url, size, seed, password)
        return Database("sqlite", size, url, f"sqlite {size:,}")
    for stale in (path, stamp_file, *path.parent.glob(path.name + "-*")):
        stale.unlink(missing_ok=True)
    print(f"  building {path.relative_to(ROOT)}", flush=True)
    seconds = _prepare(url, size, seed, password)
    stamp_file.write_text(json.dumps(stamp) + "\n")
    print(f"  built in {seconds:.0f} s", flush=True)
    return Database("sqlite", size, url, f"sqlite {size:,}", seconds)


def ensure_postgres(
    server_url: str, size: int, seed: int, password: str, *, rebuild: bool = False, name: str = ""
) -> Database:
    name = name or f"bench_{size_label(size)}" + ("" if seed == 1 else f"_seed{seed}")
    url = with_database(server_url, name)
    stamp = json.dumps(_stamp(size, seed), sort_keys=True)
    with psycopg.connect(with_database(server_url, "postgres"), autocommit=True) as admin:
        row = admin.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            (name,),
        ).fetchone()
        if row and row[0] == stamp and not rebuild:
            print(f"  reusing PostgreSQL database {name}", flush=True)
            _prepare(url, size, seed, password)
            return Database("postgresql", size, url, f"postgresql {size:,}")
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    print(f"  building PostgreSQL database {name}", flush=True)
    seconds = _prepare(url, size, seed, password)
    with psycopg.connect(with_database(server_url, "postgres"), autocommit=True) as admin:
        admin.execute(f"COMMENT ON DATABASE \"{name}\" IS '{stamp}'")
    print(f"  built in {seconds:.0f} s", flush=True)
    return Database("postgresql", size, url, f"postgresql {size:,}", seconds)


def copy_database(source: Database, name: str) -> Database:
    """A throw-away copy to write to (the import): a file copy, or CREATE DATABASE ... TEMPLATE."""
    if source.engine == "sqlite":
        target = DATA / f"{name}.sqlite3"
        for stale in (target, *target.parent.glob(target.name + "-*")):
            stale.unlink(missing_ok=True)
        shutil.copyfile(source.path, target)
        return Database("sqlite", source.contributions, f"sqlite:///{target}", source.label)
    parts = urllib.parse.urlsplit(source.url)
    with psycopg.connect(with_database(source.url, "postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{parts.path.lstrip("/")}"')
    return Database(
        "postgresql", source.contributions, with_database(source.url, name), source.label
    )


def drop_copy(copy: Database) -> None:
    if copy.engine == "sqlite":
        for path in (copy.path, *copy.path.parent.glob(copy.path.name + "-*")):
            path.unlink(missing_ok=True)
        return
    name = urllib.parse.urlsplit(copy.url).path.lstrip("/")
    with psycopg.connect(with_database(copy.url, "postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def with_database(url: str, name: str) -> str:
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path=f"/{name}"))


def env_for(database: Database, password: str, **extra: str) -> dict[str, str]:
    return production_env(database.url, BENCH_USERNAME=USERNAME, BENCH_PASSWORD=password, **extra)


def _prepare(url: str, size: int, seed: int, password: str) -> float:
    started = time.monotonic()
    env = production_env(url, BENCH_USERNAME=USERNAME, BENCH_PASSWORD=password)
    django_side(env, "prepare", "--contributions", str(size), "--seed", str(seed))
    return round(time.monotonic() - started, 1)
