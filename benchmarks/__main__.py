"""Run the benchmarks: `python -m benchmarks foundation --incidents 1000000 [--pg-url URL]`."""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, SQLite {__import__('sqlite3').sqlite_version}"


def _pg_server() -> tuple[Any, str]:
    """A durable server of our own (fsync on), on disk, for the run's length, with an empty
    database "bench"; returns the server (to stop) and the database's URL."""
    from tests.pg_server import PgCluster, PgServer, find_bindir

    bindir = find_bindir()
    if bindir is None:
        raise SystemExit("--pg needs PostgreSQL's server binaries (apt-get install postgresql)")
    server = PgServer(bindir, settings=("shared_buffers=512MB", "max_wal_size=4GB"), scratch="/var/tmp")
    server.start()
    cluster = PgCluster(server.url)
    cluster.create_database("bench")
    return server, cluster.url_for("bench")


def foundation(args: argparse.Namespace) -> None:
    print(f"machine: {_machine()}")
    targets = [] if args.only_pg else [("sqlite", None)]
    server = None
    if args.pg:
        server, args.pg_url = _pg_server()
    if args.pg_url:
        targets.append(("postgresql", args.pg_url))
    try:
        _run_targets(args, targets)
    finally:
        if server is not None:
            server.stop()


def _run_targets(args: argparse.Namespace, targets: list[tuple[str, str | None]]) -> None:
    from benchmarks import foundation as fb
    from helpdesk_tui.store.db import Database

    for engine, url in targets:
        with tempfile.TemporaryDirectory() as tmp:
            db = Database(url or f"sqlite:///{Path(tmp) / 'bench.db'}")
            ref = fb.prepare(db)
            imp = fb.bulk_import(db, ref, args.incidents)
            line = f"{engine}: bulk import of {int(imp['rows']):,} incidents: {imp['rows_per_s']:,.0f} rows/s ({imp['seconds']:.1f} s)"
            if "raw_rows_per_s" in imp:
                line += f"; raw sqlite3.executemany, no indexes: {imp['raw_rows_per_s']:,.0f} rows/s"
            print(line, flush=True)
            if args.requests:
                req = fb.request_import(db, ref, args.requests)
                print(f"{engine}: bulk import of {int(req['rows']):,} service requests and {int(req['approvals']):,} "
                      f"approvals (the demo catalog's items): {req['rows_per_s']:,.0f} requests/s "
                      f"({req['seconds']:.1f} s)", flush=True)
            print(f"\n| {engine} tab | rows | count | page p50 ms | page p95 ms | count p50 ms | count p95 ms |")
            print("|---|---:|---:|---:|---:|---:|---:|")
            for r in fb.dashboards(db, ref["analyst"], repeat=args.repeat):
                print(f"| {r['tab']} | {r['rows']} | {r['count']:,} | {r['page_p50']:.2f} | {r['page_p95']:.2f} "
                      f"| {r['count_p50']:.2f} | {r['count_p95']:.2f} |", flush=True)
            print()
            db.dispose()


def sla(args: argparse.Namespace) -> None:
    from benchmarks import foundation as fb
    from benchmarks import sla as sb
    from helpdesk_tui.store.db import Database

    print(f"machine: {_machine()}")
    # This VM's speed drifts by a third from one second to the next: nine rounds, best and median.
    rounds = sorted(sb.pure_states(args.open)["seconds"] for _ in range(9))
    print(f"SLA state (domain only) for {args.open:,} open incidents: best {rounds[0]:.2f} s, "
          f"median {rounds[4]:.2f} s, worst {rounds[-1]:.2f} s of 9 rounds", flush=True)
    targets: list[tuple[str, str | None]] = [] if args.only_pg else [("sqlite", None)]
    server = None
    if args.pg or args.only_pg:
        server, url = _pg_server()
        targets.append(("postgresql", url))
    try:
        for engine, url in targets:
            with tempfile.TemporaryDirectory() as tmp:
                db = Database(url or f"sqlite:///{Path(tmp) / 'bench.db'}")
                ref = fb.prepare(db)
                fb.bulk_import(db, ref, args.incidents)
                full = sb.recompute_all(db)
                print(f"{engine}: load + compute + store due times of {full['incidents']:,} open incidents "
                      f"(of {args.incidents:,}): {full['seconds']:.2f} s", flush=True)
                q = sb.breaching_query(db, args.repeat)
                print(f"{engine}: breaching within 2 h ({q['rows']} rows): p50 {q['p50']:.2f} ms, p95 {q['p95']:.2f} ms",
                      flush=True)
                db.dispose()
    finally:
        if server is not None:
            server.stop()


def mail(args: argparse.Namespace) -> None:
    from benchmarks import mail as mb
    from helpdesk_tui.store.db import Database
    from tests.imap_server import DovecotServer

    print(f"machine: {_machine()}")
    if args.desk_only:
        with tempfile.TemporaryDirectory() as tmp:
            db = Database(f"sqlite:///{Path(tmp) / 'bench.db'}")
            r = mb.desk_rate(db, args.messages)
            print(f"sqlite: the desk's part alone (parsed beforehand, batches of {mb.BATCH}): {int(r['messages']):,} "
                  f"messages in {r['seconds']:.1f} s = {r['per_s']:.0f} messages/s ({r['ms_per_message']:.2f} ms each)")
            db.dispose()
        return
    server = DovecotServer()
    server.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            db = Database(f"sqlite:///{Path(tmp) / 'bench.db'}")
            r = mb.ingest_rate(db, server, args.messages)
            print(f"sqlite: Dovecot -> committed incidents: {int(r['messages']):,} messages in {r['seconds']:.1f} s = "
                  f"{r['per_s']:.0f} messages/s; stdlib parse alone (policy.default): {r['stdlib_parse_per_s']:.0f} messages/s")
            db.dispose()
    finally:
        server.stop()


def tui(args: argparse.Namespace) -> None:
    from benchmarks import tui as tb

    print(f"machine: {_machine()}")
    with tempfile.TemporaryDirectory(dir="/var/tmp") as tmp:
        path = Path(args.db) if args.db else Path(tmp) / "bench.db"
        # A process of its own, so the browsing figures below measure the app alone; a database
        # kept from before gets its jobs' round too (cheap when done: 0.2 s at 1M).
        step = "build" if not path.exists() else "settle"
        call = f"build(Path({str(path)!r}), {args.incidents}, {args.requests})" if step == "build" \
            else f"settle(Path({str(path)!r}))"
        subprocess.run([sys.executable, "-c", f"from benchmarks.tui import {step}; from pathlib import Path; {call}"],
                       check=True)
        first, starts = tb.startup(path, args.runs, args.first_runs)
        if step == "settle" and args.requests:
            print(f"(--requests {args.requests:,} is for a database built here; {path} is used as it is)")
        print(f"sqlite, {args.incidents:,} incidents, {args.requests:,} service requests, jobs on: "
              f"process start -> first painted dashboard with rows: "
              f"the very first start (empty cache: no recipe, config not checked yet): {tb.summary(first)} "
              f"[{', '.join(f'{t:.0f}' for t in first)}]; later starts: {tb.summary(starts)}", flush=True)
        if args.floor:
            for name, samples in tb.floor(args.floor).items():
                print(f"floor: {name}: {tb.summary(samples)}", flush=True)
        r = tb.browse(path, args.pages)
        print(f"tab switch, key -> new frame: {tb.summary(r['tab_frames'])}; key -> rows painted: {tb.summary(r['tab_rows'])}")
        print(f"page down, key -> new frame: {tb.summary(r['page_frames'])} (reached row {r['position']:,})")
        print(f"background jobs while browsing: {r['jobs']}")
        print(f"resident memory after browsing: {r['rss_mb']:.0f} MB")


def search(args: argparse.Namespace) -> None:
    from benchmarks import search as sb
    from helpdesk_tui.store.db import Database

    print(f"machine: {_machine()}")
    targets: list[tuple[str, Any]] = [] if args.only_pg else [("sqlite", None)]
    if args.pg or args.pg_url:
        targets.append(("postgresql", None))
    for engine, _ in targets:
        with tempfile.TemporaryDirectory(dir="/var/tmp") as tmp:
            server = None
            if engine == "sqlite":
                path = Path(args.db) if args.db else Path(tmp) / "search.db"
                reuse = path.exists()
                db = Database(f"sqlite:///{path}")
            elif args.pg_url:
                db = Database(args.pg_url)
                reuse = sb.built_already(db)
            else:
                server, url = _pg_server()
                db = Database(url)
                reuse = False
            try:
                if reuse and args.reload_knowledge:
                    print(f"{engine}: {args.articles:,} articles and {args.problems:,} problems written anew in "
                          f"{sb.load_knowledge(db, args.articles, args.problems, replace=True):.1f} s", flush=True)
                if reuse:
                    built = {"ids": sb.recall_ids(db), "articles": sb.article_ids(db)}
                    print(f"{engine}: the database built earlier at {args.pg_url if server is None and engine != 'sqlite' else args.db}",
                          flush=True)
                else:
                    built = sb.build(db, args.incidents, args.articles, args.problems)
                    print(f"{engine}: {args.incidents:,} incidents loaded and indexed in {built['load_s']:.1f} s "
                          f"(search index {sb.index_size_mb(db):.0f} MB); {args.articles:,} articles and "
                          f"{args.problems:,} problems in {built['kb_s']:.1f} s", flush=True)
                print(f"{engine}: {sb.corpus(db)}", flush=True)
                if args.build_only:
                    continue
                print(f"{engine}: tables and indexes read once in {sb.warm(db):.0f} s", flush=True)
                sb.typing_latency(db, 3)  # warm the caches the way a working day would
                sb.full_search_latency(db, 10, seed=5)
                print(f"{engine}: load average before measuring (2 cores, shared): "
                      f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
                print(f"{engine}: related items per keystroke (articles, problems, incidents): "
                      f"{sb.summary(sb.typing_latency(db))}", flush=True)
                for kind in sb.PANEL:
                    print(f"{engine}:   {kind} alone: {sb.summary(sb.typing_latency(db, kind=kind))}", flush=True)
                print(f"{engine}: full search, every match ranked, first 50: {sb.summary(sb.full_search_latency(db))}",
                      flush=True)
                for kind in ("knowledge_article", "problem"):
                    print(f"{engine}: full search of {kind}, first 50: "
                          f"{sb.summary(sb.full_search_latency(db, kind=kind))}", flush=True)
                matched, panel, full = sb.recall(db, built["ids"])
                print(f"{engine}: recall on {len(sb.RECALL)} inflected/capitalised queries: matched {matched:.0%}, "
                      f"in the panel {panel:.0%}, in the full search's first 10 {full:.0%}", flush=True)
                panel, full = sb.article_recall(db, built["articles"])
                print(f"{engine}: the same queries for the same texts as articles: in the panel's articles {panel:.0%}, "
                      f"in the article search's first 10 {full:.0%}", flush=True)
                if args.compare_morphology:
                    _compare_morphology(engine, db)
            finally:
                db.dispose()
                if server is not None:
                    server.stop()


def _compare_morphology(engine: str, db: Any) -> None:
    from benchmarks import search as sb

    print(f"{engine}: load average before the comparison: {', '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
    for mode, samples in sb.morphology_typing(db).items():
        print(f"{engine}: dictionary forms {mode}, related items per keystroke (interleaved): {sb.summary(samples)}",
              flush=True)
    for kind in ("incident", "knowledge_article"):
        for mode, samples in sb.morphology_full_search(db, kind=kind).items():
            print(f"{engine}: dictionary forms {mode}, full search of {kind} (interleaved): {sb.summary(samples)}",
                  flush=True)
    for mode in sb.MORPHOLOGY_MODES[::2]:
        with sb.morphology_mode(mode):
            matched, panel, full = sb.recall(db, sb.recall_ids(db))
        print(f"{engine}: dictionary forms {mode}, recall: matched {matched:.0%}, in the panel {panel:.0%}, "
              f"in the full search's first 10 {full:.0%}", flush=True)


def people(args: argparse.Namespace) -> None:
    from benchmarks import people as pb
    from helpdesk_tui.store.db import Database

    print(f"machine: {_machine()}")
    targets: list[str] = [] if args.only_pg else ["sqlite"]
    if args.pg or args.only_pg:
        targets.append("postgresql")
    for engine in targets:
        with tempfile.TemporaryDirectory(dir="/var/tmp") as tmp:
            server = None
            if engine == "sqlite":
                db = Database(f"sqlite:///{Path(tmp) / 'people.db'}")
            else:
                server, url = _pg_server()
                db = Database(url)
            try:
                built = pb.build(db, args.people)
                print(f"{engine}: {args.people:,} people inserted, index kept as they came, in {built['seconds']:.1f} s",
                      flush=True)
                times = pb.typing(db, built["who"], rounds=args.rounds)
                for kind, samples in times.items():
                    print(f"{engine}: caller search per keystroke, {kind}: {pb.summary(samples)}", flush=True)
            finally:
                db.dispose()
                if server is not None:
                    server.stop()


def filter_line(args: argparse.Namespace) -> None:
    from benchmarks import filter_line as fl

    print(f"machine: {_machine()}")
    with tempfile.TemporaryDirectory(dir="/var/tmp") as tmp:
        path = Path(args.db) if args.db else Path(tmp) / "filter.db"
        if not path.exists():
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", f"from benchmarks.filter_line import build; from pathlib import Path; "
                            f"build(Path({str(path)!r}), {args.incidents}, {args.people})"], check=True)
            print(f"built in {time.perf_counter() - t0:.0f} s", flush=True)
        found = fl.counts(path)
        print(f"sqlite: {found['incidents']:,} incidents, {found['people']:,} people", flush=True)
        r = fl.typing(path, args.rounds)
        for kind, samples in r["times"].items():
            print(f"sqlite: filter-line completion per keystroke, {kind}: {fl.summary(samples)}", flush=True)
        for typed, suggestion in r["suggested"].items():
            print(f"  {typed!r} -> {suggestion!r}")


def statements(args: argparse.Namespace) -> None:
    from benchmarks import statements as sb
    from helpdesk_tui.store.db import Database

    print(f"machine: {_machine()}")
    targets: list[str] = [] if args.only_pg else ["sqlite"]
    if args.pg or args.only_pg:
        targets.append("postgresql")
    for engine in targets:
        with tempfile.TemporaryDirectory(dir="/var/tmp") as tmp:
            server = None
            if engine == "sqlite":
                db = Database(f"sqlite:///{Path(tmp) / 'statements.db'}")
            else:
                server, url = _pg_server()
                db = Database(url)
            try:
                t0 = time.perf_counter()
                built = sb.build(db, incidents=args.incidents, clients=args.clients, big_tickets=args.tickets,
                                 big_entries=args.entries, other_entries=args.other_entries)
                print(f"{engine}: {args.incidents:,} incidents, {args.clients} clients, {args.entries:,} entries of the "
                      f"big client in the month on {args.tickets:,} tickets, {args.other_entries:,} other entries "
                      f"over the year; built in {time.perf_counter() - t0:.0f} s; the month: {sb.month_total(db, built)}",
                      flush=True)
                times = sb.statement_times(db, built, rounds=args.rounds)
                lines = int(times.pop("_lines")[0])
                for step, samples in times.items():
                    print(f"{engine}: {step} ({lines:,} report lines): {sb.summary(samples)}", flush=True)
                if engine == "sqlite":
                    print(f"{engine}: «Клієнти і звіти», R to the table painted: {sb.summary(sb.reports_screen(db, args.rounds))}",
                          flush=True)
            finally:
                db.dispose()
                if server is not None:
                    server.stop()


def catalog(args: argparse.Namespace) -> None:
    from benchmarks import catalog as cb
    from helpdesk_tui.store.db import Database

    print(f"machine: {_machine()}")
    targets: list[str] = [] if args.only_pg else ["sqlite"]
    if args.pg or args.only_pg:
        targets.append("postgresql")
    for engine in targets:
        with tempfile.TemporaryDirectory(dir="/var/tmp") as tmp:
            server = None
            if engine == "sqlite":
                db = Database(f"sqlite:///{Path(tmp) / 'catalog.db'}")
            else:
                server, url = _pg_server()
                db = Database(url)
            try:
                built = cb.build(db, args.items)
                print(f"{engine}: a catalog file of {args.items} items loaded in {built['load_s']:.1f} s", flush=True)
                r = cb.typing(db, built["who"], built["requesters"], rounds=args.rounds)
                for kind, samples in r["times"].items():
                    print(f"{engine}: catalog choice per keystroke, {kind}: {cb.summary(samples)}", flush=True)
                for kind, counts in r["offered"].items():
                    print(f"  offered to {kind}: " + ", ".join(f"{w!r} {n}" for w, n in counts.items()))
            finally:
                db.dispose()
                if server is not None:
                    server.stop()


def morphology(args: argparse.Namespace) -> None:
    from benchmarks import morphology as mb

    print(f"machine: {_machine()}")
    mb.main()


def portal(args: argparse.Namespace) -> None:
    from benchmarks import portal as pb
    from benchmarks.foundation import bulk_import, prepare
    from helpdesk_tui.store import migrate
    from helpdesk_tui.store.db import Database

    print(f"machine: {_machine()}")
    targets: list[str] = [] if args.only_pg else ["sqlite"]
    if args.pg or args.only_pg:
        targets.append("postgresql")
    for engine in targets:
        with tempfile.TemporaryDirectory(dir="/var/tmp") as tmp:
            server = None
            if engine == "sqlite":
                path = Path(args.db) if args.db else Path(tmp) / "portal.db"
                reuse = path.exists()
                url = f"sqlite:///{path}"
            else:
                server, url = _pg_server()
                reuse = False
            db = Database(url)
            try:
                if reuse:
                    migrate.upgrade(db)
                    print(f"{engine}: the database built earlier at {args.db}", flush=True)
                else:
                    t0 = time.perf_counter()
                    bulk_import(db, prepare(db), args.incidents)
                    print(f"{engine}: {args.incidents:,} incidents loaded in {time.perf_counter() - t0:.0f} s", flush=True)
                print(f"{engine}: load average before measuring (2 cores): "
                      f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
                first, second = pb.list_latency(db, args.rounds)
                print(f"{engine}: a caller's «Мої звернення», the whole page: {pb.summary(first)}", flush=True)
                print(f"{engine}: the next page (keyset): {pb.summary(second)}", flush=True)
                if args.seconds > 0:
                    line = pb.load(db, url, callers=args.callers, seconds=args.seconds, pause=tuple(args.pause))
                    print(f"{engine}: load: {line}", flush=True)
            finally:
                db.dispose()
                if server is not None:
                    server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    sub = parser.add_subparsers(dest="what", required=True)
    f = sub.add_parser("foundation", help="bulk import and dashboard tabs (issues 2 and 17)")
    f.add_argument("--incidents", type=int, default=1_000_000)
    f.add_argument("--requests", type=int, default=0, help="service requests besides the incidents (issue 17)")
    f.add_argument("--repeat", type=int, default=200)
    f.add_argument("--pg-url", help="also measure on this (empty) PostgreSQL database")
    f.add_argument("--pg", action="store_true", help="also measure on a PostgreSQL server started for the run")
    f.add_argument("--only-pg", action="store_true", help="skip SQLite")
    f.set_defaults(run=foundation)
    g = sub.add_parser("sla", help="SLA clocks and the breaching query (issue 3)")
    g.add_argument("--incidents", type=int, default=1_000_000)
    g.add_argument("--open", type=int, default=100_000, help="open incidents for the domain-only figure")
    g.add_argument("--repeat", type=int, default=200)
    g.add_argument("--pg", action="store_true", help="also measure on a PostgreSQL server started for the run")
    g.add_argument("--only-pg", action="store_true", help="skip SQLite")
    g.set_defaults(run=sla)
    m = sub.add_parser("mail", help="end-to-end mail ingestion from Dovecot (issue 4)")
    m.add_argument("--messages", type=int, default=2000)
    m.add_argument("--desk-only", action="store_true", help="the desk's writes alone, messages parsed beforehand")
    m.set_defaults(run=mail)
    t = sub.add_parser("tui", help="start-up, key latency and memory of the terminal interface (issue 5)")
    t.add_argument("--incidents", type=int, default=1_000_000)
    t.add_argument("--requests", type=int, default=0, help="service requests besides the incidents (issue 17)")
    t.add_argument("--runs", type=int, default=20, help="start-ups to time, with the cache a first start left")
    t.add_argument("--first-runs", type=int, default=5, help="very first start-ups to time, each with an empty cache")
    t.add_argument("--pages", type=int, default=300, help="page-down presses to time")
    t.add_argument("--floor", type=int, default=0, metavar="RUNS",
                   help="also time what any start pays here (interpreter, Textual, a bare Textual app, the store)")
    t.add_argument("--db", help="reuse (or keep) the database at this path")
    t.set_defaults(run=tui)
    q = sub.add_parser("search", help="related items while typing, full search, recall (issues 6 and 19)")
    q.add_argument("--incidents", type=int, default=1_000_000)
    q.add_argument("--articles", type=int, default=100_000, help="knowledge articles (issue 19: 100,000)")
    q.add_argument("--problems", type=int, default=10_000, help="problems (issue 19: 10,000)")
    q.add_argument("--pg", action="store_true", help="also measure on a PostgreSQL server started for the run")
    q.add_argument("--only-pg", action="store_true", help="skip SQLite")
    q.add_argument("--db", help="SQLite: reuse (or keep) the database at this path")
    q.add_argument("--pg-url", help="PostgreSQL: reuse (or build into, when empty) this database instead of "
                                    "starting a server")
    q.add_argument("--reload-knowledge", action="store_true",
                   help="with a database built earlier: write its articles and problems anew")
    q.add_argument("--build-only", action="store_true", help="build (or find) the databases, measure nothing")
    q.add_argument("--compare-morphology", action="store_true",
                   help="then the panel and the search without the dictionary forms, with those of the finished "
                        "words, and of every word, interleaved (issue 19)")
    q.set_defaults(run=search)
    c = sub.add_parser("people", help="the caller search per keystroke at 100k people (issue 16)")
    c.add_argument("--people", type=int, default=100_000)
    c.add_argument("--rounds", type=int, default=3, help="times every keystroke is timed")
    c.add_argument("--pg", action="store_true", help="also measure on a PostgreSQL server started for the run")
    c.add_argument("--only-pg", action="store_true", help="skip SQLite")
    c.set_defaults(run=people)
    fl = sub.add_parser("filter-line", help="the / filter line's completion per keystroke at 1M incidents (issue 16)")
    fl.add_argument("--incidents", type=int, default=1_000_000)
    fl.add_argument("--people", type=int, default=100_000, help="people besides the demo's (callers)")
    fl.add_argument("--rounds", type=int, default=5, help="times every keystroke is timed")
    fl.add_argument("--db", help="reuse (or keep) the database at this path")
    fl.set_defaults(run=filter_line)
    k = sub.add_parser("catalog", help="the new-request form's catalog choice per keystroke (issue 17)")
    k.add_argument("--items", type=int, default=500)
    k.add_argument("--rounds", type=int, default=3, help="times every keystroke is timed")
    k.add_argument("--pg", action="store_true", help="also measure on a PostgreSQL server started for the run")
    k.add_argument("--only-pg", action="store_true", help="skip SQLite")
    k.set_defaults(run=catalog)
    st = sub.add_parser("statements", help="a month's statement and «Клієнти і звіти» (issue 18)")
    st.add_argument("--incidents", type=int, default=100_000)
    st.add_argument("--clients", type=int, default=500)
    st.add_argument("--tickets", type=int, default=10_000, help="the big client's tickets")
    st.add_argument("--entries", type=int, default=50_000, help="the big client's entries in the month")
    st.add_argument("--other-entries", type=int, default=200_000, help="the other clients' entries over the year")
    st.add_argument("--rounds", type=int, default=5)
    st.add_argument("--pg", action="store_true", help="also measure on a PostgreSQL server started for the run")
    st.add_argument("--only-pg", action="store_true", help="skip SQLite")
    st.set_defaults(run=statements)
    mo = sub.add_parser("morphology", help="pymorphy3's Ukrainian lemmas against the stemmer: recall, speed, memory "
                                           "(issue 19)")
    mo.set_defaults(run=morphology)
    po = sub.add_parser("portal", help="the callers' portal: a caller's ticket list at 1M incidents, callers at once "
                                       "(issue 20)")
    po.add_argument("--incidents", type=int, default=1_000_000)
    po.add_argument("--rounds", type=int, default=400)
    po.add_argument("--callers", type=int, default=200)
    po.add_argument("--seconds", type=float, default=60)
    po.add_argument("--pause", type=float, nargs=2, default=[2.0, 8.0], metavar=("LOW", "HIGH"),
                    help="seconds a caller spends on a page before the next click (uniform)")
    po.add_argument("--db", help="keep (or reuse) the SQLite database here")
    po.add_argument("--pg", action="store_true", help="also on a PostgreSQL server it starts")
    po.add_argument("--only-pg", action="store_true")
    po.set_defaults(run=portal)
    args = parser.parse_args(argv)
    args.run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
